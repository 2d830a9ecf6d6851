package tursowasm

import (
	"errors"

	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/napi"
	"github.com/turso-go/turso/internal/tursobind"
)

// toError turns a failure of a call into the module into an
// *engine.Error (inside an *engine.ConflictError for a conflict of
// concurrent transactions): a JavaScript exception of the binding by its
// message (tursobind.Classify), anything else (a trap, a host error) as an
// internal error. Calls on a connection go through instance.result
// instead, which also discards an instance that trapped.
func toError(err error) error {
	if err == nil {
		return nil
	}
	var x *napi.Exception
	if !errors.As(err, &x) {
		return &engine.Error{Code: engine.CodeInternal, ExtendedCode: engine.CodeInternal, Message: "turso engine: " + err.Error()}
	}
	return tursobind.Classify(x.Message())
}

// errInterrupted is what a statement interrupted by Conn.Interrupt fails
// with.
func errInterrupted() error { return tursobind.Interrupted() }
