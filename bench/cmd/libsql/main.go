// Command libsql runs the benchmark workloads on go-libsql's own "libsql"
// driver (github.com/tursodatabase/go-libsql). It takes no pragmas in the
// DSN, so they run on every new connection; it has no _txlock, so the
// writers workload issues BEGIN IMMEDIATE itself.
package main

import (
	_ "github.com/tursodatabase/go-libsql"

	"github.com/turso-go/turso/bench/internal/runner"
	"github.com/turso-go/turso/bench/workload"
)

func main() {
	runner.Main(&workload.Driver{
		Name:     "libsql",
		SQLName:  "libsql",
		DSN:      func(path string, _ workload.Options) string { return "file:" + path },
		ConnInit: workload.Options.Pragmas,
		Modules:  []string{"github.com/tursodatabase/go-libsql"},
	})
}
