// Command sqlx shows github.com/jmoiron/sqlx on the "turso" driver: an
// existing sqlx program switches from mattn/go-sqlite3 by changing the
// driver name in sqlx.Open / sqlx.Connect from "sqlite3" to "turso".
//
//	go run .                 # from examples/integrations/sqlx; database in the temp dir
//	go run . -db books.db
//
// It covers struct scanning with db tags, NamedExec (one struct and a
// batch), Select, Get, sqlx.In with Rebind, and a transaction.
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

	"github.com/jmoiron/sqlx"
	_ "github.com/turso-go/turso" // registers the "turso" driver
)

func init() {
	// sqlx knows the placeholder style of the drivers it has heard of;
	// tell it that "turso" takes "?" like "sqlite3". (Without this sqlx
	// leaves "?" alone anyway, so Rebind and named queries still work.)
	sqlx.BindDriver("turso", sqlx.QUESTION)
}

// schema is the program's tables. The DATETIME column scans into
// time.Time, as with mattn/go-sqlite3.
const schema = `
CREATE TABLE IF NOT EXISTS authors (
	id    INTEGER PRIMARY KEY,
	name  TEXT NOT NULL UNIQUE,
	email TEXT
);
CREATE TABLE IF NOT EXISTS books (
	id        INTEGER PRIMARY KEY,
	author_id INTEGER NOT NULL REFERENCES authors(id),
	title     TEXT NOT NULL,
	year      INTEGER NOT NULL,
	added_at  DATETIME NOT NULL
)`

// Author is a row of authors; db tags name the columns.
type Author struct {
	ID    int64          `db:"id"`
	Name  string         `db:"name"`
	Email sql.NullString `db:"email"` // nullable column
}

// Book is a row of books.
type Book struct {
	ID       int64     `db:"id"`
	AuthorID int64     `db:"author_id"`
	Title    string    `db:"title"`
	Year     int       `db:"year"`
	AddedAt  time.Time `db:"added_at"`
}

// BookWithAuthor is the result of a join: the embedded Book's fields and
// the author's name.
type BookWithAuthor struct {
	Book
	Author string `db:"author"`
}

// Store is the program's data access, on a *sqlx.DB.
type Store struct{ db *sqlx.DB }

// Open opens (creating if needed) the database at path and its schema.
func Open(ctx context.Context, path string) (*Store, error) {
	db, err := sqlx.Open("turso", path+"?_foreign_keys=1")
	if err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create schema: %w", err)
	}
	return &Store{db: db}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// AddAuthor inserts a with NamedExec (its fields bind by db tag) and sets
// its ID.
func (s *Store) AddAuthor(ctx context.Context, a *Author) error {
	res, err := s.db.NamedExecContext(ctx, `INSERT INTO authors(name, email) VALUES (:name, :email)`, a)
	if err != nil {
		return fmt.Errorf("add author %q: %w", a.Name, err)
	}
	a.ID, err = res.LastInsertId()
	return err
}

// AddBooks inserts books in one transaction with one batch NamedExec (a
// multi-row INSERT): all of them, or none if any fails.
func (s *Store) AddBooks(ctx context.Context, books []Book) error {
	if len(books) == 0 {
		return nil
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // a no-op once committed
	_, err = tx.NamedExecContext(ctx, `INSERT INTO books(author_id, title, year, added_at)
		VALUES (:author_id, :title, :year, :added_at)`, books)
	if err != nil {
		return fmt.Errorf("add books: %w", err)
	}
	return tx.Commit()
}

// Author returns the author named name, or an error wrapping sql.ErrNoRows.
func (s *Store) Author(ctx context.Context, name string) (Author, error) {
	var a Author
	err := s.db.GetContext(ctx, &a, `SELECT id, name, email FROM authors WHERE name = ?`, name)
	if err != nil {
		return Author{}, fmt.Errorf("author %q: %w", name, err)
	}
	return a, nil
}

// BooksSince returns the books published in year or later, with their
// authors, oldest first.
func (s *Store) BooksSince(ctx context.Context, year int) ([]BookWithAuthor, error) {
	var books []BookWithAuthor
	err := s.db.SelectContext(ctx, &books, `
		SELECT b.*, a.name AS author
		FROM books b JOIN authors a ON a.id = b.author_id
		WHERE b.year >= ? ORDER BY b.year, b.id`, year)
	return books, err
}

// BooksByAuthors returns the titles of the books of the named authors,
// using sqlx.In to expand the slice into "?, ?, ..." and Rebind for the
// driver's placeholder style.
func (s *Store) BooksByAuthors(ctx context.Context, names ...string) ([]string, error) {
	if len(names) == 0 {
		return nil, errors.New("no authors given")
	}
	query, args, err := sqlx.In(`
		SELECT b.title FROM books b JOIN authors a ON a.id = b.author_id
		WHERE a.name IN (?) ORDER BY b.title`, names)
	if err != nil {
		return nil, err
	}
	var titles []string
	err = s.db.SelectContext(ctx, &titles, s.db.Rebind(query), args...)
	return titles, err
}

func main() {
	path := flag.String("db", filepath.Join(os.TempDir(), "turso-sqlx.db"), "database file to create (it is emptied first)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *path); err != nil {
		log.Fatal(err)
	}
}

// run fills a fresh database at path and prints queries over it.
func run(ctx context.Context, out io.Writer, path string) error {
	for _, f := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	s, err := Open(ctx, path)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(out, "database: %s\n", path)

	le := Author{Name: "Ursula K. Le Guin", Email: sql.NullString{String: "ursula@example.org", Valid: true}}
	pratchett := Author{Name: "Terry Pratchett"} // no email: NULL
	for _, a := range []*Author{&le, &pratchett} {
		if err := s.AddAuthor(ctx, a); err != nil {
			return err
		}
	}
	added := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	err = s.AddBooks(ctx, []Book{
		{AuthorID: le.ID, Title: "A Wizard of Earthsea", Year: 1968, AddedAt: added},
		{AuthorID: le.ID, Title: "The Dispossessed", Year: 1974, AddedAt: added},
		{AuthorID: pratchett.ID, Title: "Guards! Guards!", Year: 1989, AddedAt: added},
		{AuthorID: pratchett.ID, Title: "Small Gods", Year: 1992, AddedAt: added},
	})
	if err != nil {
		return err
	}

	a, err := s.Author(ctx, "Terry Pratchett")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Get: author %d %s (email set: %v)\n", a.ID, a.Name, a.Email.Valid)

	books, err := s.BooksSince(ctx, 1970)
	if err != nil {
		return err
	}
	for _, b := range books {
		fmt.Fprintf(out, "Select: %d  %-20s %s, added %s\n", b.Year, b.Title, b.Author, b.AddedAt.Format(time.DateTime))
	}

	titles, err := s.BooksByAuthors(ctx, "Ursula K. Le Guin")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "In: %q\n", titles)
	return nil
}
