//go:build cgo

package turso

import (
	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/libsql"
)

// defaultEngine serves every connection that names no other engine: the
// libSQL engine, which needs cgo.
var defaultEngine engine.Engine = libsql.Engine{}
