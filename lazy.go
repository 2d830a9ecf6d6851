package turso

import (
	"context"
	"strings"

	"github.com/turso-go/turso/internal/engine"
)

// Lazy start. A query that only reads (a SELECT, WITH or VALUES statement
// that writes nothing) takes its first step, and with it the database's
// read lock, at its first Next or Columns rather than in Query, as
// mattn/go-sqlite3 did up to v1.14.32 (the version gorm's tests pin). A
// result that is never read then holds no lock: gorm's Rows() that is
// never iterated nor closed (gorm's own tests do it) would otherwise keep
// every other connection from writing until the garbage collector
// reclaims it (cleanup.go). The step is still one engine call, made with
// the arguments Query converted (and checked: argument errors still fail
// Query), and metadata is read only after it, so that it describes the
// schema the statement actually runs on. A statement that writes (INSERT
// ... RETURNING, a PRAGMA, VACUUM) still runs in Query.

// startsLazily reports whether p's query only reads; it asks the engine
// once.
func (p *prepared) startsLazily() bool {
	if p.lazy == 0 {
		p.lazy = 1
		if readQuery(p.query) && p.s.ReadOnly() && p.s.ColumnCount() > 0 {
			p.lazy = 2
		}
	}
	return p.lazy == 2
}

// startLazily returns the rows of p, which vals are bound to, before
// their first step. Blob arguments are copied: the caller may reuse its
// byte slices once Query returns.
func (c *conn) startLazily(ctx context.Context, p *prepared, vals []engine.Value, stop func()) *rows {
	for i := range vals {
		if vals[i].Kind == engine.KindBlob {
			vals[i].Data = strings.Clone(vals[i].Data)
		}
	}
	c.enter() // the open result is a user of the connection (cleanup.go)
	p.ref.held = true
	return &rows{c: c, p: p, ctx: ctx, stop: stop, unstarted: true, args: vals}
}

// start takes the first step of unstarted rows.
func (r *rows) start() {
	r.unstarted = false
	args := r.args
	r.args = nil
	if err := r.ctx.Err(); err != nil {
		r.done, r.startErr = true, err
		r.p.describe(-1)
		return
	}
	hasRow, err := r.p.s.Start(args)
	if err != nil {
		r.done, r.startErr = true, ctxErr(r.ctx, r.c.stmtErr(err, r.p.query))
		r.p.describe(-1)
		return
	}
	width := -1
	if hasRow {
		width = len(r.p.s.Row())
	}
	r.p.describe(width)
	r.pending, r.done = hasRow, !hasRow
}

// readQuery reports whether sql begins, after white space and comments,
// with SELECT, WITH or VALUES.
func readQuery(sql string) bool {
	for len(sql) > 0 {
		switch {
		case sql[0] == ' ' || sql[0] == '\t' || sql[0] == '\n' || sql[0] == '\r' || sql[0] == '\f':
			sql = sql[1:]
		case strings.HasPrefix(sql, "--"):
			_, sql, _ = strings.Cut(sql, "\n")
		case strings.HasPrefix(sql, "/*"):
			_, sql, _ = strings.Cut(sql[2:], "*/")
		default:
			for _, kw := range [...]string{"SELECT", "WITH", "VALUES"} {
				if len(sql) > len(kw) && strings.EqualFold(sql[:len(kw)], kw) && !isIdentChar(sql[len(kw)]) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// isIdentChar reports whether c may continue an SQL identifier.
func isIdentChar(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}
