// Package enginetest is the contract of package engine, written once and
// run on every engine: binding and stepping, errors and their codes,
// statement and connection lifecycles, re-preparation after schema
// changes, interrupts, busy waits and column metadata. What an engine
// does beyond the contract (libSQL's memory accounting, Turso's MVCC, the
// wasm module's loading) is tested in the engine's own package.
//
//	func TestContract(t *testing.T) {
//		enginetest.Run(t, enginetest.Engine{Name: "libsql", Engine: libsql.Engine{}})
//	}
//
// The engines the driver ships are listed once, in this package's tests
// (engines_test.go): one line adds an engine to the contract.
package enginetest

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/turso-go/turso/internal/engine"
)

// Gap names a part of the contract that an engine does not keep, or an
// optional interface that it does not implement.
type Gap string

// The gaps an engine may declare.
const (
	// DeclTypes: statements implement engine.ColumnDeclTyper. An engine
	// with this gap must not implement it (the driver then degrades, as
	// it should, instead of trusting a wrong type).
	DeclTypes Gap = "decl-types"
	// NotNull: statements implement engine.ColumnNotNuller. An engine
	// with this gap must not implement it.
	NotNull Gap = "not-null"
	// InterruptInStep: Interrupt stops a statement in the middle of one
	// long step, not only at the next step.
	InterruptInStep Gap = "interrupt-in-step"
	// SharedMemory: connections to "file:name?mode=memory&cache=shared"
	// share one in-memory database.
	SharedMemory Gap = "shared-memory"
)

var gaps = []Gap{DeclTypes, NotNull, InterruptInStep, SharedMemory}

// Engine is an engine under test.
type Engine struct {
	// Name names the engine in test output ("libsql", "turso-wasm").
	Name   string
	Engine engine.Engine
	// Gaps lists what the engine lacks, each with the reason.
	Gaps map[Gap]string
}

// Run runs the whole contract on e, one subtest per part.
func Run(t *testing.T, e Engine) {
	for g, reason := range e.Gaps {
		if !slices.Contains(gaps, g) || reason == "" {
			t.Fatalf("engine %s declares gap %q, unknown or without a reason", e.Name, g)
		}
	}
	for _, tt := range contract {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, e) })
	}
}

// contract is every test of the contract, in order.
var contract = []struct {
	name string
	run  func(*testing.T, Engine)
}{
	{"BindStepTypes", testBindStepTypes},
	{"EmptyIsNotNull", testEmptyIsNotNull},
	{"BindManyBlobs", testBindManyBlobs},
	{"Params", testParams},
	{"TailAndBlank", testTailAndBlank},
	{"StatementLifecycle", testStatementLifecycle},
	{"ChangesAndAutocommit", testChangesAndAutocommit},
	{"ErrorCodes", testErrorCodes},
	{"FailedStatementRunsAgain", testFailedStatementRunsAgain},
	{"OpenFailures", testOpenFailures},
	{"Connections", testConnections},
	{"ReadOnly", testReadOnly},
	{"ReprepareAfterSchemaChange", testReprepareAfterSchemaChange},
	{"InterruptBetweenSteps", testInterruptBetweenSteps},
	{"InterruptInStep", testInterruptInStep},
	{"InterruptAndCloseFromOtherGoroutines", testInterruptAndClose},
	{"BusyTimeout", testBusyTimeout},
	{"ColumnNames", testColumnNames},
	{"ColumnDeclTypes", testColumnDeclTypes},
	{"ColumnNotNull", testColumnNotNull},
	{"SetPragmas", testSetPragmas},
	{"Version", testVersion},
}

// skipIf skips the test when the engine declares gap g, with its reason.
func (e Engine) skipIf(t *testing.T, g Gap) {
	t.Helper()
	if reason, ok := e.Gaps[g]; ok {
		t.Skipf("%s: %s", e.Name, reason)
	}
}

