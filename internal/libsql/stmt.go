package libsql

/*
#include <stdlib.h>
#include "binding.h"
*/
import "C"

import (
	"unsafe"

	"github.com/turso-go/turso/internal/engine"
)

// stmt is one prepared statement.
type stmt struct {
	c *conn
	// compiled is the compilation that runs (t is nil once closed).
	compiled
	// other is the statement's compilation on c's other database
	// connection, or none: while a concurrent transaction runs on c, its
	// statements run on its overlay (concurrent.go), and each statement is
	// compiled on each connection the first time it runs there.
	other compiled
	sql   string

	// vals views the C row for Row, in place.
	vals []engine.Value
}

// compiled is a statement compiled on one database connection.
type compiled struct {
	t  *C.tg_stmt
	h  C.uintptr_t
	db *C.sqlite3
	// savepoint is the savepoint operation the statement performs, for
	// a statement compiled on an overlay; else nil.
	savepoint *savepointOp
}

var (
	_ engine.Stmt            = (*stmt)(nil)
	_ engine.ColumnDeclTyper = (*stmt)(nil)
	_ engine.ColumnNotNuller = (*stmt)(nil)
)

func newStmt(c *conn, s *C.sqlite3_stmt, db *C.sqlite3, sql string) (*stmt, error) {
	cs, err := newCompiled(s, db)
	if err != nil {
		return nil, err
	}
	return &stmt{c: c, compiled: cs, sql: sql}, nil
}

// newCompiled wraps s, compiled on db.
func newCompiled(s *C.sqlite3_stmt, db *C.sqlite3) (compiled, error) {
	t := C.tg_stmt_new(s)
	if t == nil {
		C.sqlite3_finalize(s)
		return compiled{}, &engine.Error{Code: engine.CodeNoMem, ExtendedCode: engine.CodeNoMem, Message: "out of memory"}
	}
	return compiled{t: t, h: C.uintptr_t(uintptr(unsafe.Pointer(t))), db: db}, nil
}

// free finalizes the compilation.
func (cs *compiled) free() {
	if cs.t != nil {
		C.tg_stmt_free(cs.h)
	}
	*cs = compiled{}
}

func (s *stmt) SQL() string { return s.sql }

func (s *stmt) NumParams() int {
	if s.t == nil {
		return 0
	}
	return int(C.sqlite3_bind_parameter_count(s.t.stmt))
}

