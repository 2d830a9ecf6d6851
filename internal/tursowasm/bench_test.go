package tursowasm

import (
	"testing"

	"github.com/turso-go/turso/internal/enginetest"
)

// The host's hot paths, through the engine interface (see package
// enginetest; the native build runs the same benchmarks).

// benchEngine returns the engine the tests share (compiling the module
// takes seconds).
func benchEngine() *Engine {
	shared.once.Do(func() { shared.e = New(Wasm) })
	return shared.e
}

// BenchmarkReadRows: the module builds each row with napi calls into Go.
func BenchmarkReadRows(b *testing.B) { enginetest.BenchReadRows(b, benchEngine()) }

// BenchmarkBindBlob: the module's bindAt reads a Uint8Array one element
// at a time (two napi calls per byte).
func BenchmarkBindBlob(b *testing.B) { enginetest.BenchBindBlob(b, benchEngine(), 4096) }

// BenchmarkInsertPrepared: bind, step and reset per row, in one
// transaction.
func BenchmarkInsertPrepared(b *testing.B) { enginetest.BenchInsertPrepared(b, benchEngine()) }
