package libsql

import (
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/turso-go/turso/internal/engine"
)

func open(t *testing.T) engine.Conn {
	t.Helper()
	c, err := Engine{}.Open(engine.Config{Path: filepath.Join(t.TempDir(), "e.db"), Create: true, BusyTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func prepare(t *testing.T, c engine.Conn, sql string) engine.Stmt {
	t.Helper()
	s, tail, err := c.Prepare(sql)
	if err != nil || s == nil || tail != "" {
		t.Fatalf("prepare %q: %v, %v, tail %q", sql, s, err, tail)
	}
	return s
}

func TestBindStepColumns(t *testing.T) {
	c := open(t)
	if err := c.Exec("CREATE TABLE t(i INTEGER, f REAL, s TEXT, b BLOB, n)"); err != nil {
		t.Fatal(err)
	}
	ins := prepare(t, c, "INSERT INTO t VALUES (?, ?, ?, ?, ?)")
	args := []engine.Value{
		{Kind: engine.KindInteger, Int: -5},
		{Kind: engine.KindFloat, Float: 2.5},
		{Kind: engine.KindText, Data: "héllo"},
		{Kind: engine.KindBlob, Data: "\x00\x01\x02"},
		{},
	}
	changes, id, err := ins.Exec(args)
	if err != nil || changes != 1 || id != 1 {
		t.Fatalf("exec = %d, %d, %v", changes, id, err)
	}
	// Empty text and blob are not NULL.
	if _, _, err := ins.Exec([]engine.Value{{}, {}, {Kind: engine.KindText}, {Kind: engine.KindBlob}, {}}); err != nil {
		t.Fatal(err)
	}
	sel := prepare(t, c, "SELECT i, f, s, b, n, typeof(s), typeof(b) FROM t ORDER BY rowid")
	if sel.ColumnCount() != 7 || sel.ColumnName(2) != "s" || sel.ColumnDeclType(0) != "INTEGER" || sel.ColumnDeclType(5) != "" {
		t.Fatalf("metadata: %d %q %q", sel.ColumnCount(), sel.ColumnName(2), sel.ColumnDeclType(0))
	}
	ok, err := sel.Start(nil)
	if !ok || err != nil {
		t.Fatalf("start = %v, %v", ok, err)
	}
	row := sel.Row()
	if row[0].Int != -5 || row[1].Float != 2.5 || row[2].Data != "héllo" || row[3].Data != "\x00\x01\x02" || row[4].Kind != engine.KindNull {
		t.Fatalf("row 1 = %+v", row)
	}
	if ok, err := sel.Step(); !ok || err != nil {
		t.Fatalf("step = %v, %v", ok, err)
	}
	row = sel.Row()
	if row[5].Data != "text" || row[6].Data != "blob" {
		t.Fatalf("empty text/blob stored as %s/%s", row[5].Data, row[6].Data)
	}
	if ok, err := sel.Step(); ok || err != nil {
		t.Fatalf("step past the end = %v, %v", ok, err)
	}
	// Finished statements are reset and run again.
	if ok, err := sel.Start(nil); !ok || err != nil {
		t.Fatalf("restart = %v, %v", ok, err)
	}
}

func TestParams(t *testing.T) {
	c := open(t)
	s := prepare(t, c, "SELECT :a, @b, $c, ?5")
	if s.NumParams() != 5 || s.ParamIndex(":a") != 1 || s.ParamIndex("@b") != 2 || s.ParamIndex(":zz") != 0 || s.ParamName(3) != "$c" || s.ParamName(5) != "?5" {
		t.Fatalf("params: %d %d %d %q", s.NumParams(), s.ParamIndex(":a"), s.ParamIndex("@b"), s.ParamName(3))
	}
	_, err := s.Start(make([]engine.Value, 6))
	var e *engine.Error
	if !errors.As(err, &e) || e.Code != engine.CodeRange {
		t.Fatalf("binding 6 values to 5 parameters: %v, want a range error", err)
	}
}

func TestErrors(t *testing.T) {
	c := open(t)
	_, _, err := c.Prepare("SELEC 1")
	var e *engine.Error
	if !errors.As(err, &e) || e.Code != engine.CodeError || !strings.Contains(e.Message, "syntax error") {
		t.Fatalf("prepare error: %#v", err)
	}
	if err := c.Exec("CREATE TABLE u(x UNIQUE); INSERT INTO u VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	s := prepare(t, c, "INSERT INTO u VALUES (1)")
	_, _, err = s.Exec(nil)
	if !errors.As(err, &e) || e.Code != engine.CodeConstraint || e.ExtendedCode != 2067 {
		t.Fatalf("constraint error: %#v", err)
	}
	// The failed statement is reset and can run again.
	_, _, err = s.Exec(nil)
	if !errors.As(err, &e) || e.ExtendedCode != 2067 {
		t.Fatalf("second run: %#v", err)
	}
	if _, err := (Engine{}).Open(engine.Config{Path: filepath.Join(t.TempDir(), "missing", "x.db"), Create: true}); !errors.As(err, &e) || e.Code != engine.CodeCantOpen {
		t.Fatalf("open in a missing directory: %#v", err)
	}
}

func TestTail(t *testing.T) {
	c := open(t)
	s, tail, err := c.Prepare("SELECT 1; SELECT 2 ")
	if err != nil || s.SQL() != "SELECT 1;" || tail != " SELECT 2 " {
		t.Fatalf("got %q tail %q, %v", s.SQL(), tail, err)
	}
	s, tail, err = c.Prepare("  -- only a comment")
	if err != nil || s != nil || tail != "" {
		t.Fatalf("comment: %v %q %v", s, tail, err)
	}
}

func TestReprepareAfterSchemaChange(t *testing.T) {
	c := open(t)
	if err := c.Exec("CREATE TABLE t(a); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	s := prepare(t, c, "SELECT * FROM t")
	if ok, err := s.Start(nil); !ok || err != nil || len(s.Row()) != 1 {
		t.Fatal(ok, err)
	}
	before := s.Reprepared()
	s.Reset()
	if err := c.Exec("ALTER TABLE t ADD COLUMN b DEFAULT 7"); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Start(nil); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if row := s.Row(); len(row) != 2 || row[1].Int != 7 || s.Reprepared() == before {
		t.Fatalf("after ALTER: row %+v, reprepared %d -> %d", row, before, s.Reprepared())
	}
}

func TestInterruptAndCloseAreSafeFromOtherGoroutines(t *testing.T) {
	c := open(t)
	s := prepare(t, c, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
	time.AfterFunc(20*time.Millisecond, c.Interrupt)
	_, err := s.Start(nil)
	var e *engine.Error
	if !errors.As(err, &e) || e.Code != engine.CodeInterrupt {
		t.Fatalf("interrupted query: %#v", err)
	}
	// Interrupt racing Close, then after Close: no crash.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 1000 {
			c.Interrupt()
		}
	}()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	c.Interrupt()
	if _, err := s.Start(nil); !errors.Is(err, engine.ErrClosed) {
		t.Fatalf("statement after its connection closed: %v", err)
	}
	if _, _, err := c.Prepare("SELECT 1"); !errors.Is(err, engine.ErrClosed) {
		t.Fatalf("prepare after close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

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
