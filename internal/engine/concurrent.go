package engine

import (
	"errors"
	"fmt"
	"strconv"
)

// Concurrent transactions
//
// A concurrent transaction (BEGIN CONCURRENT) reads a snapshot of the
// database plus its own writes and takes no lock while it runs, so that
// many of them write at once. It commits only if its result is that of
// running it after every transaction committed before it: when another
// transaction committed, after its snapshot, a change to something it
// wrote (or that decided what it wrote, such as the rowid an INSERT
// picked), it fails with a *ConflictError and leaves no trace, and the
// caller runs it again. What an engine cannot track it refuses, statement
// by statement, with an *Error of code CodeAuth that says why; the
// transaction goes on.
//
// An engine offers concurrent transactions by implementing
// ConcurrentEngine. The state its connections share for them (libSQL: the
// connection that applies commits; Turso's engine: none beyond its own
// MVCC) lives in a ConcurrentPool, one per pool of connections.

// ConcurrentEngine is an Engine whose connections run concurrent
// transactions.
type ConcurrentEngine interface {
	Engine
	// NewConcurrentPool returns the state that the connections of one pool,
	// all opened by this engine with cfg.Config, share for their concurrent
	// transactions. It opens nothing until a transaction begins, and
	// releases what it opened when the last of those connections closes.
	NewConcurrentPool(cfg PoolConfig) ConcurrentPool
}

// PoolConfig describes how a pool's connections are opened and set up, so
// that the connections an engine opens for its own use behave as the
// pool's do.
type PoolConfig struct {
	// Config opens a connection to the pool's database.
	Config Config
	// Pragmas are set, in order, on every connection the pool opens.
	Pragmas []Pragma
	// Init runs on every connection the engine opens for the pool's
	// transactions, after Pragmas: it defines the pool's Go functions and
	// collations, which the transactions' statements may call.
	Init func(Conn) error
	// ByDefault reports that every read-write transaction of the pool is
	// a concurrent one (_txlock=concurrent).
	ByDefault bool
}

// Pragma is one "PRAGMA Name = Value".
type Pragma struct{ Name, Value string }

// ConcurrentPool begins the concurrent transactions of one pool.
type ConcurrentPool interface {
	// Setup readies c, a new connection of the pool (after its pragmas),
	// for concurrent transactions, so that the first one need not change
	// the database: Turso's engine switches a pool whose transactions are
	// concurrent by default to its MVCC journal mode.
	Setup(c Conn) error
	// Begin begins a concurrent transaction on c, a connection that the
	// pool's engine opened with the pool's Config and Pragmas. Until the
	// transaction ends, every statement run on c, also one prepared
	// before, runs inside it. A connection runs one transaction at a
	// time.
	Begin(c Conn) (ConcurrentTx, error)
}

// ConcurrentTx is a running concurrent transaction.
type ConcurrentTx interface {
	// Commit commits the transaction. It fails with a *ConflictError when
	// the transaction lost a conflict, and with the engine's *Error when
	// committing failed otherwise. The transaction is over either way.
	Commit() error
	// Rollback discards the transaction.
	Rollback() error
}

// ErrNotWAL is matched by the error of beginning a concurrent transaction
// on a database that is not in WAL mode, on an engine that needs WAL mode
// for them (libSQL).
var ErrNotWAL = errors.New("turso: concurrent transactions need a database in WAL mode (_journal_mode=WAL)")

// ConflictError is the failure of a concurrent transaction that lost a
// conflict: the engine rolled it back whole, and running it again (on a
// new snapshot) may succeed.
type ConflictError struct {
	// Table and RowID name the first row found in conflict: a row this
	// transaction wrote that another changed, or (with RowID 0) the table
	// whose rowid assignment another changed. Table is "" when the engine
	// did not name a row.
	Table string
	RowID int64
	// Reason says what conflicted when no row is named, e.g. "the schema
	// changed since the transaction began".
	Reason string
	// Err is the engine's error behind the conflict: its own report of a
	// conflict it detected (Turso's engine fails the second writer of a
	// row at once), or the constraint that rows committed since the
	// snapshot make this transaction's rows break. Else nil.
	Err *Error
}

// Error describes the conflict.
func (e *ConflictError) Error() string {
	msg := "concurrent transaction conflict: "
	switch {
	case e.Table != "" && e.RowID != 0 && e.Err != nil:
		return msg + "row " + strconv.FormatInt(e.RowID, 10) + " of table " + e.Table +
			", as this transaction leaves it, breaks a constraint with rows another transaction committed since this one began: " + e.Err.Message
	case e.Table != "" && e.RowID != 0:
		return msg + "row " + strconv.FormatInt(e.RowID, 10) + " of table " + e.Table + " was changed by another transaction since this one began"
	case e.Table != "":
		return msg + fmt.Sprintf("another transaction changed, since this one began, what decides the rowids that table %s assigns, and this one had rowids assigned", e.Table)
	case e.Reason != "":
		return msg + e.Reason
	case e.Err != nil:
		return msg + e.Err.Message
	}
	return msg + "another transaction committed a conflicting change"
}

// Unwrap returns Err.
func (e *ConflictError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}
