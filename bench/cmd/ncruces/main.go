// Command ncruces runs the benchmark workloads on
// github.com/ncruces/go-sqlite3 (pure Go, SQLite compiled to Wasm and
// translated to Go).
package main

import (
	_ "github.com/ncruces/go-sqlite3/driver"

	"github.com/turso-go/turso/bench/internal/runner"
	"github.com/turso-go/turso/bench/workload"
)

func main() {
	runner.Main(&workload.Driver{
		Name:    "ncruces",
		SQLName: "sqlite3",
		DSN:     workload.PragmaDSN,
		TxLock:  true,
		Modules: []string{"github.com/ncruces/go-sqlite3", "github.com/ncruces/go-sqlite3-wasm/v6"},
	})
}
