//go:build !turso_libsql_only && linux && amd64 && cgo

package turso

import (
	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/tursonative"
)

// The native build of Turso's engine, "turso-native": its N-API addon from
// npm, embedded compressed and loaded through the driver's C N-API host on
// the first connection that uses it. On linux/amd64 with cgo it is what
// "turso" selects.
func init() {
	engine.Register("turso-native", tursonative.New(tursonative.Addon))
}
