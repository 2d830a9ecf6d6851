package turso

import (
	"context"
	"database/sql"
	"strings"
)

// EngineInfo describes the engine the connections of a pool run on.
type EngineInfo struct {
	// Name is the engine as _engine and WithEngine name it: "libsql",
	// "turso-native" or "turso-wasm" ("turso" selects one of the last two:
	// the native build on linux/amd64 with cgo, the wasm build elsewhere).
	Name string
	// Version is the engine's version: SQLite's for libSQL ("3.45.1"),
	// the npm package's for Turso's ("0.7.2").
	Version string
	// Build is how the engine runs: "cgo" (libSQL's static library),
	// "native" (Turso's N-API addon, through the driver's C host) or
	// "wasm" (Turso's WebAssembly build under wazero, in pure Go).
	Build string
}

// String returns the engine's name, version and build, e.g.
// "turso-native 0.7.2 (native)".
func (e EngineInfo) String() string {
	return e.Name + " " + e.Version + " (" + e.Build + ")"
}

// builds are the builds of the engines by name.
var builds = map[string]string{"libsql": "cgo", "turso-native": "native", "turso-wasm": "wasm"}

// EngineOf reports the engine the connections of db run on, which a
// connection of db (opened if none is idle) tells.
func EngineOf(ctx context.Context, db *sql.DB) (EngineInfo, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return EngineInfo{}, err
	}
	defer c.Close()
	var info EngineInfo
	err = withConn(ctx, c, func(tc *conn) error {
		info = tc.cfg.engineInfo()
		return nil
	})
	return info, err
}

// engineInfo describes the engine of the connections c configures.
func (c *config) engineInfo() EngineInfo {
	info := EngineInfo{Name: c.engineName, Build: builds[c.engineName]}
	// Version() is "<name> <version>[ (<build>)]".
	if f := strings.Fields(c.engineVersion); len(f) >= 2 {
		info.Version = f[1]
	}
	return info
}
