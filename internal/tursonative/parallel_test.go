//go:build linux && amd64 && cgo

package tursonative_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	_ "github.com/turso-go/turso"
)

// openNative opens a pool on the native engine.
func openNative(t *testing.T, path, params string) *sql.DB {
	t.Helper()
	dsn := path + "?_engine=turso-native&_busy_timeout=10000"
	if params != "" {
		dsn += "&" + params
	}
	db, err := sql.Open("turso", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// writeCounter runs n transactions that each read a counter, bump it and
// add a row, on one connection of db.
func writeCounter(db *sql.DB, n int, worker int) error {
	for i := range n {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		var c int
		if err := tx.QueryRow("SELECT c FROM counter").Scan(&c); err != nil {
			tx.Rollback()
			return err
		}
		if _, err := tx.Exec("UPDATE counter SET c = ?", c+1); err != nil {
			tx.Rollback()
			return err
		}
		if _, err := tx.Exec("INSERT INTO log (worker, i, note) VALUES (?, ?, ?)", worker, i, fmt.Sprintf("w%d-%d", worker, i)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

func setupCounter(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, q := range []string{
		"CREATE TABLE IF NOT EXISTS counter (c INTEGER NOT NULL)",
		"INSERT INTO counter SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM counter)",
		"CREATE TABLE IF NOT EXISTS log (id INTEGER PRIMARY KEY, worker INT, i INT, note TEXT)",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

func checkCounter(t *testing.T, db *sql.DB, want int) {
	t.Helper()
	var c, rows int
	var integrity string
	if err := db.QueryRow("SELECT (SELECT c FROM counter), (SELECT count(*) FROM log)").Scan(&c, &rows); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&integrity); err != nil {
		t.Fatal(err)
	}
	if c != want || rows != want || integrity != "ok" {
		t.Errorf("counter %d, rows %d, integrity %q; want %d, %d, ok", c, rows, integrity, want, want)
	}
}

// TestParallelOneFile runs writers and readers on connections to one
// file at once: the engine's connections run in parallel, and its locks
// serialize the writers.
func TestParallelOneFile(t *testing.T) {
	const workers, txs = 6, 60
	db := openNative(t, filepath.Join(t.TempDir(), "one.db"), "_txlock=immediate")
	db.SetMaxOpenConns(workers + 2)
	setupCounter(t, db)
	var wg sync.WaitGroup
	errs := make(chan error, workers+2)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := writeCounter(db, txs, w); err != nil {
				errs <- fmt.Errorf("writer %d: %w", w, err)
			}
		}()
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 2 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				var c, rows int
				// One read transaction sees a consistent snapshot: the
				// counter and the log agree.
				tx, err := db.Begin()
				if err != nil {
					errs <- err
					return
				}
				if err := tx.QueryRow("SELECT (SELECT c FROM counter), (SELECT count(*) FROM log)").Scan(&c, &rows); err != nil {
					tx.Rollback()
					errs <- fmt.Errorf("reader: %w", err)
					return
				}
				tx.Rollback()
				if c != rows {
					errs <- fmt.Errorf("reader saw counter %d with %d rows", c, rows)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	checkCounter(t, db, workers*txs)
}

// TestParallelFiles runs writers on separate files at once.
func TestParallelFiles(t *testing.T) {
	const workers, txs = 6, 60
	dir := t.TempDir()
	dbs := make([]*sql.DB, workers)
	for w := range dbs {
		dbs[w] = openNative(t, filepath.Join(dir, fmt.Sprintf("f%d.db", w)), "")
		setupCounter(t, dbs[w])
	}
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = writeCounter(dbs[w], txs, w)
		}()
	}
	wg.Wait()
	for w, db := range dbs {
		if errs[w] != nil {
			t.Errorf("file %d: %v", w, errs[w])
		}
		checkCounter(t, db, txs)
	}
}

// TestParallelConcurrentTransactions runs MVCC writers on one file, each
// retrying its conflicts.
func TestParallelConcurrentTransactions(t *testing.T) {
	const workers, txs = 6, 40
	db := openNative(t, filepath.Join(t.TempDir(), "mvcc.db"), "_txlock=concurrent")
	db.SetMaxOpenConns(workers)
	if _, err := db.Exec("CREATE TABLE acct (id INTEGER PRIMARY KEY, bal INTEGER NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	for i := range workers {
		if _, err := db.Exec("INSERT INTO acct VALUES (?, 0)", i); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range txs {
				// Each worker bumps its own row: no conflicts.
				tx, err := db.Begin()
				if err != nil {
					errs[w] = err
					return
				}
				if _, err := tx.Exec("UPDATE acct SET bal = bal + 1 WHERE id = ?", w); err != nil {
					tx.Rollback()
					errs[w] = err
					return
				}
				if err := tx.Commit(); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Errorf("worker %d: %v", w, err)
		}
	}
	var sum int
	if err := db.QueryRow("SELECT sum(bal) FROM acct").Scan(&sum); err != nil || sum != workers*txs {
		t.Errorf("sum %d, %v; want %d", sum, err, workers*txs)
	}
}
