package tursowasm

import (
	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/napi"
	"github.com/turso-go/turso/internal/tursobind"
)

// stmt is one prepared statement: a Statement object of the binding, in
// raw mode (rows as arrays) with safe integers (integers as BigInts).
type stmt struct {
	// Statement describes it: text, parameters, columns.
	tursobind.Statement
	c      *conn
	obj    napi.Value
	row    []engine.Value
	closed bool
	// ddl is set for a statement that may change a schema. schema is the
	// Engine's schema count when its columns were read.
	ddl    bool
	schema uint64
	// The methods of the hot path, looked up once.
	stepFn, rowFn, resetFn, bindFn *napi.Function
}

var (
	_ engine.Stmt             = (*stmt)(nil)
	_ engine.ColumnDeclTyper  = (*stmt)(nil)
	_ engine.ColumnNotNuller  = (*stmt)(nil)
	_ engine.ColumnAffinityer = (*stmt)(nil)
)

// prepareLocked prepares one statement, with e.mu held.
func (c *conn) prepareLocked(sql string) (*stmt, error) {
	env := c.in.env
	obj, err := c.call("prepare", sql)
	if err != nil {
		return nil, err
	}
	s := &stmt{c: c, obj: obj}
	s.Text = sql
	s.Declared = func(sql string, cols []tursobind.ResultColumn) []tursobind.Column {
		return c.decls.Get(c.query, c.e.schema.Load(), sql, cols)
	}
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
	for name, fn := range map[string]**napi.Function{"stepSync": &s.stepFn, "row": &s.rowFn, "reset": &s.resetFn, "bindAt": &s.bindFn} {
		v, err := env.Get(s.obj, name)
		if *fn, _ = v.(*napi.Function); err != nil || *fn == nil {
			return &engine.Error{Code: engine.CodeInternal, ExtendedCode: engine.CodeInternal, Message: "turso engine: Statement has no method " + name}
		}
	}
	n, err := s.method("parameterCount")
	if err != nil {
		return err
	}
	s.Params = make([]string, toInt64(n))
	for i := range s.Params {
		name, err := s.method("parameterName", float64(i+1))
		if err != nil {
			return err
		}
		s.Params[i], _ = name.(string)
	}
	s.schema = s.c.e.schema.Load()
	if s.Cols, err = s.columnsLocked(); err != nil {
		return err
	}
	s.ddl = tursobind.IsDDL(s.Text)
	class, err := s.c.call("classifySql", s.Text)
	if err != nil {
		return err
	}
	s.IsReadOnly = class == "read"
	if s.c.readOnly && class == "write" {
		return &engine.Error{Code: engine.CodeReadOnly, ExtendedCode: engine.CodeReadOnly, Message: "attempt to write a readonly database"}
	}
	return nil
}

// columnsLocked reads the statement's result columns, with e.mu held.
func (s *stmt) columnsLocked() ([]tursobind.ResultColumn, error) {
	v, err := s.method("columns")
	if err != nil {
		return nil, err
	}
	var cols []tursobind.ResultColumn
	returning := tursobind.ReturningStatement(s.Text)
	if arr, ok := v.(*napi.Object); ok {
		for _, col := range arr.Elements {
			o, _ := col.(*napi.Object)
			if o == nil {
				continue
			}
			name, _ := o.Get("name").(string)
			if returning {
				name = tursobind.ReturningColumnName(name)
			}
			affinity, _ := o.Get("type").(string)
			cols = append(cols, tursobind.ResultColumn{Name: name, Affinity: affinity})
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
	s.SetColumns(cols)
	s.schema = gen
	return nil
}

// method calls a method of the Statement, with e.mu held.
func (s *stmt) method(name string, args ...napi.Value) (napi.Value, error) {
	return s.c.in.call(s.obj, name, args...)
}

// call calls fn, a method of the Statement looked up in describe, with
// e.mu held.
func (s *stmt) call(fn *napi.Function, args ...napi.Value) (napi.Value, error) {
	if s.c.in.broken != nil {
		return nil, s.c.in.brokenErr()
	}
	v, err := s.c.in.env.Call(fn, s.obj, args...)
	return v, s.c.in.result(err)
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
	if _, err := s.call(s.resetFn); err != nil {
		return err
	}
	for i := range s.Params {
		var v napi.Value = napi.Null{}
		if i < len(args) {
			if args[i].Kind == engine.KindText {
				if err := tursobind.Text(Name, i+1, args[i].Data); err != nil {
					return err
				}
			}
			v = toJS(args[i])
		}
		if _, err := s.call(s.bindFn, float64(i+1), v); err != nil {
			return err
		}
	}
	if len(args) > len(s.Params) {
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
			s.call(s.resetFn)
			return false, errInterrupted()
		}
		r, err := s.call(s.stepFn)
		if err != nil {
			s.call(s.resetFn)
			return false, err
		}
		switch toInt64(r) {
		case stepRow:
			return true, s.readRow()
		case stepDone:
			_, err := s.call(s.resetFn)
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
	v, err := s.call(s.rowFn)
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
	_, err := s.call(s.resetFn)
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
