package mvcc

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/turso-go/turso/internal/engine"
)

// fakeConn is an engine.Conn that records the SQL it runs and answers as a
// script says.
type fakeConn struct {
	engine.Conn // not called: any other method panics
	ran         []string
	// fail maps SQL to the error its next run returns (then it is removed).
	fail map[string]error
	// inTx is what Autocommit reports, inverted; BEGIN CONCURRENT sets it,
	// COMMIT (also a failed one) and ROLLBACK clear it, unless keepTx.
	inTx, keepTx bool
}

func (c *fakeConn) Exec(sql string) error {
	c.ran = append(c.ran, sql)
	if err, ok := c.fail[sql]; ok {
		delete(c.fail, sql)
		if sql == "COMMIT" {
			c.inTx = c.keepTx // the engine rolled the transaction back, or not
		}
		return err
	}
	switch sql {
	case "BEGIN CONCURRENT":
		c.inTx = true
	case "COMMIT", "ROLLBACK":
		c.inTx = c.keepTx
	}
	return nil
}

func (c *fakeConn) Autocommit() bool { return !c.inTx }

var errNotMVCC = &engine.Error{Code: engine.CodeError, ExtendedCode: engine.CodeError,
	Message: "Transaction error: Concurrent transaction mode is only supported when MVCC is enabled"}

func TestBeginSwitchesToMVCC(t *testing.T) {
	c := &fakeConn{fail: map[string]error{"BEGIN CONCURRENT": errNotMVCC}}
	tx, err := NewPool(engine.PoolConfig{}).Begin(c)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"BEGIN CONCURRENT", "PRAGMA journal_mode = mvcc", "BEGIN CONCURRENT"}
	if !slices.Equal(c.ran, want) {
		t.Errorf("ran %q, want %q", c.ran, want)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("second Commit: %v, want ErrClosed", err)
	}
	if err := tx.Rollback(); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("Rollback after Commit: %v, want ErrClosed", err)
	}
}

func TestBeginFailures(t *testing.T) {
	busy := &engine.Error{Code: engine.CodeBusy, ExtendedCode: engine.CodeBusy, Message: "database is locked"}
	for _, tc := range []struct {
		name string
		c    *fakeConn
		want error
	}{
		{"switch fails", &fakeConn{fail: map[string]error{"BEGIN CONCURRENT": errNotMVCC, "PRAGMA journal_mode = mvcc": busy}}, busy},
		{"other error", &fakeConn{fail: map[string]error{"BEGIN CONCURRENT": busy}}, busy},
		{"inside a transaction", &fakeConn{inTx: true}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := NewPool(engine.PoolConfig{}).Begin(tc.c)
			if err == nil || tx != nil {
				t.Fatalf("Begin = %v, %v; want an error", tx, err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Begin: %v, want it to wrap %v", err, tc.want)
			}
		})
	}
}

func TestCommitAndRollback(t *testing.T) {
	conflict := &engine.ConflictError{Err: &engine.Error{Code: engine.CodeBusy, Message: "Write-write conflict"}}
	for _, tc := range []struct {
		name    string
		c       *fakeConn
		commit  bool
		wantErr error
		wantRan []string
	}{
		{"commit", &fakeConn{}, true, nil, []string{"BEGIN CONCURRENT", "COMMIT"}},
		{"commit fails, engine rolled back", &fakeConn{fail: map[string]error{"COMMIT": conflict}}, true, conflict, []string{"BEGIN CONCURRENT", "COMMIT"}},
		{"commit fails, transaction open", &fakeConn{fail: map[string]error{"COMMIT": conflict}, keepTx: true}, true, conflict, []string{"BEGIN CONCURRENT", "COMMIT", "ROLLBACK"}},
		{"rollback", &fakeConn{}, false, nil, []string{"BEGIN CONCURRENT", "ROLLBACK"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := NewPool(engine.PoolConfig{}).Begin(tc.c)
			if err != nil {
				t.Fatal(err)
			}
			if tc.commit {
				err = tx.Commit()
			} else {
				err = tx.Rollback()
			}
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Errorf("end: %v, want %v", err, tc.wantErr)
			}
			if !slices.Equal(tc.c.ran, tc.wantRan) {
				t.Errorf("ran %q, want %q", tc.c.ran, tc.wantRan)
			}
		})
	}
	// A transaction the engine rolled back (a conflict at a write) rolls
	// back as a no-op.
	c := &fakeConn{}
	tx, err := NewPool(engine.PoolConfig{}).Begin(c)
	if err != nil {
		t.Fatal(err)
	}
	c.inTx = false
	if err := tx.Rollback(); err != nil || slices.Contains(c.ran, "ROLLBACK") {
		t.Errorf("Rollback of a transaction the engine ended: %v, ran %q", err, c.ran)
	}
}

func TestSetup(t *testing.T) {
	for _, byDefault := range []bool{false, true} {
		c := &fakeConn{}
		if err := NewPool(engine.PoolConfig{ByDefault: byDefault}).Setup(c); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprint([]string(nil))
		if byDefault {
			want = fmt.Sprint([]string{"PRAGMA journal_mode = mvcc"})
		}
		if got := fmt.Sprint(c.ran); got != want {
			t.Errorf("ByDefault %v: ran %s, want %s", byDefault, got, want)
		}
	}
}
