package turso_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/internal/drivertest"
)

func TestUpdateHook(t *testing.T) {
	ctx := context.Background()
	c := drivertest.Conn(t, drivertest.OpenConnector(t, filepath.Join(t.TempDir(), "h.db")))
	mustExec(t, c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)")
	var events []turso.UpdateEvent
	if err := turso.SetUpdateHook(ctx, c, func(e turso.UpdateEvent) { events = append(events, e) }); err != nil {
		t.Fatal(err)
	}
	mustExec(t, c, "INSERT INTO t VALUES (1, 'a'), (2, 'b')")
	mustExec(t, c, "UPDATE t SET v = 'c' WHERE id = 2")
	mustExec(t, c, "DELETE FROM t WHERE id = 1")
	want := []turso.UpdateEvent{
		{turso.OpInsert, "main", "t", 1},
		{turso.OpInsert, "main", "t", 2},
		{turso.OpUpdate, "main", "t", 2},
		{turso.OpDelete, "main", "t", 1},
	}
	if !slices.Equal(events, want) {
		t.Fatalf("events %v, want %v", events, want)
	}
	if got := turso.OpInsert.String() + turso.OpUpdate.String() + turso.OpDelete.String() + turso.Op(1).String(); got != "INSERTUPDATEDELETEOp(1)" {
		t.Fatalf("Op names: %s", got)
	}

	// Removed: no more events.
	if err := turso.SetUpdateHook(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	mustExec(t, c, "INSERT INTO t VALUES (3, 'd')")
	if len(events) != len(want) {
		t.Fatalf("event after removal: %v", events[len(want):])
	}

	// A panicking hook neither crashes nor fails the statement.
	if err := turso.SetUpdateHook(ctx, c, func(turso.UpdateEvent) { panic("hook bug") }); err != nil {
		t.Fatal(err)
	}
	mustExec(t, c, "INSERT INTO t VALUES (4, 'e')")
	var n int
	if err := c.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 3 {
		t.Fatalf("rows: %d, %v", n, err)
	}
}

func TestCommitAndRollbackHooks(t *testing.T) {
	ctx := context.Background()
	c := drivertest.Conn(t, drivertest.OpenConnector(t, filepath.Join(t.TempDir(), "h.db")))
	mustExec(t, c, "CREATE TABLE t(x)")
	var commits, rollbacks int
	veto := false
	if err := turso.SetCommitHook(ctx, c, func() error {
		commits++
		if veto {
			return errors.New("vetoed")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := turso.SetRollbackHook(ctx, c, func() { rollbacks++ }); err != nil {
		t.Fatal(err)
	}

	mustExec(t, c, "INSERT INTO t VALUES (1)") // autocommit: one commit
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, tx, "INSERT INTO t VALUES (2)")
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if commits != 1 || rollbacks != 1 {
		t.Fatalf("after commit and rollback: %d commits, %d rollbacks", commits, rollbacks)
	}

	// A vetoing commit hook turns the commit into a rollback.
	veto = true
	_, err = c.ExecContext(ctx, "INSERT INTO t VALUES (3)")
	var e *turso.Error
	if !errors.As(err, &e) || e.ExtendedCode != turso.CodeConstraintCommitHook || !errors.Is(err, turso.ErrConstraint) {
		t.Fatalf("vetoed commit: %v, want a commit-hook constraint *Error", err)
	}
	if rollbacks != 2 {
		t.Fatalf("vetoed commit: %d rollbacks, want 2", rollbacks)
	}
	// So does a panicking one.
	if err := turso.SetCommitHook(ctx, c, func() error { panic("commit hook bug") }); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, "INSERT INTO t VALUES (4)"); !errors.As(err, &e) || e.ExtendedCode != turso.CodeConstraintCommitHook {
		t.Fatalf("panicking commit hook: %v", err)
	}
	// Removing the hooks restores plain commits; only row 1 made it.
	if err := turso.SetCommitHook(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	if err := turso.SetRollbackHook(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	mustExec(t, c, "INSERT INTO t VALUES (5)")
	var got string
	if err := c.QueryRowContext(ctx, "SELECT group_concat(x) FROM t").Scan(&got); err != nil || got != "1,5" {
		t.Fatalf("rows %q, %v; want 1,5", got, err)
	}
}

// fakeDriver is a database/sql driver that is not turso's.
type fakeDriver struct{}

func (fakeDriver) Open(string) (driver.Conn, error) { return fakeConn{}, nil }

type fakeConn struct{}

func (fakeConn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("fake") }
func (fakeConn) Close() error                        { return nil }
func (fakeConn) Begin() (driver.Tx, error)           { return nil, errors.New("fake") }

func TestFeatureHelpersBadConn(t *testing.T) {
	ctx := context.Background()
	foreign := drivertest.Conn(t, sql.OpenDB(driverConnector{fakeDriver{}}))
	if err := turso.SetUpdateHook(ctx, foreign, nil); !errors.Is(err, turso.ErrNotTurso) {
		t.Fatalf("foreign connection: %v, want ErrNotTurso", err)
	}
	if _, err := turso.Serialize(ctx, nil, ""); err == nil {
		t.Fatal("nil connection accepted")
	}
	c := drivertest.Conn(t, drivertest.OpenConnector(t, ":memory:"))
	c.Close()
	if err := turso.SetCommitHook(ctx, c, nil); !errors.Is(err, sql.ErrConnDone) {
		t.Fatalf("closed *sql.Conn: %v, want sql.ErrConnDone", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	c2 := drivertest.Conn(t, drivertest.OpenConnector(t, ":memory:"))
	if _, err := turso.Serialize(cctx, c2, ""); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}
}

// driverConnector adapts a driver.Driver to sql.OpenDB.
type driverConnector struct{ d driver.Driver }

func (c driverConnector) Connect(context.Context) (driver.Conn, error) { return c.d.Open("") }
func (c driverConnector) Driver() driver.Driver                        { return c.d }
