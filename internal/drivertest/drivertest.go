// Package drivertest is the turso driver's behaviour test suite, written
// once and run on every engine of Engines (engines.go), and the helpers
// the driver's tests share:
//
//	func TestDriver(t *testing.T) {
//		drivertest.ForEach(t, drivertest.Run)
//	}
//
// Everything goes through database/sql and the driver's exported API, so
// the suite checks what a user of the driver sees. Where an engine is known
// to differ, its Engine lists the gap with the reason, and the tests that
// depend on it are skipped with that reason in their output.
package drivertest

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/turso-go/turso"
)

// Gap names a behaviour of the driver that an engine does not offer.
type Gap string

// The gaps an engine may declare. Each names what the tests it skips need.
const (
	// DeclaredTypes: result columns report the column's declared type
	// (DATETIME, BOOLEAN, VARCHAR(40)), so DATE/DATETIME/TIMESTAMP columns
	// scan as time.Time, BOOLEAN ones as bool, and ColumnType reports the
	// declared type, length and decimal size.
	DeclaredTypes Gap = "declared-types"
	// NotNullInfo: ColumnType.Nullable knows whether a result column's
	// table column is declared NOT NULL.
	NotNullInfo Gap = "not-null-info"
	// InterruptRunningStep: a context that ends interrupts a statement in
	// the middle of one step (a long aggregate that yields no row until it
	// is done), not only between rows.
	InterruptRunningStep Gap = "interrupt-running-step"
	// ConstraintPrimaryKey: a PRIMARY KEY clash fails with
	// SQLITE_CONSTRAINT_PRIMARYKEY (ErrConstraintPrimaryKey) and SQLite's
	// message naming the key's columns.
	ConstraintPrimaryKey Gap = "constraint-primary-key"
	// SharedCache: connections to "file:name?mode=memory&cache=shared"
	// share one in-memory database.
	SharedCache Gap = "shared-cache"
	// InvalidUTF8: text that is not valid UTF-8, in SQL text (a string
	// literal, an identifier) or in a text argument, is taken as it is,
	// as SQLite takes it. An engine with the gap refuses it with a typed
	// error (RunFaults checks that it never fails otherwise).
	InvalidUTF8 Gap = "invalid-utf8"
)

// gaps are the known gaps, for Run's check of an Engine.
var gaps = []Gap{DeclaredTypes, NotNullInfo, InterruptRunningStep, ConstraintPrimaryKey, SharedCache, InvalidUTF8}

// Engine describes the engine the suite runs on.
type Engine struct {
	// Name is the engine's name as _engine takes it ("libsql", "turso").
	Name string
	// Params are DSN parameters every DSN of the suite carries, e.g.
	// "_engine=turso"; empty for the default engine.
	Params string
	// Gaps lists what the engine lacks, each with the reason the tests
	// that need it are skipped, e.g. "no recursive CTEs (0.7.2)".
	Gaps map[Gap]string
	// UnsupportedParams lists the DSN parameters, as the suite writes them
	// ("_journal=truncate"), that the engine cannot honour, each with the
	// reason. The suite checks that sql.Open refuses each with an error
	// naming the engine (never that it is silently ignored).
	UnsupportedParams map[string]string

	// ConcurrentParams are the DSN parameters of a pool whose database
	// takes concurrent transactions, for RunConcurrent: libSQL's need WAL
	// ("_journal_mode=WAL"), Turso's engine MVCC ("_txlock=concurrent"
	// turns it on).
	ConcurrentParams string
	// BankTransfers is how many transfers RunConcurrent's bank invariant
	// test makes (a tenth of it under -short); 0 means 4000.
	BankTransfers int

	// Faults describes how the engine takes faults, for RunFaults.
	Faults Faults
}

// Run runs the whole suite on e, one subtest per behaviour. It fails at
// once when e declares a gap or DSN parameter the suite does not know, or
// one without a reason.
func Run(t *testing.T, e Engine) {
	if err := e.check(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range suite {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, e) })
	}
}

// check reports an error for a gap or unsupported DSN parameter that the
// suite does not know, or that comes without a reason: a typo would
// otherwise skip nothing, silently.
func (e Engine) check() error {
	for g, reason := range e.Gaps {
		if !slices.Contains(gaps, g) {
			return fmt.Errorf("engine %s declares unknown gap %q", e.Name, g)
		}
		if reason == "" {
			return fmt.Errorf("engine %s declares gap %q without a reason", e.Name, g)
		}
	}
	for p, reason := range e.UnsupportedParams {
		if !slices.ContainsFunc(dsnParamTests, func(tt dsnParamTest) bool { return tt.params == p }) {
			return fmt.Errorf("engine %s declares DSN parameter %q unsupported, which the suite does not set", e.Name, p)
		}
		if reason == "" {
			return fmt.Errorf("engine %s declares DSN parameter %q unsupported without a reason", e.Name, p)
		}
	}
	return nil
}

