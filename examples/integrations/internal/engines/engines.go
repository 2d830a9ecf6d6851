// Package engines lists the turso engines the integration examples' tests
// run on: libSQL, the default, and Turso's own engine (_engine=turso),
// both registered by package turso.
package engines

import (
	"testing"

	"github.com/turso-go/turso/tursowasm"
)

// Engine is one engine: its name and the DSN parameters that select it.
type Engine struct {
	Name   string
	Params string // "" or "_engine=turso"
}

// DSN returns path with the engine's parameters and params (both without
// a leading '?', either may be empty).
func (e Engine) DSN(path, params string) string {
	switch {
	case e.Params != "" && params != "":
		return path + "?" + e.Params + "&" + params
	case e.Params != "":
		return path + "?" + e.Params
	case params != "":
		return path + "?" + params
	}
	return path
}

// All is every engine.
var All = []Engine{
	{Name: "libsql"},
	{Name: "turso", Params: "_engine=turso"},
}

// Run runs f as a subtest per engine. Turso's engine is skipped, saying
// why, in a build without it (-tags turso_libsql_only).
func Run(t *testing.T, f func(t *testing.T, e Engine)) {
	for _, e := range All {
		t.Run(e.Name, func(t *testing.T) {
			if e.Params != "" && !tursowasm.Available() {
				t.Skip("built with -tags turso_libsql_only: no Turso engine")
			}
			f(t, e)
		})
	}
}
