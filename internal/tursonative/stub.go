//go:build !(linux && amd64 && cgo)

package tursonative

import (
	"github.com/turso-go/turso/internal/artifact"
	"github.com/turso-go/turso/internal/engine"
)

// Version is the version of the npm package the addon comes from.
const Version = "0.7.2"

// Available reports whether this build has the native engine: only
// linux/amd64 with cgo does.
const Available = false

// Engine stands in for the native engine where there is none: every Open
// fails with ErrUnavailable.
type Engine struct{}

var _ engine.Engine = (*Engine)(nil)

// Addon is nil: no addon is embedded in this build.
var Addon *artifact.File

// New returns the stand-in engine.
func New(*artifact.File) *Engine { return &Engine{} }

// Version reports the engine's name, version and build.
func (e *Engine) Version() string { return "turso " + Version + " (native, not available)" }

// Open fails with ErrUnavailable.
func (e *Engine) Open(engine.Config) (engine.Conn, error) { return nil, ErrUnavailable }
