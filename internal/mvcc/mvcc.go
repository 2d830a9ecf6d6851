// Package mvcc runs the concurrent transactions of an engine that has its
// own: Turso's engine, whose MVCC journal mode (PRAGMA journal_mode =
// mvcc) takes BEGIN CONCURRENT. It is written against engine.Conn, so
// that every binding of that engine (wasm, native) offers concurrent
// transactions the same way:
//
//	func (e *Engine) NewConcurrentPool(cfg engine.PoolConfig) engine.ConcurrentPool {
//		return mvcc.NewPool(cfg)
//	}
//
// The engine detects conflicts itself, at the write: the second writer of
// a row fails at once with a conflict (which the binding reports as an
// *engine.ConflictError), and the engine rolls that transaction back
// whole. A transaction that began before another connection changed the
// schema fails at COMMIT, likewise.
package mvcc

import (
	"errors"
	"fmt"
	"strings"

	"github.com/turso-go/turso/internal/engine"
)

// Pool begins concurrent transactions with the engine's BEGIN CONCURRENT.
// It holds no state but its configuration: the engine's MVCC is shared by
// its connections.
type Pool struct {
	byDefault bool
}

var _ engine.ConcurrentPool = Pool{}

// NewPool returns the pool of concurrent transactions of a pool of
// connections opened with cfg.
func NewPool(cfg engine.PoolConfig) Pool { return Pool{byDefault: cfg.ByDefault} }

// Setup switches the database of a pool whose transactions are concurrent
// by default to the MVCC journal mode, as each connection opens.
func (p Pool) Setup(c engine.Conn) error {
	if !p.byDefault {
		return nil
	}
	return switchToMVCC(c)
}

// switchToMVCC puts c's database in the MVCC journal mode.
func switchToMVCC(c engine.Conn) error {
	if err := c.Exec("PRAGMA journal_mode = mvcc"); err != nil {
		return fmt.Errorf("turso: switching the database to the MVCC journal mode, which concurrent transactions need: %w", err)
	}
	return nil
}

// notMVCC is the part of the engine's message that says BEGIN CONCURRENT
// needs the MVCC journal mode.
const notMVCC = "only supported when MVCC is enabled"

// Begin begins a concurrent transaction on c. A database not yet in MVCC
// mode is switched to it first (the mode is the database's, and stays:
// its other connections see it too), which fails while another
// connection has a transaction open.
func (p Pool) Begin(c engine.Conn) (engine.ConcurrentTx, error) {
	if !c.Autocommit() {
		return nil, errors.New("turso: BeginConcurrent: the connection is inside a transaction")
	}
	err := c.Exec("BEGIN CONCURRENT")
	var ee *engine.Error
	if errors.As(err, &ee) && strings.Contains(ee.Message, notMVCC) {
		if err := switchToMVCC(c); err != nil {
			return nil, err
		}
		err = c.Exec("BEGIN CONCURRENT")
	}
	if err != nil {
		return nil, err
	}
	return &tx{c: c}, nil
}

// tx is a concurrent transaction of the engine.
type tx struct {
	c    engine.Conn
	done bool
}

// Commit commits the transaction; after a failure, the transaction is
// rolled back if the engine has not done so.
func (t *tx) Commit() error {
	if t.done {
		return engine.ErrClosed
	}
	t.done = true
	err := t.c.Exec("COMMIT")
	if err != nil && !t.c.Autocommit() {
		t.c.Exec("ROLLBACK")
	}
	return err
}

// Rollback rolls the transaction back, unless the engine already did (it
// does so on a conflict).
func (t *tx) Rollback() error {
	if t.done {
		return engine.ErrClosed
	}
	t.done = true
	if t.c.Autocommit() {
		return nil
	}
	return t.c.Exec("ROLLBACK")
}
