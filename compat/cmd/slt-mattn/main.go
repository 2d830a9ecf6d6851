// Command slt-mattn runs sqllogictest scripts through mattn/go-sqlite3.
//
//	go run ./cmd/slt-mattn [-json FILE] [-q] [-v] [PATH...]   # in compat/
package main

import (
	"os"

	_ "github.com/mattn/go-sqlite3"
	"github.com/turso-go/turso/compat/slt/cli"
)

func main() { os.Exit(cli.Main("mattn", "sqlite3")) }
