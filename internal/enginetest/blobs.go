package enginetest

import (
	"strings"
	"testing"

	"github.com/turso-go/turso/internal/engine"
)

// testBindManyBlobs binds several blobs and texts to one statement, runs
// it again with other sizes (a binding may reuse its argument buffers),
// and stores and reads them through a table: every byte, NULs and 0xff
// included, comes back, and each value keeps its storage class.
func testBindManyBlobs(t *testing.T, e Engine) {
	c, _ := e.openFile(t)
	exec(t, c, "CREATE TABLE b (k INTEGER PRIMARY KEY, x, y, z, w)")
	ins := prepare(t, c, "INSERT INTO b VALUES (?, ?, ?, ?, ?)")
	defer ins.Close()
	sel := prepare(t, c, "SELECT x, y, z, w, typeof(x), typeof(y), typeof(z), typeof(w), length(z) FROM b WHERE k = ?")
	defer sel.Close()
	pattern := func(n int, seed byte) string {
		var b strings.Builder
		for i := range n {
			b.WriteByte(byte(i)*7 + seed)
		}
		return b.String()
	}
	runs := [][]engine.Value{
		{blob("\x00"), text("héllo"), blob(pattern(70000, 1)), blob("")},
		{blob(""), text(""), blob(pattern(3, 0xfd)), blob("\xff\x00\xff")},
		{blob(pattern(5000, 0)), text(strings.Repeat("z", 5000)), blob("\x00\x00"), blob(pattern(1<<20, 3))},
	}
	for k, args := range runs {
		if _, _, err := ins.Exec(append([]engine.Value{integer(int64(k))}, args...)); err != nil {
			t.Fatalf("run %d: insert: %v", k, err)
		}
	}
	for k, args := range runs {
		more, err := sel.Start([]engine.Value{integer(int64(k))})
		if !more || err != nil {
			t.Fatalf("run %d: Start = %v, %v", k, more, err)
		}
		row := sel.Row()
		for i, want := range args {
			if !same(row[i], want) {
				t.Errorf("run %d, value %d: %.60s, want %.60s", k, i, show(row[i]), show(want))
			}
			class := map[engine.Kind]string{engine.KindText: "text", engine.KindBlob: "blob"}[want.Kind]
			if row[4+i].Data != class {
				t.Errorf("run %d, value %d stored as %s, want %s", k, i, row[4+i].Data, class)
			}
		}
		if row[8].Int != int64(len(args[2].Data)) {
			t.Errorf("run %d: length = %d, want %d", k, row[8].Int, len(args[2].Data))
		}
		if err := sel.Reset(); err != nil {
			t.Fatal(err)
		}
	}
}
