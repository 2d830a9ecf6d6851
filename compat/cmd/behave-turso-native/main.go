// Command behave-turso-native prints the behaviour cases of package
// compat/behave run through the turso driver on Turso's own engine in its
// native build (_engine=turso-native), to compare with behave-mattn and
// behave-turso.
package main

import (
	"os"

	_ "github.com/turso-go/turso"
	"github.com/turso-go/turso/compat/behave"
)

func main() { os.Exit(behave.MainParams("turso", "_engine=turso-native")) }
