package enginetest

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/turso-go/turso/internal/engine"
)

// testBindStepTypes binds every storage class, through a parameter and
// through a table, and reads it back unchanged.
func testBindStepTypes(t *testing.T, e Engine) {
	c, _ := e.openFile(t)
	tests := []struct {
		name string
		in   engine.Value
	}{
		{"null", engine.Value{}},
		{"integer", integer(-5)},
		{"max integer", integer(math.MaxInt64)},
		{"min integer", integer(math.MinInt64)},
		{"float", float(2.5)},
		{"float tiny", float(math.SmallestNonzeroFloat64)},
		{"text", text("héllo, 世界")},
		{"text with NUL", text("a\x00b")},
		{"blob", blob("\x00\x01\xff")},
		{"blob 1 MiB", blob(strings.Repeat("\xab\x00", 1<<19))},
	}
	exec(t, c, "CREATE TABLE v(x)")
	ins := prepare(t, c, "INSERT INTO v VALUES (?)")
	sel := prepare(t, c, "SELECT x, ?, typeof(x) FROM v")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exec(t, c, "DELETE FROM v")
			if _, _, err := ins.Exec([]engine.Value{tt.in}); err != nil {
				t.Fatal(err)
			}
			more, err := sel.Start([]engine.Value{tt.in})
			if !more || err != nil {
				t.Fatalf("Start = %v, %v", more, err)
			}
			row := sel.Row()
			if len(row) != 3 {
				t.Fatalf("row of %d values", len(row))
			}
			for i, got := range row[:2] {
				if !same(got, tt.in) {
					t.Errorf("column %d: %.80s, want %.80s", i, show(got), show(tt.in))
				}
			}
			want := map[engine.Kind]string{engine.KindNull: "null", engine.KindInteger: "integer", engine.KindFloat: "real", engine.KindText: "text", engine.KindBlob: "blob"}[tt.in.Kind]
			if row[2].Data != want {
				t.Errorf("stored as %s, want %s", row[2].Data, want)
			}
			if more, err := sel.Step(); more || err != nil {
				t.Errorf("Step past the last row = %v, %v", more, err)
			}
		})
	}
}

// testEmptyIsNotNull: empty text and an empty blob are values, not NULL.
func testEmptyIsNotNull(t *testing.T, e Engine) {
	c, _ := e.openFile(t)
	rows := QueryAll(t, c, "SELECT ?, ?, typeof(?), typeof(?)", text(""), blob(""), text(""), blob(""))
	if len(rows) != 1 {
		t.Fatalf("rows %v", rows)
	}
	r := rows[0]
	if r[0].Kind != engine.KindText || r[1].Kind != engine.KindBlob || r[2].Data != "text" || r[3].Data != "blob" {
		t.Errorf("empty text and blob read back as %v", r)
	}
}

// testParams: counting, naming and indexing parameters, and binding too
// many values.
func testParams(t *testing.T, e Engine) {
	c, _ := e.openFile(t)
	s := prepare(t, c, "SELECT :a, @b, $c, ?5")
	if s.NumParams() != 5 {
		t.Errorf("NumParams = %d, want 5", s.NumParams())
	}
	for name, want := range map[string]int{":a": 1, "@b": 2, "$c": 3, ":zz": 0} {
		if got := s.ParamIndex(name); got != want {
			t.Errorf("ParamIndex(%q) = %d, want %d", name, got, want)
		}
	}
	for i, want := range map[int]string{1: ":a", 3: "$c", 4: "", 5: "?5"} {
		if got := s.ParamName(i); got != want {
			t.Errorf("ParamName(%d) = %q, want %q", i, got, want)
		}
	}
	rows := QueryAll(t, c, "SELECT :x + 1, ?2 || 'b'", integer(41), text("a"))
	if rows[0][0].Int != 42 || rows[0][1].Data != "ab" {
		t.Errorf("named and numbered parameters read %v", rows)
	}
	_, err := s.Start(make([]engine.Value, 6))
	if ee := code(t, "binding 6 values to 5 parameters", err); ee.Code != engine.CodeRange {
		t.Errorf("binding 6 values to 5 parameters: code %d (%s), want %d", ee.Code, ee.Message, engine.CodeRange)
	}
	// Too few values leave the rest NULL.
	if rows := QueryAll(t, c, "SELECT ?, ? IS NULL", integer(1)); rows[0][1].Int != 1 {
		t.Errorf("unbound parameter: %v", rows)
	}
}

