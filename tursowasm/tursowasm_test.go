//go:build !turso_libsql_only

package tursowasm_test

import (
	"bytes"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/tursowasm"
)

// openDB opens a database on the turso engine in a temporary directory.
func openDB(t *testing.T, params string) (*sql.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := sql.Open("turso", path+"?_engine=turso-wasm"+params)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func TestRoundTrip(t *testing.T) {
	db, path := openDB(t, "")
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, score REAL, data BLOB);
		INSERT INTO t (name, score, data) VALUES ('seed', 0.5, x'00ff')`); err != nil {
		t.Fatal(err)
	}
	res, err := db.Exec("INSERT INTO t (name, score, data) VALUES (?, ?, ?)", "alice", 1.25, []byte{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := res.LastInsertId(); id != 2 {
		t.Errorf("LastInsertId = %d, want 2", id)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Errorf("RowsAffected = %d, want 1", n)
	}
	var (
		name  string
		score float64
		data  []byte
		big   int64
	)
	err = db.QueryRow("SELECT name, score, data, ? FROM t WHERE id = ?", int64(1)<<62+1, 2).Scan(&name, &score, &data, &big)
	if err != nil {
		t.Fatal(err)
	}
	if name != "alice" || score != 1.25 || !bytes.Equal(data, []byte{1, 2, 3}) || big != 1<<62+1 {
		t.Errorf("got %q %v %v %d", name, score, data, big)
	}

	_, err = db.Exec("INSERT INTO t (name) VALUES ('alice')")
	if !errors.Is(err, turso.ErrConstraintUnique) {
		t.Errorf("duplicate insert: %v, want ErrConstraintUnique", err)
	}

	// The data is on disk: a second pool on the same file sees it.
	db.Close()
	db2, err := sql.Open("turso", path+"?_engine=turso-wasm")
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	var n int
	if err := db2.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 2 {
		t.Errorf("count after reopen = %d, %v; want 2", n, err)
	}
}

// TestTxLockConcurrent runs two BEGIN CONCURRENT transactions through
// database/sql: disjoint writes both commit, writes to one row conflict
// and the loser fails with an error that matches ErrConflict, and ErrBusy
// (the engine's code) too, and carries the engine's message.
func TestTxLockConcurrent(t *testing.T) {
	db, _ := openDB(t, "&_txlock=concurrent")
	if _, err := db.Exec("CREATE TABLE acct (id INTEGER PRIMARY KEY, bal INTEGER); INSERT INTO acct VALUES (1, 100), (2, 100)"); err != nil {
		t.Fatal(err)
	}
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "mvcc" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	tx1, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	tx2, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx1.Exec("UPDATE acct SET bal = bal - 10 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	_, err = tx2.Exec("UPDATE acct SET bal = bal + 10 WHERE id = 1")
	if err == nil {
		err = tx2.Commit()
	} else {
		tx2.Rollback()
	}
	if !errors.Is(err, turso.ErrConflict) || !errors.Is(err, turso.ErrBusy) {
		t.Errorf("conflicting write: %v, want ErrConflict and ErrBusy", err)
	}
	var ce *turso.ConflictError
	if !errors.As(err, &ce) || ce.Err == nil || !strings.Contains(ce.Err.Message, "Write-write conflict") {
		t.Errorf("conflict error %#v, want the engine's Write-write conflict in Err", ce)
	}
	if err := tx1.Commit(); err != nil {
		t.Fatal(err)
	}
	var bal int
	if err := db.QueryRow("SELECT bal FROM acct WHERE id = 1").Scan(&bal); err != nil || bal != 90 {
		t.Errorf("balance %d, %v; want 90", bal, err)
	}
}

// TestEngineSelection checks the engine names: "turso" and "turso-wasm"
// (EngineName) both select Turso's engine, in any case, through the DSN
// and WithEngine, with nothing but package turso imported (this package
// adds nothing to it); an unknown name fails and lists the names the
// build has.
func TestEngineSelection(t *testing.T) {
	if !tursowasm.Available() {
		t.Fatal("Available() = false in a build with Turso's engine")
	}
	if tursowasm.EngineName != "turso-wasm" {
		t.Errorf("EngineName = %q", tursowasm.EngineName)
	}
	_, err := turso.NewConnector("x.db?_engine=nosuch")
	if err == nil || !strings.Contains(err.Error(), "turso, ") || !strings.Contains(err.Error(), "turso-wasm") {
		t.Errorf("unknown engine: %v, want the list of engines", err)
	}
	for _, c := range []struct {
		dsn  string
		opts []turso.Option
	}{
		{dsn: "?_engine=turso"},
		{dsn: "?_engine=TURSO"},
		{dsn: "?_engine=" + tursowasm.EngineName},
		{opts: []turso.Option{turso.WithEngine("turso")}},
		{opts: []turso.Option{turso.WithEngine("turso-wasm")}},
	} {
		c1, err := turso.NewConnector(filepath.Join(t.TempDir(), "o.db")+c.dsn, c.opts...)
		if err != nil {
			t.Fatal(err)
		}
		db := sql.OpenDB(c1)
		// Only Turso's engine knows the mvcc journal mode (libSQL would
		// answer with its current mode).
		var mode string
		if err := db.QueryRow("PRAGMA journal_mode = mvcc").Scan(&mode); err != nil || mode != "mvcc" {
			t.Errorf("%s %d options: journal_mode = %q, %v; want mvcc", c.dsn, len(c.opts), mode, err)
		}
		db.Close()
	}
}
