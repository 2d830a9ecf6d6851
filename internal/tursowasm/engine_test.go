package tursowasm

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/turso-go/turso/internal/engine"
)

// wasmPath is where tursowasm/fetch.sh puts the module.
const wasmPath = "../../tursowasm/wasm/turso.wasm32-wasi.wasm"

// shared is the engine every test uses: compiling the module takes
// seconds, more under -race.
var shared struct {
	once sync.Once
	e    *Engine
}

// testEngine returns the shared engine, or skips the test when the wasm
// has not been fetched.
func testEngine(t *testing.T) *Engine {
	t.Helper()
	shared.once.Do(func() {
		wasm, err := os.ReadFile(wasmPath)
		if err != nil {
			return
		}
		shared.e = New(wasm)
	})
	if shared.e == nil {
		t.Skip("the Turso wasm is absent: run sh tursowasm/fetch.sh")
	}
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
			v.Bytes = append([]byte(nil), v.Bytes...)
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
		{"text param", "SELECT ?", []engine.Value{{Kind: engine.KindText, Text: "héllo"}}, engine.Value{Kind: engine.KindText, Bytes: []byte("héllo")}},
		{"blob param", "SELECT ?", []engine.Value{{Kind: engine.KindBlob, Blob: []byte{0, 1, 255}}}, engine.Value{Kind: engine.KindBlob, Bytes: []byte{0, 1, 255}}},
		{"null param", "SELECT ?", []engine.Value{{Kind: engine.KindNull}}, engine.Value{Kind: engine.KindNull}},
		{"named param", "SELECT :a + 1", []engine.Value{{Kind: engine.KindInteger, Int: 1}}, engine.Value{Kind: engine.KindInteger, Int: 2}},
		{"typeof blob", "SELECT typeof(?)", []engine.Value{{Kind: engine.KindBlob, Blob: []byte{7}}}, engine.Value{Kind: engine.KindText, Bytes: []byte("blob")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := queryAll(t, c, tt.sql, tt.args...)
			if len(rows) != 1 || len(rows[0]) != 1 {
				t.Fatalf("rows = %v, want one value", rows)
			}
			got := rows[0][0]
			if got.Kind != tt.want.Kind || got.Int != tt.want.Int || got.Float != tt.want.Float || string(got.Bytes) != string(tt.want.Bytes) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestMain(m *testing.M) {
	if os.Getenv(CacheDirEnv) == "" {
		os.Setenv(CacheDirEnv, filepath.Join(os.TempDir(), "turso-go-wasm-cache"))
	}
	os.Exit(m.Run())
}
