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
	c   *conn
	s   *C.sqlite3_stmt
	sql string

	// args (C memory, so that passing it to C needs no cgo pointer
	// check) is reused to marshal arguments for tg_start and tg_exec; the
	// bytes of text and blob arguments are copied into arena, C memory that
	// stays valid (bound with SQLITE_STATIC) until the next bind or Close.
	args     cBuf[C.tg_value]
	arena    cBuf[byte]

	// row (C memory) receives the current row from C; vals views it for
	// Row.
	row  cBuf[C.tg_value]
	vals []engine.Value

	reprep int // sqlite3_stmt_status(REPREPARE) as of the latest Start
}

var _ engine.Stmt = (*stmt)(nil)

func newStmt(c *conn, s *C.sqlite3_stmt, sql string) *stmt {
	n := int(C.sqlite3_column_count(s))
	st := &stmt{c: c, s: s, sql: sql, vals: make([]engine.Value, n)}
	st.row.grow(max(n, 1))
	return st
}

func (s *stmt) SQL() string { return s.sql }

func (s *stmt) NumParams() int {
	if s.s == nil {
		return 0
	}
	return int(C.sqlite3_bind_parameter_count(s.s))
}

func (s *stmt) ParamIndex(name string) int {
	if s.s == nil {
		return 0
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	return int(C.sqlite3_bind_parameter_index(s.s, cname))
}

func (s *stmt) ParamName(i int) string {
	if s.s == nil {
		return ""
	}
	return C.GoString(C.sqlite3_bind_parameter_name(s.s, C.int(i)))
}

func (s *stmt) ReadOnly() bool {
	return s.s != nil && C.sqlite3_stmt_readonly(s.s) != 0
}

// marshal converts args into s.args, copying text and blob bytes into the
// arena, and returns the pointer to pass to C.
func (s *stmt) marshal(args []engine.Value) *C.tg_value {
	if len(args) == 0 {
		return nil
	}
	need := 0
	for i := range args {
		switch args[i].Kind {
		case engine.KindText:
			need += len(args[i].Text)
		case engine.KindBlob:
			need += len(args[i].Blob)
		}
	}
	arena := s.arena.grow(need)
	cargs := s.args.grow(len(args))
	off := 0
	for i := range args {
		a := &args[i]
		c := &cargs[i]
		switch a.Kind {
		case engine.KindInteger:
			c._type, c.i = C.SQLITE_INTEGER, C.sqlite3_int64(a.Int)
		case engine.KindFloat:
			c._type, c.f = C.SQLITE_FLOAT, C.double(a.Float)
		case engine.KindText:
			c._type, c.n, c.p = C.SQLITE_TEXT, C.int(len(a.Text)), unsafe.Pointer(unsafe.SliceData(arena[off:]))
			off += copy(arena[off:], a.Text)
		case engine.KindBlob:
			c._type, c.n, c.p = C.SQLITE_BLOB, C.int(len(a.Blob)), unsafe.Pointer(unsafe.SliceData(arena[off:]))
			off += copy(arena[off:], a.Blob)
		default:
			c._type = C.SQLITE_NULL
		}
	}
	return &cargs[0]
}

func (s *stmt) Start(args []engine.Value) (bool, error) {
	if s.s == nil {
		return false, engine.ErrClosed
	}
	var n, reprep C.int
	rc := C.tg_start(s.s, s.marshal(args), C.int(len(args)), s.row.ptr, C.int(s.row.n), &n, &reprep)
	s.reprep = int(reprep)
	return s.stepped(rc, n)
}

func (s *stmt) Reprepared() int { return s.reprep }

func (s *stmt) Step() (bool, error) {
	if s.s == nil {
		return false, engine.ErrClosed
	}
	var n C.int
	return s.stepped(C.tg_step(s.s, s.row.ptr, C.int(s.row.n), &n), n)
}

// stepped interprets the result rc of a step that found n columns.
func (s *stmt) stepped(rc, n C.int) (bool, error) {
	switch rc {
	case C.SQLITE_ROW:
		if int(n) > s.row.n {
			// The statement was re-prepared after a schema change and now
			// has more columns than when it was first prepared.
			s.row.grow(int(n))
			C.tg_fill(s.s, s.row.ptr, n)
		}
		s.load(int(n))
		return true, nil
	case C.SQLITE_DONE:
		return false, nil
	default:
		err := lastError(s.c.db)
		C.sqlite3_reset(s.s)
		return false, err
	}
}

// load makes vals view the n columns that C stored in row.
func (s *stmt) load(n int) {
	if cap(s.vals) < n {
		s.vals = make([]engine.Value, n)
	}
	s.vals = s.vals[:n]
	row := s.row.slice()
	for i := range s.vals {
		c := &row[i]
		v := &s.vals[i]
		switch c._type {
		case C.SQLITE_INTEGER:
			*v = engine.Value{Kind: engine.KindInteger, Int: int64(c.i)}
		case C.SQLITE_FLOAT:
			*v = engine.Value{Kind: engine.KindFloat, Float: float64(c.f)}
		case C.SQLITE_TEXT:
			*v = engine.Value{Kind: engine.KindText, Bytes: unsafe.Slice((*byte)(c.p), int(c.n))}
		case C.SQLITE_BLOB:
			*v = engine.Value{Kind: engine.KindBlob, Bytes: unsafe.Slice((*byte)(c.p), int(c.n))}
		default:
			*v = engine.Value{}
		}
	}
}

func (s *stmt) Row() []engine.Value { return s.vals }

func (s *stmt) Exec(args []engine.Value) (changes, lastInsertID int64, err error) {
	if s.s == nil {
		return 0, 0, engine.ErrClosed
	}
	var ch, id C.sqlite3_int64
	if rc := C.tg_exec(s.s, s.marshal(args), C.int(len(args)), &ch, &id); rc != C.SQLITE_OK {
		err := lastError(s.c.db)
		C.sqlite3_reset(s.s)
		return 0, 0, err
	}
	return int64(ch), int64(id), nil
}

func (s *stmt) Reset() error {
	if s.s == nil {
		return engine.ErrClosed
	}
	C.sqlite3_reset(s.s)
	return nil
}

func (s *stmt) ColumnCount() int {
	if s.s == nil {
		return 0
	}
	return int(C.sqlite3_column_count(s.s))
}

func (s *stmt) ColumnName(i int) string {
	if s.s == nil {
		return ""
	}
	return C.GoString(C.sqlite3_column_name(s.s, C.int(i)))
}

func (s *stmt) ColumnDeclType(i int) string {
	if s.s == nil {
		return ""
	}
	return C.GoString(C.sqlite3_column_decltype(s.s, C.int(i)))
}

func (s *stmt) ColumnNotNull(i int) (notNull, known bool) {
	if s.s == nil {
		return false, false
	}
	db := C.sqlite3_column_database_name(s.s, C.int(i))
	table := C.sqlite3_column_table_name(s.s, C.int(i))
	column := C.sqlite3_column_origin_name(s.s, C.int(i))
	if db == nil || table == nil || column == nil {
		return false, false
	}
	var nn, pk, autoinc C.int
	if C.sqlite3_table_column_metadata(s.c.db, db, table, column, nil, nil, &nn, &pk, &autoinc) != C.SQLITE_OK {
		return false, false
	}
	return nn != 0, true
}

func (s *stmt) Close() error {
	if s.s == nil {
		return nil
	}
	delete(s.c.stmts, s)
	s.finalize()
	return nil
}

// finalize releases the C statement and its buffers.
func (s *stmt) finalize() {
	C.sqlite3_finalize(s.s)
	s.s = nil
	s.args.free()
	s.arena.free()
	s.row.free()
}

// cBuf is a growable array in C memory.
type cBuf[T any] struct {
	ptr *T
	n   int
}

// grow makes room for at least n elements, keeping none of the old
// contents, and returns the whole buffer as a slice.
func (b *cBuf[T]) grow(n int) []T {
	if n > b.n {
		b.free()
		var zero T
		b.ptr = (*T)(C.malloc(C.size_t(n) * C.size_t(unsafe.Sizeof(zero))))
		if b.ptr == nil {
			panic("turso: out of C memory")
		}
		b.n = n
	}
	return b.slice()
}

func (b *cBuf[T]) slice() []T {
	if b.ptr == nil {
		return nil
	}
	return unsafe.Slice(b.ptr, b.n)
}

func (b *cBuf[T]) free() {
	C.free(unsafe.Pointer(b.ptr))
	b.ptr, b.n = nil, 0
}
