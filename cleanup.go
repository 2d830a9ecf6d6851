package turso

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/turso-go/turso/internal/engine"
)

// Dropped results and statements.
//
// A program that forgets to close a result (rows.Close, or gorm's Rows()
// never closed) leaves its engine statement in the middle of a query,
// holding a read lock: in the default rollback-journal mode every later
// write of every other connection waits out the busy timeout and fails
// with "database is locked". database/sql cannot help: the leaked
// *sql.Rows keeps its connection out of the pool for good, and the pool
// keeps every connection it opened (DB.Close does not close it either).
// mattn/go-sqlite3 finalizes such a statement when the garbage collector
// finds it unreachable; so does this driver:
//
//   - a prepared statement (the statement of a result, or of a driver
//     Stmt) that becomes unreachable before it was given back has a
//     cleanup that finalizes its engine statement: at once when nothing
//     else uses the connection (the usual case: the leaked result's
//     connection is used by nobody), else as soon as the driver calls and
//     results under way on the connection end;
//   - a connection that becomes unreachable without Close (a program
//     using the driver without database/sql, or dropping a whole
//     *sql.DB) has a cleanup that closes its engine connection (and with
//     it what the engine holds for it, concurrent transactions included).
//
// Cleanups run on goroutines of the runtime, while the connection may be
// in use by the program's goroutine (a *sql.Conn on which one result
// leaked and others are read). A connection's engine objects are used by
// one goroutine at a time, so the connection counts its users: every
// driver call that reaches the engine, and every open result, counts as
// one for its duration (enter and leave). A cleanup touches the engine
// only with the count at zero, which it turns into -1 (exclusive) for the
// time it finalizes statements; it queues what it cannot finalize, and
// the last user to leave finalizes the queue.
//
// The cleanups never reference the *conn or *prepared they watch (that
// would keep them reachable), only the engine handles.

// connHandles is what a connection holds of its engine, shared with the
// cleanups: the engine connection to close if the connection is dropped,
// the count of its users, and the statements dropped while it was in use.
type connHandles struct {
	ec engine.Conn

	// users counts the driver calls under way and the open results; -1
	// while a cleanup has the engine (with exclusive held).
	users     atomic.Int32
	exclusive sync.Mutex

	// dropped holds the engine statements to finalize; closed is set once
	// the connection closed, which finalized everything.
	n       atomic.Int32 // len(dropped), read on every leave
	mu      sync.Mutex
	dropped []engine.Stmt
	closed  bool
}

// enter counts a user of the connection; it waits while a cleanup has the
// engine (a few statements' finalization).
func (h *connHandles) enter() {
	for {
		if v := h.users.Load(); v >= 0 {
			if h.users.CompareAndSwap(v, v+1) {
				return
			}
			continue
		}
		h.exclusive.Lock()
		h.exclusive.Unlock()
	}
}

// leave ends a use; the last user finalizes what was dropped meanwhile.
func (h *connHandles) leave() {
	if h.users.Add(-1) == 0 && h.n.Load() != 0 {
		h.finalizeDropped()
	}
}

// drop queues s, the engine statement of a dropped prepared statement,
// and finalizes the queue if nobody uses the connection. held tells that
// the statement had an open result, which counted as a user.
func (h *connHandles) drop(s engine.Stmt, held bool) {
	h.mu.Lock()
	if !h.closed {
		h.dropped = append(h.dropped, s)
		h.n.Store(int32(len(h.dropped)))
	}
	h.mu.Unlock()
	if held {
		h.users.Add(-1)
	}
	if h.users.Load() == 0 {
		h.finalizeDropped()
	}
}

// finalizeDropped finalizes the queued statements if nobody uses the
// connection (else its last user will).
func (h *connHandles) finalizeDropped() {
	h.exclusive.Lock()
	defer h.exclusive.Unlock()
	if !h.users.CompareAndSwap(0, -1) {
		return
	}
	h.mu.Lock()
	stmts := h.dropped
	h.dropped = nil
	h.n.Store(0)
	h.mu.Unlock()
	for _, s := range stmts {
		s.Close()
	}
	h.users.Store(0)
}

// markClosed empties the queue for good: the connection is closing, and
// with it every statement.
func (h *connHandles) markClosed() {
	h.mu.Lock()
	h.closed = true
	h.dropped = nil
	h.n.Store(0)
	h.mu.Unlock()
}

// closeDropped closes the engine connection of a connection dropped
// without Close. Only the cleanups of its statements can still run; they
// find the queue closed.
func (h *connHandles) closeDropped() {
	h.exclusive.Lock()
	defer h.exclusive.Unlock()
	h.markClosed()
	h.ec.Close()
}

// watchDropped arranges for c's engine connection to be closed if c is
// dropped without Close.
func (c *conn) watchDropped() {
	c.dropCleanup = runtime.AddCleanup(c, (*connHandles).closeDropped, c.handles)
}

// enter and leave bracket every driver call that reaches the engine (see
// connHandles).
func (c *conn) enter() { c.handles.enter() }
func (c *conn) leave() { c.handles.leave() }

// stmtRef is what the cleanup of a prepared statement needs.
type stmtRef struct {
	h *connHandles
	s engine.Stmt
	// held is set while a result of the statement is open (and counts as
	// a user of the connection).
	held bool
}

// watchDropped arranges for p's engine statement to be finalized if p is
// dropped while still open.
func (p *prepared) watchDropped(h *connHandles) {
	p.ref = &stmtRef{h: h, s: p.s}
	p.dropCleanup = runtime.AddCleanup(p, func(r *stmtRef) { r.h.drop(r.s, r.held) }, p.ref)
}

// close finalizes p's engine statement.
func (p *prepared) close() {
	p.dropCleanup.Stop()
	p.s.Close()
}
