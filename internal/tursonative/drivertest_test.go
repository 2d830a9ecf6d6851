//go:build linux && amd64 && cgo

package tursonative_test

import (
	"os"
	"testing"

	"github.com/turso-go/turso/internal/drivertest"
	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/tursonative"
)

func init() {
	if p := os.Getenv("TURSO_NATIVE_ADDON"); p != "" {
		engine.Register("turso-native", tursonative.New(func() (*os.File, error) { return os.Open(p) }))
	}
}

var native = drivertest.Engine{
	Name:   "turso-native",
	Params: "_engine=turso-native",
	Gaps: map[drivertest.Gap]string{
		drivertest.InterruptRunningStep: "the binding has no interrupt: a context ends a statement between steps, not inside one long step such as an aggregate over a big join (0.7.2)",
		drivertest.ConstraintPrimaryKey: "a PRIMARY KEY clash is reported as a UNIQUE constraint (ErrConstraintUnique; the binding carries messages, no extended codes), and a composite key is named k.(a, b) (0.7.2)",
		drivertest.SharedCache:          "no shared cache: every connection to an in-memory database has its own database (0.7.2)",
	},
	UnsupportedParams: map[string]string{
		"_journal=truncate":      "only WAL (and MVCC) journaling: PRAGMA journal_mode = truncate leaves the mode at wal (0.7.2)",
		"_locking=normal":        "the engine always locks exclusively: PRAGMA locking_mode = normal fails the connection (0.7.2)",
		"_recursive_triggers=on": "no recursive_triggers pragma: ignored (0.7.2)",
		"_rt=0":                  "no recursive_triggers pragma: ignored (0.7.2)",
		"_auto_vacuum=full":      "auto-vacuum is experimental and off in this build: PRAGMA auto_vacuum = full fails the connection (0.7.2)",
		"_vacuum=incremental":    "auto-vacuum is experimental and off in this build: PRAGMA auto_vacuum = incremental fails the connection (0.7.2)",
		"_case_sensitive_like=1": "no case_sensitive_like pragma: ignored, LIKE stays case-insensitive (0.7.2)",
		"_defer_foreign_keys=1":  "no defer_foreign_keys pragma: ignored (DEFERRABLE INITIALLY DEFERRED keys do work) (0.7.2)",
		"_defer_fk=1":            "no defer_foreign_keys pragma: ignored (DEFERRABLE INITIALLY DEFERRED keys do work) (0.7.2)",
		"_secure_delete=FAST":    "no secure_delete pragma: ignored (0.7.2)",
		"_secure_delete=1":       "no secure_delete pragma: ignored (0.7.2)",
		"_writable_schema=1":     "no writable_schema pragma: ignored (0.7.2)",
	},
}

func TestDriver(t *testing.T) {
	if os.Getenv("TURSO_NATIVE_ADDON") == "" {
		t.Skip("no addon")
	}
	drivertest.Run(t, native)
}

func TestConcurrentSuite(t *testing.T) {
	if os.Getenv("TURSO_NATIVE_ADDON") == "" {
		t.Skip("no addon")
	}
	e := native
	e.ConcurrentParams = "_txlock=concurrent"
	drivertest.RunConcurrent(t, e)
}
