package turso_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turso-go/turso"
)

// ccOpen opens a pool on a new WAL database in a test directory and runs
// the setup statements.
func ccOpen(t *testing.T, params string, setup ...string) (*sql.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cc.db")
	dsn := path + "?_journal_mode=WAL"
	if params != "" {
		dsn += "&" + params
	}
	db, err := sql.Open("turso", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, s := range setup {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return db, dsn
}

func ccBegin(t *testing.T, db *sql.DB) *sql.Tx {
	t.Helper()
	tx, err := turso.BeginConcurrent(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func ccExec(t *testing.T, q interface {
	Exec(string, ...any) (sql.Result, error)
}, query string, args ...any) sql.Result {
	t.Helper()
	res, err := q.Exec(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return res
}

func ccInt(t *testing.T, q interface {
	QueryRow(string, ...any) *sql.Row
}, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := q.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// accountsSetup creates a table whose 50 rows all fit on one page.
var accountsSetup = []string{
	"CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER NOT NULL)",
	"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 50) INSERT INTO acct SELECT i, 100 FROM n",
}

func TestConcurrentDifferentRowsSamePageBothCommit(t *testing.T) {
	db, _ := ccOpen(t, "", accountsSetup...)
	if pages := ccInt(t, db, "SELECT count(*) FROM dbstat WHERE name = 'acct'"); pages != 1 {
		t.Fatalf("acct spans %d pages, want 1", pages)
	}
	t1, t2 := ccBegin(t, db), ccBegin(t, db)
	ccExec(t, t1, "UPDATE acct SET bal = bal + 1 WHERE id = 1")
	ccExec(t, t2, "UPDATE acct SET bal = bal + 2 WHERE id = 2")
	if err := t1.Commit(); err != nil {
		t.Fatalf("first commit: %v", err)
	}
	if err := t2.Commit(); err != nil {
		t.Fatalf("second commit: %v", err)
	}
	if got := ccInt(t, db, "SELECT bal FROM acct WHERE id = 1"); got != 101 {
		t.Errorf("row 1 = %d, want 101", got)
	}
	if got := ccInt(t, db, "SELECT bal FROM acct WHERE id = 2"); got != 102 {
		t.Errorf("row 2 = %d, want 102", got)
	}
	if got := ccInt(t, db, "SELECT sum(bal) FROM acct"); got != 5003 {
		t.Errorf("sum = %d, want 5003", got)
	}
}

func TestConcurrentSameRowConflicts(t *testing.T) {
	db, _ := ccOpen(t, "", accountsSetup...)
	t1, t2 := ccBegin(t, db), ccBegin(t, db)
	ccExec(t, t1, "UPDATE acct SET bal = bal + 1 WHERE id = 7")
	ccExec(t, t2, "UPDATE acct SET bal = bal + 2 WHERE id = 7")
	err1, err2 := t1.Commit(), t2.Commit()
	if err1 != nil {
		t.Fatalf("first committer: %v", err1)
	}
	if !errors.Is(err2, turso.ErrConflict) {
		t.Fatalf("second committer: got %v, want ErrConflict", err2)
	}
	var ce *turso.ConflictError
	if !errors.As(err2, &ce) || ce.Table != "acct" || ce.RowID != 7 {
		t.Errorf("conflict error = %#v, want row 7 of acct", ce)
	}
	if got := ccInt(t, db, "SELECT bal FROM acct WHERE id = 7"); got != 101 {
		t.Errorf("row 7 = %d, want 101 (the loser must leave no trace)", got)
	}
}

func TestConcurrentNeedsWAL(t *testing.T) {
	db, err := sql.Open("turso", filepath.Join(t.TempDir(), "rollback.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ccExec(t, db, "CREATE TABLE t(x)")
	_, err = turso.BeginConcurrent(context.Background(), db)
	if !errors.Is(err, turso.ErrNotWAL) || !strings.Contains(err.Error(), "delete") {
		t.Fatalf("got %v, want ErrNotWAL naming the journal mode", err)
	}
}
