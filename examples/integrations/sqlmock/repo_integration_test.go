package main

// Integration tests of the same Repo on a real "turso" database: what the
// mock cannot prove — that the SQL is valid, the constraints fire, NULLs
// and times round-trip, and the transaction really rolls back.

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// newTursoRepo returns a migrated Repo on a fresh database file.
func newTursoRepo(t *testing.T) *Repo {
	t.Helper()
	db, err := sql.Open("turso", filepath.Join(t.TempDir(), "todo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r := NewRepo(db)
	if err := r.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRepoIntegration(t *testing.T) {
	ctx := context.Background()
	r := newTursoRepo(t)
	if err := r.Migrate(ctx); err != nil { // idempotent
		t.Fatalf("second Migrate: %v", err)
	}
	early := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	late := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

	a, err := r.Create(ctx, "late", &late)
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Create(ctx, "undated", nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.Create(ctx, "early", &early)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || b.ID == a.ID || c.ID == b.ID {
		t.Fatalf("ids %d %d %d", a.ID, b.ID, c.ID)
	}

	// Get reads back what Create wrote: the due time and NULL, created_at.
	for _, want := range []Task{a, b, c} {
		got, err := r.Get(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !sameTask(got, want) {
			t.Errorf("Get(%d) = %+v, want %+v", want.ID, got, want)
		}
	}

	// The real UNIQUE constraint maps to ErrDuplicate.
	if _, err := r.Create(ctx, "late", nil); !errors.Is(err, ErrDuplicate) {
		t.Errorf("duplicate title: %v, want ErrDuplicate", err)
	}
	if _, err := r.Get(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(999): %v, want ErrNotFound", err)
	}

	// Ordering: by due date, undated last.
	open, err := r.ListOpen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := titles(open), []string{"early", "late", "undated"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ListOpen = %q, want %q", got, want)
	}

	// Complete is all or nothing: with a missing id, the real transaction
	// rolls back the first update.
	if err := r.Complete(ctx, c.ID, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("Complete with a missing id: %v", err)
	}
	if got, _ := r.Get(ctx, c.ID); got.Done {
		t.Error("Complete rolled back, yet the first task is done")
	}
	if err := r.Complete(ctx, c.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := r.Complete(ctx, a.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("completing a done task: %v, want ErrNotFound", err)
	}
	open, err = r.ListOpen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := titles(open); !reflect.DeepEqual(got, []string{"undated"}) {
		t.Errorf("open after Complete = %q", got)
	}
	if got, _ := r.Get(ctx, a.ID); !got.Done {
		t.Error("Done is false after Complete (BOOLEAN column)")
	}

	// A cancelled context stops the repository's calls.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.ListOpen(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("ListOpen with a cancelled context: %v", err)
	}
}

func TestTodoRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "todo.db")
	tests := []struct {
		want, notWant []string
	}{
		{ // first run: "file taxes" is completed
			want:    []string{"database: " + path, "water plants   due 2026-04-01 17:00:00", "call mum       no due date"},
			notWant: []string{"file taxes", "exists already"},
		},
		{ // second run: nothing new
			want:    []string{`"file taxes" exists already`, `"call mum" exists already`, "[ ] 2 water plants"},
			notWant: []string{"[ ] 1 file taxes"},
		},
	}
	for i, tc := range tests {
		var out bytes.Buffer
		if err := run(context.Background(), &out, path); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		got := out.String()
		for _, s := range tc.want {
			if !strings.Contains(got, s) {
				t.Errorf("run %d output lacks %q:\n%s", i+1, s, got)
			}
		}
		for _, s := range tc.notWant {
			if strings.Contains(got, s) {
				t.Errorf("run %d output has %q:\n%s", i+1, s, got)
			}
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), &out, filepath.Join(t.TempDir(), "missing", "t.db")); err == nil {
		t.Error("run on a path in a missing directory succeeded")
	}
}

// sameTask compares tasks by value, times by instant.
func sameTask(a, b Task) bool {
	if a.ID != b.ID || a.Title != b.Title || a.Done != b.Done || !a.CreatedAt.Equal(b.CreatedAt) {
		return false
	}
	if (a.Due == nil) != (b.Due == nil) {
		return false
	}
	return a.Due == nil || a.Due.Equal(*b.Due)
}

func titles(ts []Task) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Title
	}
	return out
}
