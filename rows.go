package turso

import (
	"context"
	"database/sql/driver"
	"io"
	"reflect"

	"github.com/turso-go/turso/internal/engine"
)

// rows is the result set of a query. It holds its prepared statement busy
// until Close.
type rows struct {
	c   *conn
	p   *prepared // nil for a query that held no statement
	ctx context.Context
	// pending is set while the row of the query's first step is unread;
	// done once the statement has no more rows.
	pending bool
	done    bool
	closed  bool
	stop    func() // ends the context watch
	// unstarted is set while a query that only reads has not taken its
	// first step, which the first Next or Columns takes with args;
	// startErr is that step's failure, for Next to return (lazy.go).
	unstarted bool
	args      []engine.Value
	startErr  error
}

var (
	_ driver.Rows                           = (*rows)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*rows)(nil)
	_ driver.RowsColumnTypeScanType         = (*rows)(nil)
	_ driver.RowsColumnTypeNullable         = (*rows)(nil)
	_ driver.RowsColumnTypeLength           = (*rows)(nil)
	_ driver.RowsColumnTypePrecisionScale   = (*rows)(nil)
)

// Columns returns the names of the result columns.
func (r *rows) Columns() []string {
	if r.p == nil {
		return nil
	}
	if r.unstarted {
		r.start()
	}
	return r.p.cols
}

// Next reads the next row into dest, converting values as the package
// documentation describes. It returns io.EOF after the last row.
func (r *rows) Next(dest []driver.Value) error {
	if r.closed || r.c.closed {
		return errClosed
	}
	if r.unstarted {
		r.start()
	}
	if err := r.startErr; err != nil {
		r.startErr = nil
		return err
	}
	if r.done {
		return io.EOF
	}
	if r.pending {
		r.pending = false
	} else {
		if r.ctx.Done() != nil {
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
		hasRow, err := r.p.s.Step()
		if err != nil {
			r.done = true
			return ctxErr(r.ctx, r.c.stmtErr(err, r.p.query))
		}
		if !hasRow {
			r.done = true
			return io.EOF
		}
	}
	row := r.p.s.Row()
	if len(row) != len(r.p.cols) {
		r.p.describe(len(row))
	}
	r.c.arena.convertRow(dest, row, r.p.kinds, r.c.cfg.loc)
	return nil
}

// Close ends the query, resetting its statement so that it holds no lock.
// Closing twice, or after the connection closed, is harmless.
func (r *rows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if r.p != nil {
		if !r.done && !r.unstarted && !r.c.closed {
			r.p.s.Reset()
		}
		r.c.finish(r.p)
		r.p.ref.held = false
		r.c.leave() // the user that start counted
	}
	r.stop()
	return nil
}

// ColumnTypeDatabaseTypeName returns the column's declared type as written
// in the schema (as mattn/go-sqlite3 does), or "" for an expression. On
// an engine that knows only type affinities (Turso's), it is the affinity.
func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	r.Columns() // the metadata is that of the first step
	return columnTypeName(r.p.s, i)
}

// ColumnTypeScanType returns the type to scan the column into, decided by
// its declared type (or affinity) as mattn/go-sqlite3 decides it.
func (r *rows) ColumnTypeScanType(i int) reflect.Type {
	r.Columns() // the metadata is that of the first step
	return scanType(columnTypeName(r.p.s, i))
}

// ColumnTypeNullable reports whether the column may be NULL: false for a
// column read straight from a table column declared NOT NULL, true for
// other table columns; unknown (ok false) for expressions, and on an
// engine that does not report NOT NULL.
func (r *rows) ColumnTypeNullable(i int) (nullable, ok bool) {
	r.Columns() // the metadata is that of the first step
	n, isNuller := r.p.s.(engine.ColumnNotNuller)
	if !isNuller {
		return true, false
	}
	notNull, known := n.ColumnNotNull(i)
	return !notNull, known
}

// ColumnTypeLength returns the length declared for a VARCHAR(n)-like
// column; TEXT, BLOB and every other column report none (ok false), as
// with mattn/go-sqlite3, and so does every column on an engine that does
// not report declared types.
func (r *rows) ColumnTypeLength(i int) (length int64, ok bool) {
	r.Columns() // the metadata is that of the first step
	return declLength(declType(r.p.s, i))
}

// ColumnTypePrecisionScale returns the precision and scale declared for a
// DECIMAL(p,s)-like column; unknown on an engine that does not report
// declared types.
func (r *rows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	r.Columns() // the metadata is that of the first step
	return declPrecisionScale(declType(r.p.s, i))
}
