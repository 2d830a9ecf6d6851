package tursowasm

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/enginetest"
	"github.com/turso-go/turso/internal/tursobind"
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

// queryAll runs sql with args on c and returns its rows.
var queryAll = enginetest.QueryAll

// TestUnrelatedSchemaChange checks that a statement does not count a
// schema change that leaves its tables as they were as a re-preparation
// (the engine contract checks that it counts those that change them): the
// driver would otherwise describe its columns anew on every run.
func TestUnrelatedSchemaChange(t *testing.T) {
	c, path := openConn(t)
	other, err := testEngine(t).Open(engine.Config{Path: path, Create: true})
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
	for i, change := range []string{"", "CREATE TABLE u (z)", "CREATE INDEX ui ON u (z)"} {
		if change != "" {
			if err := other.Exec(change); err != nil {
				t.Fatal(err)
			}
		}
		if more, err := s.Start(nil); !more || err != nil {
			t.Fatalf("Start = %v, %v", more, err)
		}
		if s.Reprepared() != 0 || s.ColumnCount() != 1 {
			t.Errorf("step %d (%q): Reprepared %d, %d columns", i, change, s.Reprepared(), s.ColumnCount())
		}
		s.Reset()
	}
}

// TestVersionAndBadModule: the engine reports the npm version it runs,
// and an engine whose module does not compile opens nothing.
func TestVersionAndBadModule(t *testing.T) {
	if got := testEngine(t).Version(); got != "turso "+Version {
		t.Errorf("Version = %q", got)
	}
	bad := New(gzArtifact(t, "bad.wasm", []byte("not wasm")))
	if _, err := bad.Open(engine.Config{Path: ":memory:"}); err == nil {
		t.Error("engine with a bad module opened a connection")
	}
}

// TestDBPath checks the paths the engine opens for the driver's: URIs
// become paths, and immutable=1 or mode=ro make the connection read-only,
// as SQLite does (the engine contract checks that such a connection
// refuses writes).
func TestDBPath(t *testing.T) {
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
		path, ro, err := tursobind.Path(tt.uri)
		if err != nil || path != "/d/x.db" || ro != tt.readOnly {
			t.Errorf("tursobind.Path(%q) = %q, %v, %v; want /d/x.db, %v", tt.uri, path, ro, err, tt.readOnly)
		}
	}
}
