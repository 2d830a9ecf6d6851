//go:build linux && amd64 && cgo

package tursonative

/*
#include <stdlib.h>
#include "binding.h"
*/
import "C"

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/turso-go/turso/internal/artifact"
	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/tursocore"
)

// Version is the version of the npm package the addon comes from.
const Version = "0.7.2"

// Available reports whether this build has the native engine.
const Available = true

// Engine opens connections to the Turso engine of a native addon.
//
// Calls are serialized per connection only: the engine's connections are
// safe to use from different threads at the same time (its Rust types are
// Send and Sync), so connections, to one database file or to several, run
// in parallel.
type Engine struct {
	addon *artifact.File

	load sync.Once
	err  error

	// schema counts the statements run that may have changed a schema
	// (CREATE, DROP, ALTER) on any connection; statements compare it to
	// know when to read their columns anew.
	schema atomic.Uint64
}

var _ engine.Engine = (*Engine)(nil)

// New returns an engine that runs addon (normally Addon). The first Open
// writes it to the cache directory (see package artifact), opens it,
// verifies its sha256 through the open descriptor and loads exactly those
// bytes, through /proc/self/fd. A process loads one addon.
func New(addon *artifact.File) *Engine {
	return &Engine{addon: addon}
}

// Version reports the engine's name, version and build.
func (e *Engine) Version() string { return "turso " + Version + " (native)" }

// loaded loads the addon once.
func (e *Engine) loaded() error {
	e.load.Do(func() {
		if !e.addon.Embedded() {
			e.err = fmt.Errorf("turso native engine: the addon %s is not embedded in this build", e.addon.Name())
			return
		}
		f, err := e.addon.Open()
		if err != nil {
			e.err = fmt.Errorf("turso native engine: %w", err)
			return
		}
		defer f.Close()
		e.err = loadAddon(fmt.Sprintf("/proc/self/fd/%d", f.Fd()))
	})
	return e.err
}

// openOptions are the addon's DatabaseOpts for cfg.
func openOptions(cfg engine.Config, path string, readOnly bool) (map[string]any, error) {
	opts := map[string]any{"timeout": float64(cfg.BusyTimeout.Milliseconds())}
	if readOnly {
		opts["readonly"] = true
	}
	if !cfg.Create && !readOnly && path != ":memory:" {
		opts["fileMustExist"] = true
	}
	if len(cfg.Key) > 0 {
		return nil, &engine.Error{Code: engine.CodeError, ExtendedCode: engine.CodeError,
			Message: "turso engine: encryption keys are not supported yet"}
	}
	return opts, nil
}

// Open opens a connection.
func (e *Engine) Open(cfg engine.Config) (engine.Conn, error) {
	if err := e.loaded(); err != nil {
		return nil, err
	}
	path, uriReadOnly, err := tursocore.DBPath(cfg.Path)
	if err != nil {
		return nil, &engine.Error{Code: engine.CodeCantOpen, ExtendedCode: engine.CodeCantOpen, Message: fmt.Sprintf("turso engine: bad path %q: %v", cfg.Path, err)}
	}
	readOnly := cfg.ReadOnly || uriReadOnly
	opts, err := openOptions(cfg, path, readOnly)
	if err != nil {
		return nil, err
	}
	v, err := construct("Database", path, opts)
	if err != nil {
		return nil, toError(err)
	}
	db, ok := v.(handle)
	if !ok {
		releaseAll(v)
		return nil, &engine.Error{Code: engine.CodeInternal, ExtendedCode: engine.CodeInternal, Message: "turso engine: Database is not an object"}
	}
	if _, err := db.call("connectSync"); err != nil {
		db.release()
		return nil, toError(err)
	}
	c := C.tn_conn_new(C.uintptr_t(db.p))
	if c == nil {
		db.release()
		return nil, errNoMem()
	}
	return &conn{e: e, c: c, db: db, path: path, readOnly: readOnly, stmts: map[*stmt]struct{}{}}, nil
}

// toError turns the failure of a generic call into an *engine.Error.
func toError(err error) error {
	if err == nil {
		return nil
	}
	if x, ok := err.(*exception); ok {
		return tursocore.FromMessage(x.message())
	}
	return &engine.Error{Code: engine.CodeInternal, ExtendedCode: engine.CodeInternal, Message: err.Error()}
}

// lastError is the latest failure recorded on c.
func lastError(c *C.tn_conn) error {
	if c.err_msg == nil {
		return &engine.Error{Code: engine.CodeInternal, ExtendedCode: engine.CodeInternal, Message: "turso engine: unknown failure"}
	}
	return tursocore.FromMessage(C.GoString(c.err_msg))
}

func errNoMem() error {
	return &engine.Error{Code: engine.CodeNoMem, ExtendedCode: engine.CodeNoMem, Message: "out of memory"}
}
