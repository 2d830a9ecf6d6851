// Command slt-turso-native runs sqllogictest scripts through the turso
// driver on Turso's own engine in its native build (_engine=turso-native:
// the N-API addon through the driver's C host, linux/amd64 with cgo): a
// column of the compatibility report, next to mattn/go-sqlite3, the turso
// driver on libSQL and on Turso's wasm build.
//
//	go run ./cmd/slt-turso-native [-json FILE] [-q] [-v] [PATH...]   # in compat/
//
// Its failures are labelled "turso-native" in reports and allow-lists.
package main

import (
	"os"

	_ "github.com/turso-go/turso"
	"github.com/turso-go/turso/compat/slt/cli"
)

func main() { os.Exit(cli.MainParams("turso-native", "turso", "_engine=turso-native")) }
