//go:build linux && amd64 && cgo

package tursonative

import (
	"context"
	"sync"
	"time"

	"github.com/turso-go/turso/internal/engine"
)

// gate keeps a replica's sync steps and its connections' transactions
// apart, as the JavaScript client's lock keeps its statements and sync
// steps apart: the engine's sync steps (applying a pull above all) fail
// with "database is busy", or worse leave a pull half recorded, when a
// connection of the replica writes at the same time. A connection holds
// the gate shared from its first statement outside a transaction until it
// is back outside any transaction with no statement running; a sync step
// holds it exclusively, and the network waits between steps hold nothing.
//
// A sync step takes the gate only when no connection holds it (it polls
// TryLock), so a waiting sync blocks no statement: a program whose open
// transaction waits for a statement on another connection cannot
// deadlock with it. A statement waits only while a step runs, up to the
// busy timeout, and then fails with a busy error, as for any lock. A
// sync step waits until its context ends.
type gate struct{ mu sync.RWMutex }

// enter takes the gate shared, within timeout.
func (g *gate) enter(timeout time.Duration) error {
	if !tryLockFor(g.mu.TryRLock, timeout) {
		return &engine.Error{Code: engine.CodeBusy, ExtendedCode: engine.CodeBusy, Message: "database is busy: the replica is syncing (a sync step waits for the transactions open on the replica)"}
	}
	return nil
}

// tryLockFor calls try until it succeeds or timeout passes, and reports
// whether it succeeded.
func tryLockFor(try func() bool, timeout time.Duration) bool {
	if try() {
		return true
	}
	deadline := time.Now().Add(timeout)
	for wait := 100 * time.Microsecond; time.Now().Before(deadline); wait = min(2*wait, 20*time.Millisecond) {
		time.Sleep(min(wait, time.Until(deadline)+time.Microsecond))
		if try() {
			return true
		}
	}
	return false
}

func (g *gate) leave() { g.mu.RUnlock() }

// lock takes the gate exclusively, waiting until ctx ends.
func (g *gate) lock(ctx context.Context) error {
	for wait := 100 * time.Microsecond; !g.mu.TryLock(); wait = min(2*wait, 10*time.Millisecond) {
		if err := ctx.Err(); err != nil {
			return err
		}
		time.Sleep(wait)
	}
	return nil
}

func (g *gate) unlock() { g.mu.Unlock() }

// gateIn takes the replica's gate for c's next call, if c is a replica's
// connection not holding it yet.
func (c *conn) gateIn() error {
	if c.gate == nil || c.gated {
		return nil
	}
	if err := c.gate.enter(c.busyTimeout); err != nil {
		return err
	}
	c.gated = true
	return nil
}

// gateOut releases the gate once c is outside any transaction with no
// statement running.
func (c *conn) gateOut() {
	if c.gated && c.running == 0 && (c.closed.Load() || c.Autocommit()) {
		c.gated = false
		c.gate.leave()
	}
}

// setRunning notes whether s is between a step that returned a row and
// its end, which keeps its connection in the gate.
func (s *stmt) setRunning(running bool) {
	if s.running == running {
		return
	}
	s.running = running
	if running {
		s.c.running++
	} else {
		s.c.running--
	}
}
