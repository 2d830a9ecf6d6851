//go:build linux && amd64 && cgo

package tursonative_test

import (
	"testing"

	"github.com/turso-go/turso/internal/drivertest"
)

// The root package runs the suites on every engine (drivertest.ForEach);
// these run them on this one alone, with the package's own tests.

func TestDriver(t *testing.T) { drivertest.Run(t, drivertest.TursoNative) }

func TestConcurrentSuite(t *testing.T) { drivertest.RunConcurrent(t, drivertest.TursoNative) }
