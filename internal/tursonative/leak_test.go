//go:build linux && amd64 && cgo

package tursonative_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/turso-go/turso/internal/tursonative"
)

// rss reports the resident set size in bytes.
func rss(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skip(err)
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// TestNoLeak runs many statements with every kind of value and checks
// that memory stays flat: every value, row and statement the host makes
// is freed.
func TestNoLeak(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	db := openNative(t, filepath.Join(t.TempDir(), "leak.db"), "")
	if _, err := db.Exec("CREATE TABLE t (i INTEGER, f REAL, s TEXT, b BLOB)"); err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("x", 300)
	blob := []byte(strings.Repeat("y", 300))
	round := func(n int) {
		for i := range n {
			if _, err := db.Exec("INSERT INTO t VALUES (?, ?, ?, ?)", i, 1.5, text, blob); err != nil {
				t.Fatal(err)
			}
			rows, err := db.Query("SELECT i, f, s, b FROM t ORDER BY rowid DESC LIMIT 3")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var i int
				var f float64
				var s string
				var b []byte
				if err := rows.Scan(&i, &f, &s, &b); err != nil {
					t.Fatal(err)
				}
			}
			rows.Close()
			if i%500 == 0 {
				db.Exec("DELETE FROM t")
			}
		}
	}
	round(3000)
	runtime.GC()
	before := rss(t)
	round(6000)
	runtime.GC()
	after := rss(t)
	t.Logf("RSS %d KiB -> %d KiB", before/1024, after/1024)
	if grow := after - before; grow > 8<<20 {
		t.Errorf("RSS grew by %d KiB over 6000 rounds", grow/1024)
	}
}

// TestRecycle checks that a connection that prepared many statements is
// replaced, so that memory stays flat, except where its session holds
// what a new connection would lack.
func TestRecycle(t *testing.T) {
	defer tursonative.SetRecycleAfter(tursonative.SetRecycleAfter(200))
	distinct := func(i int) string { return fmt.Sprintf("SELECT count(*) + %d FROM t", i) }

	t.Run("file", func(t *testing.T) {
		db := openNative(t, filepath.Join(t.TempDir(), "r.db"), "_stmt_cache=0")
		db.SetMaxOpenConns(1)
		if _, err := db.Exec("CREATE TABLE t (x)"); err != nil {
			t.Fatal(err)
		}
		run := func(n int) {
			for i := range n {
				var c int
				if err := db.QueryRow(distinct(i)).Scan(&c); err != nil || c != i {
					t.Fatalf("%s = %d, %v", distinct(i), c, err)
				}
			}
		}
		run(2000)
		runtime.GC()
		before := rss(t)
		run(20000)
		runtime.GC()
		after := rss(t)
		// Without recycling, 20000 statements would keep about 36 MB.
		if grow := after - before; grow > 12<<20 {
			t.Errorf("RSS grew by %d KiB over 20000 distinct statements", grow/1024)
		}
	})

	t.Run("memory database is kept", func(t *testing.T) {
		db := openNative(t, ":memory:", "_stmt_cache=0")
		db.SetMaxOpenConns(1)
		if _, err := db.Exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)"); err != nil {
			t.Fatal(err)
		}
		for i := range 500 {
			var c int
			if err := db.QueryRow(distinct(i)).Scan(&c); err != nil || c != i+1 {
				t.Fatalf("%s = %d, %v (the in-memory database was replaced)", distinct(i), c, err)
			}
		}
	})

	t.Run("temporary table keeps its connection", func(t *testing.T) {
		db := openNative(t, filepath.Join(t.TempDir(), "temp.db"), "_stmt_cache=0")
		db.SetMaxOpenConns(1)
		if _, err := db.Exec("CREATE TABLE t (x); CREATE TEMP TABLE scratch (y); INSERT INTO scratch VALUES (7)"); err != nil {
			t.Fatal(err)
		}
		for i := range 500 {
			var y int
			if err := db.QueryRow(fmt.Sprintf("SELECT y + %d FROM scratch", i)).Scan(&y); err != nil || y != 7+i {
				t.Fatalf("temp table read %d, %v (the connection was replaced)", y, err)
			}
		}
	})
}
