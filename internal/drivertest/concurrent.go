package drivertest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/turso-go/turso"
)

// RunConcurrent runs the suite of concurrent transactions (BeginConcurrent,
// RunConcurrent, ErrConflict) on e, one subtest per behaviour. The engine
// must set ConcurrentParams.
//
// The suite holds what both engines guarantee, which is less than either
// does: libSQL's concurrent transactions (the driver's) detect conflicts at
// commit, first committer wins; Turso's engine detects them at the write,
// first writer wins, and rolls the loser back at once. So a conflict may
// surface at a statement or at Commit, and the tests let the first
// transaction to write a row also be the first to commit.
func RunConcurrent(t *testing.T, e Engine) {
	if e.ConcurrentParams == "" {
		t.Fatalf("engine %s: ConcurrentParams is empty: RunConcurrent needs the DSN parameters that let a database take concurrent transactions", e.Name)
	}
	for _, tt := range concurrentSuite {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, e) })
	}
}

// concurrentSuite is every test of RunConcurrent, in order.
var concurrentSuite = []struct {
	name string
	run  func(*testing.T, Engine)
}{
	{"DifferentRowsBothCommit", testCCDifferentRowsBothCommit},
	{"SameRowExactlyOneConflict", testCCSameRowExactlyOneConflict},
	{"SnapshotIsolation", testCCSnapshotIsolation},
	{"ReadYourWritesAndRollback", testCCReadYourWritesAndRollback},
	{"DoNotBlock", testCCDoNotBlock},
	{"BankInvariant", testCCBankInvariant},
}

// ccAccounts is how many rows ccOpen's table acct has, each with a
// balance of 100.
const ccAccounts = 50

