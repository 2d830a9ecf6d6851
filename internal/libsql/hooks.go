package libsql

/*
#include "binding.h"
*/
import "C"

import (
	"fmt"
	"runtime/cgo"

	"github.com/turso-go/turso/internal/engine"
)

var _ engine.Hooker = (*conn)(nil)

// hookSet holds the Go hooks of one connection. SQLite's hooks get a
// handle to it, made on first use and released when the connection
// closes.
type hookSet struct {
	update   func(op int, schema, table string, rowid int64)
	commit   func() error
	rollback func()
	// veto is the error with which the commit hook turned the latest
	// commit into a rollback, until the failure it caused is read
	// (conn.lastError).
	veto error
}

// hookHandle returns the handle of c's hook set, making it on first use.
func (c *conn) hookHandle() C.uintptr_t {
	if c.hooks == nil {
		c.hooks = &hookSet{}
		c.hooksHandle = cgo.NewHandle(c.hooks)
	}
	return C.uintptr_t(c.hooksHandle)
}

func (c *conn) SetUpdateHook(fn func(op int, schema, table string, rowid int64)) {
	if c.db == nil {
		return
	}
	h := c.hookHandle()
	c.hooks.update = fn
	C.tg_set_update_hook(c.db, h, cbool(fn != nil))
}

func (c *conn) SetCommitHook(fn func() error) {
	if c.db == nil {
		return
	}
	h := c.hookHandle()
	c.hooks.commit, c.hooks.veto = fn, nil
	C.tg_set_commit_hook(c.db, h, cbool(fn != nil))
}

// lastError reads the error SQLite recorded on db (c's database handle,
// or an overlay's) for the failed call that just returned; a commit that
// c's commit hook vetoed carries the hook's error.
func (c *conn) lastError(db *C.sqlite3) error {
	err := lastError(db)
	if c.hooks == nil || c.hooks.veto == nil {
		return err
	}
	// SQLITE_CONSTRAINT_COMMITHOOK
	if e, ok := err.(*engine.Error); ok && e.ExtendedCode == engine.CodeConstraint|2<<8 {
		e.Err = c.hooks.veto
	}
	c.hooks.veto = nil
	return err
}

func (c *conn) SetRollbackHook(fn func()) {
	if c.db == nil {
		return
	}
	h := c.hookHandle()
	c.hooks.rollback = fn
	C.tg_set_rollback_hook(c.db, h, cbool(fn != nil))
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// The hook trampolines recover a panic in the hook: an update or rollback
// hook's panic is dropped, a commit hook's turns the commit into a
// rollback, with an error saying so.

//export tgCallUpdateHook
func tgCallUpdateHook(h C.uintptr_t, op C.int, schema, table *C.char, rowid C.sqlite3_int64) {
	defer func() { recover() }()
	if fn := cgo.Handle(h).Value().(*hookSet).update; fn != nil {
		fn(int(op), C.GoString(schema), C.GoString(table), int64(rowid))
	}
}

//export tgCallCommitHook
func tgCallCommitHook(h C.uintptr_t) (rollback C.int) {
	hooks := cgo.Handle(h).Value().(*hookSet)
	if err := hooks.vetoes(); err != nil {
		hooks.veto = err
		return 1
	}
	return 0
}

// vetoes runs the commit hook, if any, and returns the error with which
// it vetoes the commit: the one it returned, or its panic.
func (hooks *hookSet) vetoes() (err error) {
	if hooks.commit == nil {
		return nil
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the commit hook panicked: %v", p)
		}
	}()
	return hooks.commit()
}

//export tgCallRollbackHook
func tgCallRollbackHook(h C.uintptr_t) {
	defer func() { recover() }()
	if fn := cgo.Handle(h).Value().(*hookSet).rollback; fn != nil {
		fn()
	}
}
