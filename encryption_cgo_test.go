//go:build cgo

package turso_test

import (
	"slices"
	"testing"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/internal/libsql"
)

// TestCiphersMatchEngine checks that the ciphers the driver accepts are
// those the libSQL engine (a cgo build) implements.
func TestCiphersMatchEngine(t *testing.T) {
	if got := libsql.Ciphers(); !slices.Equal(got, turso.Ciphers()) {
		t.Fatalf("engine ciphers %v, driver accepts %v", got, turso.Ciphers())
	}
	if !slices.Contains(turso.Ciphers(), turso.DefaultCipher) {
		t.Fatalf("DefaultCipher %q not among %v", turso.DefaultCipher, turso.Ciphers())
	}
}
