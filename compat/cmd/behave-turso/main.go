// Command behave-turso prints the behaviour cases of package behave run
// through the turso driver, to compare with behave-mattn.
package main

import (
	"os"

	_ "github.com/turso-go/turso"
	"github.com/turso-go/turso/compat/behave"
)

func main() { os.Exit(behave.Main("turso")) }
