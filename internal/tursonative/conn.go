//go:build linux && amd64 && cgo

package tursonative

/*
#include <stdlib.h>
#include "binding.h"
*/
import "C"

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/tursobind"
)

// conn is one connection: a Database object of the addon.
type conn struct {
	e    *Engine
	c    *C.tn_conn
	db   handle
	path string
	// stmts are the statements not yet closed, which Close finalizes.
	stmts map[*stmt]struct{}
	// closed is read by Interrupt from any goroutine; imu keeps Close from
	// freeing c while Interrupt writes to it.
	closed atomic.Bool
	imu    sync.Mutex
	// readOnly connections refuse writing statements themselves: the
	// engine shares one database object between the connections to a
	// file, and it honours read-only only for the first.
	readOnly bool
	// prepared counts the statements prepared since recycling was last
	// considered (see ShouldRecycle).
	prepared int
	// decls caches the declared types of the statements prepared.
	decls tursobind.DeclCache
	// broken is set once a write failed (see fail): every later call
	// fails with it, and the pool drops the connection.
	broken atomic.Pointer[engine.Error]
}

var (
	_ engine.Conn         = (*conn)(nil)
	_ engine.Recycler     = (*conn)(nil)
	_ engine.Validator    = (*conn)(nil)
	_ engine.PragmaSetter = (*conn)(nil)
)

// SetPragmas runs the driver's per-connection pragmas as the engine takes
// them (see tursobind.SetPragmas).
func (c *conn) SetPragmas(pragmas []engine.Pragma) error { return tursobind.SetPragmas(c, pragmas) }

// Valid reports whether the connection is open and has not broken.
func (c *conn) Valid() bool { return !c.closed.Load() && c.broken.Load() == nil }

// fail notes err, the failure of a call on the connection, and returns
// it. An I/O failure, a full disk included, breaks the connection: the
// engine leaves a connection whose commit failed holding the failed
// transaction's pages (its own reads then see rows that were never
// committed, or miss committed ones), so it is not used again. Other
// connections, and those opened later, read the file as committed.
func (c *conn) fail(err error) error {
	if e, ok := err.(*engine.Error); ok && (e.Code == engine.CodeIOErr || e.Code == engine.CodeFull) {
		b := *e
		b.Message = fmt.Sprintf("%s engine: the connection failed (%s) and was discarded; nothing committed before is lost", Name, e.Message)
		c.broken.CompareAndSwap(nil, &b)
	}
	return err
}

// usable returns engine.ErrClosed for a closed connection, the failure
// that broke a broken one (see fail), or nil.
func (c *conn) usable() error {
	if c.closed.Load() {
		return engine.ErrClosed
	}
	if b := c.broken.Load(); b != nil {
		e := *b
		return &e
	}
	return nil
}

// recycleAfter is how many statements a connection prepares before it
// asks the pool to replace it (see ShouldRecycle).
var recycleAfter = 10000

// ShouldRecycle reports that the pool should replace the connection: the
// binding keeps a record of every statement a connection prepared (about
// 1.8 KB each) until the connection closes, so a connection that prepared
// many statements asks to be replaced when idle. Only a connection to a
// file whose session holds nothing a fresh connection would lack (no
// transaction, no temporary table) is replaced; another one keeps going,
// and asks again after as many statements.
func (c *conn) ShouldRecycle() bool {
	if c.prepared < recycleAfter || c.closed.Load() {
		return false
	}
	c.prepared = 0
	if c.path == ":memory:" || !c.Autocommit() {
		return false
	}
	rows, err := c.query("SELECT count(*) FROM temp.sqlite_schema")
	return err == nil && len(rows) == 1 && len(rows[0]) == 1 && rows[0][0].Int == 0
}

func (c *conn) Prepare(sql string) (engine.Stmt, string, error) {
	if err := c.usable(); err != nil {
		return nil, "", err
	}
	sql, err := tursobind.SQL(Name, sql)
	if err != nil {
		return nil, "", err
	}
	head, tail, blank := tursobind.SplitFirst(sql)
	if blank {
		return nil, tail, nil
	}
	s, err := c.prepare(head)
	if err != nil {
		return nil, "", err
	}
	c.stmts[s] = struct{}{}
	return s, tail, nil
}

