// Package tursowasm is the engine of the Turso database itself: its
// WebAssembly build (npm @tursodatabase/database-wasm, the napi-rs
// JavaScript binding compiled for wasm32-wasip1-threads) run under wazero,
// in pure Go, and driven through the N-API host of package napi, with the
// binding's synchronous surface (Database connectSync, prepare,
// ioLoopSync; Statement bindAt, stepSync, row). File I/O goes through the
// binding's OPFS hooks, which this package serves from real files.
//
// The package embeds the module gzip-compressed (wasm/, with its SOURCE
// and license; Wasm). An Engine decompresses and verifies it on its first
// Open and compiles it, with wazero's compilation cache in the driver's
// cache directory (see package internal/artifact; off with
// TURSO_CACHE_DIR=off), so that a later process loads the compiled code
// instead of compiling again.
//
// An Engine runs one module instance that every connection it opens
// shares, as connections of one process share the engine's in-process
// state (its database registry, locks and MVCC). Calls into the instance
// are serialized.
//
// Limits of the binding: file offsets are 32-bit (databases up to 2 GiB);
// the files are not locked against other processes; a float with an
// integral value is bound as an integer; statements report no NOT NULL
// information.
package tursowasm

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/turso-go/turso/internal/artifact"
	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/napi"
)

// Version is the version of the npm package the wasm comes from.
const Version = "0.7.2"

// Engine opens connections to the Turso engine in a wasm module.
type Engine struct {
	wasm *artifact.File

	start sync.Once
	in    *instance
	err   error

	// mu serializes every call into the instance.
	mu sync.Mutex
	// open counts the open connections per database path; the last one to
	// close closes the path's files.
	open map[string]int
	// schema counts the statements run that may have changed a schema
	// (CREATE, DROP, ALTER) on any connection; statements compare it to
	// know when to read their columns anew.
	schema atomic.Uint64
}

var _ engine.Engine = (*Engine)(nil)

// New returns an engine running wasm, the npm package's
// dist/turso.wasm32-wasi.wasm (Wasm, or another build of it). The module
// is decompressed, verified, compiled and started on the first Open.
func New(wasm *artifact.File) *Engine {
	return &Engine{wasm: wasm, open: map[string]int{}}
}

// Version reports the engine's name and version.
func (e *Engine) Version() string { return "turso " + Version }

// instance starts the module once and returns it.
func (e *Engine) instance() (*instance, error) {
	e.start.Do(func() {
		ctx := context.Background()
		wasm, err := e.wasm.Bytes()
		if err != nil {
			e.err = err
			return
		}
		c, err := compile(ctx, wasm)
		if err != nil {
			e.err = err
			return
		}
		e.in, e.err = c.instantiate(ctx)
		if e.err != nil {
			c.rt.Close(ctx)
		}
	})
	return e.in, e.err
}

// dbPath is what the engine opens for a driver path: ":memory:", or an
// absolute file name (the engine takes no URIs; mode=ro or immutable=1
// from one makes the connection read-only).
func dbPath(p string) (path string, readOnly bool, err error) {
	if rest, ok := strings.CutPrefix(p, "file:"); ok {
		name, query, _ := strings.Cut(rest, "?")
		params, err := url.ParseQuery(query)
		if err != nil {
			return "", false, err
		}
		if name, err = url.PathUnescape(name); err != nil {
			return "", false, err
		}
		// immutable=1 promises that nothing changes the file: SQLite then
		// refuses writes too.
		readOnly = params.Get("mode") == "ro" || uriBool(params.Get("immutable"))
		if params.Get("mode") == "memory" || name == ":memory:" {
			return ":memory:", readOnly, nil
		}
		p = name
	}
	if p == ":memory:" || p == "" {
		return ":memory:", readOnly, nil
	}
	abs, err := filepath.Abs(p)
	return abs, readOnly, err
}

// uriBool reports whether a URI parameter is true, as
// sqlite3_uri_boolean reads it.
func uriBool(v string) bool {
	switch strings.ToLower(v) {
	case "1", "yes", "true", "on":
		return true
	}
	return false
}

// Open opens a connection.
func (e *Engine) Open(cfg engine.Config) (engine.Conn, error) {
	in, err := e.instance()
	if err != nil {
		return nil, err
	}
	path, uriReadOnly, err := dbPath(cfg.Path)
	if err != nil {
		return nil, &engine.Error{Code: engine.CodeCantOpen, ExtendedCode: engine.CodeCantOpen, Message: fmt.Sprintf("turso engine: bad path %q: %v", cfg.Path, err)}
	}
	readOnly := cfg.ReadOnly || uriReadOnly
	opts := napi.NewObject()
	if readOnly {
		opts.Set("readonly", true)
	}
	if !cfg.Create && !readOnly && path != ":memory:" {
		opts.Set("fileMustExist", true)
	}
	opts.Set("timeout", float64(cfg.BusyTimeout.Milliseconds()))

	e.mu.Lock()
	defer e.mu.Unlock()
	if path != ":memory:" {
		if e.open[path] == 0 {
			in.files.setReadOnly(path, readOnly)
		}
		e.open[path]++
	}
	db, err := in.env.New(in.database, path, opts)
	if err == nil {
		_, err = in.env.CallMethod(db, "connectSync")
	}
	if err != nil {
		if db != nil {
			in.env.Release(db)
		}
		e.closedLocked(path)
		return nil, toError(err)
	}
	return &conn{e: e, in: in, db: db, path: path, stmts: map[*stmt]struct{}{}, readOnly: readOnly}, nil
}

// closedLocked notes that a connection to path closed; with e.mu held.
func (e *Engine) closedLocked(path string) error {
	if path == ":memory:" {
		return nil
	}
	e.open[path]--
	if e.open[path] > 0 {
		return nil
	}
	delete(e.open, path)
	return e.in.files.closeUnder(path)
}
