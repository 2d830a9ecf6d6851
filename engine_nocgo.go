//go:build !cgo

package turso

import "github.com/turso-go/turso/internal/engine"

// defaultEngine is nil in a build without cgo: the libSQL engine is C. Such
// a program selects Turso's engine, which is pure Go:
//
//	db, err := sql.Open("turso", "app.db?_engine=turso")
var defaultEngine engine.Engine
