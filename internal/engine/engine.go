// Package engine is the boundary between the turso database/sql driver and
// the database engines beneath it.
//
// The root package speaks only to these interfaces. Each engine implements
// them: libSQL's C library through cgo (package internal/libsql, the
// default) and Turso's own engine in its WebAssembly build under wazero
// (package internal/tursowasm); the root package registers the engines
// other than the default by name (Register, Alias), for the DSN's _engine.
// The contract every engine keeps is tested once, on every engine, by
// package internal/enginetest.
//
// The boundary is small and row-oriented: one call binds all arguments,
// one call steps and exposes a whole row, so an engine can serve each of
// those with a single crossing into foreign code. What only some engines
// offer is an optional interface that the driver finds with a type
// assertion, as database/sql/driver does it: column metadata
// (ColumnDeclTyper, ColumnNotNuller, ColumnAffinityer), Go functions
// (FunctionRegistrar), hooks, backup, serialization, checkpoints,
// encryption (extensions.go), and concurrent transactions
// (ConcurrentEngine, concurrent.go).
//
// Concurrency: a Conn and its Stmts are used by one goroutine at a time
// (database/sql guarantees this per driver connection). The only exception
// is Conn.Interrupt, which may be called from any goroutine at any time,
// including concurrently with Close.
package engine

import "time"

// Kind is the storage class of a value, numbered as SQLite numbers its
// fundamental datatypes.
type Kind uint8

// The storage classes.
const (
	KindNull    Kind = 0
	KindInteger Kind = 1
	KindFloat   Kind = 2
	KindText    Kind = 3
	KindBlob    Kind = 4
)

// Value is one bound argument or one column of a result row: Int holds a
// KindInteger, Float a KindFloat, and Data the bytes of a KindText or
// KindBlob (KindBlob with empty Data is an empty blob, not NULL).
//
// In a result row, Data views memory owned by the engine: it is valid only
// until the next Step, Reset or Close of its statement, and callers copy
// what they keep (strings.Clone). As an argument, Data is read during the
// call only.
type Value struct {
	Kind  Kind
	Int   int64
	Float float64
	Data  string
}

// Config is what an engine needs to open a connection.
type Config struct {
	// Path is the file name or URI handed to the engine (a "file:" URI keeps
	// its query string, which the engine interprets; anything else is a
	// plain path or ":memory:").
	Path string
	// ReadOnly opens the database without write access; Create allows the
	// file to be created. With neither, the engine opens read-write.
	ReadOnly bool
	Create   bool
	// Mutex turns on the engine's own per-connection locking, for callers
	// that share a connection between goroutines.
	Mutex bool
	// BusyTimeout is how long a statement waits on a locked database before
	// it fails with a busy error.
	BusyTimeout time.Duration
	// Key, when not empty, is the encryption key of the main database,
	// applied right after the file is opened and before anything reads it;
	// Cipher names the cipher scheme ("" for the engine's default). An
	// engine without encryption refuses a key. No fmt verb prints a Key.
	Key    Secret
	Cipher string
	// Pragmas are the pragmas the driver runs, in order, on every new
	// connection right after Open. The driver runs them itself; they are
	// here so that an engine can refuse, at Open and in CheckConfig, one
	// it would silently ignore or not honour.
	Pragmas []Pragma
}

// Engine opens connections to databases.
type Engine interface {
	// Open opens one connection. The returned error is an *Error when the
	// engine reported the failure.
	Open(cfg Config) (Conn, error)
	// Version reports the engine's name and version, e.g. "libsql 3.45.1".
	Version() string
}

// Conn is one open database connection.
type Conn interface {
	// Prepare compiles the first SQL statement in sql. It returns the
	// statement (nil when sql holds only whitespace or comments) and the
	// unparsed remainder.
	Prepare(sql string) (stmt Stmt, tail string, err error)
	// Exec runs every statement in sql, which takes no arguments, to
	// completion.
	Exec(sql string) error
	// Changes reports the rows changed by the most recent INSERT, UPDATE or
	// DELETE; LastInsertRowID the rowid of the most recent successful INSERT.
	Changes() int64
	LastInsertRowID() int64
	// Autocommit reports whether the connection is outside any transaction.
	Autocommit() bool
	// Interrupt makes the statement running on the connection, if any, fail
	// with an interrupt error as soon as possible. It is safe to call from
	// any goroutine, also after Close (then it does nothing).
	Interrupt()
	// Close releases the connection and every statement still open on it.
	Close() error
}

// Stmt is one prepared statement.
type Stmt interface {
	// SQL returns the text the statement was prepared from.
	SQL() string
	// NumParams reports the highest parameter index; ParamIndex the index of
	// a named parameter including its prefix (":a"), or 0 if there is none.
	NumParams() int
	ParamIndex(name string) int
	// ParamName returns the name of parameter i (1-based) with its prefix,
	// or "" for an anonymous "?" parameter.
	ParamName(i int) string
	// ReadOnly reports whether the statement makes no direct change to the
	// database file.
	ReadOnly() bool

	// Start resets the statement, clears its bindings, binds args[i] to
	// parameter i+1 and takes the first step, as Step does.
	Start(args []Value) (bool, error)
	// Reprepared counts, as of the latest Start, how often the engine has
	// recompiled the statement after a schema change. Column metadata a
	// caller cached is stale once it changes.
	Reprepared() int
	// Step advances to the next row. It returns true with the row available
	// through Row, false once the statement has finished (the statement is
	// then reset and may run again), or an error.
	Step() (bool, error)
	// Exec binds args, steps the statement to completion and resets it,
	// reporting the changes and last insert rowid it left behind.
	Exec(args []Value) (changes, lastInsertID int64, err error)
	// Row returns the current row. The slice and the memory it views belong
	// to the statement and are valid until the next Step, Reset or Close.
	Row() []Value
	// Reset stops the statement and makes it ready to run again, keeping
	// its bindings.
	Reset() error

	// ColumnCount and ColumnName describe the result columns (ColumnName
	// is "" for an index out of range). What else an engine knows of a
	// column it reports through ColumnDeclTyper, ColumnAffinityer and
	// ColumnNotNuller.
	ColumnCount() int
	ColumnName(i int) string

	// Close finalizes the statement. Closing twice is harmless.
	Close() error
}

// ColumnDeclTyper is implemented by the statements of an engine that
// knows the declared type, as written in the schema ("DATETIME",
// "VARCHAR(40)"), of the table column a result column comes straight
// from. The driver reports it as the column's database type name and
// derives from it the scan type, length, precision and scale, and the
// conversion of DATE, DATETIME, TIMESTAMP and BOOLEAN columns, as
// mattn/go-sqlite3 does. Without it, values come back as stored.
type ColumnDeclTyper interface {
	// ColumnDeclType returns the declared type of result column i, or ""
	// for an expression.
	ColumnDeclType(i int) string
}

// ColumnAffinityer is implemented by the statements of an engine that
// knows only the type affinity of the table column a result column comes
// straight from, not its declared type. The driver reports it as the
// column's database type name and picks the scan type by it.
type ColumnAffinityer interface {
	// ColumnAffinity returns INTEGER, TEXT, BLOB, REAL or NUMERIC for
	// result column i, or "" for an expression.
	ColumnAffinity(i int) string
}

// ColumnNotNuller is implemented by the statements of an engine that knows
// whether a result column comes straight from a table column declared NOT
// NULL. Without it, the driver reports nullability as unknown.
type ColumnNotNuller interface {
	// ColumnNotNull reports whether result column i comes straight from a
	// table column declared NOT NULL; known is false for expressions.
	ColumnNotNull(i int) (notNull, known bool)
}
