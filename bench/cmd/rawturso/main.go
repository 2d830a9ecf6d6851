// Command rawturso is the floor of the benchmark on Turso's native engine:
// the workloads through internal/tursonative (the engine's N-API addon and
// the driver's C N-API host) directly, without database/sql or the driver
// on top (see package rawfloor). The gap between rawturso and tursonative
// is the cost of those layers; the gap between rawturso and raw is the
// engines' own.
package main

import (
	"github.com/turso-go/turso/bench/internal/rawfloor"
	"github.com/turso-go/turso/bench/workload"
	"github.com/turso-go/turso/internal/tursonative"
)

func main() {
	rawfloor.Main(rawfloor.Floor{
		Name:   "rawturso",
		Engine: tursonative.New(tursonative.Addon),
		Unsupported: func(o workload.Options) string {
			if o.Journal != "WAL" {
				return "the turso engine (0.7.2) has only WAL (and MVCC) journals"
			}
			return ""
		},
		Modules: []string{"github.com/turso-go/turso"},
	})
}
