package tursowasm

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/turso-go/turso/internal/engine"
)

// shared is the engine every test uses: compiling the module takes
// seconds, more under -race.
var shared struct {
	once sync.Once
	e    *Engine
}

// testEngine returns the shared engine.
func testEngine(t *testing.T) *Engine {
	t.Helper()
	shared.once.Do(func() { shared.e = New(Wasm) })
	return shared.e
}

// openConn opens a connection to a new database file.
func openConn(t *testing.T) (engine.Conn, string) {
	t.Helper()
	e := testEngine(t)
	path := filepath.Join(t.TempDir(), "test.db")
	c, err := e.Open(engine.Config{Path: path, Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, path
}

func TestOpenExec(t *testing.T) {
	c, _ := openConn(t)
	if err := c.Exec("CREATE TABLE t (a); INSERT INTO t VALUES (1), (2)"); err != nil {
		t.Fatal(err)
	}
	if got := c.Changes(); got != 2 {
		t.Errorf("Changes = %d, want 2", got)
	}
	if got := c.LastInsertRowID(); got != 2 {
		t.Errorf("LastInsertRowID = %d, want 2", got)
	}
}

// queryAll runs sql with args and returns its rows, copied.
func queryAll(t *testing.T, c engine.Conn, sql string, args ...engine.Value) [][]engine.Value {
	t.Helper()
	s, tail, err := c.Prepare(sql)
	if err != nil {
		t.Fatalf("Prepare(%q): %v", sql, err)
	}
	if tail != "" {
		t.Fatalf("Prepare(%q): tail %q", sql, tail)
	}
	defer s.Close()
	var rows [][]engine.Value
	more, err := s.Start(args)
	for ; more && err == nil; more, err = s.Step() {
		var row []engine.Value
		for _, v := range s.Row() {
			v.Data = strings.Clone(v.Data)
			row = append(row, v)
		}
		rows = append(rows, row)
	}
	if err != nil {
		t.Fatalf("query %q: %v", sql, err)
	}
	return rows
}

func TestQueryTypes(t *testing.T) {
	c, _ := openConn(t)
	tests := []struct {
		name string
		sql  string
		args []engine.Value
		want engine.Value
	}{
		{"int literal", "SELECT 42", nil, engine.Value{Kind: engine.KindInteger, Int: 42}},
		{"int param", "SELECT ?", []engine.Value{{Kind: engine.KindInteger, Int: -1 << 62}}, engine.Value{Kind: engine.KindInteger, Int: -1 << 62}},
		{"max int", "SELECT ?", []engine.Value{{Kind: engine.KindInteger, Int: 1<<63 - 1}}, engine.Value{Kind: engine.KindInteger, Int: 1<<63 - 1}},
		{"float param", "SELECT ?", []engine.Value{{Kind: engine.KindFloat, Float: 2.5}}, engine.Value{Kind: engine.KindFloat, Float: 2.5}},
		{"text param", "SELECT ?", []engine.Value{{Kind: engine.KindText, Data: "héllo"}}, engine.Value{Kind: engine.KindText, Data: "héllo"}},
		{"blob param", "SELECT ?", []engine.Value{{Kind: engine.KindBlob, Data: "\x00\x01\xff"}}, engine.Value{Kind: engine.KindBlob, Data: "\x00\x01\xff"}},
		{"null param", "SELECT ?", []engine.Value{{Kind: engine.KindNull}}, engine.Value{Kind: engine.KindNull}},
		{"named param", "SELECT :a + 1", []engine.Value{{Kind: engine.KindInteger, Int: 1}}, engine.Value{Kind: engine.KindInteger, Int: 2}},
		{"typeof blob", "SELECT typeof(?)", []engine.Value{{Kind: engine.KindBlob, Data: "\x07"}}, engine.Value{Kind: engine.KindText, Data: "blob"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := queryAll(t, c, tt.sql, tt.args...)
			if len(rows) != 1 || len(rows[0]) != 1 {
				t.Fatalf("rows = %v, want one value", rows)
			}
			got := rows[0][0]
			if got.Kind != tt.want.Kind || got.Int != tt.want.Int || got.Float != tt.want.Float || got.Data != tt.want.Data {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestErrorCodes(t *testing.T) {
	c, _ := openConn(t)
	if err := c.Exec(`CREATE TABLE p (id INTEGER PRIMARY KEY);
		CREATE TABLE t (id INTEGER PRIMARY KEY, u TEXT UNIQUE, n TEXT NOT NULL, c INTEGER CHECK (c > 0));
		INSERT INTO t VALUES (1, 'a', 'x', 1)`); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		sql            string
		code, extended int
		msg            string // SQLite's message, when it is known
	}{
		{"INSERT INTO t VALUES (2, 'a', 'x', 1)", engine.CodeConstraint, engine.CodeConstraint | 8<<8, "UNIQUE constraint failed: t.u"},
		{"INSERT INTO t VALUES (3, 'b', NULL, 1)", engine.CodeConstraint, engine.CodeConstraint | 5<<8, "NOT NULL constraint failed: t.n"},
		{"INSERT INTO t VALUES (4, 'c', 'x', -1)", engine.CodeConstraint, engine.CodeConstraint | 1<<8, "CHECK constraint failed: c > 0"},
		{"SELECT * FROM missing", engine.CodeError, engine.CodeError, "no such table: missing"},
		{"SELEC 1", engine.CodeError, engine.CodeError, ""},
		{"PRAGMA query_only = 1; INSERT INTO t VALUES (5, 'd', 'x', 1)", engine.CodeReadOnly, engine.CodeReadOnly, ""},
		{"PRAGMA query_only = 0; PRAGMA foreign_keys = 1; CREATE TABLE f (p REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED); BEGIN; INSERT INTO f VALUES (7); COMMIT",
			engine.CodeConstraint, engine.CodeConstraint | 3<<8, ""},
	}
	for _, tt := range tests {
		err := c.Exec(tt.sql)
		var ee *engine.Error
		if !errors.As(err, &ee) {
			t.Errorf("%s: %v, want an *engine.Error", tt.sql, err)
			continue
		}
		if ee.Code != tt.code || ee.ExtendedCode != tt.extended {
			t.Errorf("%s: code %d/%d (%s), want %d/%d", tt.sql, ee.Code, ee.ExtendedCode, ee.Message, tt.code, tt.extended)
		}
		if strings.HasPrefix(ee.Message, "step failed") || strings.HasPrefix(ee.Message, "prepare failed") ||
			strings.HasPrefix(ee.Message, "Parse error") || strings.HasPrefix(ee.Message, "Runtime error") {
			t.Errorf("%s: message keeps a prefix: %q", tt.sql, ee.Message)
		}
		if tt.msg != "" && ee.Message != tt.msg {
			t.Errorf("%s: message %q, want %q", tt.sql, ee.Message, tt.msg)
		}
	}
	// Prepare fails with the same codes.
	_, _, err := c.Prepare("SELECT * FROM missing")
	var ee *engine.Error
	if !errors.As(err, &ee) || ee.Code != engine.CodeError || !strings.Contains(ee.Message, "missing") {
		t.Errorf("Prepare of a missing table: %v", err)
	}
	// The connection works after failures.
	if rows := queryAll(t, c, "SELECT count(*) FROM t"); rows[0][0].Int != 1 {
		t.Errorf("count = %d", rows[0][0].Int)
	}
}

func TestStatementLifecycle(t *testing.T) {
	c, _ := openConn(t)
	if err := c.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, at DATETIME)"); err != nil {
		t.Fatal(err)
	}
	ins, tail, err := c.Prepare("INSERT INTO t (name) VALUES (:name); SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	if tail != " SELECT 1" || ins.SQL() != "INSERT INTO t (name) VALUES (:name);" {
		t.Errorf("tail %q, SQL %q", tail, ins.SQL())
	}
	if ins.NumParams() != 1 || ins.ParamName(1) != ":name" || ins.ParamIndex(":name") != 1 || ins.ParamIndex(":x") != 0 || ins.ParamName(2) != "" {
		t.Errorf("params: %d %q %d", ins.NumParams(), ins.ParamName(1), ins.ParamIndex(":name"))
	}
	if ins.ReadOnly() {
		t.Error("INSERT is read-only")
	}
	for i, name := range []string{"a", "b", "c"} {
		ch, id, err := ins.Exec([]engine.Value{{Kind: engine.KindText, Data: name}})
		if err != nil || ch != 1 || id != int64(i+1) {
			t.Errorf("Exec %s: changes %d id %d err %v", name, ch, id, err)
		}
	}
	if _, _, err := ins.Exec([]engine.Value{{Kind: engine.KindText, Data: "x"}, {Kind: engine.KindInteger, Int: 1}}); err == nil {
		t.Error("Exec with too many arguments succeeded")
	}
	if _, _, err := ins.Exec([]engine.Value{{Kind: engine.KindNull}}); err == nil {
		t.Error("NOT NULL violation succeeded")
	}
	ins.Close()
	if _, _, err := ins.Exec(nil); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("Exec after Close: %v", err)
	}
	if err := ins.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	sel, _, err := c.Prepare("SELECT id, name AS n, at FROM t ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer sel.Close()
	if !sel.ReadOnly() || sel.ColumnCount() != 3 || sel.ColumnName(1) != "n" || sel.ColumnDeclType(1) != "TEXT" || sel.ColumnName(5) != "" {
		t.Errorf("columns: %v %d %q %q", sel.ReadOnly(), sel.ColumnCount(), sel.ColumnName(1), sel.ColumnDeclType(1))
	}
	// Stop after one row, reset, and run again from the start.
	more, err := sel.Start(nil)
	if err != nil || !more || sel.Row()[0].Int != 1 {
		t.Fatalf("first row: %v %v", more, err)
	}
	if err := sel.Reset(); err != nil {
		t.Fatal(err)
	}
	n := 0
	for more, err = sel.Start(nil); more; more, err = sel.Step() {
		n++
	}
	if err != nil || n != 3 {
		t.Errorf("rows = %d, %v", n, err)
	}

	// Blank SQL prepares to nothing.
	if s, tail, err := c.Prepare("  -- nothing\n"); s != nil || tail != "" || err != nil {
		t.Errorf("blank Prepare = %v, %q, %v", s, tail, err)
	}
}

func TestTransactionsAndInterrupt(t *testing.T) {
	c, _ := openConn(t)
	if !c.Autocommit() {
		t.Error("new connection in a transaction")
	}
	if err := c.Exec("CREATE TABLE t (a); BEGIN; INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	if c.Autocommit() {
		t.Error("Autocommit inside BEGIN")
	}
	if err := c.Exec("ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if !c.Autocommit() {
		t.Error("not in autocommit after ROLLBACK")
	}
	if rows := queryAll(t, c, "SELECT count(*) FROM t"); rows[0][0].Int != 0 {
		t.Errorf("rolled-back row is there: %d", rows[0][0].Int)
	}

	s, _, err := c.Prepare("SELECT value FROM generate_series(1, 100)")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if more, err := s.Start(nil); !more || err != nil {
		t.Fatalf("Start: %v %v", more, err)
	}
	c.Interrupt()
	_, err = s.Step()
	var ee *engine.Error
	if !errors.As(err, &ee) || ee.Code != engine.CodeInterrupt {
		t.Errorf("Step after Interrupt: %v", err)
	}
	// The interrupt is spent: the statement runs again.
	n := 0
	for more, err := s.Start(nil); more && err == nil; more, err = s.Step() {
		n++
	}
	if n != 100 {
		t.Errorf("rows after interrupt = %d", n)
	}
}

func TestConnections(t *testing.T) {
	e := testEngine(t)
	c1, path := openConn(t)
	if err := c1.Exec("CREATE TABLE t (a); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	// A second connection to the same file sees the committed data.
	c2, err := e.Open(engine.Config{Path: "file:" + path, Create: true})
	if err != nil {
		t.Fatal(err)
	}
	if rows := queryAll(t, c2, "SELECT a FROM t"); len(rows) != 1 || rows[0][0].Int != 1 {
		t.Errorf("second connection reads %v", rows)
	}
	c2.Close()
	if err := c2.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, _, err := c2.Prepare("SELECT 1"); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("Prepare on closed connection: %v", err)
	}
	if err := c2.Exec("SELECT 1"); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("Exec on closed connection: %v", err)
	}
	c2.Interrupt() // harmless after Close

	// Read-only connections cannot write.
	ro, err := e.Open(engine.Config{Path: path, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if rows := queryAll(t, ro, "SELECT count(*) FROM t"); rows[0][0].Int != 1 {
		t.Errorf("read-only count %v", rows)
	}
	var ee *engine.Error
	if err := ro.Exec("INSERT INTO t VALUES (2)"); !errors.As(err, &ee) || ee.Code != engine.CodeReadOnly {
		t.Errorf("write on read-only connection: %v", err)
	}

	// In-memory databases are private to their connection.
	m1, err := e.Open(engine.Config{Path: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	defer m1.Close()
	if err := m1.Exec("CREATE TABLE only_here (a)"); err != nil {
		t.Fatal(err)
	}
	m2, err := e.Open(engine.Config{Path: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	if err := m2.Exec("SELECT * FROM only_here"); err == nil {
		t.Error("in-memory databases are shared between connections")
	}

	if got := e.Version(); got != "turso "+Version {
		t.Errorf("Version = %q", got)
	}
}

func TestOpenFailures(t *testing.T) {
	e := testEngine(t)
	missing := filepath.Join(t.TempDir(), "absent", "x.db")
	if _, err := e.Open(engine.Config{Path: missing, Create: true}); err == nil {
		t.Error("opening a file in a missing directory succeeded")
	}
	notDB := filepath.Join(t.TempDir(), "text.db")
	if err := os.WriteFile(notDB, bytes.Repeat([]byte("this is not a database file "), 200), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := e.Open(engine.Config{Path: notDB, Create: true})
	if err == nil {
		err = c.Exec("SELECT * FROM sqlite_schema")
		c.Close()
	}
	var ee *engine.Error
	if !errors.As(err, &ee) {
		t.Errorf("reading a text file as a database: %v", err)
	}
	bad := New(gzArtifact(t, "bad.wasm", []byte("not wasm")))
	if _, err := bad.Open(engine.Config{Path: ":memory:"}); err == nil {
		t.Error("engine with a bad module opened a connection")
	}
}

// TestBusyWaitLetsOthersRun checks that a statement waiting on another
// connection's lock does not hold the engine's mutex for the whole busy
// timeout: the holder commits meanwhile, and the waiter then goes on.
func TestBusyWaitLetsOthersRun(t *testing.T) {
	e := testEngine(t)
	holder, path := openConn(t)
	if err := holder.Exec("CREATE TABLE t (a); BEGIN; INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	waiter, err := e.Open(engine.Config{Path: path, Create: true, BusyTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer waiter.Close()
	committed := make(chan error, 1)
	time.AfterFunc(50*time.Millisecond, func() { committed <- holder.Exec("COMMIT") })
	start := time.Now()
	for _, run := range []struct {
		name string
		f    func() error
	}{
		{"Exec", func() error { return waiter.Exec("INSERT INTO t VALUES (2)") }},
		{"Stmt.Exec", func() error {
			s, _, err := waiter.Prepare("INSERT INTO t VALUES (3)")
			if err != nil {
				return err
			}
			defer s.Close()
			_, _, err = s.Exec(nil)
			return err
		}},
	} {
		if err := run.f(); err != nil {
			t.Fatalf("%s while another connection commits: %v", run.name, err)
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("writes waited %v for a lock released after 50 ms", d)
	}
	if err := <-committed; err != nil {
		t.Fatalf("holder's COMMIT: %v", err)
	}
	if rows := queryAll(t, waiter, "SELECT count(*) FROM t"); rows[0][0].Int != 3 {
		t.Errorf("rows = %d, want 3", rows[0][0].Int)
	}

	// Without a release, the wait ends with a busy error after the timeout.
	short, err := e.Open(engine.Config{Path: path, Create: true, BusyTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer short.Close()
	if err := holder.Exec("BEGIN; INSERT INTO t VALUES (4)"); err != nil {
		t.Fatal(err)
	}
	defer holder.Exec("ROLLBACK")
	start = time.Now()
	err = short.Exec("INSERT INTO t VALUES (5)")
	var ee *engine.Error
	if !errors.As(err, &ee) || ee.Code != engine.CodeBusy {
		t.Errorf("write while locked: %v, want a busy error", err)
	}
	if d := time.Since(start); d < 90*time.Millisecond || d > 2*time.Second {
		t.Errorf("busy error after %v, want about 100 ms", d)
	}
}

// TestSchemaChangeRereadsColumns checks that a statement prepared before
// a schema change reports the new columns once it runs again, and counts
// the change in Reprepared, whichever connection changed the schema.
func TestSchemaChangeRereadsColumns(t *testing.T) {
	e := testEngine(t)
	c, path := openConn(t)
	other, err := e.Open(engine.Config{Path: path, Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := c.Exec("CREATE TABLE t (a TEXT); INSERT INTO t VALUES ('x')"); err != nil {
		t.Fatal(err)
	}
	s, _, err := c.Prepare("SELECT * FROM t")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	names := func() []string {
		var n []string
		for i := range s.ColumnCount() {
			n = append(n, s.ColumnName(i)+" "+s.ColumnDeclType(i))
		}
		return n
	}
	steps := []struct {
		change     func() error
		cols       []string
		reprepared int
	}{
		{func() error { return nil }, []string{"a TEXT"}, 0},
		// A script through Exec, on the same connection.
		{func() error {
			return c.Exec("DROP TABLE t; CREATE TABLE t (a TEXT, b INTEGER); INSERT INTO t VALUES ('y', 5)")
		}, []string{"a TEXT", "b INTEGER"}, 1},
		// A prepared statement of another connection.
		{func() error {
			st, _, err := other.Prepare("ALTER TABLE t ADD COLUMN c REAL")
			if err != nil {
				return err
			}
			defer st.Close()
			_, _, err = st.Exec(nil)
			return err
		}, []string{"a TEXT", "b INTEGER", "c REAL"}, 2},
		// A schema change elsewhere that leaves t as it is.
		{func() error { return other.Exec("CREATE TABLE u (z)") }, []string{"a TEXT", "b INTEGER", "c REAL"}, 2},
	}
	for i, st := range steps {
		if err := st.change(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		more, err := s.Start(nil)
		if err != nil || !more {
			t.Fatalf("step %d: Start = %v, %v", i, more, err)
		}
		if got := len(s.Row()); got != len(st.cols) {
			t.Errorf("step %d: row of %d values, want %d", i, got, len(st.cols))
		}
		if got := names(); !slices.Equal(got, st.cols) {
			t.Errorf("step %d: columns %q, want %q", i, got, st.cols)
		}
		if got := s.Reprepared(); got != st.reprepared {
			t.Errorf("step %d: Reprepared = %d, want %d", i, got, st.reprepared)
		}
		if err := s.Reset(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestImmutableIsReadOnly checks that immutable=1 in a URI opens the
// database read-only, as SQLite does, and that other URIs do not.
func TestImmutableIsReadOnly(t *testing.T) {
	tests := []struct {
		uri      string
		readOnly bool
	}{
		{"file:/d/x.db?immutable=1", true},
		{"file:/d/x.db?immutable=yes&cache=private", true},
		{"file:/d/x.db?mode=ro", true},
		{"file:/d/x.db?immutable=0", false},
		{"file:/d/x.db?mode=rwc", false},
		{"/d/x.db", false},
	}
	for _, tt := range tests {
		path, ro, err := dbPath(tt.uri)
		if err != nil || path != "/d/x.db" || ro != tt.readOnly {
			t.Errorf("dbPath(%q) = %q, %v, %v; want /d/x.db, %v", tt.uri, path, ro, err, tt.readOnly)
		}
	}
	e := testEngine(t)
	c, path := openConn(t)
	if err := c.Exec("CREATE TABLE t (a); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	c.Close()
	im, err := e.Open(engine.Config{Path: "file:" + path + "?immutable=1", Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	if rows := queryAll(t, im, "SELECT a FROM t"); len(rows) != 1 || rows[0][0].Int != 1 {
		t.Errorf("read from an immutable database: %v", rows)
	}
	err = im.Exec("INSERT INTO t VALUES (2)")
	var ee *engine.Error
	if !errors.As(err, &ee) || ee.Code != engine.CodeReadOnly {
		t.Errorf("write to an immutable database: %v, want a read-only error", err)
	}
}
