package enginetest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/turso-go/turso/internal/engine"
)

// setPragmas applies the driver's per-connection pragmas to c as the
// driver does: through engine.PragmaSetter where c implements it, else
// as a script.
func setPragmas(c engine.Conn, pragmas []engine.Pragma) error {
	if ps, ok := c.(engine.PragmaSetter); ok {
		return ps.SetPragmas(pragmas)
	}
	var script strings.Builder
	for _, p := range pragmas {
		fmt.Fprintf(&script, "PRAGMA %s = %s;", p.Name, p.Value)
	}
	return c.Exec(script.String())
}

// testSetPragmas: the driver's per-connection pragmas take effect, in
// order (a later value of one wins), journal_mode = WAL leaves the
// database journaling through a WAL, and a failing pragma is an error.
func testSetPragmas(t *testing.T, e Engine) {
	c, path := e.openFile(t)
	err := setPragmas(c, []engine.Pragma{
		{Name: "foreign_keys", Value: "0"},
		{Name: "journal_mode", Value: "WAL"},
		{Name: "synchronous", Value: "FULL"},
		{Name: "foreign_keys", Value: "1"},
		{Name: "cache_size", Value: "-4000"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		pragma string
		want   int64
	}{{"foreign_keys", 1}, {"synchronous", 2}, {"cache_size", -4000}} {
		if got := queryInt(t, c, "PRAGMA "+tt.pragma); got != tt.want {
			t.Errorf("PRAGMA %s = %d, want %d", tt.pragma, got, tt.want)
		}
	}
	rows := QueryAll(t, c, "PRAGMA journal_mode")
	if len(rows) != 1 || (rows[0][0].Data != "wal" && rows[0][0].Data != "mvcc") {
		t.Errorf("PRAGMA journal_mode = %v, want wal (or mvcc, which journals through a WAL)", rows)
	}
	// A second connection, set up while the first holds a write
	// transaction, neither waits for its lock nor ends it.
	exec(t, c, "CREATE TABLE t(x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)")
	c2 := e.open(t, engine.Config{Path: path, Create: true, BusyTimeout: 0})
	if err := setPragmas(c2, []engine.Pragma{{Name: "journal_mode", Value: "WAL"}, {Name: "synchronous", Value: "NORMAL"}}); err != nil {
		t.Errorf("setting up a connection while another writes: %v", err)
	}
	exec(t, c, "COMMIT")
	if got := queryInt(t, c2, "SELECT count(*) FROM t"); got != 1 {
		t.Errorf("the other connection sees %d rows, want 1", got)
	}
	if err := setPragmas(c, []engine.Pragma{{Name: "no_such_pragma_or_value", Value: "'(("}}); err == nil {
		t.Error("a pragma of bad syntax: no error")
	}
}