// testTailAndBlank: Prepare compiles the first statement and returns the
// rest; blank SQL prepares to nothing.
func testTailAndBlank(t *testing.T, e Engine) {
	c, _ := e.openFile(t)
	s, tail, err := c.Prepare("SELECT 1; SELECT 2 ")
	if err != nil || s == nil {
		t.Fatal(s, err)
	}
	defer s.Close()
	if s.SQL() != "SELECT 1;" || tail != " SELECT 2 " {
		t.Errorf("SQL %q, tail %q", s.SQL(), tail)
	}
	for _, blank := range []string{"", "   ", "  -- only a comment\n", "/* c */"} {
		if s, tail, err := c.Prepare(blank); s != nil || tail != "" || err != nil {
			t.Errorf("Prepare(%q) = %v, %q, %v", blank, s, tail, err)
		}
	}
}

// testStatementLifecycle: Exec's results, stopping and rerunning a query,
// and a closed statement.
func testStatementLifecycle(t *testing.T, e Engine) {
	c, _ := e.openFile(t)
	exec(t, c, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
	ins := prepare(t, c, "INSERT INTO t (name) VALUES (?)")
	if ins.ReadOnly() {
		t.Error("INSERT reports itself read-only")
	}
	for i, name := range []string{"a", "b", "c"} {
		changes, id, err := ins.Exec([]engine.Value{text(name)})
		if err != nil || changes != 1 || id != int64(i+1) {
			t.Errorf("Exec %s = %d changes, id %d, %v", name, changes, id, err)
		}
	}
	sel := prepare(t, c, "SELECT id FROM t ORDER BY id")
	if !sel.ReadOnly() {
		t.Error("SELECT does not report itself read-only")
	}
	// Stop after one row, reset, and run again from the start.
	if more, err := sel.Start(nil); !more || err != nil || sel.Row()[0].Int != 1 {
		t.Fatalf("first row: %v, %v", more, err)
	}
	if err := sel.Reset(); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	more, err := sel.Start(nil)
	for ; more; more, err = sel.Step() {
		ids = append(ids, sel.Row()[0].Int)
	}
	if err != nil || !slices.Equal(ids, []int64{1, 2, 3}) {
		t.Errorf("rows %v, %v", ids, err)
	}
	// A finished statement runs again without a Reset.
	if more, err := sel.Start(nil); !more || err != nil {
		t.Errorf("Start after the end = %v, %v", more, err)
	}
	if err := ins.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ins.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, _, err := ins.Exec([]engine.Value{text("x")}); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("Exec after Close: %v, want ErrClosed", err)
	}
	if _, err := ins.Start(nil); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("Start after Close: %v, want ErrClosed", err)
	}
}

// testChangesAndAutocommit: the connection's changes, last rowid and
// transaction state.
func testChangesAndAutocommit(t *testing.T, e Engine) {
	c, _ := e.openFile(t)
	if !c.Autocommit() {
		t.Error("a new connection is in a transaction")
	}
	exec(t, c, "CREATE TABLE t (a); INSERT INTO t VALUES (1), (2)")
	if c.Changes() != 2 || c.LastInsertRowID() != 2 {
		t.Errorf("Changes %d, LastInsertRowID %d; want 2, 2", c.Changes(), c.LastInsertRowID())
	}
	exec(t, c, "BEGIN; INSERT INTO t VALUES (3)")
	if c.Autocommit() {
		t.Error("Autocommit inside BEGIN")
	}
	exec(t, c, "ROLLBACK")
	if !c.Autocommit() {
		t.Error("no Autocommit after ROLLBACK")
	}
	if n := queryInt(t, c, "SELECT count(*) FROM t"); n != 2 {
		t.Errorf("%d rows after ROLLBACK, want 2", n)
	}
	exec(t, c, "UPDATE t SET a = a + 1")
	if c.Changes() != 2 {
		t.Errorf("Changes after UPDATE = %d, want 2", c.Changes())
	}
}

