// Command slt-turso runs sqllogictest scripts through the turso driver.
//
//	go run ./cmd/slt-turso [-json FILE] [-q] [-v] [PATH...]   # in compat/
package main

import (
	"os"

	_ "github.com/turso-go/turso"
	"github.com/turso-go/turso/compat/slt/cli"
)

func main() { os.Exit(cli.Main("turso", "turso")) }
