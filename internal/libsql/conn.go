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
}

var _ engine.Conn = (*conn)(nil)

func (c *conn) Prepare(sql string) (engine.Stmt, string, error) {
	if c.db == nil {
		return nil, "", engine.ErrClosed
	}
	if sql == "" {
		return nil, "", nil
	}
	csql := C.CString(sql)
	defer C.free(unsafe.Pointer(csql))
	var s *C.sqlite3_stmt
	var tail *C.char
	rc := C.sqlite3_prepare_v3(c.db, csql, C.int(len(sql)), C.SQLITE_PREPARE_PERSISTENT, &s, &tail)
	if rc != C.SQLITE_OK {
		return nil, "", lastError(c.db)
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
	if s == nil {
		return nil, rest, nil
	}
	st, err := newStmt(c, s, sql[:len(sql)-len(rest)])
	if err != nil {
		return nil, "", err
	}
	c.stmts[st] = struct{}{}
	return st, rest, nil
}

func (c *conn) Exec(sql string) error {
	if c.db == nil {
		return engine.ErrClosed
	}
	csql := C.CString(sql)
	defer C.free(unsafe.Pointer(csql))
	if C.sqlite3_exec(c.db, csql, nil, nil, nil) != C.SQLITE_OK {
		return lastError(c.db)
	}
	return nil
}

func (c *conn) Changes() int64 {
	if c.db == nil {
		return 0
	}
	return int64(C.sqlite3_changes64(c.db))
}

func (c *conn) LastInsertRowID() int64 {
	if c.db == nil {
		return 0
	}
	return int64(C.sqlite3_last_insert_rowid(c.db))
}

func (c *conn) Autocommit() bool {
	return c.db != nil && C.sqlite3_get_autocommit(c.db) != 0
}

func (c *conn) Interrupt() {
	c.mu.Lock()
	if c.db != nil {
		C.sqlite3_interrupt(c.db)
	}
	c.mu.Unlock()
}

func (c *conn) Close() error {
	if c.db == nil {
		return nil
	}
	for s := range c.stmts {
		s.finalize()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if C.sqlite3_close_v2(c.db) != C.SQLITE_OK {
		return lastError(c.db)
	}
	c.db = nil
	if c.hooks != nil {
		c.hooksHandle.Delete()
		c.hooks = nil
	}
	return nil
}
