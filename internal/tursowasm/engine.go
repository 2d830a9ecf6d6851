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
// are serialized. What every host of the binding shares (its options,
// error messages, and the checks of what it cannot take) is in package
// tursobind.
//
// Failures: an instance that traps (a "wasm error", a panic of the engine)
// or whose file I/O fails is discarded at once. The call that hit the
// failure returns it as an *engine.Error (SQLITE_INTERNAL for a trap,
// SQLITE_FULL or SQLITE_IOERR for I/O), every later call on a connection
// of that instance returns the same, the connections report themselves
// invalid (engine.Validator) so that the driver's pool replaces them, and
// the next Open starts a new instance of the compiled module. See files
// for why an I/O failure cannot lose a committed transaction.
//
// Limits of the binding: file offsets are 32-bit (databases up to 2 GiB);
// a float with an integral value is bound as an integer; statements
// report no NOT NULL information. The database file is locked against
// other processes while a connection has it open (see lock.go): the wasm
// build has no multi-process WAL.
package tursowasm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/turso-go/turso/internal/artifact"
	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/napi"
	"github.com/turso-go/turso/internal/tursobind"
)

// Version is the version of the npm package the wasm comes from.
const Version = "0.7.2"

// Name is the engine's name in error messages, as _engine selects it.
const Name = "turso-wasm"

// Engine opens connections to the Turso engine in a wasm module.
type Engine struct {
	wasm *artifact.File

	compileOnce sync.Once
	compiled    *compiled
	compileErr  error

	// mu serializes every call into an instance and guards in.
	mu sync.Mutex
	// in is the instance new connections use: nil before the first Open,
	// and after the instance broke, until the next Open starts another.
	in *instance
	// schema counts the statements run that may have changed a schema
	// (CREATE, DROP, ALTER) on any connection; statements compare it to
	// know when to read their columns anew.
	schema atomic.Uint64

	// lockMu guards locks: the OS lock on each database file that
	// connections of the Engine have open (see lock.go).
	lockMu sync.Mutex
	locks  map[string]*fileLock

	// fault is the Fault every instance's files consult (SetFault).
	fault atomic.Pointer[Fault]
}

var (
	_ engine.Engine        = (*Engine)(nil)
	_ engine.ConfigChecker = (*Engine)(nil)
)

// New returns an engine running wasm, the npm package's
// dist/turso.wasm32-wasi.wasm (Wasm, or another build of it). The module
// is decompressed, verified, compiled and started on the first Open.
func New(wasm *artifact.File) *Engine {
	return &Engine{wasm: wasm, locks: map[string]*fileLock{}}
}

// Version reports the engine's name and version.
func (e *Engine) Version() string { return "turso " + Version }

// CheckConfig reports what in cfg the engine cannot honour (see
// tursobind.CheckConfig).
func (e *Engine) CheckConfig(cfg engine.Config) error { return tursobind.CheckConfig(Name, cfg) }

