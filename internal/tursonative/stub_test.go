//go:build !(linux && amd64 && cgo)

package tursonative

import (
	"errors"
	"testing"

	"github.com/turso-go/turso/internal/engine"
)

// TestStub checks the stand-in of a build without the native engine.
func TestStub(t *testing.T) {
	if Available || Addon != nil {
		t.Errorf("Available = %v, Addon = %v in a build without the addon", Available, Addon)
	}
	if _, err := New(Addon).Open(engine.Config{Path: ":memory:"}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Open: %v, want ErrUnavailable", err)
	}
}
