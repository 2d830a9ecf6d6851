package main

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

	"github.com/turso-go/turso"
)

func TestSqlxRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "books.db")
	// Twice: run starts from an empty database each time.
	for i := range 2 {
		var out bytes.Buffer
		if err := run(context.Background(), &out, path); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		got := out.String()
		for _, s := range []string{
			"database: " + path,
			"Get: author 2 Terry Pratchett (email set: false)",
			"Select: 1974  The Dispossessed     Ursula K. Le Guin, added 2026-01-02 15:04:05",
			"Select: 1992  Small Gods",
			`In: ["A Wizard of Earthsea" "The Dispossessed"]`,
		} {
			if !strings.Contains(got, s) {
				t.Errorf("run %d output lacks %q:\n%s", i+1, s, got)
			}
		}
		if strings.Contains(got, "Select: 1968") { // not just "1968": the temp path may hold it
			t.Errorf("run %d: BooksSince(1970) printed a 1968 book:\n%s", i+1, got)
		}
	}
}

func TestSqlxRunBadPath(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, filepath.Join(t.TempDir(), "missing", "b.db")); err == nil {
		t.Fatal("run on a path in a missing directory succeeded")
	}
}

// openStore opens a Store on a fresh database with two authors.
func openStore(t *testing.T) (*Store, Author, Author) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	a := Author{Name: "A", Email: sql.NullString{String: "a@example.org", Valid: true}}
	b := Author{Name: "B"}
	for _, au := range []*Author{&a, &b} {
		if err := s.AddAuthor(ctx, au); err != nil {
			t.Fatal(err)
		}
	}
	return s, a, b
}

func TestStoreAuthors(t *testing.T) {
	s, a, b := openStore(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		want    Author
		wantErr error
	}{
		{"A", a, nil},
		{"B", b, nil}, // NULL email: Valid false
		{"nobody", Author{}, sql.ErrNoRows},
	}
	for _, tc := range tests {
		got, err := s.Author(ctx, tc.name)
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("Author(%q) error %v, want %v", tc.name, err, tc.wantErr)
		}
		if got != tc.want {
			t.Errorf("Author(%q) = %+v, want %+v", tc.name, got, tc.want)
		}
	}

	// A second author of the same name breaks the UNIQUE constraint: a
	// *turso.Error matching the sentinel, through sqlx and the wrapping.
	err := s.AddAuthor(ctx, &Author{Name: "A"})
	if !errors.Is(err, turso.ErrConstraintUnique) {
		t.Errorf("duplicate author: error %v, want ErrConstraintUnique", err)
	}
}

func TestStoreBooks(t *testing.T) {
	s, a, b := openStore(t)
	ctx := context.Background()
	when := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	if err := s.AddBooks(ctx, []Book{
		{AuthorID: a.ID, Title: "a1", Year: 2001, AddedAt: when},
		{AuthorID: b.ID, Title: "b1", Year: 2002, AddedAt: when},
		{AuthorID: b.ID, Title: "b2", Year: 2003, AddedAt: when.Add(time.Hour)},
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddBooks(ctx, nil); err != nil {
		t.Errorf("AddBooks(nil): %v", err)
	}

	// A batch with one bad row (an unknown author) fails on the foreign
	// key and adds nothing: the transaction rolled back.
	err := s.AddBooks(ctx, []Book{
		{AuthorID: a.ID, Title: "a2", Year: 2004, AddedAt: when},
		{AuthorID: 999, Title: "orphan", Year: 2004, AddedAt: when},
	})
	if !errors.Is(err, turso.ErrConstraintForeignKey) {
		t.Errorf("AddBooks with an unknown author: error %v, want ErrConstraintForeignKey", err)
	}

	since, err := s.BooksSince(ctx, 2002)
	if err != nil {
		t.Fatal(err)
	}
	want := []BookWithAuthor{
		{Book{ID: 2, AuthorID: b.ID, Title: "b1", Year: 2002, AddedAt: when}, "B"},
		{Book{ID: 3, AuthorID: b.ID, Title: "b2", Year: 2003, AddedAt: when.Add(time.Hour)}, "B"},
	}
	if !reflect.DeepEqual(since, want) {
		t.Errorf("BooksSince(2002) = %+v\nwant %+v", since, want)
	}

	tests := []struct {
		names   []string
		want    []string
		wantErr bool
	}{
		{[]string{"A"}, []string{"a1"}, false},
		{[]string{"A", "B"}, []string{"a1", "b1", "b2"}, false},
		{[]string{"B", "nobody"}, []string{"b1", "b2"}, false},
		{[]string{"nobody"}, nil, false},
		{nil, nil, true},
	}
	for _, tc := range tests {
		got, err := s.BooksByAuthors(ctx, tc.names...)
		if (err != nil) != tc.wantErr {
			t.Errorf("BooksByAuthors(%q) error %v, want error %v", tc.names, err, tc.wantErr)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("BooksByAuthors(%q) = %q, want %q", tc.names, got, tc.want)
		}
	}
}
