package turso_test

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/turso-go/turso"
)

// ccOpen opens a pool on a new WAL database in a test directory and runs
// the setup statements.
func ccOpen(t *testing.T, params string, setup ...string) (*sql.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cc.db")
	dsn := path + "?_journal_mode=WAL"
	if params != "" {
		dsn += "&" + params
	}
	db, err := sql.Open("turso", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, s := range setup {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return db, dsn
}

func ccBegin(t *testing.T, db *sql.DB) *sql.Tx {
	t.Helper()
	tx, err := turso.BeginConcurrent(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func ccExec(t *testing.T, q interface {
	Exec(string, ...any) (sql.Result, error)
}, query string, args ...any) sql.Result {
	t.Helper()
	res, err := q.Exec(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return res
}

func ccInt(t *testing.T, q interface {
	QueryRow(string, ...any) *sql.Row
}, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := q.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// accountsSetup creates a table whose 50 rows all fit on one page.
var accountsSetup = []string{
	"CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER NOT NULL)",
	"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 50) INSERT INTO acct SELECT i, 100 FROM n",
}

func TestConcurrentDifferentRowsSamePageBothCommit(t *testing.T) {
	db, _ := ccOpen(t, "", accountsSetup...)
	if pages := ccInt(t, db, "SELECT count(*) FROM dbstat WHERE name = 'acct'"); pages != 1 {
		t.Fatalf("acct spans %d pages, want 1", pages)
	}
	t1, t2 := ccBegin(t, db), ccBegin(t, db)
	ccExec(t, t1, "UPDATE acct SET bal = bal + 1 WHERE id = 1")
	ccExec(t, t2, "UPDATE acct SET bal = bal + 2 WHERE id = 2")
	if err := t1.Commit(); err != nil {
		t.Fatalf("first commit: %v", err)
	}
	if err := t2.Commit(); err != nil {
		t.Fatalf("second commit: %v", err)
	}
	if got := ccInt(t, db, "SELECT bal FROM acct WHERE id = 1"); got != 101 {
		t.Errorf("row 1 = %d, want 101", got)
	}
	if got := ccInt(t, db, "SELECT bal FROM acct WHERE id = 2"); got != 102 {
		t.Errorf("row 2 = %d, want 102", got)
	}
	if got := ccInt(t, db, "SELECT sum(bal) FROM acct"); got != 5003 {
		t.Errorf("sum = %d, want 5003", got)
	}
}

func TestConcurrentSameRowConflicts(t *testing.T) {
	db, _ := ccOpen(t, "", accountsSetup...)
	t1, t2 := ccBegin(t, db), ccBegin(t, db)
	ccExec(t, t1, "UPDATE acct SET bal = bal + 1 WHERE id = 7")
	ccExec(t, t2, "UPDATE acct SET bal = bal + 2 WHERE id = 7")
	err1, err2 := t1.Commit(), t2.Commit()
	if err1 != nil {
		t.Fatalf("first committer: %v", err1)
	}
	if !errors.Is(err2, turso.ErrConflict) {
		t.Fatalf("second committer: got %v, want ErrConflict", err2)
	}
	var ce *turso.ConflictError
	if !errors.As(err2, &ce) || ce.Table != "acct" || ce.RowID != 7 {
		t.Errorf("conflict error = %#v, want row 7 of acct", ce)
	}
	if got := ccInt(t, db, "SELECT bal FROM acct WHERE id = 7"); got != 101 {
		t.Errorf("row 7 = %d, want 101 (the loser must leave no trace)", got)
	}
}

func TestConcurrentSnapshotIsolation(t *testing.T) {
	db, _ := ccOpen(t, "", accountsSetup...)
	tx := ccBegin(t, db)
	if got := ccInt(t, tx, "SELECT count(*) FROM acct"); got != 50 {
		t.Fatalf("count = %d", got)
	}
	ccExec(t, db, "INSERT INTO acct VALUES (1000, 5)")
	ccExec(t, db, "UPDATE acct SET bal = 0 WHERE id = 3")
	if got := ccInt(t, tx, "SELECT count(*) FROM acct"); got != 50 {
		t.Errorf("tx sees %d rows, want the snapshot's 50", got)
	}
	if got := ccInt(t, tx, "SELECT bal FROM acct WHERE id = 3"); got != 100 {
		t.Errorf("tx sees bal %d for row 3, want the snapshot's 100", got)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentReadYourWritesAndRollback(t *testing.T) {
	db, _ := ccOpen(t, "", accountsSetup...)
	tx := ccBegin(t, db)
	ccExec(t, tx, "UPDATE acct SET bal = 7 WHERE id = 1")
	ccExec(t, tx, "INSERT INTO acct VALUES (500, 1)")
	ccExec(t, tx, "DELETE FROM acct WHERE id = 2")
	if got := ccInt(t, tx, "SELECT bal FROM acct WHERE id = 1"); got != 7 {
		t.Errorf("tx reads %d, want its own 7", got)
	}
	if got := ccInt(t, tx, "SELECT count(*) FROM acct"); got != 50 {
		t.Errorf("tx counts %d rows, want 50", got)
	}
	if got := ccInt(t, db, "SELECT bal FROM acct WHERE id = 1"); got != 100 {
		t.Errorf("outside the tx: %d, want 100", got)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if got := ccInt(t, db, "SELECT count(*) FROM acct WHERE id IN (1, 2, 500) AND bal = 100"); got != 2 {
		t.Errorf("after rollback: %d of rows 1 and 2 intact (and no 500), want 2", got)
	}
	if got := ccInt(t, db, "SELECT count(*) FROM acct"); got != 50 {
		t.Errorf("after rollback: %d rows, want 50", got)
	}
}

func TestConcurrentNeedsWAL(t *testing.T) {
	db, err := sql.Open("turso", filepath.Join(t.TempDir(), "rollback.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ccExec(t, db, "CREATE TABLE t(x)")
	_, err = turso.BeginConcurrent(context.Background(), db)
	if !errors.Is(err, turso.ErrNotWAL) || !strings.Contains(err.Error(), "delete") {
		t.Fatalf("got %v, want ErrNotWAL naming the journal mode", err)
	}
}

// TestConcurrentBankInvariant moves money between 100 accounts from 8
// goroutines with RunConcurrent, with think time inside each transaction,
// and checks that money is neither made nor lost, that no balance goes
// negative, and that the log has exactly one row per transfer made.
func TestConcurrentBankInvariant(t *testing.T) {
	const accounts, workers, initial = 100, 8, 1000
	transfers := 10000
	if testing.Short() {
		transfers = 1000
	}
	db, _ := ccOpen(t, "_busy_timeout=10000",
		"CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER NOT NULL CHECK (bal >= 0))",
		"CREATE TABLE xfer(id INTEGER PRIMARY KEY, src INTEGER NOT NULL, dst INTEGER NOT NULL, amount INTEGER NOT NULL)",
	)
	for i := 1; i <= accounts; i++ {
		ccExec(t, db, "INSERT INTO acct VALUES (?, ?)", i, initial)
	}
	db.SetMaxOpenConns(workers + 2)
	ctx := context.Background()
	var attempts, made, skipped atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			for i := range transfers / workers {
				src := rng.IntN(accounts) + 1
				dst := (src+rng.IntN(accounts-1))%accounts + 1
				amount := int64(rng.IntN(300) + 1)
				id := w*1_000_000 + i
				var moved bool
				err := turso.RunConcurrent(ctx, db, func(tx *sql.Tx) error {
					attempts.Add(1)
					moved = false
					var bal int64
					if err := tx.QueryRow("SELECT bal FROM acct WHERE id = ?", src).Scan(&bal); err != nil {
						return err
					}
					time.Sleep(200 * time.Microsecond) // think time
					if bal < amount {
						return nil
					}
					if _, err := tx.Exec("UPDATE acct SET bal = bal - ? WHERE id = ?", amount, src); err != nil {
						return err
					}
					if _, err := tx.Exec("UPDATE acct SET bal = bal + ? WHERE id = ?", amount, dst); err != nil {
						return err
					}
					if _, err := tx.Exec("INSERT INTO xfer VALUES (?, ?, ?, ?)", id, src, dst, amount); err != nil {
						return err
					}
					moved = true
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
				if moved {
					made.Add(1)
				} else {
					skipped.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := ccInt(t, db, "SELECT sum(bal) FROM acct"); got != accounts*initial {
		t.Errorf("total = %d, want %d", got, accounts*initial)
	}
	if got := ccInt(t, db, "SELECT count(*) FROM acct WHERE bal < 0"); got != 0 {
		t.Errorf("%d negative balances", got)
	}
	if got := ccInt(t, db, "SELECT count(*) FROM xfer"); got != made.Load() {
		t.Errorf("log has %d rows, %d transfers were made", got, made.Load())
	}
	// Replaying the log from the initial balances gives the final ones.
	if got := ccInt(t, db, `SELECT count(*) FROM acct a WHERE a.bal != ? 
		- coalesce((SELECT sum(amount) FROM xfer WHERE src = a.id), 0)
		+ coalesce((SELECT sum(amount) FROM xfer WHERE dst = a.id), 0)`, initial); got != 0 {
		t.Errorf("%d accounts disagree with the transfer log", got)
	}
	done := made.Load() + skipped.Load()
	t.Logf("%d transactions committed (%d transfers, %d skipped for lack of funds), %d attempts: %.1f%% retried on conflict",
		done, made.Load(), skipped.Load(), attempts.Load(), 100*float64(attempts.Load()-done)/float64(attempts.Load()))
	if done != int64(transfers/workers*workers) {
		t.Errorf("%d transactions done, want %d", done, transfers)
	}
}
