package tursowasm

import (
	"runtime"
	"sync/atomic"
	"time"

	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/napi"
	"github.com/turso-go/turso/internal/tursobind"
)

// The binding's step results.
const (
	stepRow  = 1
	stepDone = 2
	stepIO   = 3
)

// conn is one connection: a Database object of the binding.
type conn struct {
	e    *Engine
	in   *instance
	db   napi.Value
	path string
	// stmts are the statements not yet closed, which Close finalizes.
	stmts map[*stmt]struct{}
	// interrupted is set by Interrupt and checked between steps.
	interrupted atomic.Bool
	closed      bool
	// readOnly connections refuse writing statements themselves: the
	// engine shares one database object between the connections to a
	// file, and it honours read-only only for the first.
	readOnly bool
	// decls caches the declared types of the statements prepared.
	decls tursobind.DeclCache
}

var (
	_ engine.Conn         = (*conn)(nil)
	_ engine.Validator    = (*conn)(nil)
	_ engine.PragmaSetter = (*conn)(nil)
)

// SetPragmas runs the driver's per-connection pragmas as the engine takes
// them (see tursobind.SetPragmas).
func (c *conn) SetPragmas(pragmas []engine.Pragma) error { return tursobind.SetPragmas(c, pragmas) }

// call calls method name of the connection's Database with e.mu held.
func (c *conn) call(name string, args ...napi.Value) (napi.Value, error) {
	return c.in.call(c.db, name, args...)
}

// Valid reports whether the connection is open on an instance that has
// not broken.
func (c *conn) Valid() bool {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	return !c.closed && c.in.broken == nil
}

// number calls a method that returns a number.
func (c *conn) number(name string) int64 {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	if c.closed {
		return 0
	}
	v, err := c.call(name)
	if err != nil {
		return 0
	}
	return toInt64(v)
}

// toInt64 reads a number or BigInt.
func toInt64(v napi.Value) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case napi.BigInt:
		return n.Int
	}
	return 0
}

func (c *conn) Prepare(sql string) (engine.Stmt, string, error) {
	if c.closed {
		return nil, "", engine.ErrClosed
	}
	sql, err := tursobind.SQL(Name, sql)
	if err != nil {
		return nil, "", err
	}
	head, tail, blank := tursobind.SplitFirst(sql)
	if blank {
		return nil, tail, nil
	}
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	s, err := c.prepareLocked(head)
	if err != nil {
		return nil, "", err
	}
	c.stmts[s] = struct{}{}
	return s, tail, nil
}

func (c *conn) Exec(sql string) error {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	if c.closed {
		return engine.ErrClosed
	}
	sql, err := tursobind.SQL(Name, sql)
	if err != nil {
		return err
	}
	c.interrupted.Store(false)
	if c.readOnly {
		return c.execEachLocked(sql)
	}
	if tursobind.HasDDL(sql) {
		defer c.e.schema.Add(1)
	}
	ex, err := c.call("executor", sql)
	if err != nil {
		return err
	}
	defer func() {
		if c.in.broken == nil {
			c.in.env.CallMethod(ex, "reset")
			c.in.env.Release(ex)
		}
	}()
	idle := 0
	for {
		if c.interrupted.Swap(false) {
			return errInterrupted()
		}
		r, err := c.in.call(ex, "stepSync")
		if err != nil {
			return err
		}
		switch toInt64(r) {
		case stepDone:
			return nil
		case stepIO:
			if err := c.ioLocked(&idle); err != nil {
				return err
			}
		}
	}
}

// ioLocked runs one round of the engine's I/O loop, with e.mu held; idle
// counts the rounds in a row that did no file I/O. Such a round is the
// engine waiting, mostly for a lock another connection holds, until the
// busy timeout: it spins by asking for I/O again and again. Then ioLocked
// lets go of e.mu for a moment (longer the longer the wait), so that the
// other connections, whose calls e.mu serializes, run and can release the
// lock; holding it would make every such wait last the whole timeout and
// stall the process meanwhile.
func (c *conn) ioLocked(idle *int) error {
	before := c.in.files.ops.Load()
	if _, err := c.call("ioLoopSync"); err != nil {
		return err
	}
	if c.in.files.ops.Load() != before {
		*idle = 0
		return nil
	}
	*idle++
	c.e.mu.Unlock()
	if *idle == 1 {
		runtime.Gosched()
	} else {
		time.Sleep(min(time.Duration(*idle)*20*time.Microsecond, time.Millisecond))
	}
	c.e.mu.Lock()
	return nil
}

// execEachLocked runs a script statement by statement through Prepare,
// which checks each one, with e.mu held.
func (c *conn) execEachLocked(sql string) error {
	for sql != "" {
		head, tail, blank := tursobind.SplitFirst(sql)
		sql = tail
		if blank {
			continue
		}
		s, err := c.prepareLocked(head)
		if err != nil {
			return err
		}
		more, err := s.stepLocked()
		for more && err == nil {
			more, err = s.stepLocked()
		}
		s.closeLocked()
		if err != nil {
			return err
		}
	}
	return nil
}

func (c *conn) Changes() int64         { return c.number("changes") }
func (c *conn) LastInsertRowID() int64 { return c.number("lastInsertRowid") }

func (c *conn) Autocommit() bool {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	if c.closed {
		return true
	}
	v, err := c.call("inTransaction")
	in, _ := v.(bool)
	return err != nil || !in
}

// Interrupt makes the running statement fail at its next step: the
// binding has no way to stop a step under way.
func (c *conn) Interrupt() { c.interrupted.Store(true) }

func (c *conn) Close() error {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	if c.path != ":memory:" {
		defer c.e.unlockFile(c.path)
	}
	for s := range c.stmts {
		s.closeLocked()
	}
	var err error
	if c.in.broken == nil {
		_, err = c.call("close")
		if rerr := c.in.env.Release(c.db); err == nil {
			err = c.in.result(rerr)
		}
	}
	if ferr := c.in.closedLocked(c.path); err == nil && ferr != nil {
		err = &engine.Error{Code: engine.CodeIOErr, ExtendedCode: engine.CodeIOErr, Message: ferr.Error()}
	}
	return err
}
