package enginetest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turso-go/turso/internal/engine"
)

// The benchmarks below measure an engine binding's hot paths through the
// engine interface, without database/sql: each engine package runs them
// from a Benchmark function of its own (go test -bench), so that its
// bindings can be compared side by side.

// BenchOpen opens a connection of e to a new database file in b's
// temporary directory and closes it when b ends.
func BenchOpen(b *testing.B, e engine.Engine) engine.Conn {
	b.Helper()
	c, err := e.Open(engine.Config{Path: filepath.Join(b.TempDir(), "bench.db"), Create: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c
}

// BenchReadRows reads a table of 1000 rows of four columns (integer,
// text, real, text datetime) per op, copying text as a scan into a
// string does, and reports ns/row.
func BenchReadRows(b *testing.B, e engine.Engine) {
	c := BenchOpen(b, e)
	exec(b, c, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, at DATETIME); BEGIN")
	ins := prepare(b, c, "INSERT INTO t VALUES (?, 'name ' || ?1, ?1 * 0.5, '2026-01-01 10:00:00')")
	for i := range 1000 {
		if _, _, err := ins.Exec([]engine.Value{integer(int64(i + 1))}); err != nil {
			b.Fatal(err)
		}
	}
	exec(b, c, "COMMIT")
	s := prepare(b, c, "SELECT id, name, score, at FROM t")
	b.ResetTimer()
	for range b.N {
		n := 0
		more, err := s.Start(nil)
		for ; more && err == nil; more, err = s.Step() {
			row := s.Row()
			_ = strings.Clone(row[1].Data)
			_ = strings.Clone(row[3].Data)
			n++
		}
		if err != nil || n != 1000 {
			b.Fatalf("%d rows, %v", n, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/row")
}

// BenchBindBlob binds a blob of size bytes per op (SELECT length(?)) and
// reports ns/byte.
func BenchBindBlob(b *testing.B, e engine.Engine, size int) {
	c := BenchOpen(b, e)
	s := prepare(b, c, "SELECT length(?)")
	arg := []engine.Value{blob(strings.Repeat("x\x00", size/2) + strings.Repeat("y", size%2))}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for range b.N {
		more, err := s.Start(arg)
		if err != nil || !more || s.Row()[0].Int != int64(size) {
			b.Fatalf("%v %v", more, err)
		}
		if err := s.Reset(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*size), "ns/byte")
}

// benchUsers creates the users table of the benchmark programs: an
// INTEGER PRIMARY KEY and one index.
func benchUsers(b *testing.B, e engine.Engine) engine.Conn {
	c := BenchOpen(b, e)
	exec(b, c, "CREATE TABLE users (id INTEGER PRIMARY KEY NOT NULL, created INTEGER NOT NULL, email TEXT NOT NULL, active INTEGER NOT NULL); CREATE INDEX users_created ON users(created)")
	return c
}

const benchInsertUser = "INSERT INTO users(id, created, email, active) VALUES (?, ?, ?, ?)"

// userArgs are the arguments of benchInsertUser for the i-th user.
func userArgs(args []engine.Value, i int) []engine.Value {
	return append(args[:0], integer(int64(i+1)), integer(int64(1_000_000-i)), text(fmt.Sprintf("user%d@example.com", i%1000)), integer(int64(i%2)))
}

// BenchInsertPrepared inserts one row per op with a prepared statement,
// all in one transaction (the simple/insert workload of the benchmark
// programs).
func BenchInsertPrepared(b *testing.B, e engine.Engine) { benchInsert(b, e, "NORMAL", false) }

// BenchInsertTx inserts one row per transaction (BEGIN, a prepared
// INSERT, COMMIT) at the given synchronous level.
func BenchInsertTx(b *testing.B, e engine.Engine, synchronous string) {
	benchInsert(b, e, synchronous, true)
}

// benchInsert inserts one row per op, in a transaction of its own with
// perTx, else all in one.
func benchInsert(b *testing.B, e engine.Engine, synchronous string, perTx bool) {
	c := benchUsers(b, e)
	exec(b, c, "PRAGMA synchronous="+synchronous)
	ins := prepare(b, c, benchInsertUser)
	if !perTx {
		exec(b, c, "BEGIN")
	}
	var args []engine.Value
	b.ResetTimer()
	for i := range b.N {
		args = userArgs(args, i)
		if perTx {
			exec(b, c, "BEGIN")
		}
		if _, _, err := ins.Exec(args); err != nil {
			b.Fatal(err)
		}
		if perTx {
			exec(b, c, "COMMIT")
		}
	}
	b.StopTimer()
	if !perTx {
		exec(b, c, "COMMIT")
	}
}
