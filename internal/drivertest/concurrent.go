package drivertest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/turso-go/turso"
)

// RunConcurrent runs the suite of concurrent transactions (BeginConcurrent,
// RunConcurrent, ErrConflict) on e, one subtest per behaviour, the
// differential test (RunDifferential) among them. The engine must set
// ConcurrentParams.
//
// The suite holds what both engines guarantee, which is less than either
// does: libSQL's concurrent transactions (the driver's) detect conflicts at
// commit, first committer wins; Turso's engine detects them at the write,
// first writer wins, and rolls the loser back at once (or at COMMIT, for
// rows its MVCC store does not hold yet). So a conflict may surface at a
// statement or at Commit, and the tests let the first transaction to write
// a row also be the first to commit. What an engine does not guarantee it
// declares as a gap (ConcurrentForeignKeys, ConcurrentPickedRowids), and
// the tests that need it are skipped with the engine's reason.
func RunConcurrent(t *testing.T, e Engine) {
	if e.ConcurrentParams == "" {
		t.Fatalf("engine %s: ConcurrentParams is empty: RunConcurrent needs the DSN parameters that let a database take concurrent transactions", e.Name)
	}
	if err := e.check(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range concurrentSuite {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, e) })
	}
}

// The gaps of concurrent transactions an engine may declare.
const (
	// ConcurrentForeignKeys: foreign keys hold across concurrent
	// transactions (a parent deleted by one while another inserts its
	// child cannot both commit).
	ConcurrentForeignKeys Gap = "concurrent-foreign-keys"
	// ConcurrentPickedRowids: the rowid the engine picks for an insert
	// (max(rowid)+1, or past the AUTOINCREMENT counter) is the one a serial
	// run of the committed transactions, in commit order, picks; a
	// transaction rolled back leaves no gap.
	ConcurrentPickedRowids Gap = "concurrent-picked-rowids"
)

func init() {
	gaps = append(gaps, ConcurrentForeignKeys, ConcurrentPickedRowids)
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
	{"Triggers", testCCTriggers},
	{"UniqueValueConflicts", testCCUniqueValueConflicts},
	{"SavepointRollback", testCCSavepointRollback},
	{"TableShapes", testCCTableShapes},
	{"PoolModes", testCCPoolModes},
	{"NewConnectionsWhileOpen", testCCNewConnectionsWhileOpen},
	{"SchemaChangeConflicts", testCCSchemaChangeConflicts},
	{"RunConcurrent", testCCRunConcurrent},
	{"ForeignKeyActionsAndUpsert", testCCForeignKeyActionsAndUpsert},
	{"ForeignKeysAcrossTransactions", testCCForeignKeysAcrossTransactions},
	{"RowidChange", testCCRowidChange},
	{"RowidChangeByCascade", testCCRowidChangeByCascade},
	{"AutoincrementNeverReuses", testCCAutoincrementNeverReuses},
	{"AutoincrementKeepsHighWater", testCCAutoincrementKeepsHighWater},
	{"PickedRowidsFollowCommitOrder", testCCPickedRowidsFollowCommitOrder},
	{"LargeTransaction", testCCLargeTransaction},
	{"Differential", testCCDifferential},
}

// ccAccounts is how many rows ccOpen's table acct has, each with a
// balance of 100.
const ccAccounts = 50

// ConcurrentDB opens a pool that takes concurrent transactions
// (ConcurrentParams, then params) on a new database file, runs the setup
// statements, and closes the pool when the test ends. It returns the pool
// and its DSN.
func (e Engine) ConcurrentDB(t testing.TB, params string, setup ...string) (*sql.DB, string) {
	t.Helper()
	all := e.ConcurrentParams
	if params != "" {
		all += "&" + params
	}
	dsn := e.dsn(filepath.Join(t.TempDir(), "cc.db"), all)
	db := open(t, dsn)
	for _, s := range setup {
		MustExec(t, db, s)
	}
	return db, dsn
}

// ccOpen opens a pool that takes concurrent transactions on a new
// database with the table acct(id, bal), and the given extra DSN
// parameters.
func (e Engine) ccOpen(t *testing.T, params string) *sql.DB {
	t.Helper()
	db, _ := e.ConcurrentDB(t, params, "CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER NOT NULL)")
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

// BeginConcurrent begins a concurrent transaction that must begin.
func BeginConcurrent(t testing.TB, db turso.TxBeginner) *sql.Tx {
	t.Helper()
	tx, err := turso.BeginConcurrent(context.Background(), db)
	if err != nil {
		t.Fatalf("BeginConcurrent: %v", err)
	}
	return tx
}

// Queryer is a *sql.DB, *sql.Tx or *sql.Conn-like handle.
type Queryer interface {
	QueryRow(string, ...any) *sql.Row
}

// QueryInt returns the single integer a query yields.
func QueryInt(t testing.TB, q Queryer, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := q.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
	return n
}

func testCCDifferentRowsBothCommit(t *testing.T, e Engine) {
	db := e.ccOpen(t, "")
	t1, t2 := BeginConcurrent(t, db), BeginConcurrent(t, db)
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
		if got := QueryInt(t, db, "SELECT bal FROM acct WHERE id = ?", c.id); got != c.want {
			t.Errorf("row %d = %d, want %d", c.id, got, c.want)
		}
	}
	if got := QueryInt(t, db, "SELECT sum(bal) FROM acct"); got != 100*ccAccounts+10 {
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
	t1, t2 := BeginConcurrent(t, db), BeginConcurrent(t, db)
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
		if got := QueryInt(t, db, "SELECT bal FROM acct WHERE id = ?", c.id); got != c.want {
			t.Errorf("row %d = %d, want %d (the loser must leave no trace)", c.id, got, c.want)
		}
	}
	// The connections are usable afterwards.
	tx := BeginConcurrent(t, db)
	MustExec(t, tx, "UPDATE acct SET bal = bal + 1 WHERE id = 7")
	if err := tx.Commit(); err != nil {
		t.Fatalf("a transaction after the conflict: %v", err)
	}
}

