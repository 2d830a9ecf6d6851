//go:build !turso_libsql_only

package turso

import (
	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/tursowasm"
)

// tursoExcluded reports whether the build leaves Turso's engines out
// (tag turso_libsql_only).
const tursoExcluded = false

// Turso's engines, selected with _engine or WithEngine: "turso-wasm" is
// the WebAssembly build, embedded compressed and started on the first
// connection that uses it; "turso" is the best build of Turso's engine
// that the program has.
func init() {
	engine.Register("turso-wasm", tursowasm.New(tursowasm.Wasm))
	engine.Alias("turso", "turso-native", "turso-wasm")
}
