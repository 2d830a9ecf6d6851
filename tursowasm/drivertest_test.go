package tursowasm_test

import (
	"testing"

	"github.com/turso-go/turso/internal/drivertest"
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
		drivertest.ConcurrentForeignKeys: "the engine checks the foreign keys of a concurrent transaction against its snapshot only: a parent deleted by one transaction " +
			"while another inserts its child both commit, and PRAGMA foreign_key_check does not report the orphan (0.7.2, tursodatabase/turso#5955)",
		drivertest.ConcurrentPickedRowids: "in MVCC mode the engine picks rowids from a per-table counter, not max(rowid)+1: a rolled-back or losing transaction leaves a gap, " +
			"a deleted largest rowid is not picked again, and appending transactions get rowids in the order they insert, not commit (0.7.2, tursodatabase/turso#7474, #7000)",
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
