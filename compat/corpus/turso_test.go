//go:build !mattn

package corpus

import (
	"testing"

	_ "github.com/turso-go/turso"
)

// TestCorpus runs the sqllogictest corpus through turso.
func TestCorpus(t *testing.T) { runCorpus(t, "turso", "turso") }
