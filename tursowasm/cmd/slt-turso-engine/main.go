// Command slt-turso-engine runs sqllogictest scripts through the turso
// driver on Turso's own engine (_engine=turso): the third column of the
// compatibility report, next to mattn/go-sqlite3 and the turso driver on
// libSQL. It is the slt-turso command of the root module with the engine
// linked in, which the root module cannot require; run it from the
// tursowasm directory after sh fetch.sh:
//
//	cd tursowasm && go run ./cmd/slt-turso-engine [-json FILE] [-q] [-v] [PATH...]
//
// Its failures are labelled "turso-engine" in reports and allow-lists.
package main

import (
	"fmt"
	"os"

	_ "github.com/turso-go/turso"
	"github.com/turso-go/turso/compat/slt/cli"
	"github.com/turso-go/turso/tursowasm"
)

func main() {
	if !tursowasm.Available() {
		fmt.Fprintln(os.Stderr, "slt-turso-engine:", tursowasm.ErrNoWasm)
		os.Exit(2)
	}
	os.Exit(cli.MainParams("turso-engine", "turso", "_engine="+tursowasm.EngineName))
}
