package turso_test

import (
	"database/sql"
	"path/filepath"
	"testing"
)

// openDB opens a pool on a fresh database file in t's temporary directory,
// with the DSN parameters given, and closes it when the test ends.
func openDB(t testing.TB, params string) (*sql.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	dsn := path
	if params != "" {
		dsn += "?" + params
	}
	db, err := sql.Open("turso", dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return db, path
}

// mustExec runs statements that must succeed.
func mustExec(t testing.TB, db interface {
	Exec(string, ...any) (sql.Result, error)
}, query string, args ...any) sql.Result {
	t.Helper()
	res, err := db.Exec(query, args...)
	if err != nil {
		t.Fatalf("exec %q: %v", query, err)
	}
	return res
}

// queryString returns the single text value a query yields.
func queryString(t testing.TB, db *sql.DB, query string, args ...any) string {
	t.Helper()
	var s string
	if err := db.QueryRow(query, args...).Scan(&s); err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
	return s
}
