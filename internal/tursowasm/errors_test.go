package tursowasm

import (
	"errors"
	"testing"

	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/napi"
)

func TestToError(t *testing.T) {
	tests := []struct {
		name           string
		err            error
		msg            string
		code, extended int
		conflict       bool
	}{
		{"write-write conflict", &napi.Exception{Value: napi.NewError("GenericFailure", "step failed: Write-write conflict")},
			"Write-write conflict", engine.CodeBusy, engine.CodeBusy | 2<<8, true},
		{"commit dependency aborted", &napi.Exception{Value: napi.NewError("GenericFailure", "Commit dependency aborted")},
			"Commit dependency aborted", engine.CodeBusy, engine.CodeBusy | 2<<8, true},
		{"schema conflict", &napi.Exception{Value: napi.NewError("GenericFailure", "Database schema conflict")},
			"Database schema conflict", engine.CodeBusy, engine.CodeBusy | 2<<8, true},
		{"transaction terminated", &napi.Exception{Value: napi.NewError("GenericFailure", "step failed: Transaction terminated")},
			"Transaction terminated", engine.CodeBusy, engine.CodeBusy | 2<<8, true},
		{"busy is no conflict", &napi.Exception{Value: napi.NewError("GenericFailure", "step failed: Database is busy")},
			"Database is busy", engine.CodeBusy, engine.CodeBusy, false},
		{"stale snapshot is no conflict", &napi.Exception{Value: napi.NewError("", "Database snapshot is stale. You must rollback and retry the whole transaction.")},
			"Database snapshot is stale. You must rollback and retry the whole transaction.", engine.CodeBusy, engine.CodeBusy | 2<<8, false},
		{"constraint", &napi.Exception{Value: napi.NewError("", "step failed: Runtime error: UNIQUE constraint failed: t.u (19)")},
			"UNIQUE constraint failed: t.u", engine.CodeConstraint, engine.CodeConstraint | 8<<8, false},
		{"plain error", &napi.Exception{Value: "prepare failed: Parse error: no such table: t"},
			"no such table: t", engine.CodeError, engine.CodeError, false},
		{"bad header is not a database", &napi.Exception{Value: napi.NewError("GenericFailure", "failed to open database /d/x.db: Corrupt database: invalid page size in database header: 29793")},
			"failed to open database /d/x.db: Corrupt database: invalid page size in database header: 29793", engine.CodeNotADB, engine.CodeNotADB, false},
		{"not an exception", errors.New("trap"),
			"turso engine: trap", engine.CodeInternal, engine.CodeInternal, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ee *engine.Error
			err := toError(tt.err)
			if !errors.As(err, &ee) {
				t.Fatalf("toError = %v (%T), want an *engine.Error", err, err)
			}
			var ce *engine.ConflictError
			conflict := errors.As(err, &ce)
			if ee.Message != tt.msg || ee.Code != tt.code || ee.ExtendedCode != tt.extended || conflict != tt.conflict {
				t.Errorf("toError = %+v, want message %q, codes %d/%d, conflict %v", ee, tt.msg, tt.code, tt.extended, tt.conflict)
			}
			if conflict && ce.Err != ee {
				t.Errorf("the conflict wraps %v, want the engine's error", ce.Err)
			}
		})
	}
	if toError(nil) != nil {
		t.Error("toError(nil) != nil")
	}
}
