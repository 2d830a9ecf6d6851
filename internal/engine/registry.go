package engine

import (
	"errors"
	"fmt"
	"sort"
	"sync"
)

// registry holds the engines beside the default one, by the name the
// DSN's _engine gives, and the aliases that select the first of several
// engines registered: like database/sql's driver registration, written at
// init.
var registry = engineRegistry{engines: map[string]Engine{}, aliases: map[string][]string{}}

type engineRegistry struct {
	sync.RWMutex
	engines map[string]Engine
	aliases map[string][]string
}

// ErrTursoExcluded is the error of a DSN or option that selects one of
// Turso's engines in a program built with the turso_libsql_only tag.
var ErrTursoExcluded = errors.New("Turso's engine is not in this program: it was built with -tags turso_libsql_only")

// Register makes an engine available under name. It panics if name is
// taken, as sql.Register does.
func Register(name string, e Engine) {
	registry.Lock()
	defer registry.Unlock()
	if e == nil {
		panic("turso: Register engine " + name + " is nil")
	}
	registry.taken(name)
	registry.engines[name] = e
}

// Alias makes name select the first of targets that is registered when
// it is looked up, e.g. "turso" the native build of Turso's engine where
// there is one, else the wasm build. It panics if name is taken.
func Alias(name string, targets ...string) {
	registry.Lock()
	defer registry.Unlock()
	if len(targets) == 0 {
		panic("turso: Alias " + name + " has no targets")
	}
	registry.taken(name)
	registry.aliases[name] = targets
}

// taken panics if name is registered; with registry locked.
func (r *engineRegistry) taken(name string) {
	_, engine := r.engines[name]
	_, alias := r.aliases[name]
	if engine || alias {
		panic(fmt.Sprintf("turso: Register called twice for engine %q", name))
	}
}

// Lookup returns the engine registered under name, or that an alias of
// that name selects, with the name of that engine.
func Lookup(name string) (e Engine, resolved string, ok bool) {
	registry.RLock()
	defer registry.RUnlock()
	if e, ok := registry.engines[name]; ok {
		return e, name, true
	}
	for _, target := range registry.aliases[name] {
		if e, ok := registry.engines[target]; ok {
			return e, target, true
		}
	}
	return nil, "", false
}

// Registered returns the names that Lookup finds, sorted.
func Registered() []string {
	registry.RLock()
	defer registry.RUnlock()
	names := make([]string, 0, len(registry.engines)+len(registry.aliases))
	for n := range registry.engines {
		names = append(names, n)
	}
	for n, targets := range registry.aliases {
		for _, target := range targets {
			if _, ok := registry.engines[target]; ok {
				names = append(names, n)
				break
			}
		}
	}
	sort.Strings(names)
	return names
}
