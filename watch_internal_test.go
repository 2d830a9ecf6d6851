package turso

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/turso-go/turso/internal/engine"
)

// lateStartEngine is an engine whose statements, like Turso's binding
// waiting for its engine lock or SQLite starting its first active
// statement, clear a pending interrupt when they start, lateStart after
// being called, and then run until interrupted.
type lateStartEngine struct{ lateStart time.Duration }

func (e lateStartEngine) Version() string { return "late-start 0" }

func (e lateStartEngine) Open(engine.Config) (engine.Conn, error) {
	return &lateStartConn{lateStart: e.lateStart}, nil
}

type lateStartConn struct {
	lateStart   time.Duration
	interrupted atomic.Bool
}

func (c *lateStartConn) Prepare(sql string) (engine.Stmt, string, error) {
	return &lateStartStmt{c: c, sql: sql}, "", nil
}

// run is the statement "run": it starts late and then steps until
// interrupted (or for 20 s, far beyond any test's bound).
func (c *lateStartConn) run() error {
	time.Sleep(c.lateStart)
	c.interrupted.Store(false)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if c.interrupted.Load() {
			return &engine.Error{Code: engine.CodeInterrupt, ExtendedCode: engine.CodeInterrupt, Message: "interrupted"}
		}
	}
	return nil
}

func (c *lateStartConn) Exec(sql string) error {
	if sql != "run" {
		return nil // the driver's own setup
	}
	return c.run()
}

func (c *lateStartConn) Changes() int64         { return 0 }
func (c *lateStartConn) LastInsertRowID() int64 { return 0 }
func (c *lateStartConn) Autocommit() bool       { return true }
func (c *lateStartConn) Interrupt()             { c.interrupted.Store(true) }
func (c *lateStartConn) Close() error           { return nil }
func (s *lateStartStmt) SQL() string            { return s.sql }
func (s *lateStartStmt) NumParams() int         { return 0 }
func (s *lateStartStmt) ParamIndex(string) int  { return 0 }
func (s *lateStartStmt) ParamName(int) string   { return "" }
func (s *lateStartStmt) ReadOnly() bool         { return false }
func (s *lateStartStmt) Reprepared() int        { return 0 }
func (s *lateStartStmt) Row() []engine.Value    { return nil }
func (s *lateStartStmt) Reset() error           { return nil }
func (s *lateStartStmt) ColumnCount() int       { return 0 }
func (s *lateStartStmt) ColumnName(int) string  { return "" }
func (s *lateStartStmt) Close() error           { return nil }
func (s *lateStartStmt) Step() (bool, error)    { return false, s.c.Exec(s.sql) }
func (s *lateStartStmt) Start([]engine.Value) (bool, error) {
	return false, s.c.Exec(s.sql)
}

func (s *lateStartStmt) Exec([]engine.Value) (int64, int64, error) { return 0, 0, s.c.Exec(s.sql) }

type lateStartStmt struct {
	c   *lateStartConn
	sql string
}

var registerLateStart = sync.OnceFunc(func() {
	engine.Register("test-late-start", lateStartEngine{lateStart: 60 * time.Millisecond})
})

// TestCancelBeforeEngineStarts cancels a statement's context after the
// driver has handed the statement to the engine but before the engine
// has started it (and cleared any pending interrupt): the statement must
// still end with context.Canceled promptly, not run to completion.
func TestCancelBeforeEngineStarts(t *testing.T) {
	registerLateStart()
	db, err := sql.Open("turso", "file:late?mode=memory&_engine=test-late-start")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	calls := []struct {
		name string
		f    func(ctx context.Context) error
	}{
		{"exec", func(ctx context.Context) error { _, err := db.ExecContext(ctx, "run"); return err }},
		{"query", func(ctx context.Context) error {
			rows, err := db.QueryContext(ctx, "run")
			if err == nil {
				for rows.Next() {
				}
				err = rows.Err()
				rows.Close()
			}
			return err
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(10*time.Millisecond, cancel)
			start := time.Now()
			err := c.f(ctx)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("the statement ended after %v: the interrupt was lost", d)
			}
		})
	}
}
