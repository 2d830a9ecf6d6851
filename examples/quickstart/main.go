// Command quickstart is the five-minute tour of turso: it creates a local
// database file, a schema, inserts rows in a transaction and reads them
// back. No server, no network, no setup:
//
//	go run ./examples/quickstart            # database in the system temp dir
//	go run ./examples/quickstart -db app.db # or wherever you like
package main

import (
	"context"
	"database/sql"
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
	path := flag.String("db", filepath.Join(os.TempDir(), "turso-quickstart.db"), "database file to create or reuse")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *path); err != nil {
		log.Fatal(err)
	}
}

// run does the tour on the database at path, writing what it does to out.
func run(ctx context.Context, out io.Writer, path string) error {
	// WAL lets readers run while a writer writes; foreign keys are off by
	// default in SQLite, so turn them on.
	db, err := sql.Open("turso", path+"?_journal_mode=WAL&_foreign_keys=1")
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(out, "database: %s\n", path)

	_, err = db.ExecContext(ctx, `
		CREATE TABLE IF NOT EXISTS authors (
			id   INTEGER PRIMARY KEY,
			name TEXT NOT NULL UNIQUE
		);
		CREATE TABLE IF NOT EXISTS posts (
			id        INTEGER PRIMARY KEY,
			author_id INTEGER NOT NULL REFERENCES authors(id),
			title     TEXT NOT NULL,
			published DATETIME NOT NULL
		)`)
	if err != nil {
		return fmt.Errorf("create schema: %w", err)
	}

	// Write in one transaction: all of it lands, or none of it.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // a no-op once committed
	var authorID int64
	err = tx.QueryRowContext(ctx, `INSERT INTO authors(name) VALUES (?)
		ON CONFLICT(name) DO UPDATE SET name = excluded.name RETURNING id`, "Ada").Scan(&authorID)
	if err != nil {
		return fmt.Errorf("insert author: %w", err)
	}
	when := time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)
	for i, title := range []string{"Notes on the Analytical Engine", "On Bernoulli numbers"} {
		if _, err := tx.ExecContext(ctx, "INSERT INTO posts(author_id, title, published) VALUES (?, ?, ?)",
			authorID, title, when.Add(time.Duration(i)*time.Hour)); err != nil {
			return fmt.Errorf("insert post: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}

	// Read it back with a join; DATETIME columns scan into time.Time.
	rows, err := db.QueryContext(ctx, `
		SELECT a.name, p.title, p.published
		FROM posts p JOIN authors a ON a.id = p.author_id
		ORDER BY p.published, p.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name, title string
		var published time.Time
		if err := rows.Scan(&name, &title, &published); err != nil {
			return err
		}
		fmt.Fprintf(out, "%s  %-32s by %s\n", published.Format(time.DateTime), title, name)
	}
	if err := rows.Err(); err != nil {
		return err
	}

	var posts int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM posts").Scan(&posts); err != nil {
		return err
	}
	fmt.Fprintf(out, "%d posts in the database (run again to add more)\n", posts)
	return nil
}
