//go:build !cgo && !turso_libsql_only

package tursowasm_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/tursowasm"
)

// TestPureGoBuild runs in a CGO_ENABLED=0 build, which has no libSQL: the
// default engine is refused with a clear error, and Turso's engine serves.
func TestPureGoBuild(t *testing.T) {
	if _, err := turso.NewConnector(filepath.Join(t.TempDir(), "x.db")); err == nil || !strings.Contains(err.Error(), "without cgo") {
		t.Fatalf("default engine without cgo: %v, want an error saying so", err)
	}
	if v := turso.EngineVersion(); !strings.HasPrefix(v, "none") {
		t.Errorf("EngineVersion() = %q", v)
	}
	if !tursowasm.Available() {
		t.Fatal("Available() = false in a build with Turso's engine")
	}
	db, err := sql.Open("turso", filepath.Join(t.TempDir(), "p.db")+"?_engine=turso")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('pure go')"); err != nil {
		t.Fatal(err)
	}
	var v string
	if err := db.QueryRow("SELECT v FROM t").Scan(&v); err != nil || v != "pure go" {
		t.Fatalf("read back %q, %v", v, err)
	}
}
