// Command tursoengine runs the benchmark workloads on this repository's
// driver with Turso's own engine in its WebAssembly build
// (_engine=turso-wasm: the Rust engine's wasm build under wazero; see
// cmd/tursonative for its native build). The driver caches the compiled module per user
// (TURSO_CACHE_DIR), so benchmark processes after the first do not
// compile it again.
package main

import (
	_ "github.com/turso-go/turso"
	"github.com/turso-go/turso/bench/internal/runner"
	"github.com/turso-go/turso/bench/workload"
)

func main() {
	runner.Main(&workload.Driver{
		Name:    "tursoengine",
		SQLName: "turso",
		DSN: func(path string, o workload.Options) string {
			return workload.MattnDSN(path, o) + "&_engine=turso-wasm"
		},
		TxLock:  true,
		Modules: []string{"github.com/turso-go/turso", "github.com/tetratelabs/wazero"},
		Unsupported: func(o workload.Options) string {
			if o.Journal != "WAL" {
				return "the turso engine (0.7.2) has only WAL (and MVCC) journals"
			}
			return ""
		},
	})
}
