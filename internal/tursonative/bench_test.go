//go:build linux && amd64 && cgo

package tursonative_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/tursonative"
)

// benchConn opens a connection to a new database of 1000 rows (int, text,
// real, text datetime) on the native engine, without database/sql.
func benchConn(b *testing.B) engine.Conn {
	b.Helper()
	c, err := tursonative.New(tursonative.Addon).Open(engine.Config{Path: filepath.Join(b.TempDir(), "b.db"), Create: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	if err := c.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, at DATETIME); BEGIN"); err != nil {
		b.Fatal(err)
	}
	ins, _, err := c.Prepare("INSERT INTO t VALUES (?, 'name ' || ?1, ?1 * 0.5, '2026-01-01 10:00:00')")
	if err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		if _, _, err := ins.Exec([]engine.Value{{Kind: engine.KindInteger, Int: int64(i + 1)}}); err != nil {
			b.Fatal(err)
		}
	}
	ins.Close()
	if err := c.Exec("COMMIT"); err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkReadRows reads 1000 rows of four columns per op through the
// engine interface (the host's hot path: one cgo call per row), copying
// text as a scan into a string does.
func BenchmarkReadRows(b *testing.B) {
	c := benchConn(b)
	s, _, err := c.Prepare("SELECT id, name, score, at FROM t")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
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

// BenchmarkBindBlob binds a 4 KiB blob per op: the binding reads a
// Buffer argument one element at a time.
func BenchmarkBindBlob(b *testing.B) {
	c := benchConn(b)
	s, _, err := c.Prepare("SELECT length(?)")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	blob := engine.Value{Kind: engine.KindBlob, Data: strings.Repeat("x", 4096)}
	b.ResetTimer()
	for range b.N {
		if more, err := s.Start([]engine.Value{blob}); err != nil || !more || s.Row()[0].Int != 4096 {
			b.Fatalf("%v %v", more, err)
		}
		s.Reset()
	}
}
