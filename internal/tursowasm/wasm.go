package tursowasm

import (
	_ "embed"

	"github.com/turso-go/turso/internal/artifact"
)

// WasmSHA256 is the sha256 of dist/turso.wasm32-wasi.wasm in npm
// @tursodatabase/database-wasm 0.7.2 (wasm/SOURCE).
const WasmSHA256 = "35e71d48920495f59dccd4c4ae8cff191975f77ee7f220a24b5755e83fa7be46"

// wasmGz is the module, compressed with gzip -9 -n as wasm/SOURCE says.
// Embedded as a string, it stays in the binary's read-only data until an
// engine decompresses it.
//
//go:embed wasm/turso.wasm32-wasi.wasm.gz
var wasmGz string

// Wasm is the engine's module as the driver ships it.
var Wasm = artifact.New("turso.wasm32-wasi.wasm", WasmSHA256, wasmGz)
