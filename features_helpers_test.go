package turso

import (
	"context"
	"database/sql"
	"testing"
)

// openFeatureDB opens a pool on dsn with opts and closes it when the test
// ends.
func openFeatureDB(t *testing.T, dsn string, opts ...Option) *sql.DB {
	t.Helper()
	c, err := NewConnector(dsn, opts...)
	if err != nil {
		t.Fatalf("NewConnector(%q): %v", dsn, err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

// featureConn takes one connection of db for the rest of the test.
func featureConn(t *testing.T, db *sql.DB) *sql.Conn {
	t.Helper()
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatalf("db.Conn: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// mustExec runs query on db and fails the test on error.
func mustExec(t *testing.T, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, query string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
