//go:build turso_libsql_only

package tursowasm_test

import (
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/tursowasm"
)

// TestLibSQLOnly runs in a build with -tags turso_libsql_only: Turso's
// engines are not in it, and selecting one fails at once with an error
// matching ErrNoWasm that says why.
func TestLibSQLOnly(t *testing.T) {
	if tursowasm.Available() {
		t.Error("Available() = true with -tags turso_libsql_only")
	}
	for _, name := range []string{"turso", "turso-wasm", "TURSO", "turso-native"} {
		_, err := turso.NewConnector("x.db?_engine=" + name)
		if !errors.Is(err, tursowasm.ErrNoWasm) || !strings.Contains(err.Error(), "turso_libsql_only") {
			t.Errorf("_engine=%s: %v, want ErrNoWasm", name, err)
		}
		_, err = turso.NewConnector("x.db", turso.WithEngine(name))
		if !errors.Is(err, tursowasm.ErrNoWasm) {
			t.Errorf("WithEngine(%q): %v, want ErrNoWasm", name, err)
		}
	}
	db, err := sql.Open("turso", filepath.Join(t.TempDir(), "x.db")+"?_engine=turso")
	if err == nil {
		err = db.Ping()
		db.Close()
	}
	if !errors.Is(err, tursowasm.ErrNoWasm) {
		t.Errorf("sql.Open with _engine=turso: %v, want ErrNoWasm", err)
	}
	if _, err := turso.NewConnector("x.db?_engine=nosuch"); err == nil || errors.Is(err, tursowasm.ErrNoWasm) || !strings.Contains(err.Error(), "unknown engine") {
		t.Errorf("_engine=nosuch: %v, want an unknown engine", err)
	}
}
