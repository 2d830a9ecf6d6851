package turso_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// The allocation budgets of the read hot path, measured with
// testing.AllocsPerRun on a warm connection (statement cached, pool
// connection idle). database/sql itself takes most of them: on Go 1.26 a
// prepared st.QueryRow(id).Scan(&s) costs it 9 allocations and a
// db.QueryRow(sql, id).Scan(&s) 7, whatever the driver does; the driver
// adds one (its rows), and boxes row values without allocating (see
// rowArena). A change that makes the driver allocate more fails here;
// raise a budget only with a reason.
const (
	pointPreparedAllocs = 10 // st.QueryRow(id).Scan(&email)
	pointQueryAllocs    = 8  // db.QueryRow(sql, id).Scan(&email)
	// pointBytes bounds the bytes allocated per lookup (database/sql's
	// Stmt, Rows and Row, and the driver's rows; about 420): a text chunk
	// far larger than the one-row result, as the driver once took, fails.
	pointBytes = 512
	// rowAllocs is the budget per row of a scan of (int, text, real,
	// datetime) into typed destinations: database/sql's Scan allocates
	// nothing for them, and the driver a few chunks per hundred rows.
	rowAllocs = 0.1
)

// openLookupDB opens a one-connection pool on a fresh file with n users.
func openLookupDB(tb testing.TB, n int) *sql.DB {
	tb.Helper()
	db, err := sql.Open("turso", filepath.Join(tb.TempDir(), "lookup.db")+"?_journal_mode=WAL&_synchronous=NORMAL")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT NOT NULL, score REAL, created DATETIME)"); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec(`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?)
		INSERT INTO users SELECT x, 'user' || x || '@example.com', x / 4.0, '2026-01-02 03:04:05.123456789+00:00' FROM c`, n); err != nil {
		tb.Fatal(err)
	}
	return db
}

const pointSQL = "SELECT email FROM users WHERE id = ?"

// measureAllocs returns the allocations and bytes per call of fn, after
// warming it up: the allocations as testing.AllocsPerRun counts them, the
// bytes from the same MemStats over as many calls.
func measureAllocs(tb testing.TB, runs int, fn func()) (allocs float64, bytes uint64) {
	tb.Helper()
	fn()
	allocs = testing.AllocsPerRun(runs, fn)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for range runs {
		fn()
	}
	runtime.ReadMemStats(&m1)
	return allocs, (m1.TotalAlloc - m0.TotalAlloc) / uint64(runs)
}

func TestPointLookupAllocs(t *testing.T) {
	db := openLookupDB(t, 100)
	st, err := db.Prepare(pointSQL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	emails := make([]string, 101)
	for id := range emails {
		emails[id] = fmt.Sprintf("user%d@example.com", id)
	}
	for _, tc := range []struct {
		name   string
		budget int
		lookup func(id int, e *string) error
	}{
		{"prepared", pointPreparedAllocs, func(id int, e *string) error { return st.QueryRow(id).Scan(e) }},
		{"query", pointQueryAllocs, func(id int, e *string) error { return db.QueryRow(pointSQL, id).Scan(e) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := 0
			var e string
			allocs, bytes := measureAllocs(t, 500, func() {
				id = id%100 + 1
				if err := tc.lookup(id, &e); err != nil {
					t.Fatal(err)
				}
				if e != emails[id] {
					t.Fatalf("id %d: email %q", id, e)
				}
			})
			t.Logf("%s: %.1f allocations, %d bytes per lookup", tc.name, allocs, bytes)
			if allocs > float64(tc.budget) {
				t.Errorf("%.1f allocations per lookup, budget %d", allocs, tc.budget)
			}
			if bytes > pointBytes {
				t.Errorf("%d bytes per lookup, budget %d", bytes, pointBytes)
			}
		})
	}
}

func TestScanRowAllocs(t *testing.T) {
	const n = 1000
	db := openLookupDB(t, n)
	var (
		id      int64
		email   string
		score   float64
		created time.Time
	)
	scan := func() {
		rows, err := db.Query("SELECT id, email, score, created FROM users")
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for rows.Next() {
			if err := rows.Scan(&id, &email, &score, &created); err != nil {
				t.Fatal(err)
			}
			got++
		}
		if err := rows.Close(); err != nil || got != n {
			t.Fatalf("%d rows, %v", got, err)
		}
	}
	allocs, _ := measureAllocs(t, 20, scan)
	perRow := allocs / n
	t.Logf("%.2f allocations per row", perRow)
	if perRow > rowAllocs {
		t.Errorf("%.2f allocations per row, budget %.2f", perRow, rowAllocs)
	}
}

func BenchmarkPointLookup(b *testing.B) {
	db := openLookupDB(b, 1000)
	st, err := db.Prepare(pointSQL)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	b.Run("prepared", func(b *testing.B) {
		b.ReportAllocs()
		var e string
		id := 0
		for b.Loop() {
			id = id%1000 + 1
			if err := st.QueryRow(id).Scan(&e); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("query", func(b *testing.B) {
		b.ReportAllocs()
		var e string
		id := 0
		for b.Loop() {
			id = id%1000 + 1
			if err := db.QueryRow(pointSQL, id).Scan(&e); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSelect1Prepared(b *testing.B) {
	db := openLookupDB(b, 1)
	st, err := db.Prepare("SELECT 1")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	b.ReportAllocs()
	var n int64
	for b.Loop() {
		if err := st.QueryRow().Scan(&n); err != nil {
			b.Fatal(err)
		}
	}
}
