// Command mattn runs the benchmark workloads on github.com/mattn/go-sqlite3.
package main

import (
	_ "github.com/mattn/go-sqlite3"

	"github.com/turso-go/turso/bench/internal/runner"
	"github.com/turso-go/turso/bench/workload"
)

func main() {
	runner.Main(&workload.Driver{
		Name:    "mattn",
		SQLName: "sqlite3",
		DSN:     workload.MattnDSN,
		TxLock:  true,
		Modules: []string{"github.com/mattn/go-sqlite3"},
	})
}
