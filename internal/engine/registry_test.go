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
	e, resolved, ok := Lookup(name)
	if !ok || e.Version() != "fake 1" || resolved != name {
		t.Fatalf("Lookup = %v, %q, %v", e, resolved, ok)
	}
	if _, _, ok := Lookup("test-absent"); ok {
		t.Error("Lookup found an unregistered engine")
	}
	if !slices.Contains(Registered(), name) {
		t.Errorf("Registered = %v", Registered())
	}
	// An alias selects its first registered target.
	alias, absentAlias := name+"-alias", name+"-absent-alias"
	Alias(alias, name+"-missing", name)
	Alias(absentAlias, name+"-missing")
	if e, resolved, ok := Lookup(alias); !ok || resolved != name || e.Version() != "fake 1" {
		t.Errorf("Lookup(alias) = %v, %q, %v; want %s", e, resolved, ok, name)
	}
	if _, _, ok := Lookup(absentAlias); ok {
		t.Error("Lookup found an alias of no registered engine")
	}
	if r := Registered(); !slices.Contains(r, alias) || slices.Contains(r, absentAlias) {
		t.Errorf("Registered = %v: want the alias of a registered engine only", r)
	}
	later := name + "-later"
	Register(later, fakeEngine{})
	Alias(later+"-alias", later, name)
	if _, resolved, _ := Lookup(later + "-alias"); resolved != later {
		t.Errorf("alias resolved to %q, want its first target %q", resolved, later)
	}
	for _, dup := range []string{name, alias} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Alias(%q) of a taken name did not panic", dup)
				}
			}()
			Alias(dup, name)
		}()
	}
	for name, eng := range map[string]Engine{name: fakeEngine{}, alias: fakeEngine{}, "test-nil": nil} {
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
