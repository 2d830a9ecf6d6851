// Command tursonative runs the benchmark workloads on this repository's
// driver with Turso's own engine run natively (_engine=turso-native: the
// engine's N-API addon from npm, embedded in the driver and loaded through
// its C N-API host).
package main

import (
	_ "github.com/turso-go/turso"

	"github.com/turso-go/turso/bench/internal/runner"
	"github.com/turso-go/turso/bench/workload"
)

func main() {
	runner.Main(&workload.Driver{
		Name:    "tursonative",
		SQLName: "turso",
		DSN: func(path string, o workload.Options) string {
			return workload.MattnDSN(path, o) + "&_engine=turso-native"
		},
		TxLock:  true,
		Modules: []string{"github.com/turso-go/turso"},
		Unsupported: func(o workload.Options) string {
			if o.Journal != "WAL" {
				return "the turso engine (0.7.2) has only WAL (and MVCC) journals"
			}
			return ""
		},
	})
}
