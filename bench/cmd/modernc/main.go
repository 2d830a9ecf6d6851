// Command modernc runs the benchmark workloads on modernc.org/sqlite
// (pure Go, transpiled from C).
package main

import (
	_ "modernc.org/sqlite"

	"github.com/turso-go/turso/bench/internal/runner"
	"github.com/turso-go/turso/bench/workload"
)

func main() {
	runner.Main(&workload.Driver{
		Name:    "modernc",
		SQLName: "sqlite",
		DSN:     workload.PragmaDSN,
		TxLock:  true,
		Modules: []string{"modernc.org/sqlite", "modernc.org/libc"},
	})
}
