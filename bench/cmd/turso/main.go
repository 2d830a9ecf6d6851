// Command turso runs the benchmark workloads on this repository's driver,
// github.com/turso-go/turso ("turso"), with mattn-compatible DSNs.
package main

import (
	_ "github.com/turso-go/turso"

	"github.com/turso-go/turso/bench/internal/runner"
	"github.com/turso-go/turso/bench/workload"
)

func main() {
	runner.Main(&workload.Driver{
		Name:    "turso",
		SQLName: "turso",
		DSN:     workload.MattnDSN,
		TxLock:  true,
		Modules: []string{"github.com/turso-go/turso", "github.com/tursodatabase/go-libsql"},
	})
}
