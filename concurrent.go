package turso

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/turso-go/turso/internal/engine"
)

// Concurrent transactions are an engine capability
// (engine.ConcurrentEngine): libSQL's are the driver's own, on an overlay
// of the database (internal/libsql), Turso's engine has its own MVCC
// (internal/mvcc). This file translates them to database/sql: a
// transaction at isolation level sql.LevelSnapshot is a concurrent one,
// and the engine's conflicts become *ConflictError.

// ErrConflict is matched (with errors.Is) by the error of a concurrent
// transaction that lost a conflict: another transaction committed, after
// this one's snapshot, a change to a row this one wrote, to what decided
// the rowid one of its inserts got, to a row its constraints depend on,
// or to the schema. The losing transaction is rolled back whole; retry it
// (RunConcurrent does).
var ErrConflict error = errors.New("turso: concurrent transaction conflict")

// ConflictError is the error of a concurrent transaction that lost a
// conflict. It matches ErrConflict.
//
// On libSQL the driver detects conflicts at commit and names the row (or,
// with RowID 0, the table whose rowid assignment changed). Turso's engine
// detects them itself, at the write (the second writer of a row fails at
// once), and says only that there was one: Table is then empty.
type ConflictError struct {
	// Table and RowID name the first conflicting row found; Table is ""
	// when the schema changed or the engine did not say.
	Table string
	RowID int64
	// Err is the engine's error behind the conflict: its own report of it
	// (Turso's engine: it also matches ErrBusy), or the constraint that
	// rows committed since the snapshot make this transaction's rows break
	// (libSQL: it matches ErrConstraintUnique, ErrConstraintForeignKey,
	// ...). Else nil.
	Err *Error

	// reason says what conflicted when no row is named.
	reason string
}

// Error describes the conflict.
func (e *ConflictError) Error() string {
	ce := engine.ConflictError{Table: e.Table, RowID: e.RowID, Reason: e.reason}
	if e.Err != nil {
		ce.Err = &engine.Error{Message: e.Err.Message}
	}
	return "turso: " + ce.Error() + " (the transaction was rolled back)"
}

// Is reports whether target is ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Unwrap returns the engine's error, if any.
func (e *ConflictError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}

// ErrNotWAL is returned when a concurrent transaction is begun on a libSQL
// database that is not in WAL mode.
var ErrNotWAL = engine.ErrNotWAL

// ErrConcurrentUnsupported is matched (with errors.Is) by the error of a
// statement that a concurrent transaction cannot run, such as a schema
// change or a write to a WITHOUT ROWID table (the list is in
// docs/CONCURRENT.md). The error is an *Error of code CodeAuth whose
// message names the limitation; the statement did nothing, and the
// transaction goes on.
var ErrConcurrentUnsupported error = &sentinel{code: CodeAuth, text: "turso: not supported inside a concurrent transaction"}

// WithBeginConcurrent makes every read-write transaction of the pool that
// asks for no particular isolation level a concurrent transaction (DSN:
// _txlock=concurrent). A transaction at sql.LevelSerializable is then an
// ordinary BEGIN IMMEDIATE transaction, and read-only transactions are
// ordinary read transactions (which in WAL mode already read a snapshot).
func WithBeginConcurrent() Option {
	return paramOption("_txlock", "concurrent")
}

// TxBeginner begins transactions: *sql.DB and *sql.Conn are TxBeginners.
type TxBeginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// BeginConcurrent begins a concurrent transaction on db, a *sql.DB or a
// *sql.Conn of any turso pool. It is db.BeginTx at isolation level
// sql.LevelSnapshot, which is how the driver tells a concurrent
// transaction from an ordinary one.
//
// A concurrent transaction reads a snapshot of the database as of its
// beginning, plus its own writes; it does not block, nor is blocked by,
// other transactions while it runs. It commits only if its result is that
// of running it after every transaction committed before it; otherwise it
// fails with an error matching ErrConflict (at Commit on libSQL; at the
// conflicting write on Turso's engine) and leaves no trace. On libSQL the
// database must be in WAL mode; on Turso's engine, the first concurrent
// transaction switches the database to the engine's MVCC journal mode.
//
// What a concurrent transaction cannot track it refuses, at the statement,
// with an error matching ErrConcurrentUnsupported: on libSQL, schema
// changes, ATTACH, writes to WITHOUT ROWID and virtual tables and to
// tables whose schema uses REPLACE conflict resolution, REPLACE in its
// statements (use INSERT ... ON CONFLICT DO UPDATE), and BEGIN, COMMIT and
// ROLLBACK as SQL (use the Tx; SAVEPOINT works). Conflicts are detected on
// what the transaction wrote: write skew (two transactions each writing a
// row the other only read) is not detected, as under any snapshot
// isolation. docs/CONCURRENT.md says what each engine guarantees.
func BeginConcurrent(ctx context.Context, db TxBeginner) (*sql.Tx, error) {
	return db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSnapshot})
}

