package turso

import (
	"errors"
	"strings"
	"testing"

	"github.com/turso-go/turso/internal/engine"
)

// TestWrapErrConflict checks how engine failures become the driver's
// errors: a conflict the engine reports becomes a *ConflictError that
// matches ErrConflict and, through the engine's *Error it wraps, the
// error's code; other failures stay *Error and match no conflict.
func TestWrapErrConflict(t *testing.T) {
	tests := []struct {
		name     string
		in       error
		conflict bool
		is       []error // errors.Is must hold for each
		isNot    []error
		text     string // in Error()
	}{
		{"engine conflict", &engine.ConflictError{Err: &engine.Error{Code: CodeBusy, ExtendedCode: CodeBusy | 2<<8, Message: "Write-write conflict"}},
			true, []error{ErrConflict, ErrBusy}, nil, "Write-write conflict"},
		{"row conflict on a constraint", &engine.ConflictError{Table: "t", RowID: 3, Err: &engine.Error{Code: CodeConstraint, ExtendedCode: CodeConstraintUnique, Message: "UNIQUE constraint failed: t.u"}},
			true, []error{ErrConflict, ErrConstraint, ErrConstraintUnique}, []error{ErrBusy}, "row 3 of table t"},
		{"refused", &engine.Error{Code: CodeAuth, ExtendedCode: CodeAuth, Message: "turso: schema changes are not supported inside a concurrent transaction"},
			false, []error{ErrConcurrentUnsupported}, []error{ErrConflict, ErrConstraint}, "schema changes"},
		{"busy", &engine.Error{Code: CodeBusy, ExtendedCode: CodeBusy, Message: "database is locked"},
			false, []error{ErrBusy}, []error{ErrConflict}, "database is locked"},
		{"constraint", &engine.Error{Code: CodeConstraint, ExtendedCode: CodeConstraintUnique, Message: "UNIQUE constraint failed: t.u"},
			false, []error{ErrConstraint, ErrConstraintUnique}, []error{ErrConflict, ErrBusy}, "UNIQUE"},
		{"closed", engine.ErrClosed, false, []error{errClosed}, []error{ErrConflict}, "closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := wrapErr(tt.in, "UPDATE t SET x = 1")
			for _, target := range tt.is {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(%v, %v) = false", err, target)
				}
			}
			for _, target := range tt.isNot {
				if errors.Is(err, target) {
					t.Errorf("errors.Is(%v, %v) = true", err, target)
				}
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("Error() = %q, want it to contain %q", err, tt.text)
			}
			var ce *ConflictError
			if got := errors.As(err, &ce); got != tt.conflict {
				t.Fatalf("errors.As(*ConflictError) = %v, want %v", got, tt.conflict)
			}
			if tt.conflict {
				var e *Error
				if !errors.As(err, &e) || e.SQL != "UPDATE t SET x = 1" {
					t.Errorf("conflict %#v: want the engine's *Error with the SQL", ce)
				}
			}
		})
	}
	// The driver's own conflicts (libSQL) on a row or the schema wrap
	// nothing.
	for _, ce := range []*ConflictError{{Table: "acct", RowID: 7}, {}} {
		if ce.Unwrap() != nil || !errors.Is(ce, ErrConflict) || errors.Is(ce, ErrBusy) {
			t.Errorf("%v: Unwrap %v, want nil; must match ErrConflict only", ce, ce.Unwrap())
		}
	}
}
