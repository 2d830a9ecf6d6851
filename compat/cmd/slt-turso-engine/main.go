// Command slt-turso-engine runs sqllogictest scripts through the turso
// driver on Turso's own engine in its WebAssembly build
// (_engine=turso-wasm): a column of the compatibility report, next to
// mattn/go-sqlite3, the turso driver on libSQL and on Turso's native build.
//
//	go run ./cmd/slt-turso-engine [-json FILE] [-q] [-v] [PATH...]   # in compat/
//
// Its failures are labelled "turso-engine" in reports and allow-lists.
package main

import (
	"os"

	_ "github.com/turso-go/turso"
	"github.com/turso-go/turso/compat/slt/cli"
)

func main() { os.Exit(cli.MainParams("turso-engine", "turso", "_engine=turso-wasm")) }
