//go:build !turso_libsql_only

package tursowasm_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	_ "github.com/turso-go/turso"
)

// TestQuickstart runs the steps of examples/quickstart (schema, a
// transaction with an upsert ... RETURNING and inserts, a join read back,
// a count), twice on one file, on Turso's engine: the DATETIME column
// scans into a time.Time, as on libSQL.
func TestQuickstart(t *testing.T) {
	db, path := openDB(t, "&_journal_mode=WAL&_foreign_keys=1")
	ctx := context.Background()
	for run, wantPosts := range []int{2, 4} {
		lines, posts, err := quickstart(ctx, db)
		if err != nil {
			t.Fatalf("run %d on %s: %v", run+1, path, err)
		}
		if posts != wantPosts {
			t.Errorf("run %d: %d posts, want %d", run+1, posts, wantPosts)
		}
		// Each run adds both posts, by the same author (the upsert
		// returns the existing id); they read back in time order.
		var want []string
		for _, line := range []string{
			"2026-11-26 09:30:00  Notes on the Analytical Engine by Ada",
			"2026-11-26 10:30:00  On Bernoulli numbers by Ada",
		} {
			for range run + 1 {
				want = append(want, line)
			}
		}
		if got := strings.Join(lines, "\n"); got != strings.Join(want, "\n") {
			t.Errorf("run %d read back:\n%s\nwant:\n%s", run+1, got, strings.Join(want, "\n"))
		}
	}
	// The foreign key holds.
	if _, err := db.Exec("INSERT INTO posts(author_id, title, published) VALUES (99, 'x', '2026-01-01')"); err == nil {
		t.Error("a post of a missing author was inserted despite _foreign_keys=1")
	}
}

// quickstart does what examples/quickstart's run does and returns the
// lines it read and the count of posts.
func quickstart(ctx context.Context, db *sql.DB) (lines []string, posts int, err error) {
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
		return nil, 0, fmt.Errorf("create schema: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	var authorID int64
	err = tx.QueryRowContext(ctx, `INSERT INTO authors(name) VALUES (?)
		ON CONFLICT(name) DO UPDATE SET name = excluded.name RETURNING id`, "Ada").Scan(&authorID)
	if err != nil {
		return nil, 0, fmt.Errorf("insert author: %w", err)
	}
	when := time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)
	for i, title := range []string{"Notes on the Analytical Engine", "On Bernoulli numbers"} {
		if _, err := tx.ExecContext(ctx, "INSERT INTO posts(author_id, title, published) VALUES (?, ?, ?)",
			authorID, title, when.Add(time.Duration(i)*time.Hour)); err != nil {
			return nil, 0, fmt.Errorf("insert post: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, 0, err
	}
	rows, err := db.QueryContext(ctx, `
		SELECT a.name, p.title, p.published
		FROM posts p JOIN authors a ON a.id = p.author_id
		ORDER BY p.published, p.id`)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var name, title string
		var published time.Time
		if err := rows.Scan(&name, &title, &published); err != nil {
			return nil, 0, err
		}
		lines = append(lines, fmt.Sprintf("%s  %s by %s", published.Format(time.DateTime), title, name))
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	err = db.QueryRowContext(ctx, "SELECT count(*) FROM posts").Scan(&posts)
	return lines, posts, err
}
