package turso_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/turso-go/turso"
)

// exampleDir returns a fresh directory for an example's database.
func exampleDir() string {
	dir, err := os.MkdirTemp("", "turso-example")
	if err != nil {
		log.Fatal(err)
	}
	return dir
}

func Example() {
	dir := exampleDir()
	defer os.RemoveAll(dir)

	db, err := sql.Open("turso", filepath.Join(dir, "app.db")+"?_journal_mode=WAL")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	if _, err := db.Exec("CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT, joined DATETIME)"); err != nil {
		log.Fatal(err)
	}
	joined := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := db.Exec("INSERT INTO users(name, joined) VALUES (?, ?)", "ada", joined); err != nil {
		log.Fatal(err)
	}
	var name string
	var when time.Time
	if err := db.QueryRow("SELECT name, joined FROM users WHERE id = ?", 1).Scan(&name, &when); err != nil {
		log.Fatal(err)
	}
	fmt.Println(name, when)
	// Output: ada 2026-01-02 03:04:05 +0000 UTC
}

func ExampleNewConnector() {
	dir := exampleDir()
	defer os.RemoveAll(dir)

	connector, err := turso.NewConnector(filepath.Join(dir, "app.db"),
		turso.WithJournalMode("WAL"),
		turso.WithForeignKeys(true),
		turso.WithBusyTimeout(10*time.Second),
		turso.WithConnInit(func(ctx context.Context, conn driver.Conn) error {
			// Runs on every new connection of the pool.
			_, err := conn.(driver.ExecerContext).ExecContext(ctx, "PRAGMA temp_store = MEMORY", nil)
			return err
		}),
	)
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()

	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		log.Fatal(err)
	}
	fmt.Println(mode)
	// Output: wal
}

func ExampleError() {
	db, err := sql.Open("turso", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one in-memory database per connection

	if _, err := db.Exec("CREATE TABLE t(email TEXT UNIQUE); INSERT INTO t VALUES ('a@example.com')"); err != nil {
		log.Fatal(err)
	}
	_, err = db.Exec("INSERT INTO t VALUES (?)", "a@example.com")
	if errors.Is(err, turso.ErrConstraintUnique) {
		fmt.Println("already registered")
	}
	var e *turso.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code, e.ExtendedCode, e.Message)
	}
	// Output:
	// already registered
	// 19 2067 UNIQUE constraint failed: t.email
}

func ExampleDriver() {
	// The driver can be registered under another name too.
	sql.Register("turso-example", &turso.Driver{})
	db, err := sql.Open("turso-example", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT 6 * 7").Scan(&n); err != nil {
		log.Fatal(err)
	}
	fmt.Println(n)
	// Output: 42
}
