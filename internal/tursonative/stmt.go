//go:build linux && amd64 && cgo

package tursonative

/*
#include <stdlib.h>
#include "binding.h"

// The calls made once per row take the statement as an integer: cgo
// checks every pointer argument for Go memory at run time (a few percent
// of a row's cost), and a tn_stmt is C memory.
static int tn_stmt_start_u(uintptr_t s, int nargs, int nparams) { return tn_stmt_start((tn_stmt *)s, nargs, nparams); }
static int tn_stmt_step_u(uintptr_t s) { return tn_stmt_step((tn_stmt *)s); }
static int tn_stmt_exec_u(uintptr_t s, int nargs, int nparams) { return tn_stmt_exec((tn_stmt *)s, nargs, nparams); }
*/
import "C"

import (
	"unsafe"

	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/tursobind"
)

// stmt is one prepared statement: a Statement object of the addon in raw
// mode (rows as arrays) with safe integers (integers as BigInts).
type stmt struct {
	// Statement describes it: text, parameters, columns.
	tursobind.Statement
	c *conn
	t *C.tn_stmt // nil once closed
	// ddl is set for a statement that may change a schema. schema is the
	// Engine's schema count when its columns were read.
	ddl    bool
	schema uint64

	// vals views the C row for Row.
	vals []engine.Value
}

var (
	_ engine.Stmt             = (*stmt)(nil)
	_ engine.ColumnDeclTyper  = (*stmt)(nil)
	_ engine.ColumnNotNuller  = (*stmt)(nil)
	_ engine.ColumnAffinityer = (*stmt)(nil)
)

// ptr is the address of the C statement, for the calls made per row.
func (s *stmt) ptr() C.uintptr_t { return C.uintptr_t(uintptr(unsafe.Pointer(s.t))) }

// marshal stores args in the C statement's argument buffer, copying the
// bytes of text and blob arguments into its arena.
func (s *stmt) marshal(args []engine.Value) error {
	if len(args) > len(s.Params) {
		return &engine.Error{Code: engine.CodeRange, ExtendedCode: engine.CodeRange, Message: "column index out of range"}
	}
	if len(args) == 0 {
		return nil
	}
	need := 0
	for i := range args {
		switch args[i].Kind {
		case engine.KindText:
			if err := tursobind.Text(Name, i+1, args[i].Data); err != nil {
				return err
			}
			need += len(args[i].Data)
		case engine.KindBlob:
			need += len(args[i].Data)
		}
	}
	if len(args) > int(s.t.args_cap) || need > int(s.t.arena_cap) {
		if C.tn_reserve(s.t, C.int(len(args)), C.size_t(need)) != 0 {
			return errNoMem()
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
		c.kind = C.int(a.Kind)
		switch a.Kind {
		case engine.KindInteger:
			c.i = C.int64_t(a.Int)
		case engine.KindFloat:
			c.f = C.double(a.Float)
		case engine.KindText, engine.KindBlob:
			c.n = C.uint32_t(len(a.Data))
			c.p = (*C.char)(unsafe.Pointer(unsafe.SliceData(arena[off:])))
			off += copy(arena[off:], a.Data)
		default:
			c.kind = C.int(engine.KindNull)
		}
	}
	return nil
}

func (s *stmt) Start(args []engine.Value) (bool, error) {
	if s.t == nil {
		return false, engine.ErrClosed
	}
	if err := s.c.usable(); err != nil {
		return false, err
	}
	if err := s.marshal(args); err != nil {
		return false, err
	}
	more, err := s.stepped(C.tn_stmt_start_u(s.ptr(), C.int(len(args)), C.int(len(s.Params))))
	if rerr := s.ran(); err == nil && rerr != nil {
		return false, rerr
	}
	return more, err
}

func (s *stmt) Step() (bool, error) {
	if s.t == nil {
		return false, engine.ErrClosed
	}
	if err := s.c.usable(); err != nil {
		return false, err
	}
	return s.stepped(C.tn_stmt_step_u(s.ptr()))
}

// stepped interprets the result rc of a step.
func (s *stmt) stepped(rc C.int) (bool, error) {
	switch rc {
	case C.TN_ROW:
		s.load()
		return true, nil
	case C.TN_DONE:
		s.vals = s.vals[:0]
		return false, nil
	}
	s.vals = s.vals[:0]
	return false, s.c.failure(rc)
}

// load makes vals view the row that C holds.
func (s *stmt) load() {
	n := int(s.t.ncol)
	if cap(s.vals) < n {
		s.vals = make([]engine.Value, n)
	}
	s.vals = s.vals[:n]
	if n == 0 {
		return
	}
	row := unsafe.Slice(s.t.row, n)
	for i := range s.vals {
		c := &row[i]
		v := &s.vals[i]
		switch c.kind {
		case C.int(engine.KindInteger):
			*v = engine.Value{Kind: engine.KindInteger, Int: int64(c.i)}
		case C.int(engine.KindFloat):
			*v = engine.Value{Kind: engine.KindFloat, Float: float64(c.f)}
		case C.int(engine.KindText):
			*v = engine.Value{Kind: engine.KindText, Data: unsafe.String((*byte)(unsafe.Pointer(c.p)), int(c.n))}
		case C.int(engine.KindBlob):
			*v = engine.Value{Kind: engine.KindBlob, Data: unsafe.String((*byte)(unsafe.Pointer(c.p)), int(c.n))}
		default:
			*v = engine.Value{}
		}
	}
}

// ran notes a run of the statement that has taken its first step: a
// schema-changing statement counts in the Engine's schema count, and any
// other statement, once a schema has changed, reads its columns anew,
// since the engine recompiles a statement whose schema changed within
// step.
func (s *stmt) ran() error {
	if s.ddl {
		s.c.e.schema.Add(1)
		return nil
	}
	gen := s.c.e.schema.Load()
	if gen == s.schema {
		return nil
	}
	v, err := handle{p: uintptr(s.t.obj)}.call("columns")
	if err != nil {
		return toError(err)
	}
	s.SetColumns(columns(v, s.Text))
	s.schema = gen
	return nil
}

func (s *stmt) Row() []engine.Value { return s.vals }

func (s *stmt) Exec(args []engine.Value) (changes, lastInsertID int64, err error) {
	if s.t == nil {
		return 0, 0, engine.ErrClosed
	}
	if err := s.c.usable(); err != nil {
		return 0, 0, err
	}
	if err := s.marshal(args); err != nil {
		return 0, 0, err
	}
	rc := C.tn_stmt_exec_u(s.ptr(), C.int(len(args)), C.int(len(s.Params)))
	if s.ddl {
		s.c.e.schema.Add(1)
	}
	if rc != C.TN_DONE {
		return 0, 0, s.c.failure(rc)
	}
	return int64(s.c.c.changes), int64(s.c.c.rowid), nil
}

func (s *stmt) Reset() error {
	if s.t == nil {
		return engine.ErrClosed
	}
	s.vals = s.vals[:0]
	if C.tn_stmt_reset(s.t) != C.TN_OK {
		return s.c.fail(lastError(s.c.c))
	}
	return nil
}

func (s *stmt) Close() error {
	if s.t == nil {
		return nil
	}
	delete(s.c.stmts, s)
	s.free()
	return nil
}

// free finalizes the statement and releases its C memory.
func (s *stmt) free() {
	if s.t == nil {
		return
	}
	handle{p: uintptr(s.t.obj)}.call("finalize")
	C.tn_stmt_free(s.t)
	s.t = nil
	s.vals = nil
}