func testCCSnapshotIsolation(t *testing.T, e Engine) {
	db := e.ccOpen(t, "")
	tx := BeginConcurrent(t, db)
	if got := QueryInt(t, tx, "SELECT count(*) FROM acct"); got != ccAccounts {
		t.Fatalf("count = %d, want %d", got, ccAccounts)
	}
	MustExec(t, db, "INSERT INTO acct VALUES (1000, 5)")
	MustExec(t, db, "UPDATE acct SET bal = 0 WHERE id = 3")
	if got := QueryInt(t, tx, "SELECT count(*) FROM acct"); got != ccAccounts {
		t.Errorf("tx sees %d rows, want the snapshot's %d", got, ccAccounts)
	}
	if got := QueryInt(t, tx, "SELECT bal FROM acct WHERE id = 3"); got != 100 {
		t.Errorf("tx sees bal %d for row 3, want the snapshot's 100", got)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if got := QueryInt(t, db, "SELECT bal FROM acct WHERE id = 3"); got != 0 {
		t.Errorf("after the snapshot ended: bal %d for row 3, want 0", got)
	}
}

func testCCReadYourWritesAndRollback(t *testing.T, e Engine) {
	db := e.ccOpen(t, "")
	tx := BeginConcurrent(t, db)
	MustExec(t, tx, "UPDATE acct SET bal = 7 WHERE id = 1")
	MustExec(t, tx, "INSERT INTO acct VALUES (500, 1)")
	MustExec(t, tx, "DELETE FROM acct WHERE id = 2")
	if got := QueryInt(t, tx, "SELECT bal FROM acct WHERE id = 1"); got != 7 {
		t.Errorf("tx reads %d, want its own 7", got)
	}
	if got := QueryInt(t, tx, "SELECT count(*) FROM acct"); got != ccAccounts {
		t.Errorf("tx counts %d rows, want %d", got, ccAccounts)
	}
	if got := QueryInt(t, db, "SELECT bal FROM acct WHERE id = 1"); got != 100 {
		t.Errorf("outside the tx: %d, want 100", got)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if got := QueryInt(t, db, "SELECT count(*) FROM acct WHERE id IN (1, 2, 500) AND bal = 100"); got != 2 {
		t.Errorf("after rollback: %d of rows 1 and 2 intact (and no 500), want 2", got)
	}
	if got := QueryInt(t, db, "SELECT count(*) FROM acct"); got != ccAccounts {
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
	if got := QueryInt(t, db, "SELECT sum(bal) FROM acct"); got != 100*ccAccounts+n {
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
	if got := QueryInt(t, db, "SELECT sum(bal) FROM acct"); got != accounts*initial {
		t.Errorf("total = %d, want %d", got, accounts*initial)
	}
	if got := QueryInt(t, db, "SELECT count(*) FROM acct WHERE bal < 0"); got != 0 {
		t.Errorf("%d negative balances", got)
	}
	if got := QueryInt(t, db, "SELECT count(*) FROM xfer"); got != made.Load() {
		t.Errorf("log has %d rows, %d transfers were made", got, made.Load())
	}
	// Replaying the log from the initial balances gives the final ones.
	if got := QueryInt(t, db, `SELECT count(*) FROM acct a WHERE a.bal != ?
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

// commitInOrder runs stmt in t2, which began after t1 and writes after
// it, then commits t1 and t2, and returns t2's failure: its conflict at
// the write (t2 is then rolled back) or at Commit, or nil when it
// committed. t1 must commit.
func commitInOrder(t *testing.T, t1, t2 *sql.Tx, stmt string, args ...any) error {
	t.Helper()
	if _, err := t2.Exec(stmt, args...); err != nil {
		if !errors.Is(err, turso.ErrConflict) {
			t.Fatalf("%s: %v", stmt, err)
		}
		t2.Rollback()
		if err := t1.Commit(); err != nil {
			t.Fatalf("the first writer's commit: %v", err)
		}
		return err
	}
	if err := t1.Commit(); err != nil {
		t.Fatalf("the first writer's commit: %v", err)
	}
	return t2.Commit()
}

// integrityOK checks that integrity_check and foreign_key_check find
// nothing wrong.
func integrityOK(t *testing.T, db *sql.DB) {
	t.Helper()
	if got := QueryString(t, db, "PRAGMA integrity_check"); got != "ok" {
		t.Errorf("integrity_check: %s", got)
	}
	rows, err := db.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Error("foreign_key_check reports a violation")
	}
}

// RowsOf returns the rows of a query as "a|b|c" strings.
func RowsOf(t testing.TB, q interface {
	Query(string, ...any) (*sql.Rows, error)
}, query string, args ...any) []string {
	t.Helper()
	rows, err := q.Query(query, args...)
	if err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		s := ""
		for i, v := range vals {
			if i > 0 {
				s += "|"
			}
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			s += fmt.Sprint(v)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
	return out
}

// testCCTriggers checks that triggers run once, in the transaction (their
// effects are visible to it and committed with it, not run again at
// commit), and that rows written by triggers take part in conflicts.
func testCCTriggers(t *testing.T, e Engine) {
	db := e.ccOpen(t, "")
	MustExec(t, db, "CREATE TABLE audit(id INTEGER PRIMARY KEY, acct INTEGER, old INTEGER, new INTEGER)")
	MustExec(t, db, "CREATE TABLE stats(id INTEGER PRIMARY KEY, updates INTEGER NOT NULL)")
	MustExec(t, db, "INSERT INTO stats VALUES (1, 0)")
	MustExec(t, db, `CREATE TRIGGER acct_audit AFTER UPDATE OF bal ON acct BEGIN
		INSERT INTO audit VALUES (new.id * 1000 + new.bal, new.id, old.bal, new.bal);
		UPDATE stats SET updates = updates + 1 WHERE id = 1 AND new.id <= 10;
	END`)

	// Accounts above 10 do not touch the shared stats row: both commit.
	t1, t2 := BeginConcurrent(t, db), BeginConcurrent(t, db)
	MustExec(t, t1, "UPDATE acct SET bal = 150 WHERE id = 20")
	MustExec(t, t2, "UPDATE acct SET bal = 160 WHERE id = 21")
	if got := QueryInt(t, t1, "SELECT count(*) FROM audit"); got != 1 {
		t.Errorf("t1 sees %d audit rows, want its trigger's 1", got)
	}
	if err := t1.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := t2.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := QueryInt(t, db, "SELECT count(*) FROM audit WHERE (acct, old, new) IN (VALUES (20, 100, 150), (21, 100, 160))"); got != 2 {
		t.Errorf("%d matching audit rows, want 2", got)
	}
	if got := QueryInt(t, db, "SELECT count(*) FROM audit"); got != 2 {
		t.Errorf("%d audit rows, want 2: triggers must not run again at commit", got)
	}

	// Accounts 1 and 2 both bump the stats row from their triggers: the
	// second loses.
	t3, t4 := BeginConcurrent(t, db), BeginConcurrent(t, db)
	MustExec(t, t3, "UPDATE acct SET bal = 1 WHERE id = 1")
	if err := commitInOrder(t, t3, t4, "UPDATE acct SET bal = 2 WHERE id = 2"); !errors.Is(err, turso.ErrConflict) {
		t.Fatalf("second writer of the stats row (through a trigger): %v, want ErrConflict", err)
	}
	if got := QueryInt(t, db, "SELECT updates FROM stats"); got != 1 {
		t.Errorf("stats.updates = %d, want 1", got)
	}
	if got := QueryInt(t, db, "SELECT bal FROM acct WHERE id = 2"); got != 100 {
		t.Errorf("the loser's row = %d, want 100", got)
	}
}

// testCCUniqueValueConflicts checks that a unique value inserted by two
// transactions fails the second with ErrConflict (a retry then meets the
// constraint at the statement), that against the snapshot the statement
// itself fails with the constraint error, and that unique values swapped
// inside one transaction commit.
func testCCUniqueValueConflicts(t *testing.T, e Engine) {
	db, _ := e.ConcurrentDB(t, "",
		"CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)",
		"INSERT INTO users VALUES (1, 'a@x'), (2, 'b@x')")
	t1, t2 := BeginConcurrent(t, db), BeginConcurrent(t, db)
	MustExec(t, t1, "INSERT INTO users VALUES (10, 'new@x')")
	err := commitInOrder(t, t1, t2, "INSERT INTO users VALUES (11, 'new@x')")
	if !errors.Is(err, turso.ErrConflict) {
		t.Fatalf("second insert of a unique value: %v, want ErrConflict", err)
	}
	t.Logf("second insert of a unique value: %v", err)
	if got := RowsOf(t, db, "SELECT id, email FROM users ORDER BY id"); fmt.Sprint(got) != "[1|a@x 2|b@x 10|new@x]" {
		t.Errorf("users = %v", got)
	}
	integrityOK(t, db)

	tx := BeginConcurrent(t, db)
	if _, err := tx.Exec("INSERT INTO users VALUES (12, 'a@x')"); !errors.Is(err, turso.ErrConstraintUnique) || errors.Is(err, turso.ErrConflict) {
		t.Errorf("duplicate in the snapshot: %v, want a UNIQUE constraint error", err)
	}
	// Swapping two unique values applies whatever the order of rows.
	MustExec(t, tx, "UPDATE users SET email = 'tmp' WHERE id = 1")
	MustExec(t, tx, "UPDATE users SET email = 'a@x' WHERE id = 2")
	MustExec(t, tx, "UPDATE users SET email = 'b@x' WHERE id = 1")
	if err := tx.Commit(); err != nil {
		t.Fatalf("swap: %v", err)
	}
	if got := RowsOf(t, db, "SELECT id, email FROM users ORDER BY id"); fmt.Sprint(got) != "[1|b@x 2|a@x 10|new@x]" {
		t.Errorf("after the swap: %v", got)
	}
	integrityOK(t, db)
}

// testCCSavepointRollback checks that what a transaction rolls back to a
// savepoint is not committed, and that what it keeps is.
func testCCSavepointRollback(t *testing.T, e Engine) {
	db := e.ccOpen(t, "")
	tx := BeginConcurrent(t, db)
	MustExec(t, tx, "SAVEPOINT s1")
	MustExec(t, tx, "UPDATE acct SET bal = 0 WHERE id = 3")
	MustExec(t, tx, "INSERT INTO acct VALUES (1000, 1)")
	MustExec(t, tx, "ROLLBACK TO s1")
	MustExec(t, tx, "UPDATE acct SET bal = 1 WHERE id = 4")
	MustExec(t, tx, "SAVEPOINT s2")
	MustExec(t, tx, "UPDATE acct SET bal = 2 WHERE id = 5")
	MustExec(t, tx, "RELEASE s2")
	MustExec(t, tx, "RELEASE s1")
	if got := QueryInt(t, tx, "SELECT bal FROM acct WHERE id = 3"); got != 100 {
		t.Errorf("row 3 after ROLLBACK TO = %d, want 100", got)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := RowsOf(t, db, "SELECT id, bal FROM acct WHERE id IN (3, 4, 5, 1000) ORDER BY id"); fmt.Sprint(got) != "[3|100 4|1 5|2]" {
		t.Errorf("rows = %v, want [3|100 4|1 5|2]", got)
	}
}

// testCCTableShapes commits rows of tables with AUTOINCREMENT, blobs,
// NULLs and floats, a table without an INTEGER PRIMARY KEY, and deletes
// many rows at once.
func testCCTableShapes(t *testing.T, e Engine) {
	db, _ := e.ConcurrentDB(t, "",
		"CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, x REAL, b BLOB, n TEXT)",
		"CREATE TABLE wide(c1, c2, c3)",
		"INSERT INTO wide VALUES (1, 2, 3), (4, 5, 6), (7, 8, 9)")
	tx := BeginConcurrent(t, db)
	MustExec(t, tx, "INSERT INTO a(x, b, n) VALUES (1.5, x'00ff', NULL)")
	MustExec(t, tx, "INSERT INTO a(id, x, b, n) VALUES (100, -2.25, x'', 'text')")
	MustExec(t, tx, "UPDATE wide SET c2 = c2 * 10 WHERE c1 = 4")
	MustExec(t, tx, "DELETE FROM wide WHERE c1 <> 4")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	want := []string{"1|1.5|00FF|NULL", "100|-2.25||'text'"}
	if got := RowsOf(t, db, "SELECT id, x, hex(b), quote(n) FROM a ORDER BY id"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rows = %q, want %q", got, want)
	}
	if got := QueryInt(t, db, "SELECT seq FROM sqlite_sequence WHERE name = 'a'"); got != 100 {
		t.Errorf("sqlite_sequence = %d, want 100", got)
	}
	if got := RowsOf(t, db, "SELECT c1, c2, c3 FROM wide"); fmt.Sprint(got) != "[4|50|6]" {
		t.Errorf("wide = %v, want [4|50|6]", got)
	}
	integrityOK(t, db)
}

// testCCPoolModes checks _txlock=concurrent and WithBeginConcurrent: a
// default BeginTx is concurrent (two of them write at once), a statement
// prepared on the pool runs inside the transaction, and serializable asks
// for an ordinary transaction.
func testCCPoolModes(t *testing.T, e Engine) {
	_, dsn := e.ConcurrentDB(t, "", "CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER NOT NULL)",
		"INSERT INTO acct VALUES (1, 100), (2, 100)")
	c, err := turso.NewConnector(dsn, turso.WithBeginConcurrent())
	if err != nil {
		t.Fatal(err)
	}
	viaOption := sql.OpenDB(c)
	defer viaOption.Close()
	viaDSN := open(t, dsn+"&_txlock=concurrent")
	for name, db := range map[string]*sql.DB{"option": viaOption, "dsn": viaDSN} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			upd, err := db.Prepare("UPDATE acct SET bal = bal + 1 WHERE id = ?")
			if err != nil {
				t.Fatal(err)
			}
			defer upd.Close()
			before := QueryInt(t, db, "SELECT sum(bal) FROM acct")
			t1, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			t2, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := t1.Stmt(upd).Exec(1); err != nil {
				t.Fatal(err)
			}
			if _, err := t2.Stmt(upd).Exec(2); err != nil {
				t.Fatal(err)
			}
			if got := QueryInt(t, db, "SELECT sum(bal) FROM acct"); got != before {
				t.Errorf("uncommitted writes visible: sum %d, want %d", got, before)
			}
			if err := t1.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := t2.Commit(); err != nil {
				t.Fatal(err)
			}
			if got := QueryInt(t, db, "SELECT sum(bal) FROM acct"); got != before+2 {
				t.Errorf("sum %d, want %d", got, before+2)
			}
			tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
			if err != nil {
				t.Fatal(err)
			}
			MustExec(t, tx, "CREATE TABLE IF NOT EXISTS ddl_ok(x)")
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// testCCSchemaChangeConflicts checks that a schema change committed after a
// transaction's snapshot makes the transaction conflict, and that the next
// one works on the new schema.
func testCCSchemaChangeConflicts(t *testing.T, e Engine) {
	db := e.ccOpen(t, "")
	tx := BeginConcurrent(t, db)
	MustExec(t, tx, "UPDATE acct SET bal = 1 WHERE id = 1")
	MustExec(t, db, "CREATE INDEX acct_bal ON acct(bal)")
	if err := tx.Commit(); !errors.Is(err, turso.ErrConflict) {
		t.Fatalf("commit after a schema change: %v, want ErrConflict", err)
	} else {
		t.Logf("commit after a schema change: %v", err)
	}
	err := turso.RunConcurrent(context.Background(), db, func(tx *sql.Tx) error {
		_, err := tx.Exec("UPDATE acct SET bal = 1 WHERE id = 1")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := QueryInt(t, db, "SELECT count(*) FROM acct INDEXED BY acct_bal WHERE bal = 1"); got != 1 {
		t.Errorf("index finds %d rows, want 1", got)
	}
	integrityOK(t, db)
}

// testCCRunConcurrent checks that RunConcurrent retries a conflicting
// function until the context ends, returns other errors at once, and runs
// on a *sql.Conn as on a *sql.DB.
func testCCRunConcurrent(t *testing.T, e Engine) {
	db := e.ccOpen(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	calls := 0
	err := turso.RunConcurrent(ctx, db, func(tx *sql.Tx) error {
		calls++
		if _, err := tx.Exec("UPDATE acct SET bal = bal + 1 WHERE id = 1"); err != nil {
			return err
		}
		// Another writer changes the row before every commit (or, on an
		// engine that detects conflicts at the write, fails to).
		_, err := db.Exec("UPDATE acct SET bal = bal + 100 WHERE id = 1")
		if errors.Is(err, turso.ErrConflict) {
			return nil // the transaction holds the row: make it commit
		}
		return err
	})
	if err == nil {
		if calls != 1 {
			t.Errorf("fn ran %d times, then committed", calls)
		}
	} else {
		if !errors.Is(err, turso.ErrConflict) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want ErrConflict and DeadlineExceeded", err)
		}
		if calls < 2 {
			t.Errorf("fn ran %d times, want retries", calls)
		}
		if got := QueryInt(t, db, "SELECT bal FROM acct WHERE id = 1"); (got-100)%100 != 0 {
			t.Errorf("bal = %d after %d attempts: no attempt may commit", got, calls)
		}
	}
	boom := errors.New("boom")
	calls = 0
	err = turso.RunConcurrent(context.Background(), db, func(tx *sql.Tx) error { calls++; return boom })
	if !errors.Is(err, boom) || calls != 1 {
		t.Errorf("got %v after %d calls, want boom after 1", err, calls)
	}

	// On a *sql.Conn, against writers on the pool.
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var target turso.TxBeginner = db
			if w == 0 {
				target = conn
			}
			for range 20 {
				err := turso.RunConcurrent(context.Background(), target, func(tx *sql.Tx) error {
					_, err := tx.Exec("UPDATE acct SET bal = bal + 1 WHERE id = 2")
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := QueryInt(t, db, "SELECT bal FROM acct WHERE id = 2"); got != 160 {
		t.Errorf("bal = %d after 60 increments, want 160", got)
	}
}

// testCCForeignKeyActionsAndUpsert checks that rows changed by foreign key
// actions (ON DELETE CASCADE, ON UPDATE SET NULL) and by upserts are part
// of the committed transaction.
func testCCForeignKeyActionsAndUpsert(t *testing.T, e Engine) {
	db, _ := e.ConcurrentDB(t, "_foreign_keys=1",
		"CREATE TABLE parent(id INTEGER PRIMARY KEY, code TEXT UNIQUE)",
		"CREATE TABLE child(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES parent(id) ON DELETE CASCADE)",
		"CREATE TABLE tag(id INTEGER PRIMARY KEY, pcode TEXT REFERENCES parent(code) ON UPDATE SET NULL)",
		"CREATE TABLE counter(name TEXT PRIMARY KEY, n INTEGER)",
		"INSERT INTO parent VALUES (1, 'a'), (2, 'b')",
		"INSERT INTO child VALUES (10, 1), (11, 1), (12, 2)",
		"INSERT INTO tag VALUES (20, 'b')",
		"INSERT INTO counter VALUES ('x', 1)")
	tx := BeginConcurrent(t, db)
	MustExec(t, tx, "DELETE FROM parent WHERE id = 1")
	MustExec(t, tx, "UPDATE parent SET code = 'B' WHERE id = 2")
	MustExec(t, tx, "INSERT INTO counter VALUES ('x', 1), ('y', 1) ON CONFLICT(name) DO UPDATE SET n = n + excluded.n")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := QueryInt(t, db, "SELECT count(*) FROM child"); got != 1 {
		t.Errorf("%d children left, want 1 (cascade)", got)
	}
	if got := QueryInt(t, db, "SELECT count(*) FROM tag WHERE pcode IS NULL"); got != 1 {
		t.Errorf("tag not set to NULL by ON UPDATE SET NULL")
	}
	if got := QueryInt(t, db, "SELECT sum(n) FROM counter"); got != 3 {
		t.Errorf("counter sum = %d, want 3 (upsert)", got)
	}
	integrityOK(t, db)
	// Inside the transaction, foreign keys are enforced as usual.
	tx = BeginConcurrent(t, db)
	defer tx.Rollback()
	if _, err := tx.Exec("INSERT INTO child VALUES (2, 99)"); !errors.Is(err, turso.ErrConstraintForeignKey) {
		t.Errorf("orphan insert: %v, want a FOREIGN KEY constraint error", err)
	}
}

// testCCForeignKeysAcrossTransactions checks that a parent deleted by one
// transaction and its child inserted by another cannot both commit,
// whichever commits first: the second fails with ErrConflict (which also
// matches the foreign key error, when the engine says so).
func testCCForeignKeysAcrossTransactions(t *testing.T, e Engine) {
	e.skipIf(t, ConcurrentForeignKeys)
	for _, childFirst := range []bool{true, false} {
		t.Run(fmt.Sprintf("child commits first=%v", childFirst), func(t *testing.T) {
			db, _ := e.ConcurrentDB(t, "_foreign_keys=1",
				"CREATE TABLE parent(id INTEGER PRIMARY KEY)",
				"CREATE TABLE child(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES parent(id))",
				"INSERT INTO parent VALUES (1), (2)")
			del, ins := "DELETE FROM parent WHERE id = 1", "INSERT INTO child VALUES (1, 1)"
			t1, t2 := BeginConcurrent(t, db), BeginConcurrent(t, db)
			if childFirst {
				MustExec(t, t1, ins)
				if err := commitInOrder(t, t1, t2, del); !errors.Is(err, turso.ErrConflict) {
					t.Fatalf("deleting a parent that a child now refers to: %v, want ErrConflict", err)
				}
			} else {
				MustExec(t, t1, del)
				if err := commitInOrder(t, t1, t2, ins); !errors.Is(err, turso.ErrConflict) {
					t.Fatalf("inserting a child of a parent now deleted: %v, want ErrConflict", err)
				}
			}
			integrityOK(t, db)
			want := "[1 2 1]" // parents 1 and 2, the child of 1
			if !childFirst {
				want = "[2]"
			}
			if got := RowsOf(t, db, "SELECT id FROM parent UNION ALL SELECT pid FROM child"); fmt.Sprint(got) != want {
				t.Errorf("parent ids and child pids %v, want %s: the first committer's result", got, want)
			}
		})
	}
}

// testCCRowidChange checks an UPDATE that changes a rowid: the row moves
// (issue 12's example leaves 1=a 2=b 30=c), also in a table without an
// INTEGER PRIMARY KEY, and a concurrent write of the old row conflicts.
func testCCRowidChange(t *testing.T, e Engine) {
	db, _ := e.ConcurrentDB(t, "",
		"CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)",
		"INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')",
		"CREATE TABLE plain(v TEXT)",
		"INSERT INTO plain(rowid, v) VALUES (1, 'x'), (2, 'y')")
	tx := BeginConcurrent(t, db)
	MustExec(t, tx, "UPDATE t SET id = 30 WHERE id = 3")
	MustExec(t, tx, "UPDATE plain SET rowid = 20 WHERE rowid = 2")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := RowsOf(t, db, "SELECT id, v FROM t ORDER BY id"); fmt.Sprint(got) != "[1|a 2|b 30|c]" {
		t.Errorf("t = %v, want [1|a 2|b 30|c]", got)
	}
	if got := RowsOf(t, db, "SELECT rowid, v FROM plain ORDER BY rowid"); fmt.Sprint(got) != "[1|x 20|y]" {
		t.Errorf("plain = %v, want [1|x 20|y]", got)
	}
	integrityOK(t, db)

	// A move and a write of the old row: exactly one commits.
	for _, moveFirst := range []bool{true, false} {
		move, write := "UPDATE t SET id = id + 100 WHERE id = 1", "UPDATE t SET v = 'z' WHERE id = 1"
		MustExec(t, db, "DELETE FROM t WHERE id <> 2")
		MustExec(t, db, "INSERT INTO t VALUES (1, 'a')")
		t1, t2 := BeginConcurrent(t, db), BeginConcurrent(t, db)
		var err error
		want := "[1|z 2|b]"
		if moveFirst {
			MustExec(t, t1, move)
			err = commitInOrder(t, t1, t2, write)
			want = "[2|b 101|a]"
		} else {
			MustExec(t, t1, write)
			err = commitInOrder(t, t1, t2, move)
		}
		if !errors.Is(err, turso.ErrConflict) {
			t.Errorf("move first=%v: the second writer of row 1: %v, want ErrConflict", moveFirst, err)
		}
		if got := RowsOf(t, db, "SELECT id, v FROM t ORDER BY id"); fmt.Sprint(got) != want {
			t.Errorf("move first=%v: t = %v, want %s", moveFirst, got, want)
		}
		integrityOK(t, db)
	}
}

// testCCRowidChangeByCascade checks rows whose rowid an ON UPDATE CASCADE
// changes: the child's INTEGER PRIMARY KEY refers to its parent's.
func testCCRowidChangeByCascade(t *testing.T, e Engine) {
	db, _ := e.ConcurrentDB(t, "_foreign_keys=1",
		"CREATE TABLE parent(id INTEGER PRIMARY KEY, v TEXT)",
		"CREATE TABLE child(id INTEGER PRIMARY KEY REFERENCES parent(id) ON UPDATE CASCADE, w TEXT)",
		"INSERT INTO parent VALUES (1, 'p1'), (2, 'p2')",
		"INSERT INTO child VALUES (1, 'c1'), (2, 'c2')")
	tx := BeginConcurrent(t, db)
	MustExec(t, tx, "UPDATE parent SET id = 10 WHERE id = 1")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := RowsOf(t, db, "SELECT id, w FROM child ORDER BY id"); fmt.Sprint(got) != "[2|c2 10|c1]" {
		t.Errorf("child = %v, want [2|c2 10|c1]", got)
	}
	integrityOK(t, db)

	// The cascade moves child 2 while another transaction writes it.
	t1, t2 := BeginConcurrent(t, db), BeginConcurrent(t, db)
	MustExec(t, t1, "UPDATE child SET w = 'changed' WHERE id = 2")
	if err := commitInOrder(t, t1, t2, "UPDATE parent SET id = 20 WHERE id = 2"); !errors.Is(err, turso.ErrConflict) {
		t.Errorf("moving a child another transaction wrote: %v, want ErrConflict", err)
	}
	if got := RowsOf(t, db, "SELECT id, w FROM child ORDER BY id"); fmt.Sprint(got) != "[2|changed 10|c1]" {
		t.Errorf("child = %v, want [2|changed 10|c1]", got)
	}
	integrityOK(t, db)
}

// runRetried runs fn in concurrent transactions until one commits.
func runRetried(t *testing.T, db *sql.DB, fn func(*sql.Tx) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := turso.RunConcurrent(ctx, db, fn); err != nil {
		t.Fatal(err)
	}
}

// testCCAutoincrementNeverReuses checks that a concurrent transaction
// never gets an AUTOINCREMENT id that another transaction committed and
// deleted since its snapshot.
func testCCAutoincrementNeverReuses(t *testing.T, e Engine) {
	db, _ := e.ConcurrentDB(t, "",
		"CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)",
		"INSERT INTO a(v) VALUES ('1'), ('2'), ('3')")
	var id int64
	first := true
	runRetried(t, db, func(tx *sql.Tx) error {
		if first {
			// Between the snapshot and the insert, id 4 is used and freed.
			first = false
			MustExec(t, db, "INSERT INTO a(v) VALUES ('other')")
			MustExec(t, db, "DELETE FROM a WHERE v = 'other'")
		}
		return tx.QueryRow("INSERT INTO a(v) VALUES ('tx') RETURNING id").Scan(&id)
	})
	if id <= 4 {
		t.Errorf("the transaction's row got id %d: id 4 was committed and deleted before, and AUTOINCREMENT never reuses one", id)
	}
	if got := QueryInt(t, db, "SELECT id FROM a WHERE v = 'tx'"); got != id {
		t.Errorf("committed id %d, RETURNING said %d", got, id)
	}
	if seq := QueryInt(t, db, "SELECT seq FROM sqlite_sequence WHERE name = 'a'"); seq < id {
		t.Errorf("sqlite_sequence = %d, below the largest id %d", seq, id)
	}
	integrityOK(t, db)
}

// testCCAutoincrementKeepsHighWater checks that a transaction that inserts
// rows and deletes them keeps the AUTOINCREMENT high-water mark they
// raised, as SQLite does: the next id is above them.
func testCCAutoincrementKeepsHighWater(t *testing.T, e Engine) {
	db, _ := e.ConcurrentDB(t, "",
		"CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)",
		"INSERT INTO a(v) VALUES ('1'), ('2'), ('3')")
	tx := BeginConcurrent(t, db)
	MustExec(t, tx, "INSERT INTO a(v) VALUES ('x'), ('y')")
	MustExec(t, tx, "INSERT INTO a(id, v) VALUES (100, 'z')")
	MustExec(t, tx, "DELETE FROM a WHERE id > 3")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if seq := QueryInt(t, db, "SELECT seq FROM sqlite_sequence WHERE name = 'a'"); seq < 100 {
		t.Errorf("sqlite_sequence = %d, want at least 100", seq)
	}
	var id int64
	if err := db.QueryRow("INSERT INTO a(v) VALUES ('next') RETURNING id").Scan(&id); err != nil {
		t.Fatal(err)
	}
	if id <= 100 {
		t.Errorf("next id %d, want above 100", id)
	}
	integrityOK(t, db)
}

// testCCPickedRowidsFollowCommitOrder checks that the rowids the engine
// picks for a concurrent transaction's inserts are those a serial run of
// the committed transactions in commit order picks: a transaction whose
// picks another one's commit changed conflicts (and its retry picks
// anew), inserts with keys of their own commit side by side, and a
// rollback leaves no gap.
func testCCPickedRowidsFollowCommitOrder(t *testing.T, e Engine) {
	e.skipIf(t, ConcurrentPickedRowids)
	db, _ := e.ConcurrentDB(t, "",
		"CREATE TABLE b(id INTEGER PRIMARY KEY, v TEXT)",
		"INSERT INTO b VALUES (1, '1'), (2, '2'), (3, '3')",
		"CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)",
		"INSERT INTO a(v) VALUES ('1'), ('2'), ('3')")

	// Another transaction deletes the largest row after the snapshot: a
	// serial run would pick 3 again.
	t1 := BeginConcurrent(t, db)
	MustExec(t, db, "DELETE FROM b WHERE id = 3")
	MustExec(t, t1, "INSERT INTO b(v) VALUES ('t1')")
	if err := t1.Commit(); !errors.Is(err, turso.ErrConflict) {
		t.Fatalf("commit of an insert whose rowid the largest row's delete changed: %v, want ErrConflict", err)
	}
	runRetried(t, db, func(tx *sql.Tx) error {
		_, err := tx.Exec("INSERT INTO b(v) VALUES ('t1')")
		return err
	})
	if got := RowsOf(t, db, "SELECT id, v FROM b ORDER BY id"); fmt.Sprint(got) != "[1|1 2|2 3|t1]" {
		t.Errorf("b = %v, want [1|1 2|2 3|t1]", got)
	}

	// Two appends: the second to commit picks anew.
	t1, t2 := BeginConcurrent(t, db), BeginConcurrent(t, db)
	MustExec(t, t1, "INSERT INTO a(v) VALUES ('t1')")
	if err := commitInOrder(t, t1, t2, "INSERT INTO a(v) VALUES ('t2')"); !errors.Is(err, turso.ErrConflict) {
		t.Errorf("second append: %v, want ErrConflict", err)
	}

	// Keys of their own commit side by side, while the largest rowid
	// changes under them.
	t1, t2 = BeginConcurrent(t, db), BeginConcurrent(t, db)
	MustExec(t, t1, "INSERT INTO b VALUES (100, 'k1')")
	MustExec(t, t2, "INSERT INTO b VALUES (101, 'k2')")
	MustExec(t, db, "INSERT INTO b VALUES (50, 'other')")
	if err := t1.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := t2.Commit(); err != nil {
		t.Fatal(err)
	}

	// A rollback leaves no gap.
	tx := BeginConcurrent(t, db)
	MustExec(t, tx, "INSERT INTO a(v) VALUES ('gone')")
	MustExec(t, tx, "INSERT INTO b(v) VALUES ('gone')")
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if got := QueryInt(t, db, "INSERT INTO a(v) VALUES ('after') RETURNING id"); got != 5 {
		t.Errorf("AUTOINCREMENT id after a rolled-back insert: %d, want 5", got)
	}
	if got := QueryInt(t, db, "INSERT INTO b(v) VALUES ('after') RETURNING id"); got != 102 {
		t.Errorf("rowid after a rolled-back insert: %d, want 102", got)
	}
	integrityOK(t, db)
}

// testCCLargeTransaction writes more pages than a connection's page cache
// holds, commits, and rolls back another such transaction.
func testCCLargeTransaction(t *testing.T, e Engine) {
	db, _ := e.ConcurrentDB(t, "_cache_size=20",
		"CREATE TABLE big(id INTEGER PRIMARY KEY, pad TEXT, k INTEGER)",
		"CREATE INDEX big_k ON big(k)")
	const n = 5000
	insert := func(tx *sql.Tx, from int) {
		stmt, err := tx.Prepare("INSERT INTO big VALUES (?, ?, ?)")
		if err != nil {
			t.Fatal(err)
		}
		defer stmt.Close()
		for i := from; i < from+n; i++ {
			if _, err := stmt.Exec(i, string(make([]byte, 200)), i%97); err != nil {
				t.Fatal(err)
			}
		}
	}
	tx := BeginConcurrent(t, db)
	insert(tx, 0)
	if got := QueryInt(t, tx, "SELECT count(*) FROM big WHERE k = 5"); got != int64((n-5+96)/97) {
		t.Errorf("tx reads %d rows with k = 5 through the index", got)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	tx = BeginConcurrent(t, db)
	insert(tx, n)
	MustExec(t, tx, "DELETE FROM big WHERE id < 100")
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if got := QueryInt(t, db, "SELECT count(*) FROM big"); got != n {
		t.Errorf("%d rows, want %d", got, n)
	}
	integrityOK(t, db)
	tx = BeginConcurrent(t, db)
	defer tx.Rollback()
	if got := QueryInt(t, tx, "SELECT count(*) FROM big"); got != n {
		t.Errorf("next tx sees %d rows, want %d", got, n)
	}
}
