package tursowasm

import (
	"slices"

	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/napi"
	"github.com/turso-go/turso/internal/tursobind"
)

// column describes one result column.
type column struct{ name, affinity string }

// stmt is one prepared statement: a Statement object of the binding, in
// raw mode (rows as arrays) with safe integers (integers as BigInts).
type stmt struct {
	c        *conn
	obj      napi.Value
	sql      string
	params   []string // names of parameters 1..n, "" for anonymous ones
	cols     []column
	readOnly bool
	row      []engine.Value
	closed   bool
	// ddl is set for a statement that may change a schema. schema is the
	// Engine's schema count when cols was read; reprepared counts the
	// times cols changed after a schema change.
	ddl        bool
	schema     uint64
	reprepared int
}

var (
	_ engine.Stmt             = (*stmt)(nil)
	_ engine.ColumnAffinityer = (*stmt)(nil)
)

// prepareLocked prepares one statement, with e.mu held.
func (c *conn) prepareLocked(sql string) (*stmt, error) {
	env := c.in.env
	obj, err := c.call("prepare", sql)
	if err != nil {
		return nil, err
	}
	s := &stmt{c: c, obj: obj, sql: sql}
	if err := s.describe(env); err != nil {
		s.closeLocked()
		return nil, err
	}
	return s, nil
}

// describe sets the statement's modes and reads its parameters and
// columns.
func (s *stmt) describe(env *napi.Env) error {
	if _, err := s.method("raw", true); err != nil {
		return err
	}
	if _, err := s.method("safeIntegers", true); err != nil {
		return err
	}
	n, err := s.method("parameterCount")
	if err != nil {
		return err
	}
	s.params = make([]string, toInt64(n))
	for i := range s.params {
		name, err := s.method("parameterName", float64(i+1))
		if err != nil {
			return err
		}
		s.params[i], _ = name.(string)
	}
	s.schema = s.c.e.schema.Load()
	if s.cols, err = s.columnsLocked(); err != nil {
		return err
	}
	s.ddl = isDDL(s.sql)
	class, err := s.c.call("classifySql", s.sql)
	if err != nil {
		return err
	}
	s.readOnly = class == "read"
	if s.c.readOnly && class == "write" {
		return &engine.Error{Code: engine.CodeReadOnly, ExtendedCode: engine.CodeReadOnly, Message: "attempt to write a readonly database"}
	}
	return nil
}

// columnsLocked reads the statement's result columns, with e.mu held.
func (s *stmt) columnsLocked() ([]column, error) {
	v, err := s.method("columns")
	if err != nil {
		return nil, err
	}
	var cols []column
	if arr, ok := v.(*napi.Object); ok {
		for _, col := range arr.Elements {
			o, _ := col.(*napi.Object)
			if o == nil {
				continue
			}
			name, _ := o.Get("name").(string)
			affinity, _ := o.Get("type").(string)
			cols = append(cols, column{name: name, affinity: affinity})
		}
	}
	return cols, nil
}

// ranLocked notes a run of the statement that has taken its first step,
// with e.mu held: a schema-changing statement counts in the Engine's
// schema count, and any other statement, once a schema has changed, reads
// its columns anew, since the engine recompiles a statement whose schema
// changed within step.
func (s *stmt) ranLocked() error {
	if s.ddl {
		s.c.e.schema.Add(1)
		return nil
	}
	gen := s.c.e.schema.Load()
	if gen == s.schema {
		return nil
	}
	cols, err := s.columnsLocked()
	if err != nil {
		return err
	}
	if !slices.Equal(cols, s.cols) {
		s.cols = cols
		s.reprepared++
	}
	s.schema = gen
	return nil
}

// isDDL reports whether sql is a statement that may change a schema.
func isDDL(sql string) bool {
	switch firstWord(sql) {
	case "CREATE", "DROP", "ALTER":
		return true
	}
	return false
}

// method calls a method of the Statement, with e.mu held.
func (s *stmt) method(name string, args ...napi.Value) (napi.Value, error) {
	return s.c.in.call(s.obj, name, args...)
}

func (s *stmt) SQL() string    { return s.sql }
func (s *stmt) NumParams() int { return len(s.params) }
func (s *stmt) ReadOnly() bool { return s.readOnly }

// Reprepared counts the times the statement's columns changed after a
// schema change: the binding recompiles a statement inside step and
// keeps no count, so ranLocked compares the columns.
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

