package tursowasm

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/turso-go/turso/internal/engine"
)

// newEngine returns an engine of its own, for tests that break its
// instance or need two engines.
func newEngine(t *testing.T) *Engine {
	t.Helper()
	return New(Wasm)
}

// mustOpen opens a connection to path on e.
func mustOpen(t *testing.T, e *Engine, cfg engine.Config) engine.Conn {
	t.Helper()
	c, err := e.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// wantCode fails t unless err is an *engine.Error with code.
func wantCode(t *testing.T, what string, err error, code int) *engine.Error {
	t.Helper()
	var e *engine.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("%s: %v; want an *engine.Error with code %d", what, err, code)
	}
	return e
}

// TestFileLock checks the lock on a database file between two engines,
// which exclude each other as two processes do: a writer excludes
// everyone, readers share, and closing the last connection releases it.
func TestFileLock(t *testing.T) {
	e1, e2 := newEngine(t), newEngine(t)
	path := filepath.Join(t.TempDir(), "locked.db")
	rw := engine.Config{Path: path, Create: true, BusyTimeout: 50 * time.Millisecond}
	ro := engine.Config{Path: path, ReadOnly: true, BusyTimeout: 50 * time.Millisecond}

	c1, err := e1.Open(rw)
	if err != nil {
		t.Fatal(err)
	}
	if err := c1.Exec("CREATE TABLE t (v); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = e2.Open(rw)
	if e := wantCode(t, "second engine, writer", err, engine.CodeBusy); !strings.Contains(e.Message, "another process") {
		t.Errorf("message %q does not say another process has the file", e.Message)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("gave up after %v, before the busy timeout", d)
	}
	_, err = e2.Open(ro)
	wantCode(t, "second engine, reader", err, engine.CodeBusy)
	c1b := mustOpen(t, e1, rw) // the same engine shares its lock
	c1b.Close()
	if err := c1.Close(); err != nil {
		t.Fatal(err)
	}

	r1 := mustOpen(t, e1, ro)
	r2 := mustOpen(t, e2, ro)
	if rows := queryAll(t, r2, "SELECT v FROM t"); len(rows) != 1 {
		t.Errorf("reader of the second engine: %v", rows)
	}
	_, err = e1.Open(rw) // no upgrade while another engine reads
	wantCode(t, "upgrade to a writer while another engine reads", err, engine.CodeBusy)
	r2.Close()
	w := mustOpen(t, e1, rw) // upgrades the lock
	_, err = e2.Open(ro)
	wantCode(t, "reader of the second engine after the upgrade", err, engine.CodeBusy)
	w.Close()
	r1.Close()
	w = mustOpen(t, e1, rw)
	if err := w.Exec("INSERT INTO t VALUES (2)"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if n := len(e1.locks) + len(e2.locks); n != 0 {
		t.Errorf("%d locks held after every connection closed", n)
	}
	c2 := mustOpen(t, e2, rw)
	if rows := queryAll(t, c2, "SELECT v FROM t"); len(rows) != 2 {
		t.Errorf("rows after the hand-over: %v", rows)
	}
}

// TestIOFailureStopsWrites checks that after a write fails, the engine's
// instance touches the files no more, fails the statement with the
// failure, breaks every connection it had, and that the next Open starts
// a new instance that sees only what was committed.
func TestIOFailureStopsWrites(t *testing.T) {
	e := newEngine(t)
	path := filepath.Join(t.TempDir(), "full.db")
	cfg := engine.Config{Path: path, Create: true}
	c := mustOpen(t, e, cfg)
	other := mustOpen(t, e, cfg)
	if err := c.Exec("CREATE TABLE t (v); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	old := e.in
	writes := 0
	e.SetFault(func(op Op, p string) error {
		if op == OpWrite && p == path+"-wal" {
			if writes++; writes == 2 {
				return syscall.ENOSPC
			}
		}
		return nil
	})
	wal, _ := os.ReadFile(path + "-wal")
	err := c.Exec("BEGIN; INSERT INTO t VALUES (2), (3); INSERT INTO t SELECT randomblob(5000) FROM t; COMMIT")
	e.SetFault(nil)
	if ee := wantCode(t, "commit on a full disk", err, engine.CodeFull); ee.SystemErrno != syscall.ENOSPC {
		t.Errorf("SystemErrno = %v, want ENOSPC", ee.SystemErrno)
	}
	after, _ := os.ReadFile(path + "-wal")
	if writes < 2 || len(after) > len(wal)+2*4096+2*24 || !bytes.HasPrefix(after, wal) {
		t.Errorf("the WAL grew from %d to %d bytes in %d writes: a write after the failure reached it", len(wal), len(after), writes)
	}
	if v, ok := c.(engine.Validator); !ok || v.Valid() {
		t.Error("the connection that failed is still valid")
	}
	_, _, err = other.Prepare("SELECT 1")
	wantCode(t, "another connection of the broken instance", err, engine.CodeFull)
	if other.(engine.Validator).Valid() {
		t.Error("another connection of the broken instance is still valid")
	}
	fresh := mustOpen(t, e, cfg)
	if e.in == old {
		t.Fatal("Open after the failure used the broken instance")
	}
	if rows := queryAll(t, fresh, "SELECT count(*) FROM t"); rows[0][0].Int != 1 {
		t.Errorf("rows after the failure: %v, want the one committed", rows[0][0].Int)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close of a broken connection: %v", err)
	}
}

// TestTrapBreaksInstance checks that a trap fails the call with an
// internal error, breaks the instance's connections, and that closing
// them all releases the file.
func TestTrapBreaksInstance(t *testing.T) {
	e := newEngine(t)
	path := filepath.Join(t.TempDir(), "trap.db")
	cfg := engine.Config{Path: path, Create: true}
	c, err := e.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Exec("CREATE TABLE t (v); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	s, _, err := c.Prepare("SELECT v FROM t")
	if err != nil {
		t.Fatal(err)
	}
	e.SetFault(func(op Op, p string) error {
		if op == OpWrite {
			return ErrTrap
		}
		return nil
	})
	err = c.Exec("INSERT INTO t VALUES (2)")
	e.SetFault(nil)
	if ee := wantCode(t, "a write that traps", err, engine.CodeInternal); !strings.Contains(ee.Message, "injected trap") {
		t.Errorf("message %q does not give the trap", ee.Message)
	}
	_, err = s.Start(nil)
	wantCode(t, "a statement of the broken instance", err, engine.CodeInternal)
	if err := s.Close(); err != nil {
		t.Errorf("Close of a statement of the broken instance: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close of a connection of the broken instance: %v", err)
	}
	if len(e.locks) != 0 {
		t.Errorf("the file is still locked after its connections closed")
	}
	fresh := mustOpen(t, e, cfg)
	if rows := queryAll(t, fresh, "SELECT v FROM t"); len(rows) != 1 {
		t.Errorf("rows after the trap: %v, want the one committed", rows)
	}
}

// TestHostileTextDoesNotBreak checks that invalid UTF-8 and NUL bytes are
// refused or cut before they reach the engine: no trap, the instance
// keeps running.
func TestHostileTextDoesNotBreak(t *testing.T) {
	e := newEngine(t)
	c := mustOpen(t, e, engine.Config{Path: ":memory:", Create: true})
	in := e.in
	_, _, err := c.Prepare("SELECT 'a\xffb'")
	wantCode(t, "invalid UTF-8 in SQL", err, engine.CodeError)
	wantCode(t, "invalid UTF-8 in a script", c.Exec("SELECT 1; SELECT '\xc3'"), engine.CodeError)
	s, _, err := c.Prepare("SELECT ?")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Start([]engine.Value{{Kind: engine.KindText, Data: "a\xffb"}})
	wantCode(t, "invalid UTF-8 in an argument", err, engine.CodeMismatch)
	if rows := queryAll(t, c, "SELECT length(?), hex(?)", engine.Value{Kind: engine.KindText, Data: "a\x00b"}, engine.Value{Kind: engine.KindText, Data: "a\x00b"}); rows[0][1].Data != "610062" {
		t.Errorf("a NUL in an argument: %v", rows)
	}
	if in.broken != nil || e.in != in {
		t.Fatalf("the instance broke: %v", in.broken)
	}
}
