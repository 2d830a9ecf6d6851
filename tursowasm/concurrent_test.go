//go:build !turso_libsql_only

package tursowasm_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/internal/drivertest"
)

// The tests of concurrent transactions that hold on Turso's engine only:
// what its own MVCC does beyond the suite both engines pass
// (TestConcurrentSuite), and the gaps engine0_7_2 declares, pinned so that
// an engine that closes one fails here and its gap can go.

// TestConcurrentWithoutTxLock checks BeginConcurrent on a pool opened
// without _txlock=concurrent. The engine itself refuses BEGIN CONCURRENT
// outside its MVCC journal mode ("Concurrent transaction mode is only
// supported when MVCC is enabled"); the driver switches the database to
// it, for good, at the first concurrent transaction.
func TestConcurrentWithoutTxLock(t *testing.T) {
	db, path := openDB(t, "")
	drivertest.MustExec(t, db, "CREATE TABLE acct (id INTEGER PRIMARY KEY, bal INTEGER); INSERT INTO acct VALUES (1, 100), (2, 100)")
	if mode := drivertest.QueryString(t, db, "PRAGMA journal_mode"); mode != "wal" {
		t.Fatalf("journal_mode = %q before, want wal", mode)
	}
	t1, t2 := drivertest.BeginConcurrent(t, db), drivertest.BeginConcurrent(t, db)
	drivertest.MustExec(t, t1, "UPDATE acct SET bal = 1 WHERE id = 1")
	drivertest.MustExec(t, t2, "UPDATE acct SET bal = 2 WHERE id = 2")
	if err := t1.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := t2.Commit(); err != nil {
		t.Fatal(err)
	}
	if mode := drivertest.QueryString(t, db, "PRAGMA journal_mode"); mode != "mvcc" {
		t.Errorf("journal_mode = %q after, want mvcc", mode)
	}
	// A conflict is a conflict, and RunConcurrent retries it.
	t1, t2 = drivertest.BeginConcurrent(t, db), drivertest.BeginConcurrent(t, db)
	drivertest.MustExec(t, t1, "UPDATE acct SET bal = bal + 1 WHERE id = 1")
	_, err := t2.Exec("UPDATE acct SET bal = bal + 1 WHERE id = 1")
	if err == nil {
		if err := t1.Commit(); err != nil {
			t.Fatal(err)
		}
		err = t2.Commit()
	} else {
		t2.Rollback()
		if err := t1.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	if !errors.Is(err, turso.ErrConflict) {
		t.Fatalf("second writer of row 1: %v, want ErrConflict", err)
	}
	if err := turso.RunConcurrent(context.Background(), db, func(tx *sql.Tx) error {
		_, err := tx.Exec("UPDATE acct SET bal = bal + 1 WHERE id = 1")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got := drivertest.QueryInt(t, db, "SELECT bal FROM acct WHERE id = 1"); got != 3 {
		t.Errorf("bal = %d, want 3", got)
	}
	// The mode is the database's: a new pool finds it.
	db.Close()
	db2, err := sql.Open("turso", path+"?_engine=turso")
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if mode := drivertest.QueryString(t, db2, "PRAGMA journal_mode"); mode != "mvcc" {
		t.Errorf("journal_mode = %q after reopening, want mvcc", mode)
	}
	if got := drivertest.QueryInt(t, db2, "SELECT sum(bal) FROM acct"); got != 5 {
		t.Errorf("sum = %d after reopening, want 5", got)
	}
}

// TestConcurrentForeignKeyGap pins the gap ConcurrentForeignKeys: a
// parent deleted by one concurrent transaction while another inserts its
// child both commit, and the engine's foreign_key_check does not see the
// orphan. When the engine detects it, this test fails: drop the gap.
func TestConcurrentForeignKeyGap(t *testing.T) {
	db, _ := openDB(t, "&_foreign_keys=1")
	drivertest.MustExec(t, db, "CREATE TABLE parent(id INTEGER PRIMARY KEY)")
	drivertest.MustExec(t, db, "CREATE TABLE child(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES parent(id))")
	drivertest.MustExec(t, db, "INSERT INTO parent VALUES (1), (2)")
	t1, t2 := drivertest.BeginConcurrent(t, db), drivertest.BeginConcurrent(t, db)
	drivertest.MustExec(t, t1, "DELETE FROM parent WHERE id = 1")
	drivertest.MustExec(t, t2, "INSERT INTO child VALUES (1, 1)")
	err1, err2 := t2.Commit(), t1.Commit()
	if err1 != nil || err2 != nil {
		t.Fatalf("commits: %v, %v: the engine now refuses one, so the gap %q is gone: drop it", err1, err2, drivertest.ConcurrentForeignKeys)
	}
	if got := drivertest.QueryInt(t, db, "SELECT count(*) FROM child WHERE pid NOT IN (SELECT id FROM parent)"); got != 1 {
		t.Errorf("%d orphans, want the 1 of the gap", got)
	}
	if got := drivertest.RowsOf(t, db, "PRAGMA foreign_key_check"); len(got) != 0 {
		t.Errorf("foreign_key_check reports %v now: update the gap's description", got)
	}
}

// TestConcurrentPickedRowidsGap pins the gap ConcurrentPickedRowids: in
// MVCC mode the engine picks rowids from a per-table counter. The ids are
// unique and increasing and an AUTOINCREMENT id is never used twice (what
// SQLite promises), but a rolled-back insert leaves a gap, sqlite_sequence
// keeps it, and a transaction reads in sqlite_sequence its snapshot's
// counter, not its own inserts'.
func TestConcurrentPickedRowidsGap(t *testing.T) {
	db, _ := openDB(t, "&_txlock=concurrent")
	drivertest.MustExec(t, db, "CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)")
	drivertest.MustExec(t, db, "INSERT INTO a(v) VALUES ('1'), ('2'), ('3')")
	tx := drivertest.BeginConcurrent(t, db)
	if got := drivertest.QueryInt(t, tx, "INSERT INTO a(v) VALUES ('gone') RETURNING id"); got != 4 {
		t.Errorf("id %d, want 4", got)
	}
	if got := drivertest.QueryInt(t, tx, "SELECT seq FROM sqlite_sequence WHERE name = 'a'"); got != 3 {
		t.Errorf("sqlite_sequence inside the transaction: %d; the gap says 3, the snapshot's", got)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	got := drivertest.QueryInt(t, db, "INSERT INTO a(v) VALUES ('next') RETURNING id")
	if got == 4 {
		t.Fatalf("the id after a rolled-back insert is 4 again: the gap %q is gone: drop it", drivertest.ConcurrentPickedRowids)
	}
	if got != 5 {
		t.Errorf("id after a rolled-back insert: %d, want 5 (the gap)", got)
	}
	if seq := drivertest.QueryInt(t, db, "SELECT seq FROM sqlite_sequence WHERE name = 'a'"); seq != 5 {
		t.Errorf("sqlite_sequence = %d, want 5", seq)
	}
}