// testErrorCodes: the primary and extended codes of failures, and
// SQLite's messages without the engine's own prefixes.
func testErrorCodes(t *testing.T, e Engine) {
	c, _ := e.openFile(t)
	exec(t, c, `CREATE TABLE p (id INTEGER PRIMARY KEY);
		CREATE TABLE t (id INTEGER PRIMARY KEY, u TEXT UNIQUE, n TEXT NOT NULL, c INTEGER CHECK (c > 0));
		INSERT INTO t VALUES (1, 'a', 'x', 1)`)
	tests := []struct {
		sql            string
		code, extended int
		msg            string // SQLite's message, when it is fixed
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
		ee := code(t, tt.sql, c.Exec(tt.sql))
		if ee.Code != tt.code || ee.ExtendedCode != tt.extended {
			t.Errorf("%s: code %d/%d (%s), want %d/%d", tt.sql, ee.Code, ee.ExtendedCode, ee.Message, tt.code, tt.extended)
		}
		for _, prefix := range []string{"step failed", "prepare failed", "Parse error", "Runtime error"} {
			if strings.HasPrefix(ee.Message, prefix) {
				t.Errorf("%s: message keeps the prefix %q: %q", tt.sql, prefix, ee.Message)
			}
		}
		if tt.msg != "" && ee.Message != tt.msg {
			t.Errorf("%s: message %q, want %q", tt.sql, ee.Message, tt.msg)
		}
	}
	exec(t, c, "ROLLBACK")
	// Prepare fails with the same codes.
	_, _, err := c.Prepare("SELECT * FROM missing")
	if ee := code(t, "Prepare of a missing table", err); ee.Code != engine.CodeError || !strings.Contains(ee.Message, "missing") {
		t.Errorf("Prepare of a missing table: %v", ee)
	}
	_, _, err = c.Prepare("SELEC 1")
	if ee := code(t, "Prepare of a syntax error", err); ee.Code != engine.CodeError {
		t.Errorf("Prepare of a syntax error: %v", ee)
	}
	// The connection works after failures.
	if n := queryInt(t, c, "SELECT count(*) FROM t"); n != 1 {
		t.Errorf("count = %d, want 1", n)
	}
}

// testFailedStatementRunsAgain: a statement whose step failed is reset and
// fails the same way when it runs again.
func testFailedStatementRunsAgain(t *testing.T, e Engine) {
	c, _ := e.openFile(t)
	exec(t, c, "CREATE TABLE u (x UNIQUE); INSERT INTO u VALUES (1)")
	s := prepare(t, c, "INSERT INTO u VALUES (?)")
	for run := range 2 {
		_, _, err := s.Exec([]engine.Value{integer(1)})
		if ee := code(t, "duplicate insert", err); ee.ExtendedCode != engine.CodeConstraint|8<<8 {
			t.Errorf("run %d: %v, want a UNIQUE constraint error", run+1, ee)
		}
	}
	if _, _, err := s.Exec([]engine.Value{integer(2)}); err != nil {
		t.Errorf("the statement after its failures: %v", err)
	}
}