// ColumnAffinity returns the type the binding reports for column i: the
// affinity of the table column it comes straight from (DATETIME and
// BOOLEAN columns report NUMERIC, VARCHAR(40) TEXT), not its declared
// type. The binding reports no NOT NULL information either: the statement
// implements neither engine.ColumnDeclTyper nor engine.ColumnNotNuller.
func (s *stmt) ColumnAffinity(i int) string {
	if i < 0 || i >= len(s.cols) {
		return ""
	}
	return s.cols[i].affinity
}

func (s *stmt) Start(args []engine.Value) (bool, error) {
	s.c.e.mu.Lock()
	defer s.c.e.mu.Unlock()
	if s.closed {
		return false, engine.ErrClosed
	}
	s.c.interrupted.Store(false)
	if err := s.bindLocked(args); err != nil {
		return false, err
	}
	more, err := s.stepLocked()
	if rerr := s.ranLocked(); err == nil && rerr != nil {
		return false, rerr
	}
	return more, err
}

// bindLocked resets the statement and binds args, and NULL to any
// parameter args does not reach.
func (s *stmt) bindLocked(args []engine.Value) error {
	if _, err := s.method("reset"); err != nil {
		return err
	}
	for i := range s.params {
		var v napi.Value = napi.Null{}
		if i < len(args) {
			if args[i].Kind == engine.KindText {
				if err := tursobind.Text(Name, i+1, args[i].Data); err != nil {
					return err
				}
			}
			v = toJS(args[i])
		}
		if _, err := s.method("bindAt", float64(i+1), v); err != nil {
			return err
		}
	}
	if len(args) > len(s.params) {
		return &engine.Error{Code: engine.CodeRange, ExtendedCode: engine.CodeRange, Message: "column index out of range"}
	}
	return nil
}

func (s *stmt) Step() (bool, error) {
	s.c.e.mu.Lock()
	defer s.c.e.mu.Unlock()
	if s.closed {
		return false, engine.ErrClosed
	}
	return s.stepLocked()
}

// stepLocked steps until a row or the end, running the I/O loop when the
// engine asks for it. It lets go of e.mu while the engine waits on a lock
// (see conn.ioLocked).
func (s *stmt) stepLocked() (bool, error) {
	s.row = s.row[:0]
	idle := 0
	for {
		if s.c.interrupted.Swap(false) {
			s.method("reset")
			return false, errInterrupted()
		}
		r, err := s.method("stepSync")
		if err != nil {
			s.method("reset")
			return false, err
		}
		switch toInt64(r) {
		case stepRow:
			return true, s.readRow()
		case stepDone:
			_, err := s.method("reset")
			return false, err
		case stepIO:
			if err := s.c.ioLocked(&idle); err != nil {
				return false, err
			}
		}
	}
}

// readRow fetches the current row.
func (s *stmt) readRow() error {
	v, err := s.method("row")
	if err != nil {
		return err
	}
	arr, ok := v.(*napi.Object)
	if !ok || !arr.IsArray {
		return &engine.Error{Code: engine.CodeInternal, ExtendedCode: engine.CodeInternal, Message: "turso engine: row is not an array"}
	}
	for _, el := range arr.Elements {
		s.row = append(s.row, fromJS(el))
	}
	return nil
}

func (s *stmt) Exec(args []engine.Value) (changes, lastInsertID int64, err error) {
	s.c.e.mu.Lock()
	defer s.c.e.mu.Unlock()
	if s.closed {
		return 0, 0, engine.ErrClosed
	}
	s.c.interrupted.Store(false)
	if err := s.bindLocked(args); err != nil {
		return 0, 0, err
	}
	for {
		more, err := s.stepLocked()
		if s.ddl {
			s.c.e.schema.Add(1)
		}
		if err != nil {
			return 0, 0, err
		}
		if !more {
			break
		}
	}
	ch, err := s.c.call("changes")
	if err != nil {
		return 0, 0, err
	}
	id, err := s.c.call("lastInsertRowid")
	return toInt64(ch), toInt64(id), err
}

func (s *stmt) Row() []engine.Value { return s.row }

func (s *stmt) Reset() error {
	s.c.e.mu.Lock()
	defer s.c.e.mu.Unlock()
	if s.closed {
		return engine.ErrClosed
	}
	_, err := s.method("reset")
	return err
}

func (s *stmt) Close() error {
	s.c.e.mu.Lock()
	defer s.c.e.mu.Unlock()
	return s.closeLocked()
}

// closeLocked finalizes the statement and frees its native object.
func (s *stmt) closeLocked() error {
	if s.closed {
		return nil
	}
	s.closed = true
	delete(s.c.stmts, s)
	if s.c.in.broken != nil {
		return nil
	}
	_, err := s.method("finalize")
	if rerr := s.c.in.env.Release(s.obj); err == nil {
		err = s.c.in.result(rerr)
	}
	return err
}
