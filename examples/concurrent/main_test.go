package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestConcurrentRuns(t *testing.T) {
	var out bytes.Buffer
	path := filepath.Join(t.TempDir(), "bank.db")
	if err := run(context.Background(), &out, path, 4, 50); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"database: " + path, "4 writers committed", "total balance 2000 (started with 2000)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestConcurrentBadPath(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, filepath.Join(t.TempDir(), "missing", "bank.db"), 2, 1); err == nil {
		t.Fatal("run in a missing directory succeeded")
	}
}
