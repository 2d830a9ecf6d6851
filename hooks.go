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
// committing statement fails with an *Error of ExtendedCode
// CodeConstraintCommitHook. A nil fn removes the hook.
func SetCommitHook(ctx context.Context, c *sql.Conn, fn func() error) error {
	return withHooker(ctx, c, func(h engine.Hooker) {
		if fn == nil {
			h.SetCommitHook(nil)
			return
		}
		h.SetCommitHook(func() bool { return fn() == nil })
	})
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

// CheckpointMode says how much a WAL checkpoint does and waits for
// (https://sqlite.org/c3ref/wal_checkpoint_v2.html).
type CheckpointMode int

// The checkpoint modes.
const (
	// CheckpointPassive copies as many frames as it can without waiting
	// for readers or writers.
	CheckpointPassive CheckpointMode = iota
	// CheckpointFull waits for writers (the busy timeout) and then copies
	// every frame.
	CheckpointFull
	// CheckpointRestart is CheckpointFull, then waits for readers so that
	// the next writer starts the log over.
	CheckpointRestart
	// CheckpointTruncate is CheckpointRestart and truncates the log file to
	// zero bytes.
	CheckpointTruncate
)

// String returns the mode's name as PRAGMA wal_checkpoint spells it.
func (m CheckpointMode) String() string {
	switch m {
	case CheckpointPassive:
		return "PASSIVE"
	case CheckpointFull:
		return "FULL"
	case CheckpointRestart:
		return "RESTART"
	case CheckpointTruncate:
		return "TRUNCATE"
	}
	return fmt.Sprintf("CheckpointMode(%d)", int(m))
}

// CheckpointResult reports what a checkpoint found and did.
type CheckpointResult struct {
	// LogFrames is the number of frames in the write-ahead log,
	// Checkpointed the number of them now copied into the database. Both
	// are -1 when the database is not in WAL mode.
	LogFrames, Checkpointed int
}

// Checkpoint checkpoints the write-ahead log of every database of c (a
// WAL-mode database: others report -1 frames). When readers or writers
// keep a full, restart or truncate checkpoint from completing, it returns
// the partial result and an error matching ErrBusy.
func Checkpoint(ctx context.Context, c *sql.Conn, mode CheckpointMode) (CheckpointResult, error) {
	if mode < CheckpointPassive || mode > CheckpointTruncate {
		return CheckpointResult{}, fmt.Errorf("turso: Checkpoint: unknown mode %v", mode)
	}
	var res CheckpointResult
	err := withConn(ctx, c, func(tc *conn) error {
		cp, err := engineFeature[engine.Checkpointer](tc, "WAL checkpoints")
		if err != nil {
			return err
		}
		res.LogFrames, res.Checkpointed, err = cp.Checkpoint("", int(mode))
		return wrapErr(err, "")
	})
	return res, err
}

// Interrupter returns a function that interrupts the statement running
// on c, if any: it fails with an error matching ErrInterrupt, and c stays
// usable. The function may be called from any goroutine, any number of
// times, while c is held; after c.Close it must not be called, since the
// connection may then serve someone else. (A statement also stops when
// the context it runs with ends.)
func Interrupter(ctx context.Context, c *sql.Conn) (interrupt func(), err error) {
	err = withConn(ctx, c, func(tc *conn) error {
		interrupt = tc.ec.Interrupt
		return nil
	})
	return interrupt, err
}