// testOpenFailures: a file in a missing directory, and a file that is not
// a database.
func testOpenFailures(t *testing.T, e Engine) {
	_, err := e.Engine.Open(engine.Config{Path: filepath.Join(t.TempDir(), "absent", "x.db"), Create: true})
	if ee := code(t, "open in a missing directory", err); ee.Code != engine.CodeCantOpen {
		t.Errorf("open in a missing directory: %v, want code %d", ee, engine.CodeCantOpen)
	}
	notDB := filepath.Join(t.TempDir(), "text.db")
	if err := os.WriteFile(notDB, bytes.Repeat([]byte("this is not a database file "), 200), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := e.Engine.Open(engine.Config{Path: notDB, Create: true})
	if err == nil {
		err = c.Exec("SELECT * FROM sqlite_schema")
		c.Close()
	}
	if ee := code(t, "reading a text file as a database", err); ee.Code != engine.CodeNotADB {
		t.Errorf("reading a text file as a database: %v, want code %d", ee, engine.CodeNotADB)
	}
	// Without Create, a missing file is not created.
	missing := filepath.Join(t.TempDir(), "missing.db")
	if c, err := e.Engine.Open(engine.Config{Path: missing}); err == nil {
		c.Close()
		t.Error("Open without Create created a file")
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("Open without Create left %s: %v", missing, err)
	}
}

// testConnections: connections to one file, closed connections, private
// in-memory databases.
func testConnections(t *testing.T, e Engine) {
	c1, path := e.openFile(t)
	exec(t, c1, "CREATE TABLE t (a); INSERT INTO t VALUES (1)")
	// A second connection, through a URI, sees the committed data.
	c2, err := e.Engine.Open(engine.Config{Path: "file:" + path, Create: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, c2, "SELECT a FROM t"); n != 1 {
		t.Errorf("second connection reads %d", n)
	}
	s, _, err := c2.Prepare("SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	if err := c2.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c2.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, _, err := c2.Prepare("SELECT 1"); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("Prepare on a closed connection: %v, want ErrClosed", err)
	}
	if err := c2.Exec("SELECT 1"); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("Exec on a closed connection: %v, want ErrClosed", err)
	}
	if _, err := s.Start(nil); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("a statement of a closed connection: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("closing a statement of a closed connection: %v", err)
	}
	c2.Interrupt() // harmless after Close

	// In-memory databases are private to their connection.
	m1 := e.open(t, engine.Config{Path: ":memory:"})
	exec(t, m1, "CREATE TABLE only_here (a)")
	m2 := e.open(t, engine.Config{Path: ":memory:"})
	if err := m2.Exec("SELECT * FROM only_here"); err == nil {
		t.Error("two :memory: connections share a database")
	}
	t.Run("SharedMemory", func(t *testing.T) {
		e.skipIf(t, SharedMemory)
		uri := "file:enginetest-" + strings.ReplaceAll(t.Name(), "/", "-") + "?mode=memory&cache=shared"
		s1 := e.open(t, engine.Config{Path: uri, Create: true})
		exec(t, s1, "CREATE TABLE shared (a); INSERT INTO shared VALUES (7)")
		s2 := e.open(t, engine.Config{Path: uri, Create: true})
		if n := queryInt(t, s2, "SELECT a FROM shared"); n != 7 {
			t.Errorf("shared-cache memory database reads %d", n)
		}
	})
}

// testReadOnly: read-only connections, by Config and by URI, refuse
// writes with a read-only error.
func testReadOnly(t *testing.T, e Engine) {
	c, path := e.openFile(t)
	exec(t, c, "CREATE TABLE t (a); INSERT INTO t VALUES (1)")
	for _, cfg := range []engine.Config{
		{Path: path, ReadOnly: true},
		{Path: "file:" + path + "?mode=ro", Create: true},
		{Path: "file:" + path + "?immutable=1", Create: true},
	} {
		ro := e.open(t, cfg)
		if n := queryInt(t, ro, "SELECT count(*) FROM t"); n != 1 {
			t.Errorf("%+v: count %d", cfg, n)
		}
		ee := code(t, cfg.Path+": write", ro.Exec("INSERT INTO t VALUES (2)"))
		if ee.Code != engine.CodeReadOnly {
			t.Errorf("%+v: write: %v, want a read-only error", cfg, ee)
		}
	}
}

// testReprepareAfterSchemaChange: a statement prepared before a schema
// change, by its own connection or another, runs with the new schema,
// reports the new columns and counts the change in Reprepared.
func testReprepareAfterSchemaChange(t *testing.T, e Engine) {
	c, path := e.openFile(t)
	other := e.open(t, engine.Config{Path: path, Create: true})
	exec(t, c, "CREATE TABLE t (a TEXT); INSERT INTO t VALUES ('x')")
	s := prepare(t, c, "SELECT * FROM t")
	names := func() []string {
		var n []string
		for i := range s.ColumnCount() {
			n = append(n, s.ColumnName(i))
		}
		return n
	}
	steps := []struct {
		name   string
		change func() error
		cols   []string
		counts bool // Reprepared grows
	}{
		{"none", func() error { return nil }, []string{"a"}, false},
		{"script on the same connection", func() error {
			return c.Exec("DROP TABLE t; CREATE TABLE t (a TEXT, b INTEGER); INSERT INTO t VALUES ('y', 5)")
		}, []string{"a", "b"}, true},
		{"prepared statement of another connection", func() error {
			st, _, err := other.Prepare("ALTER TABLE t ADD COLUMN c REAL DEFAULT 7")
			if err != nil {
				return err
			}
			defer st.Close()
			_, _, err = st.Exec(nil)
			return err
		}, []string{"a", "b", "c"}, true},
	}
	prev := -1
	for _, st := range steps {
		if err := st.change(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		more, err := s.Start(nil)
		if err != nil || !more {
			t.Fatalf("%s: Start = %v, %v", st.name, more, err)
		}
		if got := len(s.Row()); got != len(st.cols) {
			t.Errorf("%s: row of %d values, want %d", st.name, got, len(st.cols))
		}
		if got := names(); !slices.Equal(got, st.cols) {
			t.Errorf("%s: columns %q, want %q", st.name, got, st.cols)
		}
		if got := s.Reprepared(); prev >= 0 && (got > prev) != st.counts {
			t.Errorf("%s: Reprepared went from %d to %d", st.name, prev, got)
		}
		prev = s.Reprepared()
		if err := s.Reset(); err != nil {
			t.Fatal(err)
		}
	}
}

// testInterruptBetweenSteps: Interrupt fails the next step of the running
// statement with an interrupt error, and is then spent.
func testInterruptBetweenSteps(t *testing.T, e Engine) {
	c, _ := e.openFile(t)
	exec(t, c, "CREATE TABLE n (x INTEGER PRIMARY KEY)")
	ins := prepare(t, c, "INSERT INTO n VALUES (?)")
	for i := range 100 {
		if _, _, err := ins.Exec([]engine.Value{integer(int64(i))}); err != nil {
			t.Fatal(err)
		}
	}
	s := prepare(t, c, "SELECT x FROM n")
	if more, err := s.Start(nil); !more || err != nil {
		t.Fatalf("Start = %v, %v", more, err)
	}
	c.Interrupt()
	_, err := s.Step()
	if ee := code(t, "Step after Interrupt", err); ee.Code != engine.CodeInterrupt {
		t.Errorf("Step after Interrupt: %v, want an interrupt error", ee)
	}
	n := 0
	for more, err := s.Start(nil); more && err == nil; more, err = s.Step() {
		n++
	}
	if n != 100 {
		t.Errorf("%d rows after the interrupt was spent, want 100", n)
	}
}

// testInterruptInStep: Interrupt from another goroutine stops one long
// step.
func testInterruptInStep(t *testing.T, e Engine) {
	e.skipIf(t, InterruptInStep)
	c, _ := e.openFile(t)
	s := prepare(t, c, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
	time.AfterFunc(20*time.Millisecond, c.Interrupt)
	_, err := s.Start(nil)
	if ee := code(t, "interrupted step", err); ee.Code != engine.CodeInterrupt {
		t.Errorf("interrupted step: %v, want an interrupt error", ee)
	}
}

// testInterruptAndClose: Interrupt racing Close, and after it, is safe.
func testInterruptAndClose(t *testing.T, e Engine) {
	c, err := e.Engine.Open(engine.Config{Path: filepath.Join(t.TempDir(), "x.db"), Create: true})
	if err != nil {
		t.Fatal(err)
	}
	exec(t, c, "CREATE TABLE t (a)")
	var wg sync.WaitGroup
	wg.Go(func() {
		for range 1000 {
			c.Interrupt()
		}
	})
	if err := c.Close(); err != nil {
		t.Error(err)
	}
	wg.Wait()
	c.Interrupt()
}

// testBusyTimeout: a write waits for another connection's write lock up
// to the busy timeout: it goes on when the lock is released in time, and
// fails with a busy error when it is not.
func testBusyTimeout(t *testing.T, e Engine) {
	holder, path := e.openFile(t)
	exec(t, holder, "CREATE TABLE t (a); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)")
	waiter := e.open(t, engine.Config{Path: path, Create: true, BusyTimeout: 10 * time.Second})
	committed := make(chan error, 1)
	time.AfterFunc(50*time.Millisecond, func() { committed <- holder.Exec("COMMIT") })
	start := time.Now()
	// Both ways to write wait: a script, and a prepared statement.
	if err := waiter.Exec("INSERT INTO t VALUES (2)"); err != nil {
		t.Fatalf("write while another connection commits: %v", err)
	}
	if _, _, err := prepare(t, waiter, "INSERT INTO t VALUES (3)").Exec(nil); err != nil {
		t.Fatalf("prepared write after the commit: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the writes waited %v for a lock released after 50 ms", d)
	}
	if err := <-committed; err != nil {
		t.Fatalf("holder's COMMIT: %v", err)
	}
	if n := queryInt(t, waiter, "SELECT count(*) FROM t"); n != 3 {
		t.Errorf("%d rows, want 3", n)
	}
	exec(t, holder, "BEGIN IMMEDIATE; INSERT INTO t VALUES (4)")
	time.AfterFunc(50*time.Millisecond, func() { committed <- holder.Exec("COMMIT") })
	if _, _, err := prepare(t, waiter, "INSERT INTO t VALUES (5)").Exec(nil); err != nil {
		t.Fatalf("prepared write while another connection commits: %v", err)
	}
	if err := <-committed; err != nil {
		t.Fatalf("holder's COMMIT: %v", err)
	}

	short := e.open(t, engine.Config{Path: path, Create: true, BusyTimeout: 100 * time.Millisecond})
	exec(t, holder, "BEGIN IMMEDIATE; INSERT INTO t VALUES (6)")
	defer holder.Exec("ROLLBACK")
	start = time.Now()
	err := short.Exec("INSERT INTO t VALUES (7)")
	if ee := code(t, "write while locked", err); ee.Code != engine.CodeBusy {
		t.Errorf("write while locked: %v, want a busy error", ee)
	}
	if d := time.Since(start); d < 90*time.Millisecond || d > 5*time.Second {
		t.Errorf("busy error after %v, want about 100 ms", d)
	}
}

// testColumnNames: result column names, aliases and out-of-range indexes.
func testColumnNames(t *testing.T, e Engine) {
	c, _ := e.openFile(t)
	exec(t, c, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
	s := prepare(t, c, "SELECT id, name AS n, 1 + 1, name FROM t")
	var got []string
	for i := range s.ColumnCount() {
		got = append(got, s.ColumnName(i))
	}
	if want := []string{"id", "n", "1 + 1", "name"}; !slices.Equal(got, want) {
		t.Errorf("columns %q, want %q", got, want)
	}
	if s.ColumnName(-1) != "" || s.ColumnName(4) != "" {
		t.Errorf("out-of-range names %q, %q", s.ColumnName(-1), s.ColumnName(4))
	}
	if ins := prepare(t, c, "INSERT INTO t (name) VALUES ('x')"); ins.ColumnCount() != 0 {
		t.Errorf("INSERT has %d columns", ins.ColumnCount())
	}
}

// metadataTable is the table the metadata tests describe.
const metadataTable = "CREATE TABLE m (a DATETIME NOT NULL, b VARCHAR(40), c DECIMAL(10,2), d BOOLEAN, e, f INTEGER NOT NULL)"

// describe prepares query over metadataTable.
func (e Engine) describe(t *testing.T, query string) engine.Stmt {
	t.Helper()
	c, _ := e.openFile(t)
	exec(t, c, metadataTable)
	return prepare(t, c, query)
}

// testColumnDeclTypes: an engine either reports declared types exactly as
// written, "" for expressions, or does not implement ColumnDeclTyper.
func testColumnDeclTypes(t *testing.T, e Engine) {
	s := e.describe(t, "SELECT a, b, c, d, e, f, f + 1, 'x' FROM m")
	d, ok := s.(engine.ColumnDeclTyper)
	e.implements(t, DeclTypes, ok, "engine.ColumnDeclTyper")
	var got []string
	for i := range s.ColumnCount() {
		got = append(got, d.ColumnDeclType(i))
	}
	if want := []string{"DATETIME", "VARCHAR(40)", "DECIMAL(10,2)", "BOOLEAN", "", "INTEGER", "", ""}; !slices.Equal(got, want) {
		t.Errorf("declared types %q, want %q", got, want)
	}
}

// testColumnNotNull: an engine either knows which result columns come
// from NOT NULL table columns, or does not implement ColumnNotNuller.
func testColumnNotNull(t *testing.T, e Engine) {
	s := e.describe(t, "SELECT a, b, e, f, f + 1 FROM m")
	n, ok := s.(engine.ColumnNotNuller)
	e.implements(t, NotNull, ok, "engine.ColumnNotNuller")
	type nn struct{ notNull, known bool }
	var got []nn
	for i := range s.ColumnCount() {
		notNull, known := n.ColumnNotNull(i)
		got = append(got, nn{notNull, known})
	}
	if want := []nn{{true, true}, {false, true}, {false, true}, {true, true}, {false, false}}; !slices.Equal(got, want) {
		t.Errorf("not-null %v, want %v", got, want)
	}
}

// testVersion: the engine names itself.
func testVersion(t *testing.T, e Engine) {
	if v := e.Engine.Version(); v == "" || !strings.Contains(v, " ") {
		t.Errorf("Version() = %q, want a name and a version", v)
	}
}
