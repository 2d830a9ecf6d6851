package tursowasm

import (
	"errors"

	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/napi"
	"github.com/turso-go/turso/internal/tursocore"
)

// toError turns a failure of a call into the module into an
// *engine.Error (see tursocore.FromMessage), inside an
// *engine.ConflictError for a conflict of the engine's concurrent
// transactions. Failures other than JavaScript exceptions (a trap, a host
// error) become internal errors.
func toError(err error) error {
	if err == nil {
		return nil
	}
	var x *napi.Exception
	if !errors.As(err, &x) {
		return &engine.Error{Code: engine.CodeInternal, ExtendedCode: engine.CodeInternal, Message: "turso engine: " + err.Error()}
	}
	return tursocore.FromMessage(x.Message())
}
