package turso_test

import (
	"testing"

	"github.com/turso-go/turso/internal/drivertest"
)

// TestFaults runs the fault suite on every engine: processes sharing a
// file, a full disk, failing I/O, traps, hostile text, encryption,
// corrupt files and formatting that could leak a key.
func TestFaults(t *testing.T) {
	drivertest.ForEach(t, drivertest.RunFaults)
}
