// Package tursowasm names the WebAssembly build of Turso's own database
// engine (the Rust rewrite of SQLite) in the turso driver.
//
// Importing it is not needed: package turso itself registers Turso's
// engines, so that
//
//	import _ "github.com/turso-go/turso"
//
//	db, err := sql.Open("turso", "app.db?_engine=turso")
//
// works in any program, with or without cgo. "turso" selects the best
// build of Turso's engine the program has; EngineName ("turso-wasm")
// selects this one. The package remains for programs that imported it
// for its side effect, which importing package turso now has.
//
// The engine is the WebAssembly build from npm @tursodatabase/database-wasm
// 0.7.2 (MIT), run in pure Go under wazero. The driver's module ships it
// gzip-compressed (3.6 MB) with its source, sha256 and license; it is
// decompressed, verified and compiled on the first connection that uses
// it (several seconds), then shared by every connection of the process.
// The compiled code is cached per user (TURSO_CACHE_DIR, see package
// turso), so that later processes start in a fraction of that time.
//
// A program built with -tags turso_libsql_only leaves Turso's engines out
// (the compressed module, wazero and the N-API host: about 9 MB of a
// binary, 7 MB stripped):
// Available then reports false, and a DSN that selects the engine fails
// with an error matching ErrNoWasm.
package tursowasm

import (
	_ "github.com/turso-go/turso" // registers the engines
	"github.com/turso-go/turso/internal/engine"
)

// EngineName is the name of the WebAssembly build of Turso's engine for
// the DSN (_engine=turso-wasm) and turso.WithEngine.
const EngineName = "turso-wasm"

// ErrNoWasm is matched (errors.Is) by the error of a DSN or option that
// selects Turso's engine in a program built with -tags turso_libsql_only.
var ErrNoWasm = engine.ErrTursoExcluded

// Available reports whether the program has the engine: it does unless it
// was built with -tags turso_libsql_only. It neither decompresses nor
// copies the module.
func Available() bool {
	_, _, ok := engine.Lookup(EngineName)
	return ok
}
