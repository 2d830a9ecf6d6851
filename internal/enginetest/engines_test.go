package enginetest_test

import (
	"testing"

	"github.com/turso-go/turso/internal/enginetest"
	"github.com/turso-go/turso/internal/tursowasm"
)

// engines are the engines the driver ships, each with what it lacks of
// the contract: one line adds an engine. engines_cgo_test.go adds those
// that need cgo.
var engines = []enginetest.Engine{
	{Name: "turso-wasm", Engine: tursowasm.New(tursowasm.Wasm), Gaps: map[enginetest.Gap]string{
		enginetest.InterruptInStep: "the binding has no interrupt: calls into the engine are serialized, and Interrupt takes effect at the next step (0.7.2)",
		enginetest.SharedMemory:    "no shared cache: every connection to an in-memory database has its own (0.7.2)",
	}},
}

// TestContract runs the engine contract on every engine.
func TestContract(t *testing.T) {
	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) { enginetest.Run(t, e) })
	}
}
