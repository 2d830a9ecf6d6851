package turso_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/internal/drivertest"
)

// vetoError is an error type a commit hook returns, to check errors.As.
type vetoError struct{ reason string }

func (e *vetoError) Error() string { return "veto: " + e.reason }

// TestCommitHookVeto checks that the error a commit hook returns reaches
// the caller whose commit it turned into a rollback: wrapped in the
// commit-hook *Error, found by errors.Is and errors.As, for a statement
// outside a transaction and for Tx.Commit, and that nothing of the
// vetoed commit stays.
func TestCommitHookVeto(t *testing.T) {
	ctx := context.Background()
	errSentinel := errors.New("quota exceeded")
	tests := []struct {
		name   string
		hook   func() error
		commit func(c *sql.Conn) error
		// check tests the error beyond its code.
		check func(t *testing.T, err error)
	}{
		{"statement, sentinel", func() error { return errSentinel }, commitStatement,
			func(t *testing.T, err error) {
				if !errors.Is(err, errSentinel) || !strings.Contains(err.Error(), "quota exceeded") {
					t.Errorf("%v: want the hook's error, by errors.Is and in the message", err)
				}
			}},
		{"Tx.Commit, sentinel", func() error { return errSentinel }, commitTx,
			func(t *testing.T, err error) {
				if !errors.Is(err, errSentinel) {
					t.Errorf("%v: want the hook's error", err)
				}
			}},
		{"Tx.Commit, typed error", func() error { return &vetoError{"audit"} }, commitTx,
			func(t *testing.T, err error) {
				var ve *vetoError
				if !errors.As(err, &ve) || ve.reason != "audit" {
					t.Errorf("%v: want the hook's *vetoError", err)
				}
			}},
		{"BeginConcurrent, sentinel", func() error { return errSentinel }, commitConcurrent,
			func(t *testing.T, err error) {
				if !errors.Is(err, errSentinel) {
					t.Errorf("%v: want the hook's error", err)
				}
			}},
		{"panic", func() error { panic("hook bug") }, commitTx,
			func(t *testing.T, err error) {
				if !strings.Contains(err.Error(), "panicked: hook bug") {
					t.Errorf("%v: want the panic in the message", err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := drivertest.OpenConnector(t, filepath.Join(t.TempDir(), "h.db")+"?_journal_mode=WAL")
			c := drivertest.Conn(t, db)
			mustExec(t, c, "CREATE TABLE t(x UNIQUE)")
			if err := turso.SetCommitHook(ctx, c, tt.hook); err != nil {
				t.Fatal(err)
			}
			err := tt.commit(c)
			var e *turso.Error
			if !errors.As(err, &e) || e.ExtendedCode != turso.CodeConstraintCommitHook || !errors.Is(err, turso.ErrConstraint) || e.Err == nil {
				t.Fatalf("vetoed commit: %v, want a commit-hook *Error wrapping the hook's error", err)
			}
			tt.check(t, err)
			rows := func() (n int) {
				t.Helper()
				if err := c.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			if n := rows(); n != 0 {
				t.Errorf("%d rows after the vetoed commit, want 0", n)
			}
			// An accepting hook lets commits through, and a later failure
			// of another kind carries no stale veto.
			if err := turso.SetCommitHook(ctx, c, func() error { return nil }); err != nil {
				t.Fatal(err)
			}
			if err := tt.commit(c); err != nil {
				t.Fatalf("commit after the veto: %v", err)
			}
			_, err = c.ExecContext(ctx, "INSERT INTO t VALUES (1)")
			if !errors.As(err, &e) || e.ExtendedCode != turso.CodeConstraintUnique || e.Err != nil || errors.Unwrap(err) != nil {
				t.Errorf("duplicate insert after a veto: %#v", err)
			}
			if n := rows(); n != 1 {
				t.Errorf("%d rows, want 1", n)
			}
		})
	}
}

// The ways to commit the tests veto.

// commitStatement inserts a row outside a transaction: the statement
// commits.
func commitStatement(c *sql.Conn) error {
	_, err := c.ExecContext(context.Background(), "INSERT INTO t VALUES (1)")
	return err
}

// commitTx inserts a row in a transaction and commits it.
func commitTx(c *sql.Conn) error {
	return commitIn(c.BeginTx(context.Background(), nil))
}

// commitConcurrent inserts a row in a concurrent transaction and commits
// it.
func commitConcurrent(c *sql.Conn) error {
	return commitIn(turso.BeginConcurrent(context.Background(), c))
}

// commitIn inserts a row in the transaction tx and commits it.
func commitIn(tx *sql.Tx, err error) error {
	ctx := context.Background()
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO t VALUES (1)"); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
