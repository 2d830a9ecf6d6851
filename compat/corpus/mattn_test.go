//go:build mattn

package corpus

import (
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

// TestCorpus runs the sqllogictest corpus through mattn/go-sqlite3 (with
// -tags mattn; the full mattn run is otherwise left to slt-mattn to keep
// the default go test short).
func TestCorpus(t *testing.T) { runCorpus(t, "mattn", "sqlite3") }
