// Command sqlmock is a small to-do list whose repository (repo.go) is
// written against *sql.DB, and tested twice: unit tests with
// github.com/DATA-DOG/go-sqlmock (repo_unit_test.go: no database, exact
// SQL and arguments, every error path), and integration tests of the same
// code on a real "turso" database (repo_integration_test.go).
//
//	go run .                 # from examples/integrations/sqlmock
//	go run . -db todo.db
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"time"

	_ "github.com/turso-go/turso" // registers the "turso" driver
)

func main() {
	path := flag.String("db", filepath.Join(os.TempDir(), "turso-todo.db"), "database file to create or reuse")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *path); err != nil {
		log.Fatal(err)
	}
}

// run adds a few tasks to the database at path (once), completes one and
// lists the open ones.
func run(ctx context.Context, out io.Writer, path string) error {
	db, err := sql.Open("turso", path)
	if err != nil {
		return err
	}
	defer db.Close()
	repo := NewRepo(db)
	if err := repo.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "database: %s\n", path)

	due := time.Date(2026, 4, 1, 17, 0, 0, 0, time.UTC)
	var first int64
	for i, title := range []string{"file taxes", "water plants", "call mum"} {
		var d *time.Time
		if i < 2 {
			d = &due
		}
		t, err := repo.Create(ctx, title, d)
		if errors.Is(err, ErrDuplicate) {
			fmt.Fprintf(out, "%q exists already\n", title)
			continue
		}
		if err != nil {
			return err
		}
		if i == 0 {
			first = t.ID
		}
	}
	if first != 0 {
		if err := repo.Complete(ctx, first); err != nil {
			return err
		}
	}
	open, err := repo.ListOpen(ctx)
	if err != nil {
		return err
	}
	for _, t := range open {
		when := "no due date"
		if t.Due != nil {
			when = "due " + t.Due.Format(time.DateTime)
		}
		fmt.Fprintf(out, "[ ] %d %-14s %s\n", t.ID, t.Title, when)
	}
	return nil
}