// implements checks that the engine implements an optional interface
// (ok) exactly when it does not declare gap g, and skips the rest of the
// test when it declares it.
func (e Engine) implements(t *testing.T, g Gap, ok bool, iface string) {
	t.Helper()
	if _, gap := e.Gaps[g]; gap {
		if ok {
			t.Errorf("%s declares the gap %q but implements %s", e.Name, g, iface)
		}
		e.skipIf(t, g)
	}
	if !ok {
		t.Fatalf("%s does not implement %s (declare the gap %q if the engine lacks it)", e.Name, iface, g)
	}
}

// open opens a connection with cfg (Path relative to a new temporary
// directory unless it is ":memory:" or a URI) and closes it when the test
// ends.
func (e Engine) open(t *testing.T, cfg engine.Config) engine.Conn {
	t.Helper()
	c, err := e.Engine.Open(cfg)
	if err != nil {
		t.Fatalf("%s: Open(%q): %v", e.Name, cfg.Path, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// openFile opens a connection to a new database file, returning its path.
func (e Engine) openFile(t *testing.T) (engine.Conn, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	return e.open(t, engine.Config{Path: path, Create: true}), path
}

// exec runs sql on c and fails the test on error.
func exec(t testing.TB, c engine.Conn, sql string) {
	t.Helper()
	if err := c.Exec(sql); err != nil {
		t.Fatalf("Exec(%q): %v", sql, err)
	}
}

// prepare prepares one whole statement and closes it when the test ends.
func prepare(t testing.TB, c engine.Conn, sql string) engine.Stmt {
	t.Helper()
	s, tail, err := c.Prepare(sql)
	if err != nil || s == nil || tail != "" {
		t.Fatalf("Prepare(%q) = %v, tail %q, %v", sql, s, tail, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// QueryAll runs sql with args on c and returns its rows, copied; it fails
// the test on error. The engines' own tests use it too.
func QueryAll(t testing.TB, c engine.Conn, sql string, args ...engine.Value) [][]engine.Value {
	t.Helper()
	s, tail, err := c.Prepare(sql)
	if err != nil || s == nil || tail != "" {
		t.Fatalf("Prepare(%q) = %v, tail %q, %v", sql, s, tail, err)
	}
	defer s.Close()
	var rows [][]engine.Value
	more, err := s.Start(args)
	for ; more && err == nil; more, err = s.Step() {
		row := slices.Clone(s.Row())
		for i := range row {
			row[i].Data = strings.Clone(row[i].Data)
		}
		rows = append(rows, row)
	}
	if err != nil {
		t.Fatalf("query %q: %v", sql, err)
	}
	return rows
}

// queryInt returns the one integer sql yields.
func queryInt(t *testing.T, c engine.Conn, sql string) int64 {
	t.Helper()
	rows := QueryAll(t, c, sql)
	if len(rows) != 1 || len(rows[0]) != 1 || rows[0][0].Kind != engine.KindInteger {
		t.Fatalf("%s = %v, want one integer", sql, rows)
	}
	return rows[0][0].Int
}

// code returns the codes of err, an *engine.Error, or fails the test.
func code(t *testing.T, what string, err error) *engine.Error {
	t.Helper()
	ee, ok := err.(*engine.Error)
	if !ok {
		t.Fatalf("%s: %v (%T), want an *engine.Error", what, err, err)
	}
	return ee
}

// text, integer, float and blob make arguments.
func text(s string) engine.Value   { return engine.Value{Kind: engine.KindText, Data: s} }
func integer(i int64) engine.Value { return engine.Value{Kind: engine.KindInteger, Int: i} }
func float(f float64) engine.Value { return engine.Value{Kind: engine.KindFloat, Float: f} }
func blob(b string) engine.Value   { return engine.Value{Kind: engine.KindBlob, Data: b} }

// show formats a value for a failure message.
func show(v engine.Value) string { return fmt.Sprintf("%+v", v) }

// same reports whether two values are equal.
func same(a, b engine.Value) bool {
	return a.Kind == b.Kind && a.Int == b.Int && a.Float == b.Float && a.Data == b.Data
}
