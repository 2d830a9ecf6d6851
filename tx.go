package turso

import (
	"context"
	"database/sql/driver"
)

// tx is a transaction begun by BeginTx.
type tx struct {
	c    *conn
	done bool
}

var _ driver.Tx = (*tx)(nil)

// Commit commits the transaction. If COMMIT fails, the transaction is
// rolled back (as mattn/go-sqlite3 does), since database/sql considers it
// over either way, and the COMMIT error is returned. A transaction that a
// conflict aborted (see conn.aborted) fails with that conflict.
func (t *tx) Commit() error {
	if err := t.begin(); err != nil {
		return err
	}
	t.c.enter()
	defer t.c.leave()
	defer t.end()
	if t.c.aborted != nil {
		// A conflict rolled the transaction back: it cannot commit.
		return t.c.aborted
	}
	if err := t.c.execSimple(context.Background(), "COMMIT"); err != nil {
		if !t.c.ec.Autocommit() {
			t.c.aborted = nil // let ROLLBACK run
			t.c.execSimple(context.Background(), "ROLLBACK")
		}
		return err
	}
	return nil
}

// Rollback rolls the transaction back. A transaction the engine already
// rolled back (an interrupted write, some errors such as a full disk) is
// over as asked, and Rollback returns nil.
func (t *tx) Rollback() error {
	if err := t.begin(); err != nil {
		return err
	}
	t.c.enter()
	defer t.c.leave()
	defer t.end()
	t.c.aborted = nil // ROLLBACK ends an aborted transaction as any other
	if t.c.ec.Autocommit() {
		return nil
	}
	return t.c.execSimple(context.Background(), "ROLLBACK")
}

// begin checks that the transaction can still end.
func (t *tx) begin() error {
	if t.done || t.c.closed {
		return errClosed
	}
	return nil
}

// end marks the transaction over.
func (t *tx) end() {
	t.done = true
	t.c.endTx()
}

// endTx notes that the running transaction (a tx or a ccTx) is over and
// lifts a read-only transaction's query_only.
func (c *conn) endTx() {
	c.inTx, c.aborted, c.concurrentTx = false, nil, nil
	if c.readOnlyTx {
		c.readOnlyTx = false
		restore := c.cfg.pragma("query_only")
		if restore == "" {
			restore = "0"
		}
		c.execSimple(context.Background(), "PRAGMA query_only = "+restore)
	}
}
