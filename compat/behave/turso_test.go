//go:build !mattn

package behave

import (
	"testing"

	_ "github.com/turso-go/turso" // this test binary links turso only
)

// TestTursoMatchesMattn runs the cases through turso and compares with
// mattn's golden output; every difference must be a documented exception.
func TestTursoMatchesMattn(t *testing.T) {
	diffs, stale := Compare(readGolden(t), runDriver(t, "turso"), Exceptions)
	for _, d := range diffs {
		if d.Exception != nil {
			t.Logf("documented difference %s", d)
		} else {
			t.Errorf("undocumented difference %s", d)
		}
	}
	for _, e := range stale {
		t.Errorf("stale exception %q (%s): no such difference any more, remove it", e.Pattern, e.Reason)
	}
}
