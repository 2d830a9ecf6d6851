// Package libsql binds the SQLite C API of the libSQL engine that
// github.com/tursodatabase/go-libsql ships as a prebuilt static library, and
// implements the driver's engine boundary (package internal/engine) on it.
//
// It is the only package of the driver that uses cgo. It owns every C
// allocation it makes and translates every SQLite failure into an
// *engine.Error.
package libsql

/*
#include <stdlib.h>
#include "binding.h"
#include "overlay.h"
*/
import "C"

import (
	"errors"
	"sync"
	"syscall"
	"unsafe"

	"github.com/turso-go/turso/internal/engine"

	// The libSQL static library and its link flags come with go-libsql's
	// package. Importing it also registers its "libsql" driver, which stays
	// usable beside ours (see initOnce).
	_ "github.com/tursodatabase/go-libsql"
)

// Engine is the libSQL engine. Its zero value is ready to use.
type Engine struct{}

var _ engine.Engine = Engine{}

// initOnce guards libSQL's one-time initialization. The Rust layer of
// go-libsql configures SQLite's threading mode the first time it opens a
// database and aborts the process if SQLite was initialized before, so the
// first connection this package opens lets the Rust layer go first.
var initOnce = sync.OnceValue(func() error {
	if msg := C.tg_init_libsql(); msg != nil {
		defer C.libsql_free_string(msg)
		return errors.New("libsql: initialization failed: " + C.GoString(msg))
	}
	return nil
})

// Version reports the engine's name and SQLite version.
func (Engine) Version() string {
	return "libsql " + C.GoString(C.sqlite3_libversion())
}

// Open opens one connection. Connections are opened without SQLite's
// per-connection mutex: database/sql already serializes the use of a
// connection, and sqlite3_interrupt needs no mutex.
func (Engine) Open(cfg engine.Config) (engine.Conn, error) {
	if err := initOnce(); err != nil {
		return nil, err
	}
	flags := C.int(C.SQLITE_OPEN_URI | C.SQLITE_OPEN_NOMUTEX)
	if cfg.Mutex {
		flags = C.SQLITE_OPEN_URI | C.SQLITE_OPEN_FULLMUTEX
	}
	switch {
	case cfg.ReadOnly:
		flags |= C.SQLITE_OPEN_READONLY
	case cfg.Create:
		flags |= C.SQLITE_OPEN_READWRITE | C.SQLITE_OPEN_CREATE
	default:
		flags |= C.SQLITE_OPEN_READWRITE
	}
	name := C.CString(cfg.Path)
	defer C.free(unsafe.Pointer(name))
	var db *C.sqlite3
	rc := C.tg_open(name, flags, C.int(cfg.BusyTimeout.Milliseconds()), &db)
	if rc != C.SQLITE_OK {
		var err error = &engine.Error{Code: int(rc) & 0xff, ExtendedCode: int(rc), Message: C.GoString(C.sqlite3_errstr(rc))}
		if db != nil {
			err = lastError(db)
			C.sqlite3_close_v2(db)
		}
		return nil, err
	}
	c := &conn{db: db, stmts: make(map[*stmt]struct{})}
	if len(cfg.Key) > 0 {
		if err := c.key(cfg.Cipher, cfg.Key); err != nil {
			C.sqlite3_close_v2(db)
			return nil, err
		}
	} else if cfg.Cipher != "" {
		C.sqlite3_close_v2(db)
		return nil, &engine.Error{Code: engine.CodeMisuse, ExtendedCode: engine.CodeMisuse, Message: "a cipher needs an encryption key"}
	}
	return c, nil
}

// lastError reads the error SQLite recorded on db for the failed call that
// just returned.
func lastError(db *C.sqlite3) error {
	code := int(C.sqlite3_errcode(db))
	ext := int(C.sqlite3_extended_errcode(db))
	if code == C.SQLITE_OK {
		// The failure was not recorded on the handle (e.g. a misuse caught
		// before SQLite touched the connection).
		return &engine.Error{Code: engine.CodeMisuse, ExtendedCode: engine.CodeMisuse, Message: "bad parameter or other API misuse"}
	}
	e := &engine.Error{Code: code & 0xff, ExtendedCode: ext, Message: C.GoString(C.sqlite3_errmsg(db))}
	if e.Code == C.SQLITE_CANTOPEN || (e.Code == C.SQLITE_IOERR && ext != C.SQLITE_IOERR_NOMEM) {
		e.SystemErrno = syscall.Errno(C.sqlite3_system_errno(db))
	}
	return e
}

// MemoryUsed reports the bytes of memory the engine has allocated and not
// yet freed, across all connections of the process.
func MemoryUsed() int64 { return int64(C.sqlite3_memory_used()) }
