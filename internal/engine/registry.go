package engine

import (
	"fmt"
	"sort"
	"sync"
)

// registry holds the engines that packages outside the driver's own build
// add, by name (the DSN's _engine): like database/sql's driver
// registration, written once at init.
var registry = struct {
	sync.RWMutex
	engines map[string]Engine
}{engines: map[string]Engine{}}

// Register makes an engine available under name. It panics if name is
// taken, as sql.Register does.
func Register(name string, e Engine) {
	registry.Lock()
	defer registry.Unlock()
	if e == nil {
		panic("turso: Register engine " + name + " is nil")
	}
	if _, dup := registry.engines[name]; dup {
		panic(fmt.Sprintf("turso: Register called twice for engine %q", name))
	}
	registry.engines[name] = e
}

// Lookup returns the engine registered under name.
func Lookup(name string) (Engine, bool) {
	registry.RLock()
	defer registry.RUnlock()
	e, ok := registry.engines[name]
	return e, ok
}

// Registered returns the names of the registered engines, sorted.
func Registered() []string {
	registry.RLock()
	defer registry.RUnlock()
	names := make([]string, 0, len(registry.engines))
	for n := range registry.engines {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
