//go:build cgo

package libsql

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/turso-go/turso/internal/engine"
)

// The engine contract (bind, step, errors, re-preparation, interrupts,
// column metadata) is tested on every engine by package
// internal/enginetest; here is what is libSQL's own.

// TestNoEngineMemoryLeak checks that statements, their buffers and
// connections give back all the engine's memory.
func TestNoEngineMemoryLeak(t *testing.T) {
	dir := t.TempDir()
	cycle := func() {
		c, err := Engine{}.Open(engine.Config{Path: filepath.Join(dir, "m.db"), Create: true})
		if err != nil {
			t.Fatal(err)
		}
		c.Exec("CREATE TABLE IF NOT EXISTS t(a, b)")
		ins, _, _ := c.Prepare("INSERT INTO t VALUES (?, ?)")
		c.Exec("BEGIN")
		for i := range 50 {
			ins.Exec([]engine.Value{{Kind: engine.KindText, Data: strings.Repeat("x", i*100)}, {Kind: engine.KindBlob, Data: strings.Repeat("\x00", i)}})
		}
		c.Exec("COMMIT")
		sel, _, _ := c.Prepare("SELECT * FROM t")
		sel.Start(nil) // left open: Close must finalize it
		ins.Close()
		c.Close()
	}
	cycle()
	before := MemoryUsed()
	for range 50 {
		cycle()
	}
	if after := MemoryUsed(); after > before {
		t.Errorf("engine memory grew from %d to %d bytes over 50 cycles", before, after)
	}
}
