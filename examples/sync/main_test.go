package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// TestSyncExampleRuns runs the example against a tursodb it starts
// ($TURSODB, which scripts/test sets; the test skips without it).
func TestSyncExampleRuns(t *testing.T) {
	if os.Getenv("TURSODB") == "" {
		t.Skip("no tursodb: $TURSODB is not set (scripts/test sets it; by hand: export TURSODB=$(scripts/tursodb))")
	}
	dir := t.TempDir()
	stop, url, err := startServer(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	var out bytes.Buffer
	if err := run(context.Background(), &out, dir, url, ""); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		`B: 1="written on A" 2="written on B"`,
		"changes pulled: true",
		`A: 1="edited on B" 2="written on B"`,
		`B: 1="edited on B" 2="written on B"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
