package turso

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/turso-go/turso/internal/engine"
)

// conn is one database connection of a pool.
type conn struct {
	ec     engine.Conn
	cfg    *config
	cache  stmtCache
	closed bool
	// readOnlyTx is set while a read-only transaction runs; its end
	// restores query_only.
	readOnlyTx bool
	// inTx is set while a transaction runs (a tx or a ccTx).
	inTx bool
	// concurrentTx is the running concurrent transaction (concurrent.go),
	// or nil. The engine runs the connection's statements inside it.
	concurrentTx engine.ConcurrentTx
	// aborted is the conflict that made the engine roll back the running
	// transaction (Turso's engine does so at the conflicting write): its
	// statements and its Commit fail with it until it ends, rather than
	// run outside any transaction.
	aborted error
	// arena boxes the values of every rows of the connection (database/sql
	// calls a connection's rows under the connection's lock).
	arena rowArena
	// handles are the engine connection to close if the connection is
	// dropped without Close, by dropCleanup (cleanup.go).
	handles     *connHandles
	dropCleanup runtime.Cleanup
}

var (
	_ driver.Conn               = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
)

func newConn(ec engine.Conn, cfg *config) *conn {
	c := &conn{ec: ec, cfg: cfg, cache: newStmtCache(cfg.stmtCacheSize), handles: &connHandles{ec: ec}}
	c.watchDropped()
	return c
}

// interrupt interrupts the statement running on the connection, from any
// goroutine.
func (c *conn) interrupt() { c.ec.Interrupt() }

// acquire returns an idle prepared statement for the first statement in
// query, from the cache when it holds one, and the unparsed rest of query.
// It returns a nil statement for text that holds no statement.
func (c *conn) acquire(query string) (*prepared, string, error) {
	if p := c.cache.take(query); p != nil {
		return p, "", nil
	}
	s, tail, err := c.ec.Prepare(query)
	if err != nil {
		return nil, "", wrapErr(err, query)
	}
	if s == nil {
		return nil, tail, nil
	}
	p := newPrepared(s, c.ec)
	p.watchDropped(c.handles)
	return p, tail, nil
}

// release gives back a statement acquire returned: to the cache when it is
// a whole query of the current engine connection, else it is finalized.
func (c *conn) release(p *prepared, cacheable bool) {
	p.busy, p.owned = false, false
	if cacheable && !c.closed && p.ec == c.ec {
		c.cache.put(p)
		return
	}
	p.close()
}

// watch arranges for ctx's end to interrupt the connection until the
// returned stop is called. stop waits for an interrupt already under way,
// so that none lands on a later statement.
//
// Once ctx ends, the interrupt is repeated every interruptRetry until stop:
// an interrupt that arrives before the engine has started the statement
// would otherwise be lost, since engines clear it when a statement starts
// (SQLite when no other statement is active, Turso's binding always), and
// the statement, which may run for minutes, would not notice ctx at all.
// The window is wide when the engine first waits for a lock of its own.
func (c *conn) watch(ctx context.Context) (stop func()) {
	if ctx.Done() == nil {
		return func() {}
	}
	ec := c.ec
	quit := make(chan struct{})
	done := make(chan struct{})
	stopFunc := context.AfterFunc(ctx, func() {
		defer close(done)
		tick := time.NewTicker(interruptRetry)
		defer tick.Stop()
		for {
			ec.Interrupt()
			select {
			case <-quit:
				return
			case <-tick.C:
			}
		}
	})
	return func() {
		if !stopFunc() {
			close(quit)
			<-done
		}
	}
}

// interruptRetry is how often watch repeats the interrupt of a statement
// whose context has ended, until the statement returns.
const interruptRetry = 5 * time.Millisecond

// stmtErr turns the failure of a statement, query, into the driver's
// error (wrapErr). A conflict inside a transaction marks the transaction
// aborted: the engine has rolled it back.
func (c *conn) stmtErr(err error, query string) error {
	err = wrapErr(err, query)
	if c.inTx && c.aborted == nil && errors.Is(err, ErrConflict) {
		c.aborted = err
	}
	return err
}

// checkAborted fails a statement of a transaction that a conflict
// aborted.
func (c *conn) checkAborted() error {
	if c.aborted == nil {
		return nil
	}
	return fmt.Errorf("turso: the transaction was rolled back after it lost a conflict; roll it back and run it again: %w", c.aborted)
}

