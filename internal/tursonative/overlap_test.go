//go:build linux && amd64 && cgo

package tursonative_test

import (
	"database/sql"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// longQuery takes one long step in the engine: an aggregate over a
// cross join of t with itself three times.
const longQuery = "SELECT count(*) FROM t a, t b, t c WHERE a.v + b.v + c.v >= 0"

// setupLong makes t with rows rows in db.
func setupLong(t *testing.T, db *sql.DB, rows int) {
	t.Helper()
	if _, err := db.Exec("CREATE TABLE t (v INTEGER)"); err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if _, err := db.Exec("INSERT INTO t VALUES (?)", i); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStepsOverlap checks that the engine serializes nothing across
// connections: while one connection is inside a long step, other
// connections, to another file and to the same file, run queries to
// completion. (It holds on one CPU too: the operating system interleaves
// the threads; a process-wide lock would hold the quick queries until the
// long step ends.)
func TestStepsOverlap(t *testing.T) {
	dir := t.TempDir()
	long := openNative(t, filepath.Join(dir, "long.db"), "")
	rows := 150
	setupLong(t, long, rows)
	// The long step must outlast the quick queries by far: calibrate.
	start := time.Now()
	if _, err := long.Exec(longQuery); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Skipf("the long query took %v only: the machine is too fast for this check", d)
	}

	other := openNative(t, filepath.Join(dir, "other.db"), "")
	if _, err := other.Exec("CREATE TABLE x (v); INSERT INTO x VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		db   *sql.DB
	}{
		{"another file", other},
		{"the same file", long},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var done atomic.Bool
			inStep := make(chan struct{})
			errc := make(chan error, 1)
			go func() {
				conn, err := long.Conn(t.Context())
				if err != nil {
					errc <- err
					return
				}
				defer conn.Close()
				close(inStep)
				var n int64
				err = conn.QueryRowContext(t.Context(), longQuery).Scan(&n)
				done.Store(true)
				errc <- err
			}()
			<-inStep
			time.Sleep(20 * time.Millisecond) // into the step
			for range 20 {
				var v int
				if err := tt.db.QueryRow("SELECT count(*) FROM sqlite_schema").Scan(&v); err != nil {
					t.Fatal(err)
				}
			}
			finishedFirst := done.Load()
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
			if finishedFirst {
				t.Error("the quick queries finished only after the long step: the connections were serialized")
			}
		})
	}
}
