//go:build !cgo

package turso

import "github.com/turso-go/turso/internal/engine"

// defaultEngine is nil in a build without cgo: the libSQL engine is C. Such
// a program uses Turso's engine, which is pure Go:
//
//	import _ "github.com/turso-go/turso/tursowasm"
//
//	db, err := sql.Open("turso", "app.db?_engine=turso")
var defaultEngine engine.Engine