// prepare compiles one statement and reads its parameters, columns and
// class in one call.
func (c *conn) prepare(sql string) (*stmt, error) {
	c.prepared++
	csql := C.CString(sql)
	defer C.free(unsafe.Pointer(csql))
	var n C.size_t
	var status C.int
	p := C.tn_conn_prepare(c.c, csql, C.size_t(len(sql)), &n, &status)
	v, err := result(p, n, status)
	if err != nil {
		return nil, c.fail(toError(err))
	}
	info, _ := v.([]any)
	if len(info) != 4 {
		releaseAll(v)
		return nil, &engine.Error{Code: engine.CodeInternal, ExtendedCode: engine.CodeInternal, Message: "turso engine: malformed statement description"}
	}
	h, _ := info[0].(handle)
	t := C.tn_stmt_new(c.c, C.uintptr_t(h.p))
	if t == nil {
		h.release()
		return nil, errNoMem()
	}
	s := &stmt{c: c, t: t, ddl: tursobind.IsDDL(sql), schema: c.e.schema.Load()}
	s.Text, s.Declared = sql, c.declared
	names, _ := info[1].([]any)
	s.Params = make([]string, len(names))
	for i, name := range names {
		s.Params[i], _ = name.(string)
	}
	s.Cols = columns(info[2], sql)
	class, _ := info[3].(string)
	s.IsReadOnly = class == "read"
	if c.readOnly && class == "write" {
		s.free()
		return nil, &engine.Error{Code: engine.CodeReadOnly, ExtendedCode: engine.CodeReadOnly, Message: "attempt to write a readonly database"}
	}
	return s, nil
}

// declared returns the declared types of the result columns cols of sql.
func (c *conn) declared(sql string, cols []tursobind.ResultColumn) []tursobind.Column {
	return c.decls.Get(c.query, c.e.schema.Load(), sql, cols)
}

// columns reads the result of Statement.columns() for a statement of
// sql, naming RETURNING columns as SQLite does
// (tursobind.ReturningColumnName).
func columns(v any, sql string) []tursobind.ResultColumn {
	arr, _ := v.([]any)
	cols := make([]tursobind.ResultColumn, 0, len(arr))
	returning := tursobind.ReturningStatement(sql)
	for _, el := range arr {
		o, _ := el.(map[string]any)
		name, _ := o["name"].(string)
		if returning {
			name = tursobind.ReturningColumnName(name)
		}
		affinity, _ := o["type"].(string)
		cols = append(cols, tursobind.ResultColumn{Name: name, Affinity: affinity})
	}
	return cols
}

// query runs sql, which takes no arguments, and returns its rows with
// their bytes copied.
func (c *conn) query(sql string) ([][]engine.Value, error) {
	s, err := c.prepare(sql)
	if err != nil {
		return nil, err
	}
	defer s.free()
	var rows [][]engine.Value
	more, err := s.Start(nil)
	for ; more && err == nil; more, err = s.Step() {
		row := slices.Clone(s.Row())
		for i := range row {
			row[i].Data = strings.Clone(row[i].Data)
		}
		rows = append(rows, row)
	}
	return rows, err
}

func (c *conn) Exec(sql string) error {
	if err := c.usable(); err != nil {
		return err
	}
	sql, err := tursobind.SQL(Name, sql)
	if err != nil {
		return err
	}
	if c.readOnly {
		return c.execEach(sql)
	}
	if tursobind.HasDDL(sql) {
		defer c.e.schema.Add(1)
	}
	csql := C.CString(sql)
	defer C.free(unsafe.Pointer(csql))
	if rc := C.tn_conn_exec(c.c, csql, C.size_t(len(sql))); rc != C.TN_DONE {
		return c.failure(rc)
	}
	return nil
}

// failure is the error of a call that returned rc.
func (c *conn) failure(rc C.int) error {
	if rc == C.TN_INTERRUPTED {
		return tursobind.Interrupted()
	}
	return c.fail(lastError(c.c))
}

// execEach runs a script statement by statement through Prepare, which
// checks each one.
func (c *conn) execEach(sql string) error {
	for sql != "" {
		head, tail, blank := tursobind.SplitFirst(sql)
		sql = tail
		if blank {
			continue
		}
		s, err := c.prepare(head)
		if err != nil {
			return err
		}
		_, _, err = s.Exec(nil)
		s.free()
		if err != nil {
			return err
		}
	}
	return nil
}

func (c *conn) Changes() int64 {
	if c.closed.Load() || C.tn_conn_counts(c.c) != C.TN_OK {
		return 0
	}
	return int64(c.c.changes)
}

func (c *conn) LastInsertRowID() int64 {
	if c.closed.Load() || C.tn_conn_counts(c.c) != C.TN_OK {
		return 0
	}
	return int64(c.c.rowid)
}

func (c *conn) Autocommit() bool {
	if c.closed.Load() {
		return true
	}
	v, err := c.db.call("inTransaction")
	in, _ := v.(bool)
	return err != nil || !in
}

// Interrupt makes the running statement fail at its next step or I/O
// round: the binding has no way to stop a step under way.
func (c *conn) Interrupt() {
	c.imu.Lock()
	defer c.imu.Unlock()
	if !c.closed.Load() {
		C.tn_conn_interrupt(c.c)
	}
}

func (c *conn) Close() error {
	c.imu.Lock()
	defer c.imu.Unlock()
	if c.closed.Swap(true) {
		return nil
	}
	for s := range c.stmts {
		s.free()
	}
	_, err := c.db.call("close")
	C.tn_conn_free(c.c)
	return toError(err)
}
