// Command behave-mattn prints the behaviour cases of package behave run
// through mattn/go-sqlite3; its output is compat/behave/testdata/mattn.golden.
package main

import (
	"os"

	_ "github.com/mattn/go-sqlite3"
	"github.com/turso-go/turso/compat/behave"
)

func main() { os.Exit(behave.Main("sqlite3")) }