// ready checks, before a statement runs, that the connection is open,
// ctx has not ended and no transaction lost a conflict.
func (c *conn) ready(ctx context.Context) error {
	if c.closed {
		return driver.ErrBadConn
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return c.checkAborted()
}

// Prepare prepares a statement; see PrepareContext.
func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext prepares query. A query of several statements is
// prepared whole and runs as ExecContext and QueryContext run it.
func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if c.closed {
		return nil, driver.ErrBadConn
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.enter()
	defer c.leave()
	p, tail, err := c.acquire(query)
	if err != nil {
		return nil, err
	}
	if p == nil || tail != "" {
		// Several statements (or none): run the text anew on each use.
		if p != nil {
			c.release(p, false)
		}
		return &stmt{c: c, query: query}, nil
	}
	p.owned = true
	return &stmt{c: c, query: query, p: p}, nil
}

// ExecContext runs every statement in query. Arguments are consumed in
// order by the statements' positional parameters; named arguments bind
// wherever their name appears. The result is that of the last statement.
func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	whole := query
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	c.enter()
	defer c.leave()
	stop := c.watch(ctx)
	defer stop()
	res := result{}
	used := 0
	for query != "" {
		p, tail, err := c.acquire(query)
		if err != nil {
			return nil, ctxErr(ctx, err)
		}
		if p == nil {
			query = tail
			continue
		}
		stmtArgs, n := argsFor(p, args, used, blankSQL(tail))
		used += n
		vals, err := p.bind(stmtArgs)
		if err != nil {
			c.release(p, tail == "")
			return nil, err
		}
		res.changes, res.lastInsertID, err = p.s.Exec(vals)
		c.release(p, tail == "")
		if err != nil {
			return nil, ctxErr(ctx, c.stmtErr(err, p.query))
		}
		query = tail
	}
	if n := countPositional(args); used < n {
		return nil, &ArgError{Err: ErrExtraArgument, SQL: whole, Want: used, Got: n}
	}
	return res, nil
}

// QueryContext runs every statement in query but the last to completion,
// and returns the rows of the last one. Arguments are consumed as
// ExecContext consumes them.
func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	whole := query
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	c.enter()
	defer c.leave()
	stop := c.watch(ctx)
	used := 0
	for {
		p, tail, err := c.acquire(query)
		if err != nil {
			stop()
			return nil, ctxErr(ctx, err)
		}
		if p == nil {
			if tail == "" {
				stop()
				return &rows{c: c, ctx: ctx, done: true, stop: func() {}}, nil
			}
			query = tail
			continue
		}
		last := tail == ""
		stmtArgs, n := argsFor(p, args, used, blankSQL(tail))
		used += n
		if last {
			if n := countPositional(args); used < n {
				c.release(p, true)
				stop()
				return nil, &ArgError{Err: ErrExtraArgument, SQL: whole, Want: used, Got: n}
			}
			return c.start(ctx, p, stmtArgs, stop)
		}
		vals, err := p.bind(stmtArgs)
		if err == nil {
			_, _, err = p.s.Exec(vals)
			err = ctxErr(ctx, c.stmtErr(err, p.query))
		}
		c.release(p, false)
		if err != nil {
			stop()
			return nil, err
		}
		query = tail
	}
}

// start binds args to p and takes its first step, returning rows that
// hold p (busy) until they close, and then call stop and finish(p).
func (c *conn) start(ctx context.Context, p *prepared, args []driver.NamedValue, stop func()) (*rows, error) {
	vals, err := p.bind(args)
	if err != nil {
		c.finish(p)
		stop()
		return nil, err
	}
	p.busy = true
	if p.startsLazily() {
		return c.startLazily(ctx, p, vals, stop), nil
	}
	hasRow, err := p.s.Start(vals)
	if err != nil {
		c.finish(p)
		stop()
		return nil, ctxErr(ctx, c.stmtErr(err, p.query))
	}
	width := -1
	if hasRow {
		width = len(p.s.Row())
	}
	p.describe(width)
	// The open result counts as a user of the connection until it closes
	// (or is dropped: cleanup.go).
	c.enter()
	p.ref.held = true
	return &rows{c: c, p: p, ctx: ctx, pending: hasRow, done: !hasRow, stop: stop}, nil
}

// finish ends a use of p: it is idle again, and goes back to the cache
// unless a Stmt owns it.
func (c *conn) finish(p *prepared) {
	p.busy = false
	if !p.owned {
		c.release(p, true)
	}
}

// argsFor picks the arguments of one statement of a query: positional
// arguments from the used-th on, renumbered from 1, as many as the
// statement has parameters that no named argument binds (the last
// statement takes all that remain, so that extra ones fail in bind), and
// every named argument. It returns them and how many positional ones it
// took. A single-statement query takes args as they are.
func argsFor(p *prepared, args []driver.NamedValue, used int, last bool) ([]driver.NamedValue, int) {
	if used == 0 && last {
		return args, countPositional(args)
	}
	want := -1
	if !last {
		want = p.nparams
		for _, a := range args {
			if a.Name != "" {
				want -= len(p.paramIndexes(a.Name))
			}
		}
	}
	var out []driver.NamedValue
	taken, pos := 0, 0
	for _, a := range args {
		if a.Name != "" {
			out = append(out, a)
			continue
		}
		pos++
		if pos <= used || taken == want {
			continue
		}
		taken++
		a.Ordinal = taken
		out = append(out, a)
	}
	return out, taken
}