// suite is every test of the suite, in order.
var suite = []struct {
	name string
	run  func(*testing.T, Engine)
}{
	{"OpenPingClose", testOpenPingClose},
	{"OpenMissingDirectory", testOpenMissingDirectory},
	{"TypeRoundTrip", testTypeRoundTrip},
	{"UnsupportedArgument", testUnsupportedArgument},
	{"DeclaredTypeConversion", testDeclaredTypeConversion},
	{"Location", testLocation},
	{"Parameters", testParameters},
	{"ParameterErrors", testParameterErrors},
	{"MultiStatement", testMultiStatement},
	{"Results", testResults},
	{"Transactions", testTransactions},
	{"ReadOnlyTransaction", testReadOnlyTransaction},
	{"CommitFailureRollsBack", testCommitFailureRollsBack},
	{"ConstraintErrors", testConstraintErrors},
	{"SyntaxError", testSyntaxError},
	{"ContextCancelInterrupts", testContextCancelInterrupts},
	{"ContextCancelBetweenRows", testContextCancelBetweenRows},
	{"BusyTimeout", testBusyTimeout},
	{"TxLock", testTxLock},
	{"DSNParametersTakeEffect", testDSNParametersTakeEffect},
	{"DSNURIParameters", testDSNURIParameters},
	{"ConnectorOptions", testConnectorOptions},
	{"ClosedHandles", testClosedHandles},
	{"StatementReuse", testStatementReuse},
	{"SchemaChangeRefreshesCachedStatements", testSchemaChangeRefreshesCachedStatements},
	{"StmtCacheSizes", testStmtCacheSizes},
	{"ColumnTypes", testColumnTypes},
	{"ConcurrentPool", testConcurrentPool},
	{"NoHandleLeaks", testNoHandleLeaks},
	{"NamedParam", testNamedParam},
	{"NamedParamClearBindings", testNamedParamClearBindings},
	{"NotEnoughArgs", testNotEnoughArgs},
	{"ExtraArgs", testExtraArgs},
	{"LeakedRowsReleased", testLeakedRowsReleased},
	{"LeakedRowsOnHeldConn", testLeakedRowsOnHeldConn},
	{"LeakedRowsNoHandleLeak", testLeakedRowsNoHandleLeak},
	{"UnreadResultHoldsNoLock", testUnreadResultHoldsNoLock},
	{"QueryWritesRunInQuery", testQueryWritesRunInQuery},
	{"UnreadResultDetails", testUnreadResultDetails},
	{"ReturningColumnNames", testReturningColumnNames},
	{"TimesThroughJoinsAndReturning", testTimesThroughJoinsAndReturning},
}

// lacks reports whether the engine declares gap g.
func (e Engine) lacks(g Gap) bool {
	_, ok := e.Gaps[g]
	return ok
}

// skipIf skips the test when the engine declares gap g, with its reason.
func (e Engine) skipIf(t testing.TB, g Gap) {
	t.Helper()
	if reason, ok := e.Gaps[g]; ok {
		t.Skipf("%s engine: %s", e.Name, reason)
	}
}

// dsn returns the DSN of path (a file name, ":memory:" or a "file:" URI)
// with the engine's parameters and params.
func (e Engine) dsn(path, params string) string {
	var all []string
	for _, p := range []string{e.Params, params} {
		if p != "" {
			all = append(all, p)
		}
	}
	if len(all) == 0 {
		return path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + strings.Join(all, "&")
}

// open opens a pool on dsn (made by e.dsn) and closes it when the test
// ends.
func open(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("turso", dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close %s: %v", dsn, err)
		}
	})
	return db
}

// openDB opens a pool on a fresh database file in t's temporary directory,
// with the DSN parameters given, and closes it when the test ends.
func (e Engine) openDB(t testing.TB, params string) (*sql.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	return open(t, e.dsn(path, params)), path
}

// connector makes a Connector for dsn (made by e.dsn) with opts.
func connector(t testing.TB, dsn string, opts ...turso.Option) *turso.Connector {
	t.Helper()
	c, err := turso.NewConnector(dsn, opts...)
	if err != nil {
		t.Fatalf("NewConnector(%q): %v", dsn, err)
	}
	return c
}

// Execer is a *sql.DB, *sql.Tx, *sql.Conn or *sql.Stmt-like handle.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// MustExec runs statements that must succeed.
func MustExec(t testing.TB, db Execer, query string, args ...any) sql.Result {
	t.Helper()
	res, err := db.ExecContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("exec %q: %v", query, err)
	}
	return res
}

// OpenConnector opens a pool on a Connector for dsn with opts, and closes
// it when the test ends.
func OpenConnector(t testing.TB, dsn string, opts ...turso.Option) *sql.DB {
	t.Helper()
	db := sql.OpenDB(connector(t, dsn, opts...))
	t.Cleanup(func() { db.Close() })
	return db
}

// Conn takes one connection of db for the rest of the test.
func Conn(t testing.TB, db *sql.DB) *sql.Conn {
	t.Helper()
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatalf("db.Conn: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// QueryString returns the single text value a query yields.
func QueryString(t testing.TB, db *sql.DB, query string, args ...any) string {
	t.Helper()
	var s string
	if err := db.QueryRow(query, args...).Scan(&s); err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
	return s
}

// describe formats a value and its type for failure messages, shortening
// long byte slices.
func describe(v any) string {
	if b, ok := v.([]byte); ok && len(b) > 64 {
		return fmt.Sprintf("%d bytes", len(b))
	}
	return fmt.Sprintf("%#v (%T)", v, v)
}
