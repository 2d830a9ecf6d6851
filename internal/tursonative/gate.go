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
// Both sides wait with a bound, so that a program whose transaction on
// one connection waits for a statement on another cannot deadlock with a
// sync: a statement waits up to the busy timeout and then fails with a
// busy error, as for any lock; a sync step waits until its context ends.
type gate struct{ mu sync.RWMutex }

// enter takes the gate shared for c, within timeout.
func (g *gate) enter(timeout time.Duration) error {
	if g.mu.TryRLock() {
		return nil
	}
	deadline := time.Now().Add(timeout)
	for wait := 100 * time.Microsecond; ; wait = min(2*wait, 20*time.Millisecond) {
		if !time.Now().Before(deadline) {
			return &engine.Error{Code: engine.CodeBusy, ExtendedCode: engine.CodeBusy, Message: "database is busy: the replica is syncing (a sync step waits for the transactions open on the replica)"}
		}
		time.Sleep(min(wait, time.Until(deadline)+time.Microsecond))
		if g.mu.TryRLock() {
			return nil
		}
	}
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
