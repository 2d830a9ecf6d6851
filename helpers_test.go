package turso_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/turso-go/turso/internal/drivertest"
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

// The helpers the feature tests share with the behaviour suite.
var (
	mustExec    = drivertest.MustExec
	queryString = drivertest.QueryString
)
