// Package tursowasm links Turso's own database engine into the turso
// driver as the engine named "turso". Import it for its side effect and
// select the engine per DSN or option:
//
//	import _ "github.com/turso-go/turso/tursowasm"
//
//	db, err := sql.Open("turso", "app.db?_engine=turso")
//
// The engine is the WebAssembly build of Turso (the Rust rewrite of
// SQLite) from npm @tursodatabase/database-wasm 0.7.2, run in pure Go
// under wazero. This package embeds that file (wasm/turso.wasm32-wasi.wasm,
// MIT, see LICENSE-turso), which is not committed: sh tursowasm/fetch.sh
// downloads it and checks its sha256. Built without it, the package still
// registers the engine, and opening a connection fails with an error that
// says so.
//
// The module is compiled on the first connection (several seconds) and
// then shared by every connection of the process.
package tursowasm

import (
	"embed"
	"errors"

	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/tursowasm"
)

// wasmFile is the embedded module's path in files.
const wasmFile = "wasm/turso.wasm32-wasi.wasm"

// files holds the module when it was fetched before the build, and the
// directory's README either way (go:embed needs a match).
//
//go:embed wasm
var files embed.FS

// EngineName is the engine's name for the DSN (_engine=turso) and
// turso.WithEngine.
const EngineName = "turso"

// ErrNoWasm is returned by every connection attempt when the package was
// built without the wasm file.
var ErrNoWasm = errors.New("turso engine: tursowasm was built without " + wasmFile + " (run: sh tursowasm/fetch.sh)")

// Available reports whether the package was built with the engine's wasm.
func Available() bool {
	_, err := files.ReadFile(wasmFile)
	return err == nil
}

func init() {
	wasm, err := files.ReadFile(wasmFile)
	if err != nil {
		engine.Register(EngineName, missing{})
		return
	}
	engine.Register(EngineName, tursowasm.New(wasm))
}

// missing is the engine registered when the wasm was not embedded.
type missing struct{}

func (missing) Open(engine.Config) (engine.Conn, error) { return nil, ErrNoWasm }
func (missing) Version() string                         { return "turso (not built in)" }
