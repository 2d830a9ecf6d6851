//go:build linux && amd64 && cgo

package tursonative

import (
	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/mvcc"
)

var _ engine.ConcurrentEngine = (*Engine)(nil)

// NewConcurrentPool returns the engine's own concurrent transactions (BEGIN
// CONCURRENT in its MVCC journal mode; see package mvcc), as the wasm
// build does.
func (e *Engine) NewConcurrentPool(cfg engine.PoolConfig) engine.ConcurrentPool {
	return mvcc.NewPool(cfg)
}
