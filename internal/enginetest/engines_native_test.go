//go:build linux && amd64 && cgo

package enginetest_test

import (
	"github.com/turso-go/turso/internal/enginetest"
	"github.com/turso-go/turso/internal/tursonative"
)

// Turso's native build, where the platform has it.
func init() {
	engines = append(engines, enginetest.Engine{Name: "turso-native", Engine: tursonative.New(tursonative.Addon), Gaps: map[enginetest.Gap]string{
		enginetest.InterruptInStep: "the binding has no interrupt: Interrupt takes effect at the next step or I/O round (0.7.2)",
		enginetest.SharedMemory:    "no shared cache: every connection to an in-memory database has its own (0.7.2)",
	}})
}
