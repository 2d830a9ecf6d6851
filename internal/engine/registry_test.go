package engine

import (
	"slices"
	"testing"
)

// fakeEngine is an Engine that opens nothing.
type fakeEngine struct{}

func (fakeEngine) Open(Config) (Conn, error) { return nil, ErrClosed }
func (fakeEngine) Version() string           { return "fake 1" }

func TestRegistry(t *testing.T) {
	Register("test-fake", fakeEngine{})
	e, ok := Lookup("test-fake")
	if !ok || e.Version() != "fake 1" {
		t.Fatalf("Lookup = %v, %v", e, ok)
	}
	if _, ok := Lookup("test-absent"); ok {
		t.Error("Lookup found an unregistered engine")
	}
	if !slices.Contains(Registered(), "test-fake") {
		t.Errorf("Registered = %v", Registered())
	}
	for name, eng := range map[string]Engine{"test-fake": fakeEngine{}, "test-nil": nil} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register(%q) did not panic", name)
				}
			}()
			Register(name, eng)
		}()
	}
}
