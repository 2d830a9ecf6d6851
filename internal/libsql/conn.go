package libsql

/*
#include <stdlib.h>
#include "binding.h"
*/
import "C"

import (
	"runtime/cgo"
	"strings"
	"sync"
	"unsafe"

	"github.com/turso-go/turso/internal/engine"
)

// conn is one SQLite connection.
type conn struct {
	// mu guards db between Close and Interrupt, the one method called from
	// other goroutines. Every other method runs on the goroutine that owns
	// the connection and reads db without it.
	mu sync.Mutex
	db *C.sqlite3
	// stmts holds the statements not yet closed, which Close finalizes.
	stmts map[*stmt]struct{}
	// hooks are the Go hooks SQLite calls through hooksHandle (see
	// hooks.go); nil until a hook is set.
	hooks       *hookSet
	hooksHandle cgo.Handle
	// cc is the state of the connection's concurrent transactions
	// (concurrent.go), nil until the first begins. While one runs, the
	// connection's statements run on cc's overlay.
	cc *concurrent
	// interruptOverlay, guarded by mu, is the overlay connection that
	// Interrupt interrupts instead of db while a concurrent transaction
	// runs.
	interruptOverlay *conn
}

var _ engine.Conn = (*conn)(nil)

func (c *conn) Prepare(sql string) (engine.Stmt, string, error) {
	if c.db == nil {
		return nil, "", engine.ErrClosed
	}
	if sql == "" {
		return nil, "", nil
	}
	if c.cc.running() {
		return c.cc.prepare(sql)
	}
	s, rest, err := compileOn(c.db, sql)
	if err != nil || s == nil {
		return nil, rest, err
	}
	st, err := c.newStmt(s, c.db, sql[:len(sql)-len(rest)])
	if err != nil {
		return nil, "", err
	}
	return st, rest, nil
}

// compileOn compiles the first statement of sql on db, returning nil when
// sql holds none, and the rest of sql.
func compileOn(db *C.sqlite3, sql string) (*C.sqlite3_stmt, string, error) {
	csql := C.CString(sql)
	defer C.free(unsafe.Pointer(csql))
	var s *C.sqlite3_stmt
	var tail *C.char
	rc := C.sqlite3_prepare_v3(db, csql, C.int(len(sql)), C.SQLITE_PREPARE_PERSISTENT, &s, &tail)
	if rc != C.SQLITE_OK {
		return nil, "", lastError(db)
	}
	rest := ""
	if tail != nil {
		if used := int(uintptr(unsafe.Pointer(tail)) - uintptr(unsafe.Pointer(csql))); used < len(sql) {
			rest = sql[used:]
		}
	}
	if strings.TrimSpace(rest) == "" || rest[0] == 0 {
		// SQLite reads SQL text up to the first NUL byte: what follows
		// it is not SQL.
		rest = ""
	}
	return s, rest, nil
}

// newStmt wraps s, compiled on db (c's own or its overlay's), as a
// statement of c.
func (c *conn) newStmt(s *C.sqlite3_stmt, db *C.sqlite3, sql string) (*stmt, error) {
	st, err := newStmt(c, s, db, sql)
	if err != nil {
		return nil, err
	}
	c.stmts[st] = struct{}{}
	return st, nil
}

func (c *conn) Exec(sql string) error {
	if c.db == nil {
		return engine.ErrClosed
	}
	if c.cc.running() {
		return c.cc.exec(sql)
	}
	csql := C.CString(sql)
	defer C.free(unsafe.Pointer(csql))
	if C.sqlite3_exec(c.db, csql, nil, nil, nil) != C.SQLITE_OK {
		return c.lastError(c.db)
	}
	return nil
}

// live is the database connection that runs c's statements: c's own, or
// its overlay's while a concurrent transaction runs.
func (c *conn) live() *C.sqlite3 {
	if c.cc.running() {
		return c.cc.ov.c.db
	}
	return c.db
}

func (c *conn) Changes() int64 {
	if c.db == nil {
		return 0
	}
	return int64(C.sqlite3_changes64(c.live()))
}

func (c *conn) LastInsertRowID() int64 {
	if c.db == nil {
		return 0
	}
	return int64(C.sqlite3_last_insert_rowid(c.live()))
}

// Autocommit reports whether the connection is outside any transaction:
// false also while a concurrent transaction runs on it.
func (c *conn) Autocommit() bool {
	return c.db != nil && !c.cc.running() && C.sqlite3_get_autocommit(c.db) != 0
}

// Interrupt interrupts the statement running on the connection, on its
// overlay while a concurrent transaction runs.
func (c *conn) Interrupt() {
	c.mu.Lock()
	ov := c.interruptOverlay
	if ov == nil && c.db != nil {
		C.sqlite3_interrupt(c.db)
	}
	c.mu.Unlock()
	if ov != nil {
		ov.Interrupt()
	}
}

// setInterruptTarget makes Interrupt interrupt ov (nil: the connection's
// own database connection).
func (c *conn) setInterruptTarget(ov *conn) {
	c.mu.Lock()
	c.interruptOverlay = ov
	c.mu.Unlock()
}

func (c *conn) Close() error {
	if c.db == nil {
		return nil
	}
	for s := range c.stmts {
		s.finalize()
	}
	if c.cc != nil {
		c.cc.close()
		c.cc = nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if C.sqlite3_close_v2(c.db) != C.SQLITE_OK {
		return c.lastError(c.db)
	}
	c.db = nil
	if c.hooks != nil {
		c.hooksHandle.Delete()
		c.hooks = nil
	}
	return nil
}
