// Command raw is the floor of the benchmark on libSQL: the workloads
// through the turso repository's internal C binding (internal/libsql, the
// engine beneath the turso driver) directly, without database/sql or the
// driver on top (see package rawfloor). The gap between raw and turso is
// the cost of those layers.
package main

import (
	"github.com/turso-go/turso/bench/internal/rawfloor"
	"github.com/turso-go/turso/internal/libsql"
)

func main() {
	rawfloor.Main(rawfloor.Floor{
		Name:    "raw",
		Engine:  libsql.Engine{},
		Modules: []string{"github.com/turso-go/turso", "github.com/tursodatabase/go-libsql"},
	})
}
