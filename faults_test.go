package turso_test

import (
	"testing"

	"github.com/turso-go/turso/internal/drivertest"
)

// TestFaults runs the fault suite on the libSQL engine: two processes on
// one file, a full disk, hostile text, encryption, corrupt files and
// formatting that could leak a key.
func TestFaults(t *testing.T) {
	drivertest.RunFaults(t, drivertest.Engine{Name: "libsql", ConcurrentParams: "_journal_mode=WAL"})
}
