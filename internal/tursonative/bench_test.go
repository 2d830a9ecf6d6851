//go:build linux && amd64 && cgo

package tursonative_test

import (
	"testing"

	"github.com/turso-go/turso/internal/enginetest"
	"github.com/turso-go/turso/internal/tursonative"
)

// The host's hot paths, through the engine interface (see package
// enginetest; the wasm build runs the same benchmarks).

var benchEngine = tursonative.New(tursonative.Addon)

// BenchmarkReadRows: one cgo call per row, the row in C arrays.
func BenchmarkReadRows(b *testing.B) { enginetest.BenchReadRows(b, benchEngine) }

// BenchmarkBindBlob: the addon's bindAt reads a Buffer one element at a
// time (two napi calls per byte), which bounds the cost per byte.
func BenchmarkBindBlob(b *testing.B) { enginetest.BenchBindBlob(b, benchEngine, 4096) }

// BenchmarkInsertPrepared: bind (one bindAt call per parameter), step and
// reset per row, in one transaction.
func BenchmarkInsertPrepared(b *testing.B) { enginetest.BenchInsertPrepared(b, benchEngine) }

// BenchmarkInsertTx: one row per transaction, WAL at synchronous NORMAL.
func BenchmarkInsertTx(b *testing.B) { enginetest.BenchInsertTx(b, benchEngine, "NORMAL") }
