package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestQuickstartRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "quickstart.db")
	for run1, want := range []string{"2 posts in the database", "4 posts in the database"} {
		var out bytes.Buffer
		if err := run(context.Background(), &out, path); err != nil {
			t.Fatalf("run %d: %v", run1+1, err)
		}
		got := out.String()
		for _, s := range []string{"database: " + path, "Notes on the Analytical Engine", "2026-11-26 09:30:00", "by Ada", want} {
			if !strings.Contains(got, s) {
				t.Errorf("run %d output lacks %q:\n%s", run1+1, s, got)
			}
		}
	}
}

func TestQuickstartBadPath(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, filepath.Join(t.TempDir(), "missing", "dir", "q.db")); err == nil {
		t.Fatal("run on a path in a missing directory succeeded")
	}
}
