//go:build linux && amd64 && cgo

package tursonative

/*
#include <stdlib.h>
#include "binding.h"
*/
import "C"

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/turso-go/turso/internal/artifact"
	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/tursobind"
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

var (
	_ engine.Engine        = (*Engine)(nil)
	_ engine.ConfigChecker = (*Engine)(nil)
)

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

// CheckConfig reports what in cfg the engine cannot honour (see
// tursobind.CheckConfig).
func (e *Engine) CheckConfig(cfg engine.Config) error { return tursobind.CheckConfig(Name, cfg) }

// openOptions are the addon's DatabaseOpts for o.
func openOptions(o tursobind.Options) (map[string]any, error) {
	opts := map[string]any{"timeout": float64(o.Timeout.Milliseconds())}
	if o.ReadOnly {
		opts["readonly"] = true
	}
	if o.FileMustExist {
		opts["fileMustExist"] = true
	}
	if len(o.Experimental) > 0 {
		features := make([]any, len(o.Experimental))
		for i, f := range o.Experimental {
			features[i] = f
		}
		opts["experimental"] = features
	}
	if o.Encryption != nil {
		// The binding takes the cipher as a member of its EncryptionCipher
		// enum, an object of numbers it exports.
		enum, err := handle{}.get("EncryptionCipher")
		if err != nil {
			return nil, toError(err)
		}
		members, _ := enum.(map[string]any)
		cipher, ok := members[tursobind.CipherMember(o.Encryption.Cipher)].(float64)
		if !ok {
			return nil, engine.Unsupported(Name, "encryption", "this build of the engine has no cipher "+o.Encryption.Cipher)
		}
		opts["encryption"] = map[string]any{"cipher": cipher, "hexkey": string(o.Encryption.HexKey)}
	}
	return opts, nil
}

// Open opens a connection.
func (e *Engine) Open(cfg engine.Config) (engine.Conn, error) {
	o, err := tursobind.NewOptions(Name, cfg)
	if err != nil {
		return nil, err
	}
	if err := e.loaded(); err != nil {
		return nil, err
	}
	opts, err := openOptions(o)
	if err != nil {
		return nil, err
	}
	// The engine locks the file against other processes and fails at
	// once when another one holds it: wait up to the busy timeout for it,
	// as SQLite waits for its locks.
	deadline := time.Now().Add(o.Timeout)
	var db handle
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		db, err = openDatabase(o.Path, opts)
		if err == nil || !lockedByOther(err) || !time.Now().Before(deadline) {
			break
		}
		time.Sleep(min(wait, time.Until(deadline)+time.Millisecond))
	}
	if err != nil {
		return nil, err
	}
	c := C.tn_conn_new(C.uintptr_t(db.p))
	if c == nil {
		db.release()
		return nil, errNoMem()
	}
	return &conn{e: e, c: c, db: db, path: o.Path, readOnly: o.ReadOnly, stmts: map[*stmt]struct{}{}}, nil
}

// openDatabase opens path with the binding's options opts and connects.
func openDatabase(path string, opts map[string]any) (handle, error) {
	v, err := construct("Database", path, opts)
	if err != nil {
		return handle{}, toError(err)
	}
	db, ok := v.(handle)
	if !ok {
		releaseAll(v)
		return handle{}, &engine.Error{Code: engine.CodeInternal, ExtendedCode: engine.CodeInternal, Message: "turso engine: Database is not an object"}
	}
	if _, err := db.call("connectSync"); err != nil {
		db.release()
		return handle{}, toError(err)
	}
	return db, nil
}

// lockedByOther reports whether the open failed because another process
// holds the file's lock.
func lockedByOther(err error) bool {
	e, ok := err.(*engine.Error)
	return ok && e.Code == engine.CodeBusy && strings.Contains(e.Message, "another process")
}

// toError turns the failure of a generic call into an *engine.Error.
func toError(err error) error {
	if err == nil {
		return nil
	}
	if x, ok := err.(*exception); ok {
		return tursobind.Classify(x.message())
	}
	return &engine.Error{Code: engine.CodeInternal, ExtendedCode: engine.CodeInternal, Message: err.Error()}
}

// lastError is the latest failure recorded on c.
func lastError(c *C.tn_conn) error {
	if c.err_msg == nil {
		return &engine.Error{Code: engine.CodeInternal, ExtendedCode: engine.CodeInternal, Message: "turso engine: unknown failure"}
	}
	return tursobind.Classify(C.GoString(c.err_msg))
}

func errNoMem() error {
	return &engine.Error{Code: engine.CodeNoMem, ExtendedCode: engine.CodeNoMem, Message: "out of memory"}
}
