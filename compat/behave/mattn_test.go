//go:build mattn

package behave

import (
	"testing"

	_ "github.com/mattn/go-sqlite3" // this test binary links mattn only
)

// TestMattnGolden checks that testdata/mattn.golden is up to date (run
// with -tags mattn).
func TestMattnGolden(t *testing.T) {
	diffs, _ := Compare(readGolden(t), runDriver(t, "sqlite3"), nil)
	for _, d := range diffs {
		t.Errorf("golden out of date (cd compat && go run ./cmd/behave-mattn > behave/testdata/mattn.golden): %s", d)
	}
}