// SetFault makes every file operation of the engine's instances consult
// fault first (nil: none), to test how the engine and the driver take a
// failing disk or a trap. It applies to instances started afterwards and
// to the running one.
func (e *Engine) SetFault(fault Fault) {
	if fault == nil {
		e.fault.Store(nil)
	} else {
		e.fault.Store(&fault)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.in != nil {
		e.in.files.setFault(e.currentFault())
	}
}

// currentFault returns the Fault SetFault set, or nil.
func (e *Engine) currentFault() Fault {
	if f := e.fault.Load(); f != nil {
		return *f
	}
	return nil
}

// instanceLocked returns the running instance, starting one (the module
// is compiled once) when there is none or the last one broke; with e.mu
// held.
func (e *Engine) instanceLocked() (*instance, error) {
	if e.in != nil && e.in.broken == nil {
		return e.in, nil
	}
	ctx := context.Background()
	e.compileOnce.Do(func() {
		wasm, err := e.wasm.Bytes()
		if err != nil {
			e.compileErr = err
			return
		}
		e.compiled, e.compileErr = compile(ctx, wasm)
	})
	if e.compileErr != nil {
		return nil, e.compileErr
	}
	in, err := e.compiled.instantiate(ctx)
	if err != nil {
		return nil, err
	}
	in.files.setFault(e.currentFault())
	e.in = in
	return in, nil
}

// Open opens a connection.
func (e *Engine) Open(cfg engine.Config) (engine.Conn, error) {
	o, err := tursobind.NewOptions(Name, cfg)
	if err != nil {
		return nil, err
	}
	if o.FileMustExist || (o.ReadOnly && o.Path != ":memory:") {
		// The engine's file hook would create the file.
		if _, err := os.Stat(o.Path); err != nil {
			e := &engine.Error{Code: engine.CodeCantOpen, ExtendedCode: engine.CodeCantOpen, Message: "unable to open database file " + o.Path}
			if errno, ok := errors.AsType[syscall.Errno](err); ok {
				e.SystemErrno = errno
			}
			return nil, e
		}
	}
	if o.Path != ":memory:" {
		if err := e.lockFile(o.Path, !o.ReadOnly, !o.FileMustExist && !o.ReadOnly, o.Timeout); err != nil {
			return nil, err
		}
	}
	c, err := e.open(o)
	if err != nil && o.Path != ":memory:" {
		e.unlockFile(o.Path)
	}
	return c, err
}

// open opens a connection with the lock on its file taken.
func (e *Engine) open(o tursobind.Options) (*conn, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	in, err := e.instanceLocked()
	if err != nil {
		return nil, err
	}
	opts, err := in.options(o)
	if err != nil {
		return nil, err
	}
	if o.Path != ":memory:" {
		if in.open[o.Path] == 0 {
			in.files.setReadOnly(o.Path, o.ReadOnly)
		}
		in.open[o.Path]++
	}
	db, err := in.env.New(in.database, o.Path, opts)
	if err == nil {
		_, err = in.env.CallMethod(db, "connectSync")
	}
	if err = in.result(err); err != nil {
		if db != nil && in.broken == nil {
			in.env.Release(db)
		}
		in.closedLocked(o.Path)
		return nil, err
	}
	return &conn{e: e, in: in, db: db, path: o.Path, stmts: map[*stmt]struct{}{}, readOnly: o.ReadOnly}, nil
}

// options makes the binding's options object.
func (in *instance) options(o tursobind.Options) (*napi.Object, error) {
	opts := napi.NewObject()
	if o.ReadOnly {
		opts.Set("readonly", true)
	}
	if o.FileMustExist {
		opts.Set("fileMustExist", true)
	}
	opts.Set("timeout", float64(o.Timeout.Milliseconds()))
	if len(o.Experimental) > 0 {
		features := make([]napi.Value, len(o.Experimental))
		for i, f := range o.Experimental {
			features[i] = f
		}
		opts.Set("experimental", napi.NewArray(features...))
	}
	if o.Encryption != nil {
		// The binding takes the cipher as a member of its EncryptionCipher
		// enum, an object of numbers it exports.
		enum, _ := in.env.Exports().Get("EncryptionCipher").(*napi.Object)
		var cipher napi.Value
		if enum != nil {
			cipher = enum.Get(tursobind.CipherMember(o.Encryption.Cipher))
		}
		if _, ok := cipher.(float64); !ok {
			return nil, engine.Unsupported(Name, "encryption", "this build of the engine has no cipher "+o.Encryption.Cipher)
		}
		enc := napi.NewObject()
		enc.Set("cipher", cipher)
		enc.Set("hexkey", string(o.Encryption.HexKey))
		opts.Set("encryption", enc)
	}
	return opts, nil
}

// closedLocked notes that a connection of the instance to path closed,
// closing the path's files after the last; with e.mu held.
func (in *instance) closedLocked(path string) error {
	if path == ":memory:" {
		return nil
	}
	if in.open[path]--; in.open[path] > 0 {
		return nil
	}
	delete(in.open, path)
	return in.files.closeUnder(path)
}

// result turns the outcome of a call into the instance into the error
// its caller returns: nil, the engine's error (a JavaScript exception of
// the binding), or, when the call trapped or a file operation failed
// during it, the failure that breaks the instance. With e.mu held.
func (in *instance) result(err error) error {
	if in.broken != nil {
		return in.brokenErr()
	}
	if ferr := in.files.failure(); ferr != nil {
		in.breakLocked(ferr)
		return in.brokenErr()
	}
	if err == nil {
		return nil
	}
	var x *napi.Exception
	if errors.As(err, &x) {
		return tursobind.Classify(x.Message())
	}
	in.breakLocked(&engine.Error{Code: engine.CodeInternal, ExtendedCode: engine.CodeInternal,
		Message: fmt.Sprintf("turso engine: the engine failed (%s); its instance was discarded and the statement did not complete: nothing committed before is lost", firstLine(err.Error()))})
	return in.brokenErr()
}

// firstLine returns s up to its first newline (a trap's message is
// followed by its wasm stack trace).
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// breakLocked discards the instance after cause: its files are closed
// (the engine's later operations touch nothing), its module closed, and
// its connections fail with cause from now on. With e.mu held.
func (in *instance) breakLocked(cause *engine.Error) {
	if in.broken != nil {
		return
	}
	in.broken = cause
	in.files.closeAll()
	in.close(context.Background())
}

// brokenErr returns the failure that broke the instance, as a new error
// value each time.
func (in *instance) brokenErr() error {
	e := *in.broken
	return &e
}

// call calls method name of obj, with e.mu held. On a broken instance it
// fails at once with the failure that broke it.
func (in *instance) call(obj napi.Value, name string, args ...napi.Value) (napi.Value, error) {
	if in.broken != nil {
		return nil, in.brokenErr()
	}
	v, err := in.env.CallMethod(obj, name, args...)
	return v, in.result(err)
}
