package engine

import (
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
)

// fakeEngine is an Engine that opens nothing.
type fakeEngine struct{}

func (fakeEngine) Open(Config) (Conn, error) { return nil, ErrClosed }
func (fakeEngine) Version() string           { return "fake 1" }

// runs numbers the runs of TestRegistry (go test -count=N), so that each
// registers a name of its own in the process-wide registry.
var runs atomic.Int64

func TestRegistry(t *testing.T) {
	name := fmt.Sprintf("test-fake-%d", runs.Add(1))
	Register(name, fakeEngine{})
	e, ok := Lookup(name)
	if !ok || e.Version() != "fake 1" {
		t.Fatalf("Lookup = %v, %v", e, ok)
	}
	if _, ok := Lookup("test-absent"); ok {
		t.Error("Lookup found an unregistered engine")
	}
	if !slices.Contains(Registered(), name) {
		t.Errorf("Registered = %v", Registered())
	}
	for name, eng := range map[string]Engine{name: fakeEngine{}, "test-nil": nil} {
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
