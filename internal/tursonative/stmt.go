//go:build linux && amd64 && cgo

package tursonative

/*
#include <stdlib.h>
#include "binding.h"
*/
import "C"

import (
	"slices"
	"unsafe"

	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/tursocore"
)

// column describes one result column: its name and the affinity the
// engine reports ("" for an expression).
type column struct{ name, affinity string }

// stmt is one prepared statement: a Statement object of the addon in raw
// mode (rows as arrays) with safe integers (integers as BigInts).
type stmt struct {
	c        *conn
	t        *C.tn_stmt // nil once closed
	sql      string
	params   []string // names of parameters 1..n, "" for anonymous ones
	cols     []column
	readOnly bool
	// ddl is set for a statement that may change a schema. schema is the
	// Engine's schema count when cols was read; reprepared counts the
	// times cols changed after a schema change.
	ddl        bool
	schema     uint64
	reprepared int
	// decl are the columns' declared types, found on first use.
	decl []tursocore.Column

	// vals views the C row for Row.
	vals []engine.Value
}

var _ engine.Stmt = (*stmt)(nil)

func (s *stmt) SQL() string    { return s.sql }
func (s *stmt) NumParams() int { return len(s.params) }
func (s *stmt) ReadOnly() bool { return s.readOnly }

// Reprepared counts the times the statement's columns changed after a
// schema change: the binding recompiles a statement inside step and keeps
// no count, so ran compares the columns.
func (s *stmt) Reprepared() int { return s.reprepared }

func (s *stmt) ParamIndex(name string) int {
	for i, n := range s.params {
		if n == name {
			return i + 1
		}
	}
	return 0
}

func (s *stmt) ParamName(i int) string {
	if i < 1 || i > len(s.params) {
		return ""
	}
	return s.params[i-1]
}

func (s *stmt) ColumnCount() int { return len(s.cols) }

func (s *stmt) ColumnName(i int) string {
	if i < 0 || i >= len(s.cols) {
		return ""
	}
	return s.cols[i].name
}

// ColumnDeclType is the declared type of the table column a result
// column comes straight from, found through the engine (see
// tursocore.DeclaredTypes); the engine's affinity where that fails.
func (s *stmt) ColumnDeclType(i int) string {
	if i < 0 || i >= len(s.cols) {
		return ""
	}
	return s.declared()[i].DeclType
}

// ColumnNotNull reports whether the table column a result column comes
// straight from is declared NOT NULL.
func (s *stmt) ColumnNotNull(i int) (notNull, known bool) {
	if i < 0 || i >= len(s.cols) {
		return false, false
	}
	c := s.declared()[i]
	return c.NotNull, c.Known
}

// declared finds the columns' declared types once (and again after a
// schema change changed the columns).
func (s *stmt) declared() []tursocore.Column {
	if s.decl == nil {
		aff := make([]string, len(s.cols))
		for i, c := range s.cols {
			aff[i] = c.affinity
		}
		s.decl = s.c.declared(s.sql, aff)
	}
	return s.decl
}

// marshal stores args in the C statement's argument buffer, copying the
// bytes of text and blob arguments into its arena.
func (s *stmt) marshal(args []engine.Value) error {
	if len(args) > len(s.params) {
		return &engine.Error{Code: engine.CodeRange, ExtendedCode: engine.CodeRange, Message: "column index out of range"}
	}
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
	if err := s.marshal(args); err != nil {
		return false, err
	}
	more, err := s.stepped(C.tn_stmt_start(s.t, C.int(len(args)), C.int(len(s.params))))
	if rerr := s.ran(); err == nil && rerr != nil {
		return false, rerr
	}
	return more, err
}

func (s *stmt) Step() (bool, error) {
	if s.t == nil {
		return false, engine.ErrClosed
	}
	return s.stepped(C.tn_stmt_step(s.t))
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
	if cols := columns(v); !slices.Equal(cols, s.cols) {
		s.cols = cols
		s.decl = nil
		s.reprepared++
	}
	s.schema = gen
	return nil
}

func (s *stmt) Row() []engine.Value { return s.vals }

func (s *stmt) Exec(args []engine.Value) (changes, lastInsertID int64, err error) {
	if s.t == nil {
		return 0, 0, engine.ErrClosed
	}
	if err := s.marshal(args); err != nil {
		return 0, 0, err
	}
	rc := C.tn_stmt_exec(s.t, C.int(len(args)), C.int(len(s.params)))
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
		return lastError(s.c.c)
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
