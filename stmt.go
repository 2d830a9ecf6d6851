package turso

import (
	"context"
	"database/sql/driver"
)

// stmt is a prepared statement of a connection. A query of one statement
// keeps its engine statement (p) for its lifetime; a query of several
// statements (p nil) is run through the connection on each use.
type stmt struct {
	c      *conn
	query  string
	p      *prepared
	closed bool
}

var (
	_ driver.Stmt              = (*stmt)(nil)
	_ driver.StmtExecContext   = (*stmt)(nil)
	_ driver.StmtQueryContext  = (*stmt)(nil)
	_ driver.NamedValueChecker = (*stmt)(nil)
)

// NumInput reports the number of parameters, so that database/sql checks
// the argument count; -1 (unchecked) for statements with named parameters
// or several statements.
func (s *stmt) NumInput() int {
	if s.p == nil || s.p.hasNamedParams() {
		return -1
	}
	return s.p.nparams
}

// Exec runs the statement; see ExecContext.
func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), valuesToNamed(args))
}

// Query runs the statement; see QueryContext.
func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), valuesToNamed(args))
}

// ExecContext runs the statement with args.
func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	s.c.enter()
	defer s.c.leave()
	if s.p == nil || s.p.busy || s.p.ec != s.c.ec {
		// Several statements, the statement still has open rows, or it was
		// prepared outside the concurrent transaction now running (or in
		// one that ended).
		return s.c.ExecContext(ctx, s.query, args)
	}
	vals, err := s.p.bind(args)
	if err != nil {
		return nil, err
	}
	stop := s.c.watch(ctx)
	changes, id, err := s.p.s.Exec(vals)
	stop()
	if err != nil {
		return nil, ctxErr(ctx, s.c.stmtErr(err, s.query))
	}
	return result{changes: changes, lastInsertID: id}, nil
}

// QueryContext runs the statement with args and returns its rows.
func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	s.c.enter()
	defer s.c.leave()
	if s.p == nil || s.p.busy || s.p.ec != s.c.ec {
		return s.c.QueryContext(ctx, s.query, args)
	}
	return s.c.start(ctx, s.p, args, s.c.watch(ctx))
}

func (s *stmt) check(ctx context.Context) error {
	if s.closed || s.c.closed {
		return errClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.c.checkAborted()
}

// CheckNamedValue converts arguments as the connection does.
func (s *stmt) CheckNamedValue(nv *driver.NamedValue) error {
	return s.c.CheckNamedValue(nv)
}

// Close gives the engine statement back to the connection's cache (or,
// with rows still open, lets the rows give it back when they close).
func (s *stmt) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	s.c.enter()
	defer s.c.leave()
	if s.p != nil {
		s.p.owned = false
		if !s.p.busy {
			s.c.release(s.p, true)
		}
		s.p = nil
	}
	return nil
}

func valuesToNamed(args []driver.Value) []driver.NamedValue {
	named := make([]driver.NamedValue, len(args))
	for i, v := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return named
}
