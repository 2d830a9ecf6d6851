package turso_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/turso-go/turso"
)

// exampleWALDB opens a WAL database in a temporary directory with one
// table of two accounts.
func exampleWALDB(dsnParams string) (*sql.DB, func()) {
	dir, err := os.MkdirTemp("", "turso-example")
	if err != nil {
		log.Fatal(err)
	}
	db, err := sql.Open("turso", filepath.Join(dir, "bank.db")+"?_journal_mode=WAL"+dsnParams)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER); INSERT INTO acct VALUES (1, 100), (2, 100)"); err != nil {
		log.Fatal(err)
	}
	return db, func() { db.Close(); os.RemoveAll(dir) }
}

// Two concurrent transactions write the same row: the first to commit
// wins, the other fails with ErrConflict and leaves no trace.
func ExampleBeginConcurrent() {
	db, cleanup := exampleWALDB("")
	defer cleanup()
	ctx := context.Background()

	t1, err := turso.BeginConcurrent(ctx, db)
	if err != nil {
		log.Fatal(err)
	}
	t2, err := turso.BeginConcurrent(ctx, db)
	if err != nil {
		log.Fatal(err)
	}
	t1.Exec("UPDATE acct SET bal = bal - 10 WHERE id = 1")
	t2.Exec("UPDATE acct SET bal = bal - 20 WHERE id = 1")
	fmt.Println("t1:", t1.Commit())
	err = t2.Commit()
	fmt.Println("t2 conflicts:", errors.Is(err, turso.ErrConflict))

	var bal int
	db.QueryRow("SELECT bal FROM acct WHERE id = 1").Scan(&bal)
	fmt.Println("balance:", bal)
	// Output:
	// t1: <nil>
	// t2 conflicts: true
	// balance: 90
}

// RunConcurrent runs a transaction again when it loses a conflict.
func ExampleRunConcurrent() {
	db, cleanup := exampleWALDB("")
	defer cleanup()
	err := turso.RunConcurrent(context.Background(), db, func(tx *sql.Tx) error {
		if _, err := tx.Exec("UPDATE acct SET bal = bal - 30 WHERE id = 1"); err != nil {
			return err
		}
		_, err := tx.Exec("UPDATE acct SET bal = bal + 30 WHERE id = 2")
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	var a, b int
	db.QueryRow("SELECT (SELECT bal FROM acct WHERE id = 1), (SELECT bal FROM acct WHERE id = 2)").Scan(&a, &b)
	fmt.Println(a, b)
	// Output: 70 130
}

// With _txlock=concurrent (or the WithBeginConcurrent option), every
// BeginTx of the pool begins a concurrent transaction: these two write
// rows of the same table at the same time and both commit.
func ExampleWithBeginConcurrent() {
	db, cleanup := exampleWALDB("&_txlock=concurrent")
	defer cleanup()
	t1, _ := db.Begin()
	t2, _ := db.Begin()
	t1.Exec("UPDATE acct SET bal = 1 WHERE id = 1")
	t2.Exec("UPDATE acct SET bal = 2 WHERE id = 2")
	fmt.Println(t1.Commit(), t2.Commit())
	// Output: <nil> <nil>
}