// blankSQL reports whether sql holds no statement: only white space,
// semicolons and comments. The statement before such a tail is the last
// of its query, and takes the arguments that remain (so that an extra one
// fails before anything runs).
func blankSQL(sql string) bool {
	for i := 0; i < len(sql); i++ {
		switch c := sql[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == ';':
		case strings.HasPrefix(sql[i:], "--"):
			j := strings.IndexByte(sql[i:], '\n')
			if j < 0 {
				return true
			}
			i += j
		case strings.HasPrefix(sql[i:], "/*"):
			j := strings.Index(sql[i+2:], "*/")
			if j < 0 {
				return true
			}
			i += j + 3
		default:
			return false
		}
	}
	return true
}

// countPositional counts the arguments without a name.
func countPositional(args []driver.NamedValue) int {
	n := 0
	for _, a := range args {
		if a.Name == "" {
			n++
		}
	}
	return n
}

// Begin begins a transaction; see BeginTx.
func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx begins a transaction the way _txlock says. A write transaction
// at isolation level Snapshot, or at the default level when _txlock is
// concurrent, is a concurrent transaction (see BeginConcurrent); the other
// transactions are SQLite's, which are serializable, so the other levels
// are refused. A read-only transaction begins deferred and refuses writes
// (with query_only) until it ends.
func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if c.closed {
		return nil, driver.ErrBadConn
	}
	c.enter()
	defer c.leave()
	level := sql.IsolationLevel(opts.Isolation)
	switch level {
	case sql.LevelDefault, sql.LevelSerializable, sql.LevelSnapshot:
	default:
		return nil, fmt.Errorf("turso: isolation level %v is not supported: SQLite transactions are serializable, concurrent ones snapshot", level)
	}
	begin := c.cfg.txLock
	switch {
	case opts.ReadOnly:
		begin = "BEGIN"
	case level == sql.LevelSnapshot || (level == sql.LevelDefault && begin == beginConcurrent):
		return c.beginConcurrent(ctx)
	case begin == beginConcurrent:
		begin = "BEGIN IMMEDIATE" // serializable asked of a concurrent pool
	}
	if err := c.execSimple(ctx, begin); err != nil {
		return nil, err
	}
	if opts.ReadOnly {
		if err := c.execSimple(ctx, "PRAGMA query_only = 1"); err != nil {
			c.execSimple(context.Background(), "ROLLBACK")
			return nil, err
		}
		c.readOnlyTx = true
	}
	c.inTx = true
	return &tx{c: c}, nil
}

// execSimple runs one statement without arguments through the cache.
func (c *conn) execSimple(ctx context.Context, query string) error {
	_, err := c.ExecContext(ctx, query, nil)
	return err
}

// Ping reports whether the connection is open.
func (c *conn) Ping(ctx context.Context) error {
	if c.closed {
		return driver.ErrBadConn
	}
	return ctx.Err()
}

// ResetSession is called before the pool reuses the connection.
func (c *conn) ResetSession(ctx context.Context) error {
	if !c.IsValid() {
		return driver.ErrBadConn
	}
	return nil
}

// IsValid reports whether the pool may keep the connection: it is open,
// its engine connection has not broken for good (Turso's wasm instance
// trapped or its disk failed: engine.Validator), and its engine does not
// ask to replace it (engine.Recycler).
func (c *conn) IsValid() bool {
	if c.closed {
		return false
	}
	if r, ok := c.ec.(engine.Recycler); ok && r.ShouldRecycle() {
		return false
	}
	v, ok := c.ec.(engine.Validator)
	return !ok || v.Valid()
}

// CheckNamedValue accepts the argument types the engine binds directly,
// converting the other integer and float types, and leaves the rest
// (driver.Valuer and others) to database/sql's default conversion.
func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	if checkValue(nv, &c.arena) {
		return nil
	}
	return driver.ErrSkip
}

// Close finalizes every statement and closes the connection. Rows and
// statements still open fail afterwards with an error.
func (c *conn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	c.dropCleanup.Stop()
	c.enter()
	defer c.leave()
	c.handles.markClosed()
	c.concurrentTx = nil
	c.cache.clear()
	return wrapErr(c.ec.Close(), "")
}

// result is the driver.Result of an exec.
type result struct{ changes, lastInsertID int64 }

func (r result) LastInsertId() (int64, error) { return r.lastInsertID, nil }
func (r result) RowsAffected() (int64, error) { return r.changes, nil }
