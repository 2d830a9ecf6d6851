// Package tursonative is the engine of the Turso database itself, run
// natively: the prebuilt N-API addon of npm's
// @tursodatabase/sync-linux-x64-gnu 0.7.2 (its Database class, the same as
// @tursodatabase/database's, and the SyncEngine of embedded replicas),
// embedded in the module (Addon), loaded with dlopen and driven through an
// N-API host written in C, with the binding's synchronous surface
// (Database connectSync, prepare, executor, ioLoopSync; Statement bindAt,
// stepSync, row).
//
// The host (host.h) defines every napi_* function the addon imports, in
// napi.c: values are reference-counted C structs, each outermost call has
// one handle scope, the module's classes are immortal, finalizers run once
// the call returns, and the module is registered on every thread that
// calls in (napi-rs keeps its class constructors per thread). host.c holds
// the calls the Go side makes: generic ones (construct a class, call a
// method, read a property) with values encoded as bytes (value.go), and
// the hot path, one cgo call per step with the arguments in and the row
// out in C arrays.
//
// Concurrency: the engine's connections are safe to use from several
// threads at once, so the Engine serializes nothing beyond what
// database/sql does for each connection: connections to one file or to
// several run in parallel, and the engine's own locking (busy timeout,
// MVCC) governs what they may do together.
//
// Options, errors and the checks of what the engine cannot take are
// package tursobind's, shared with the wasm build: encryption keys and
// ciphers, experimental features and refused settings pass through
// Engine.CheckConfig and the Database options. The engine locks a file it
// opens against other processes; Open waits up to the busy timeout for a
// file another process holds. A connection whose write failed (a full
// disk, an I/O error) is broken for good: the engine would go on showing
// it the failed transaction's pages, so it fails every later call and
// reports itself invalid (engine.Validator), and the pool replaces it.
//
// Only linux/amd64 with cgo has the addon (Available); elsewhere the
// package builds a stand-in whose Open fails with ErrUnavailable.
package tursonative

import "errors"

// ErrUnavailable is what Open returns in a build without the native
// engine.
var ErrUnavailable = errors.New("turso native engine: not available in this build (it needs linux/amd64 and cgo)")

// Name is the engine's registered name, which its errors name.
const Name = "turso-native"