// RunConcurrent runs fn in a concurrent transaction of db, a *sql.DB or a
// *sql.Conn, and commits it; when fn or the commit fails with ErrConflict,
// it runs it again in a new transaction after a jittered, growing pause,
// until it commits, fails otherwise, or ctx ends (the error then matches
// both ctx.Err() and ErrConflict). fn must do nothing that cannot be
// repeated outside the transaction.
func RunConcurrent(ctx context.Context, db TxBeginner, fn func(*sql.Tx) error) error {
	backoff := 100 * time.Microsecond
	var conflict error // the latest conflict
	for {
		err := runConcurrentOnce(ctx, db, fn)
		if err == nil {
			return nil
		}
		if errors.Is(err, ErrConflict) {
			conflict = err
		}
		if cerr := ctx.Err(); cerr != nil {
			// The context ended, perhaps during the attempt (database/sql
			// then rolls the transaction back, and fn or Commit fail
			// with whatever that caused).
			switch {
			case conflict != nil:
				return fmt.Errorf("turso: RunConcurrent: %w, after %w", cerr, conflict)
			case errors.Is(err, cerr):
				return err
			default:
				return fmt.Errorf("turso: RunConcurrent: %w: %v", cerr, err)
			}
		}
		if !errors.Is(err, ErrConflict) {
			return err
		}
		pause := backoff/2 + rand.N(backoff)
		timer := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("turso: RunConcurrent: %w, after %w", ctx.Err(), conflict)
		case <-timer.C:
		}
		backoff = min(2*backoff, 10*time.Millisecond)
	}
}

func runConcurrentOnce(ctx context.Context, db TxBeginner, fn func(*sql.Tx) error) (err error) {
	tx, err := BeginConcurrent(ctx, db)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// beginConcurrent begins a concurrent transaction with the engine's
// capability; until it ends, the connection's statements run inside it.
func (c *conn) beginConcurrent(ctx context.Context) (driver.Tx, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c.cfg.concurrent == nil {
		return nil, fmt.Errorf("%w: concurrent transactions", ErrNotSupported)
	}
	etx, err := c.cfg.concurrent.Begin(c.ec)
	if err != nil {
		return nil, wrapErr(err, "BEGIN CONCURRENT")
	}
	c.inTx, c.concurrentTx = true, etx
	return &ccTx{c: c, tx: etx}, nil
}

// ccTx is a concurrent transaction.
type ccTx struct {
	c    *conn
	tx   engine.ConcurrentTx
	done bool
}

var _ driver.Tx = (*ccTx)(nil)

// Commit commits the transaction; see BeginConcurrent. A transaction that
// a conflict aborted (see conn.aborted) fails with that conflict.
func (t *ccTx) Commit() error {
	if t.done || t.c.closed {
		return errClosed
	}
	t.c.enter()
	defer t.c.leave()
	t.done = true
	defer t.c.endTx()
	if err := t.c.aborted; err != nil {
		t.tx.Rollback()
		return err
	}
	return wrapErr(t.tx.Commit(), "COMMIT")
}

// Rollback discards the transaction.
func (t *ccTx) Rollback() error {
	if t.done || t.c.closed {
		return errClosed
	}
	t.c.enter()
	defer t.c.leave()
	t.done = true
	defer t.c.endTx()
	return wrapErr(t.tx.Rollback(), "ROLLBACK")
}
