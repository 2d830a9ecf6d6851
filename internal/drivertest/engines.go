package drivertest

import (
	"testing"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/tursowasm"
)

// LibSQL is the default engine, which has none of the suite's gaps. Its
// concurrent transactions need WAL.
var LibSQL = Engine{
	Name:             "libsql",
	ConcurrentParams: "_journal_mode=WAL",
	// The bank invariant stress test of the concurrent transactions'
	// issue.
	BankTransfers: 10_000,
}

// TursoWasm is Turso's engine 0.7.2 in its WebAssembly build: where it
// differs from libSQL (and so from mattn/go-sqlite3), and why. Each gap
// skips the tests that need it, with its reason. BeginConcurrent is the
// engine's own BEGIN CONCURRENT, in its MVCC journal mode, which
// _txlock=concurrent turns on as each connection opens.
var TursoWasm = Engine{
	Name:   "turso-wasm",
	Params: "_engine=turso-wasm",
	Gaps: map[Gap]string{
		InterruptRunningStep: "the binding has no interrupt and calls into the engine are serialized: a context ends a statement between rows, not inside one long step such as an aggregate over a big join (0.7.2)",
		ConstraintPrimaryKey: "a PRIMARY KEY clash is reported as a UNIQUE constraint (ErrConstraintUnique; the binding carries messages, no extended codes), and a composite key is named k.(a, b) (0.7.2)",
		SharedCache:          "no shared cache: every connection to an in-memory database has its own database (0.7.2)",
		InvalidUTF8:          "the engine stores text as UTF-8 only: SQL text or a text argument that is not valid UTF-8 is refused with an error (0.7.2)",
		ConcurrentForeignKeys: "the engine checks the foreign keys of a concurrent transaction against its snapshot only: a parent deleted by one transaction " +
			"while another inserts its child both commit, and PRAGMA foreign_key_check does not report the orphan (0.7.2, tursodatabase/turso#5955)",
		ConcurrentPickedRowids: "in MVCC mode the engine picks rowids from a per-table counter, not max(rowid)+1: a rolled-back or losing transaction leaves a gap, " +
			"a deleted largest rowid is not picked again, and appending transactions get rowids in the order they insert, not commit (0.7.2, tursodatabase/turso#7474, #7000)",
	},
	UnsupportedParams: turso072Unsupported,
	ConcurrentParams:  "_txlock=concurrent",
	// The wasm build cannot share a file between processes (no
	// multi-process WAL in its file hooks), so the file is locked; its
	// file hooks fail operations on demand.
	Faults: Faults{ExclusiveFile: true, Inject: injectWasm},
}

// TursoNative is Turso's engine 0.7.2 in its native build (the N-API
// addon from npm, through the driver's C N-API host), where the platform
// has it (linux/amd64 with cgo). Its connections run in parallel; its
// gaps are the engine's.
var TursoNative = Engine{
	Name:   "turso-native",
	Params: "_engine=turso-native",
	Gaps: map[Gap]string{
		InterruptRunningStep:   "the binding has no interrupt: a context ends a statement between steps, not inside one long step such as an aggregate over a big join (0.7.2)",
		ConstraintPrimaryKey:   TursoWasm.Gaps[ConstraintPrimaryKey],
		SharedCache:            TursoWasm.Gaps[SharedCache],
		InvalidUTF8:            TursoWasm.Gaps[InvalidUTF8],
		ConcurrentForeignKeys:  TursoWasm.Gaps[ConcurrentForeignKeys],
		ConcurrentPickedRowids: TursoWasm.Gaps[ConcurrentPickedRowids],
	},
	UnsupportedParams: turso072Unsupported,
	ConcurrentParams:  "_txlock=concurrent",
	// The engine locks the file it opens against other processes (without
	// its experimental multi-process WAL); its file I/O is its own, with
	// no hook to fail operations on demand.
	Faults: Faults{ExclusiveFile: true},
}

// turso072Unsupported are the DSN parameters Turso's engine 0.7.2 does not
// honour, in either build.
var turso072Unsupported = map[string]string{
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
}

// injectWasm makes the file operations of the registered wasm engine
// consult fail (Faults.Inject).
func injectWasm(fail func(op, path string) error) (restore func()) {
	e, _, _ := engine.Lookup("turso-wasm")
	w, ok := e.(*tursowasm.Engine)
	if !ok {
		return func() {}
	}
	w.SetFault(func(op tursowasm.Op, path string) error {
		err := fail(string(op), path)
		if err == ErrTrap {
			return tursowasm.ErrTrap
		}
		return err
	})
	return func() { w.SetFault(nil) }
}

// Engines are the engines the driver's suites run on, each where the
// build has it: an engine added here is tested by every suite.
var Engines = []Engine{LibSQL, TursoWasm, TursoNative}

// ForEach runs f in a subtest named after each of Engines, skipping
// (with the reason) an engine the build does not have: libSQL without
// cgo, Turso's engines with -tags turso_libsql_only.
func ForEach(t *testing.T, f func(*testing.T, Engine)) {
	for _, e := range Engines {
		t.Run(e.Name, func(t *testing.T) {
			if _, err := turso.NewConnector(e.dsn(":memory:", "")); err != nil {
				t.Skipf("not in this build: %v", err)
			}
			f(t, e)
		})
	}
}
