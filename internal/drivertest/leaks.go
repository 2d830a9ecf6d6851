package drivertest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// Results and statements a program forgets to close are released once
// the garbage collector finds them.

// leakRows runs a query and drops its result unclosed, in the middle of
// its rows, as a program that forgets rows.Close does.
func leakRows(t *testing.T, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), "SELECT v FROM t")
	if err != nil {
		t.Fatal(err)
	}
	if !rows.Next() {
		t.Fatal("no row")
	}
}

// leakPoolRows leaks a result of db, then reads through db: database/sql
// forgets the leaked result's connection only once another connection
// goes back to the pool (taking a connection from the pool leaves it in
// the spare capacity of the pool's slice until a later put overwrites
// it), which any later statement of the program does.
func leakPoolRows(t *testing.T, db *sql.DB) {
	t.Helper()
	leakRows(t, db)
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
		t.Fatal(err)
	}
}

// writeAfterGC runs the garbage collector and then a write, which must
// not wait out the busy timeout (the leaked result's lock is released
// while it waits).
func writeAfterGC(t *testing.T, db *sql.DB, busy time.Duration) {
	t.Helper()
	runtime.GC()
	start := time.Now()
	if _, err := db.Exec("INSERT INTO t VALUES (0)"); err != nil {
		t.Fatalf("write after the leaked result was collected: %v (after %v)", err, time.Since(start).Round(time.Millisecond))
	}
	if el := time.Since(start); el > busy/2 {
		t.Errorf("the write waited %v for the leaked result's lock", el)
	}
}

// testLeakedRowsReleased: a result dropped without Close is released when
// the garbage collector finds it, so that writes of other connections
// stop waiting for its read lock (the default journal mode, where a
// reader blocks a writer's commit). database/sql drops the connection
// of a leaked result with it.
func testLeakedRowsReleased(t *testing.T, e Engine) {
	const busy = 10 * time.Second
	db, _ := e.openDB(t, "_busy_timeout=10000")
	MustExec(t, db, "CREATE TABLE t(v)")
	MustExec(t, db, "INSERT INTO t VALUES (1), (2), (3)")
	for range 3 {
		leakPoolRows(t, db)
		writeAfterGC(t, db, busy)
	}
	// In a transaction on another connection.
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	MustExec(t, tx, "INSERT INTO t VALUES (4)")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 7 {
		t.Errorf("count = %d, %v; want 7", n, err)
	}

	// In WAL mode a reader blocks no writer, but a checkpoint that
	// truncates the log waits for every reader, which a leaked result
	// would hold back for good.
	wal, _ := e.openDB(t, "_journal_mode=WAL&_busy_timeout=100")
	MustExec(t, wal, "CREATE TABLE t(v)")
	MustExec(t, wal, "INSERT INTO t VALUES (1), (2)")
	leakPoolRows(t, wal)
	MustExec(t, wal, "INSERT INTO t VALUES (3)")
	truncate := func() (busy int64) {
		var log, done sql.NullInt64
		if err := wal.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &log, &done); err != nil {
			t.Fatalf("checkpoint: %v", err)
		}
		return busy
	}
	for i := 0; truncate() != 0; i++ {
		// The cleanups run on their own goroutine after the collection.
		if i == 100 {
			t.Fatal("the checkpoint stays blocked by the leaked result after it was collected")
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}

// testLeakedRowsOnHeldConn: a result dropped on a connection the program
// keeps using is released at that connection's next use.
func testLeakedRowsOnHeldConn(t *testing.T, e Engine) {
	const busy = 10 * time.Second
	db, _ := e.openDB(t, "_busy_timeout=10000")
	MustExec(t, db, "CREATE TABLE t(v)")
	MustExec(t, db, "INSERT INTO t VALUES (1), (2), (3)")
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	leakRows(t, c)
	runtime.GC()
	// The next use of the connection finalizes what was dropped.
	var n int
	if err := c.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 3 {
		t.Fatalf("count on the held connection: %d, %v", n, err)
	}
	writeAfterGC(t, db, busy)

	// Straight through the driver: a statement and its result both
	// dropped unclosed.
	err = c.Raw(func(dc any) error {
		s, err := dc.(driver.ConnPrepareContext).PrepareContext(ctx, "SELECT v FROM t")
		if err != nil {
			return err
		}
		r, err := s.(driver.StmtQueryContext).QueryContext(ctx, nil)
		if err != nil {
			return err
		}
		return r.Next(make([]driver.Value, 1))
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		// The cleanups run on their own goroutine after the collection.
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
		if err := c.PingContext(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ExecContext(ctx, "SELECT 1"); err != nil {
			t.Fatal(err)
		}
		if i == 20 {
			break
		}
	}
	writeAfterGC(t, db, busy)
	// c cannot be closed: database/sql's Conn.Close waits for the leaked
	// *sql.Rows, which never closes. Once c is dropped too, the cleanup
	// of the driver connection closes it.
}

// testLeakedRowsNoHandleLeak: the engine connections of results leaked
// on many pools are closed once collected, while pools close and leak on
// other goroutines (run it under -race).
func testLeakedRowsNoHandleLeak(t *testing.T, e Engine) {
	dir := t.TempDir()
	fds := func() int {
		entries, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skipf("cannot count open files: %v", err)
		}
		return len(entries)
	}
	cycle := func(i int) {
		db, err := sql.Open("turso", e.dsn(filepath.Join(dir, fmt.Sprint(i, ".db")), ""))
		if err != nil {
			t.Error(err)
			return
		}
		defer db.Close()
		if _, err := db.Exec("CREATE TABLE IF NOT EXISTS t(v); INSERT INTO t VALUES (1)"); err != nil {
			t.Error(err)
			return
		}
		rows, err := db.Query("SELECT v FROM t")
		if err != nil {
			t.Error(err)
			return
		}
		rows.Next() // and dropped
	}
	cycle(0)
	runtime.GC()
	time.Sleep(50 * time.Millisecond)
	before := fds()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 25 {
				cycle(g*25 + i)
				if i%5 == 0 {
					runtime.GC()
				}
			}
		})
	}
	wg.Wait()
	after := 0
	for range 100 {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
		if after = fds(); after <= before {
			return
		}
	}
	t.Errorf("open files grew from %d to %d after 100 leaked results were collected", before, after)
}