// ccOpen opens a pool that takes concurrent transactions on a new
// database with the table acct(id, bal), and the given extra DSN
// parameters.
func (e Engine) ccOpen(t *testing.T, params string) *sql.DB {
	t.Helper()
	all := e.ConcurrentParams
	if params != "" {
		all += "&" + params
	}
	db, _ := e.openDB(t, all)
	MustExec(t, db, "CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER NOT NULL)")
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= ccAccounts; i++ {
		MustExec(t, tx, "INSERT INTO acct VALUES (?, 100)", i)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return db
}

// ccBegin begins a concurrent transaction.
func ccBegin(t *testing.T, db *sql.DB) *sql.Tx {
	t.Helper()
	tx, err := turso.BeginConcurrent(context.Background(), db)
	if err != nil {
		t.Fatalf("BeginConcurrent: %v", err)
	}
	return tx
}

// queryer is a *sql.DB or *sql.Tx.
type queryer interface {
	QueryRow(string, ...any) *sql.Row
}

// queryInt returns the single integer a query yields.
func queryInt(t testing.TB, q queryer, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := q.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
	return n
}

func testCCDifferentRowsBothCommit(t *testing.T, e Engine) {
	db := e.ccOpen(t, "")
	t1, t2 := ccBegin(t, db), ccBegin(t, db)
	MustExec(t, t1, "UPDATE acct SET bal = bal + 1 WHERE id = 1")
	MustExec(t, t2, "UPDATE acct SET bal = bal + 2 WHERE id = 2")
	MustExec(t, t2, "INSERT INTO acct VALUES (1000, 7)")
	if err := t1.Commit(); err != nil {
		t.Fatalf("first commit: %v", err)
	}
	if err := t2.Commit(); err != nil {
		t.Fatalf("second commit: %v", err)
	}
	for _, c := range []struct{ id, want int64 }{{1, 101}, {2, 102}, {1000, 7}} {
		if got := queryInt(t, db, "SELECT bal FROM acct WHERE id = ?", c.id); got != c.want {
			t.Errorf("row %d = %d, want %d", c.id, got, c.want)
		}
	}
	if got := queryInt(t, db, "SELECT sum(bal) FROM acct"); got != 100*ccAccounts+10 {
		t.Errorf("sum = %d, want %d", got, 100*ccAccounts+10)
	}
}

// testCCSameRowExactlyOneConflict writes one row from two transactions:
// the first to write and commit wins, the other fails with ErrConflict
// (at its write or its commit) and leaves no trace, not even of the rows
// it wrote before; once it has failed, its statements fail too rather than
// run outside the transaction.
func testCCSameRowExactlyOneConflict(t *testing.T, e Engine) {
	db := e.ccOpen(t, "")
	t1, t2 := ccBegin(t, db), ccBegin(t, db)
	MustExec(t, t2, "UPDATE acct SET bal = 0 WHERE id = 9") // the loser's other write
	MustExec(t, t1, "UPDATE acct SET bal = bal + 1 WHERE id = 7")
	var conflicts []string
	_, err := t2.Exec("UPDATE acct SET bal = bal + 2 WHERE id = 7")
	switch {
	case errors.Is(err, turso.ErrConflict):
		conflicts = append(conflicts, "write")
		// The transaction is over: what follows must not run on its own.
		if _, err := t2.Exec("UPDATE acct SET bal = 0 WHERE id = 8"); !errors.Is(err, turso.ErrConflict) {
			t.Errorf("statement after the conflict: %v, want ErrConflict", err)
		}
		var n int64
		if err := t2.QueryRow("SELECT count(*) FROM acct").Scan(&n); !errors.Is(err, turso.ErrConflict) {
			t.Errorf("query after the conflict: %v, want ErrConflict", err)
		}
	case err != nil:
		t.Fatalf("second write: %v", err)
	}
	if err := t1.Commit(); err != nil {
		t.Fatalf("the first writer's commit: %v", err)
	}
	err = t2.Commit()
	switch {
	case errors.Is(err, turso.ErrConflict):
		conflicts = append(conflicts, "commit")
	case err != nil:
		t.Fatalf("the second writer's commit: %v, want ErrConflict or nil", err)
	}
	if len(conflicts) == 0 {
		t.Fatal("both transactions wrote row 7 and committed: no ErrConflict")
	}
	if len(conflicts) == 2 {
		// The conflict surfaced at the write: Commit repeats it.
		conflicts = conflicts[:1]
	}
	var ce *turso.ConflictError
	if !errors.As(err, &ce) {
		t.Errorf("the loser's error %v (%T) is not a *turso.ConflictError", err, err)
	}
	t.Logf("conflict at the %s: %v", conflicts[0], err)
	if err := t2.Rollback(); !errors.Is(err, sql.ErrTxDone) {
		t.Errorf("Rollback after the failed Commit: %v, want sql.ErrTxDone", err)
	}
	for _, c := range []struct{ id, want int64 }{{7, 101}, {8, 100}, {9, 100}} {
		if got := queryInt(t, db, "SELECT bal FROM acct WHERE id = ?", c.id); got != c.want {
			t.Errorf("row %d = %d, want %d (the loser must leave no trace)", c.id, got, c.want)
		}
	}
	// The connections are usable afterwards.
	tx := ccBegin(t, db)
	MustExec(t, tx, "UPDATE acct SET bal = bal + 1 WHERE id = 7")
	if err := tx.Commit(); err != nil {
		t.Fatalf("a transaction after the conflict: %v", err)
	}
}

func testCCSnapshotIsolation(t *testing.T, e Engine) {
	db := e.ccOpen(t, "")
	tx := ccBegin(t, db)
	if got := queryInt(t, tx, "SELECT count(*) FROM acct"); got != ccAccounts {
		t.Fatalf("count = %d, want %d", got, ccAccounts)
	}
	MustExec(t, db, "INSERT INTO acct VALUES (1000, 5)")
	MustExec(t, db, "UPDATE acct SET bal = 0 WHERE id = 3")
	if got := queryInt(t, tx, "SELECT count(*) FROM acct"); got != ccAccounts {
		t.Errorf("tx sees %d rows, want the snapshot's %d", got, ccAccounts)
	}
	if got := queryInt(t, tx, "SELECT bal FROM acct WHERE id = 3"); got != 100 {
		t.Errorf("tx sees bal %d for row 3, want the snapshot's 100", got)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, db, "SELECT bal FROM acct WHERE id = 3"); got != 0 {
		t.Errorf("after the snapshot ended: bal %d for row 3, want 0", got)
	}
}

func testCCReadYourWritesAndRollback(t *testing.T, e Engine) {
	db := e.ccOpen(t, "")
	tx := ccBegin(t, db)
	MustExec(t, tx, "UPDATE acct SET bal = 7 WHERE id = 1")
	MustExec(t, tx, "INSERT INTO acct VALUES (500, 1)")
	MustExec(t, tx, "DELETE FROM acct WHERE id = 2")
	if got := queryInt(t, tx, "SELECT bal FROM acct WHERE id = 1"); got != 7 {
		t.Errorf("tx reads %d, want its own 7", got)
	}
	if got := queryInt(t, tx, "SELECT count(*) FROM acct"); got != ccAccounts {
		t.Errorf("tx counts %d rows, want %d", got, ccAccounts)
	}
	if got := queryInt(t, db, "SELECT bal FROM acct WHERE id = 1"); got != 100 {
		t.Errorf("outside the tx: %d, want 100", got)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM acct WHERE id IN (1, 2, 500) AND bal = 100"); got != 2 {
		t.Errorf("after rollback: %d of rows 1 and 2 intact (and no 500), want 2", got)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM acct"); got != ccAccounts {
		t.Errorf("after rollback: %d rows, want %d", got, ccAccounts)
	}
}

// testCCDoNotBlock opens 8 concurrent transactions that all write before
// any of them commits: a barrier waits until every one has written, which
// could never happen if a transaction held a lock while it ran.
func testCCDoNotBlock(t *testing.T, e Engine) {
	db := e.ccOpen(t, "_busy_timeout=100")
	const n = 8
	var written sync.WaitGroup
	written.Add(n)
	allWritten := make(chan struct{})
	go func() { written.Wait(); close(allWritten) }()
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- func() error {
				tx, err := turso.BeginConcurrent(context.Background(), db)
				if err != nil {
					written.Done()
					return err
				}
				defer tx.Rollback()
				_, err = tx.Exec("UPDATE acct SET bal = bal + 1 WHERE id = ?", i+1)
				written.Done()
				if err != nil {
					return err
				}
				select {
				case <-allWritten:
				case <-time.After(10 * time.Second):
					return errors.New("the other transactions did not all write while this one was open")
				}
				return tx.Commit()
			}()
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := queryInt(t, db, "SELECT sum(bal) FROM acct"); got != 100*ccAccounts+n {
		t.Errorf("sum = %d, want %d", got, 100*ccAccounts+n)
	}
}

// testCCBankInvariant moves money between 100 accounts from 8 goroutines
// with RunConcurrent, with think time inside each transaction, and checks
// that money is neither made nor lost, that no balance goes negative, and
// that the log has exactly one row per transfer made.
func testCCBankInvariant(t *testing.T, e Engine) {
	const accounts, workers, initial = 100, 8, 1000
	transfers := e.BankTransfers
	if transfers == 0 {
		transfers = 4000
	}
	if testing.Short() {
		transfers /= 10
	}
	db, _ := e.openDB(t, e.ConcurrentParams+"&_busy_timeout=10000")
	MustExec(t, db, "CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER NOT NULL CHECK (bal >= 0))")
	MustExec(t, db, "CREATE TABLE xfer(id INTEGER PRIMARY KEY, src INTEGER NOT NULL, dst INTEGER NOT NULL, amount INTEGER NOT NULL)")
	for i := 1; i <= accounts; i++ {
		MustExec(t, db, "INSERT INTO acct VALUES (?, ?)", i, initial)
	}
	db.SetMaxOpenConns(workers + 2)
	ctx := context.Background()
	var attempts, made, skipped atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	start := time.Now()
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
					errs <- fmt.Errorf("transfer %d: %w", id, err)
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
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := queryInt(t, db, "SELECT sum(bal) FROM acct"); got != accounts*initial {
		t.Errorf("total = %d, want %d", got, accounts*initial)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM acct WHERE bal < 0"); got != 0 {
		t.Errorf("%d negative balances", got)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM xfer"); got != made.Load() {
		t.Errorf("log has %d rows, %d transfers were made", got, made.Load())
	}
	// Replaying the log from the initial balances gives the final ones.
	if got := queryInt(t, db, `SELECT count(*) FROM acct a WHERE a.bal != ?
		- coalesce((SELECT sum(amount) FROM xfer WHERE src = a.id), 0)
		+ coalesce((SELECT sum(amount) FROM xfer WHERE dst = a.id), 0)`, initial); got != 0 {
		t.Errorf("%d accounts disagree with the transfer log", got)
	}
	done := made.Load() + skipped.Load()
	t.Logf("%s: %d transactions committed in %v (%.0f/s; %d transfers, %d skipped for lack of funds), %d attempts: %.1f%% retried on conflict",
		e.Name, done, elapsed.Round(time.Millisecond), float64(done)/elapsed.Seconds(), made.Load(), skipped.Load(), attempts.Load(),
		100*float64(attempts.Load()-done)/float64(attempts.Load()))
	if done != int64(transfers/workers*workers) {
		t.Errorf("%d transactions done, want %d", done, transfers/workers*workers)
	}
}
