package engine

import (
	"errors"
	"fmt"
)

// Secret is key material: bytes that no fmt verb prints (each prints
// "[redacted]"), so that a Config or any struct holding a Secret in an
// exported field can be logged.
type Secret []byte

// redacted is what every fmt verb prints for a non-empty Secret.
const redacted = "[redacted]"

// Format prints "[redacted]" (or "[]" for an empty Secret) for every verb.
func (s Secret) Format(f fmt.State, verb rune) {
	if len(s) == 0 {
		fmt.Fprint(f, "[]")
		return
	}
	fmt.Fprint(f, redacted)
}

// ConfigChecker is implemented by engines that can tell from a Config
// alone that they cannot honour it: a pragma they ignore or cannot set, a
// cipher they lack, a key of the wrong size. The driver calls CheckConfig
// when it makes a Connector, so that such a configuration fails at
// sql.Open rather than at the first connection; Open checks again.
type ConfigChecker interface {
	CheckConfig(cfg Config) error
}

// Unsupported reports a setting that engine cannot honour, with the
// reason. It matches errors.ErrUnsupported.
func Unsupported(engine, setting, reason string) error {
	return &unsupportedError{engine: engine, setting: setting, reason: reason}
}

type unsupportedError struct{ engine, setting, reason string }

func (e *unsupportedError) Error() string {
	return "the " + e.engine + " engine does not support " + e.setting + ": " + e.reason
}

func (e *unsupportedError) Unwrap() error { return errors.ErrUnsupported }

// Validator is implemented by connections that can break for good under
// the driver: an engine whose instance failed (Turso's wasm instance
// trapped, or a write to its files failed). Valid reports false once
// every call on the connection fails; the driver then drops it from its
// pool instead of handing it out again.
type Validator interface {
	Valid() bool
}

// PragmaSetter is implemented by connections of an engine on which some of
// the driver's per-connection pragmas (Config.Pragmas, from the DSN) mean
// something other than running them as written. The driver then hands
// the pragmas to SetPragmas, in order, instead of running them itself.
//
// Turso's engine: its MVCC journal mode journals through a WAL too, so a
// database in that mode already is what journal_mode = WAL asks for, and
// running the pragma would switch it out of MVCC: a new connection's setup
// would wait for the concurrent transactions open on other connections
// and then end what they rely on.
type PragmaSetter interface {
	SetPragmas(pragmas []Pragma) error
}
