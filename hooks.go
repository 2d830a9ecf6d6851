package turso

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/turso-go/turso/internal/engine"
)

// Op is the kind of row change an update hook reports.
type Op int

// The row changes, numbered as SQLite numbers them.
const (
	OpDelete Op = 9
	OpInsert Op = 18
	OpUpdate Op = 23
)

// String returns "INSERT", "UPDATE" or "DELETE".
func (op Op) String() string {
	switch op {
	case OpInsert:
		return "INSERT"
	case OpUpdate:
		return "UPDATE"
	case OpDelete:
		return "DELETE"
	}
	return fmt.Sprintf("Op(%d)", int(op))
}

// UpdateEvent describes one row a statement changed.
type UpdateEvent struct {
	Op     Op
	Schema string // "main", "temp" or an attached database's name
	Table  string
	RowID  int64
}

// SetUpdateHook calls fn for each row that an INSERT, UPDATE or DELETE on
// connection c changes in a rowid table (not in WITHOUT ROWID tables, and
// not for rows a truncating DELETE without WHERE removes). A nil fn
// removes the hook. A panic in fn is recovered and ignored.
//
// Hooks run on the goroutine that runs the statement, inside the engine:
// they must be quick and must not use the connection. They belong to the
// driver connection beneath c and stay set after c.Close returns it to
// the pool, until they are replaced or removed: remove them before closing
// c unless later users of the connection should keep them.
func SetUpdateHook(ctx context.Context, c *sql.Conn, fn func(UpdateEvent)) error {
	return withHooker(ctx, c, func(h engine.Hooker) {
		if fn == nil {
			h.SetUpdateHook(nil)
			return
		}
		h.SetUpdateHook(func(op int, schema, table string, rowid int64) {
			fn(UpdateEvent{Op: Op(op), Schema: schema, Table: table, RowID: rowid})
		})
	})
}

// SetCommitHook calls fn before each commit on connection c. When fn
// returns an error, or panics, the commit turns into a rollback and the
// committing statement (the Commit of a transaction, or a statement
// outside one) fails with an *Error of ExtendedCode
// CodeConstraintCommitHook that wraps fn's error: errors.Is and errors.As
// find it. A nil fn removes the hook.
func SetCommitHook(ctx context.Context, c *sql.Conn, fn func() error) error {
	return withHooker(ctx, c, func(h engine.Hooker) { h.SetCommitHook(fn) })
}

// CodeConstraintCommitHook is the extended result code of a commit that a
// commit hook turned into a rollback.
const CodeConstraintCommitHook = CodeConstraint | 2<<8

// SetRollbackHook calls fn after each rollback on connection c, whether
// asked for or caused by a failure (not when the connection closes). A nil
// fn removes the hook. A panic in fn is recovered and ignored.
func SetRollbackHook(ctx context.Context, c *sql.Conn, fn func()) error {
	return withHooker(ctx, c, func(h engine.Hooker) { h.SetRollbackHook(fn) })
}

// withHooker runs set with c's engine connection as a Hooker.
func withHooker(ctx context.Context, c *sql.Conn, set func(engine.Hooker)) error {
	return withConn(ctx, c, func(tc *conn) error {
		h, err := engineFeature[engine.Hooker](tc, "hooks")
		if err != nil {
			return err
		}
		set(h)
		return nil
	})
}
