package tursowasm_test

import (
	"testing"

	"github.com/turso-go/turso/internal/drivertest"
	"github.com/turso-go/turso/internal/engine"
	itw "github.com/turso-go/turso/internal/tursowasm"
	"github.com/turso-go/turso/tursowasm"
)

// engine0_7_2 describes Turso's engine 0.7.2 for the driver's behaviour
// suite: where it differs from libSQL (and so from mattn/go-sqlite3), and
// why. Each gap skips the tests that need it, with its reason.
var engine0_7_2 = drivertest.Engine{
	Name:   tursowasm.EngineName,
	Params: "_engine=" + tursowasm.EngineName,
	Gaps: map[drivertest.Gap]string{
		drivertest.DeclaredTypes: "result columns report affinities, not declared types (DATETIME, BOOLEAN and DECIMAL(10,2) come back as NUMERIC, VARCHAR(40) as TEXT), " +
			"so DATE/DATETIME/TIMESTAMP columns are not converted to time.Time nor BOOLEAN ones to bool (0.7.2)",
		drivertest.NotNullInfo:          "the binding reports no NOT NULL information for result columns: Nullable() is unknown (0.7.2)",
		drivertest.InterruptRunningStep: "the binding has no interrupt and calls into the engine are serialized: a context ends a statement between rows, not inside one long step such as an aggregate over a big join (0.7.2)",
		drivertest.ConstraintPrimaryKey: "a PRIMARY KEY clash is reported as a UNIQUE constraint (ErrConstraintUnique; the binding carries messages, no extended codes), and a composite key is named k.(a, b) (0.7.2)",
		drivertest.SharedCache:          "no shared cache: every connection to an in-memory database has its own database (0.7.2)",
		drivertest.InvalidUTF8:          "the engine stores text as UTF-8 only: SQL text or a text argument that is not valid UTF-8 is refused with an error (0.7.2)",
	},
	UnsupportedParams: map[string]string{
		"_journal=truncate":      "only WAL (and MVCC) journaling: the engine would stay in WAL mode (0.7.2)",
		"_journal_mode=DELETE":   "only WAL (and MVCC) journaling: the engine would stay in WAL mode (0.7.2)",
		"_journal_mode=memory":   "only WAL (and MVCC) journaling: the engine would stay in WAL mode (0.7.2)",
		"_synchronous=EXTRA":     "no EXTRA level: the engine would use FULL (0.7.2)",
		"_locking=normal":        "the engine always locks exclusively: PRAGMA locking_mode = normal fails (0.7.2)",
		"_recursive_triggers=on": "no recursive_triggers pragma: the engine would ignore it (0.7.2)",
		"_rt=0":                  "no recursive_triggers pragma: the engine would ignore it (0.7.2)",
		"_auto_vacuum=full":      "auto-vacuum is experimental and off in this build: PRAGMA auto_vacuum fails (0.7.2)",
		"_vacuum=incremental":    "auto-vacuum is experimental and off in this build: PRAGMA auto_vacuum fails (0.7.2)",
		"_case_sensitive_like=1": "no case_sensitive_like pragma: the engine would ignore it, LIKE stays case-insensitive (0.7.2)",
		"_defer_foreign_keys=1":  "no defer_foreign_keys pragma: the engine would ignore it (DEFERRABLE INITIALLY DEFERRED keys do work) (0.7.2)",
		"_defer_fk=1":            "no defer_foreign_keys pragma: the engine would ignore it (DEFERRABLE INITIALLY DEFERRED keys do work) (0.7.2)",
		"_secure_delete=FAST":    "no secure_delete pragma: the engine would ignore it (0.7.2)",
		"_secure_delete=1":       "no secure_delete pragma: the engine would ignore it (0.7.2)",
		"_writable_schema=1":     "no writable_schema pragma: the engine would ignore it (0.7.2)",
	},
}

// wasmFaults describes how the wasm build takes faults: it cannot share a
// file between processes (no multi-process WAL in its file hooks), so the
// file is locked; and its file hooks can fail operations on demand.
var wasmFaults = drivertest.Faults{ExclusiveFile: true, Inject: injectWasm}

// injectWasm makes the file operations of the registered wasm engine
// consult fail.
func injectWasm(fail func(op, path string) error) (restore func()) {
	e, _ := engine.Lookup(tursowasm.EngineName)
	w := e.(*itw.Engine)
	w.SetFault(func(op itw.Op, path string) error {
		err := fail(string(op), path)
		if err == drivertest.ErrTrap {
			return itw.ErrTrap
		}
		return err
	})
	return func() { w.SetFault(nil) }
}

// TestFaults runs the fault suite on Turso's engine (wasm).
func TestFaults(t *testing.T) {
	if !tursowasm.Available() {
		t.Skip("the Turso wasm is not built in: run sh tursowasm/fetch.sh")
	}
	e := engine0_7_2
	e.Faults = wasmFaults
	e.ConcurrentParams = "_txlock=concurrent"
	drivertest.RunFaults(t, e)
}

// TestDriver runs the driver's behaviour suite on Turso's engine.
func TestDriver(t *testing.T) {
	if !tursowasm.Available() {
		t.Skip("the Turso wasm is not built in: run sh tursowasm/fetch.sh")
	}
	drivertest.Run(t, engine0_7_2)
}

// TestConcurrentSuite runs the suite of concurrent transactions on Turso's
// engine, where _txlock=concurrent puts the database in MVCC mode and
// BeginConcurrent is the engine's own BEGIN CONCURRENT.
func TestConcurrentSuite(t *testing.T) {
	if !tursowasm.Available() {
		t.Skip("the Turso wasm is not built in: run sh tursowasm/fetch.sh")
	}
	e := engine0_7_2
	e.ConcurrentParams = "_txlock=concurrent"
	drivertest.RunConcurrent(t, e)
}