func (s *stmt) ParamIndex(name string) int {
	if s.t == nil {
		return 0
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	return int(C.sqlite3_bind_parameter_index(s.t.stmt, cname))
}

func (s *stmt) ParamName(i int) string {
	if s.t == nil {
		return ""
	}
	return C.GoString(C.sqlite3_bind_parameter_name(s.t.stmt, C.int(i)))
}

func (s *stmt) ReadOnly() bool {
	return s.t != nil && C.sqlite3_stmt_readonly(s.t.stmt) != 0
}

// marshal stores args in the C statement's argument buffer, copying the
// bytes of text and blob arguments into its arena.
func (s *stmt) marshal(args []engine.Value) error {
	if len(args) == 0 {
		return nil
	}
	need := 0
	for i := range args {
		if k := args[i].Kind; k == engine.KindText || k == engine.KindBlob {
			need += len(args[i].Data)
		}
	}
	if len(args) > int(s.t.args_cap) || need > int(s.t.arena_cap) {
		if C.tg_reserve(s.h, C.int(len(args)), C.size_t(need)) != C.SQLITE_OK {
			return &engine.Error{Code: engine.CodeNoMem, ExtendedCode: engine.CodeNoMem, Message: "out of memory"}
		}
	}
	cargs := unsafe.Slice(s.t.args, len(args))
	var arena []byte
	if need > 0 {
		arena = unsafe.Slice((*byte)(unsafe.Pointer(s.t.arena)), need)
	}
	off := 0
	for i := range args {
		a := &args[i]
		c := &cargs[i]
		switch a.Kind {
		case engine.KindInteger:
			c._type, c.i = C.SQLITE_INTEGER, C.sqlite3_int64(a.Int)
		case engine.KindFloat:
			c._type, c.f = C.SQLITE_FLOAT, C.double(a.Float)
		case engine.KindText, engine.KindBlob:
			c._type, c.n = C.SQLITE_TEXT, C.int(len(a.Data))
			if a.Kind == engine.KindBlob {
				c._type = C.SQLITE_BLOB
			}
			c.p = unsafe.Pointer(unsafe.SliceData(arena[off:]))
			off += copy(arena[off:], a.Data)
		default:
			c._type = C.SQLITE_NULL
		}
	}
	return nil
}

func (s *stmt) Start(args []engine.Value) (bool, error) {
	if s.t == nil {
		return false, engine.ErrClosed
	}
	if s.c.cc != nil {
		if err := s.c.cc.route(s); err != nil {
			return false, err
		}
	}
	if err := s.marshal(args); err != nil {
		return false, err
	}
	row, err := s.stepped(C.tg_start(s.h, C.int(len(args))))
	if s.savepoint != nil && err == nil {
		s.c.cc.savepointDone(s.savepoint)
	}
	return row, err
}

func (s *stmt) Reprepared() int {
	if s.t == nil {
		return 0
	}
	return int(s.t.reprep)
}

func (s *stmt) Step() (bool, error) {
	if s.t == nil {
		return false, engine.ErrClosed
	}
	return s.stepped(C.tg_step(s.h))
}

// stepped interprets the result rc of a step.
func (s *stmt) stepped(rc C.int) (bool, error) {
	switch rc {
	case C.SQLITE_ROW:
		s.load()
		return true, nil
	case C.SQLITE_DONE:
		return false, nil
	default:
		err := s.c.lastError(s.db)
		C.sqlite3_reset(s.t.stmt)
		return false, err
	}
}

// load makes vals view the row that C stored, in place (tg_col is laid
// out as engine.Value).
func (s *stmt) load() {
	s.vals = unsafe.Slice((*engine.Value)(unsafe.Pointer(s.t.row)), int(s.t.ncol))
}

// tg_col must have engine.Value's layout: these constants do not compile
// otherwise (a negative constant converted to uintptr overflows).
const (
	_ = uintptr(unsafe.Sizeof(engine.Value{}) - C.sizeof_tg_col)
	_ = uintptr(C.sizeof_tg_col - unsafe.Sizeof(engine.Value{}))
	_ = uintptr(unsafe.Offsetof(engine.Value{}.Int) - unsafe.Offsetof(C.tg_col{}.i))
	_ = uintptr(unsafe.Offsetof(C.tg_col{}.i) - unsafe.Offsetof(engine.Value{}.Int))
	_ = uintptr(unsafe.Offsetof(engine.Value{}.Float) - unsafe.Offsetof(C.tg_col{}.f))
	_ = uintptr(unsafe.Offsetof(C.tg_col{}.f) - unsafe.Offsetof(engine.Value{}.Float))
	_ = uintptr(unsafe.Offsetof(engine.Value{}.Data) - unsafe.Offsetof(C.tg_col{}.p))
	_ = uintptr(unsafe.Offsetof(C.tg_col{}.p) - unsafe.Offsetof(engine.Value{}.Data))
	_ = uintptr(unsafe.Offsetof(C.tg_col{}.n) - unsafe.Offsetof(C.tg_col{}.p) - 8)
	_ = uintptr(8 - (unsafe.Offsetof(C.tg_col{}.n) - unsafe.Offsetof(C.tg_col{}.p)))
)

// The fields have engine.Value's types (the offsets above match as well
// for narrower ones), and the kinds C stores are SQLite's type codes: the
// arrays have length 1 only while they agree.
var (
	_ C.uint8_t = C.tg_col{}.kind
	_ C.int64_t = C.tg_col{}.i
	_ C.double  = C.tg_col{}.f
	_ C.int64_t = C.tg_col{}.n

	_ [1]struct{} = [engine.KindInteger - C.SQLITE_INTEGER + 1]struct{}{}
	_ [1]struct{} = [engine.KindFloat - C.SQLITE_FLOAT + 1]struct{}{}
	_ [1]struct{} = [engine.KindText - C.SQLITE_TEXT + 1]struct{}{}
	_ [1]struct{} = [engine.KindBlob - C.SQLITE_BLOB + 1]struct{}{}
)

func (s *stmt) Row() []engine.Value { return s.vals }

func (s *stmt) Exec(args []engine.Value) (changes, lastInsertID int64, err error) {
	if s.t == nil {
		return 0, 0, engine.ErrClosed
	}
	if s.c.cc != nil {
		if err := s.c.cc.route(s); err != nil {
			return 0, 0, err
		}
	}
	if err := s.marshal(args); err != nil {
		return 0, 0, err
	}
	if rc := C.tg_exec(s.h, C.int(len(args))); rc != C.SQLITE_OK {
		err := s.c.lastError(s.db)
		C.sqlite3_reset(s.t.stmt)
		return 0, 0, err
	}
	if s.savepoint != nil {
		s.c.cc.savepointDone(s.savepoint)
	}
	return int64(s.t.changes), int64(s.t.rowid), nil
}

func (s *stmt) Reset() error {
	if s.t == nil {
		return engine.ErrClosed
	}
	C.sqlite3_reset(s.t.stmt)
	return nil
}

func (s *stmt) ColumnCount() int {
	if s.t == nil {
		return 0
	}
	return int(C.sqlite3_column_count(s.t.stmt))
}

func (s *stmt) ColumnName(i int) string {
	if s.t == nil {
		return ""
	}
	return C.GoString(C.sqlite3_column_name(s.t.stmt, C.int(i)))
}

func (s *stmt) ColumnDeclType(i int) string {
	if s.t == nil {
		return ""
	}
	return C.GoString(C.sqlite3_column_decltype(s.t.stmt, C.int(i)))
}

func (s *stmt) ColumnNotNull(i int) (notNull, known bool) {
	if s.t == nil {
		return false, false
	}
	st := s.t.stmt
	db := C.sqlite3_column_database_name(st, C.int(i))
	table := C.sqlite3_column_table_name(st, C.int(i))
	column := C.sqlite3_column_origin_name(st, C.int(i))
	if db == nil || table == nil || column == nil {
		return false, false
	}
	var nn, pk, autoinc C.int
	if C.sqlite3_table_column_metadata(s.db, db, table, column, nil, nil, &nn, &pk, &autoinc) != C.SQLITE_OK {
		return false, false
	}
	return nn != 0, true
}

func (s *stmt) Close() error {
	if s.t == nil {
		return nil
	}
	delete(s.c.stmts, s)
	s.finalize()
	return nil
}

// finalize releases the C statements and their buffers.
func (s *stmt) finalize() {
	s.compiled.free()
	s.other.free()
	s.vals = nil
}
