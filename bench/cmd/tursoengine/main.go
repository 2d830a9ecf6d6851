// Command tursoengine runs the benchmark workloads on this repository's
// driver with Turso's own engine (_engine=turso: the Rust engine's wasm
// build under wazero, from the tursowasm module).
package main

import (
	"os"
	"path/filepath"

	_ "github.com/turso-go/turso"
	"github.com/turso-go/turso/bench/internal/runner"
	"github.com/turso-go/turso/bench/workload"
	_ "github.com/turso-go/turso/tursowasm"
)

func main() {
	// Each benchmark process would otherwise compile the 11 MB module
	// anew (seconds); cache the compiled code across processes.
	if os.Getenv("TURSO_WASM_CACHE_DIR") == "" {
		if dir, err := os.UserCacheDir(); err == nil {
			os.Setenv("TURSO_WASM_CACHE_DIR", filepath.Join(dir, "turso-go", "wasm"))
		}
	}
	runner.Main(&workload.Driver{
		Name:    "tursoengine",
		SQLName: "turso",
		DSN: func(path string, o workload.Options) string {
			return workload.MattnDSN(path, o) + "&_engine=turso"
		},
		TxLock:  true,
		Modules: []string{"github.com/turso-go/turso", "github.com/tetratelabs/wazero"},
		Unsupported: func(o workload.Options) string {
			if o.Journal != "WAL" {
				return "the turso engine (0.7.2) has only WAL (and MVCC) journals"
			}
			return ""
		},
		NoTimeScan: "the turso engine reports declared types as affinities, so DATETIME columns read as text",
	})
}
