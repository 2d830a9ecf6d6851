package turso

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/turso-go/turso/internal/engine"
)

// Error is a failure reported by the database engine. Its message is the
// engine's own (the same text mattn/go-sqlite3 reports); Code and
// ExtendedCode are SQLite's result codes (https://sqlite.org/rescode.html).
//
// Match conditions with errors.Is and the sentinel errors (ErrBusy,
// ErrConstraintUnique, ...), and reach the details with errors.As:
//
//	var e *turso.Error
//	if errors.As(err, &e) { log.Println(e.ExtendedCode, e.SQL) }
type Error struct {
	// Code is the primary result code, e.g. 19 (SQLITE_CONSTRAINT).
	Code int
	// ExtendedCode refines Code, e.g. 2067 (SQLITE_CONSTRAINT_UNIQUE).
	ExtendedCode int
	// SystemErrno is the operating system's error behind a cannot-open or
	// I/O failure, or 0.
	SystemErrno syscall.Errno
	// Message is the engine's description of the failure.
	Message string
	// SQL is the statement that failed, when one did.
	SQL string
	// Err is the Go error that caused the failure, when Go code did: the
	// error with which a commit hook (SetCommitHook) vetoed the commit.
	// Unwrap returns it.
	Err error
}

// Error returns the engine's message, followed by the system error or Err
// if there is one.
func (e *Error) Error() string {
	switch {
	case e.SystemErrno != 0:
		return e.Message + ": " + e.SystemErrno.Error()
	case e.Err != nil:
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns Err, the Go error behind the failure, or nil.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether e is the condition that target, one of the package's
// sentinel errors, names.
func (e *Error) Is(target error) bool {
	s, ok := target.(*sentinel)
	if !ok {
		return false
	}
	if s.extended != 0 {
		return e.ExtendedCode == s.extended
	}
	return e.Code == s.code || (s.alsoCode != 0 && e.Code == s.alsoCode)
}

// sentinel is a condition that errors.Is matches against *Error by code
// (or by alsoCode), or by extended code.
type sentinel struct {
	code, extended int
	alsoCode       int
	text           string
}

func (s *sentinel) Error() string { return s.text }

// Result codes (https://sqlite.org/rescode.html) that the sentinel errors
// match; Error.Code and Error.ExtendedCode hold these numbers.
const (
	CodeError      = engine.CodeError
	CodeInternal   = engine.CodeInternal
	CodeBusy       = engine.CodeBusy
	CodeLocked     = engine.CodeLocked
	CodeReadOnly   = engine.CodeReadOnly
	CodeInterrupt  = engine.CodeInterrupt
	CodeIOErr      = engine.CodeIOErr
	CodeCorrupt    = engine.CodeCorrupt
	CodeFull       = engine.CodeFull
	CodeCantOpen   = engine.CodeCantOpen
	CodeConstraint = engine.CodeConstraint
	CodeMismatch   = engine.CodeMismatch
	CodeMisuse     = engine.CodeMisuse
	CodeRange      = engine.CodeRange
	CodeAuth       = engine.CodeAuth
	CodeNotADB     = engine.CodeNotADB

	CodeConstraintCheck      = CodeConstraint | 1<<8
	CodeConstraintForeignKey = CodeConstraint | 3<<8
	CodeConstraintNotNull    = CodeConstraint | 5<<8
	CodeConstraintPrimaryKey = CodeConstraint | 6<<8
	CodeConstraintTrigger    = CodeConstraint | 7<<8
	CodeConstraintUnique     = CodeConstraint | 8<<8
)

// Sentinel errors for the conditions callers branch on. Each matches, with
// errors.Is, every *Error of that code.
var (
	// ErrBusy: the database file is locked by another connection and the
	// busy timeout ran out.
	ErrBusy error = &sentinel{code: CodeBusy, text: "turso: database is busy"}
	// ErrLocked: a table is locked by another statement of the same
	// connection or of a shared cache.
	ErrLocked error = &sentinel{code: CodeLocked, text: "turso: table is locked"}
	// ErrReadOnly: a write to a database opened read-only or with
	// query_only.
	ErrReadOnly error = &sentinel{code: CodeReadOnly, text: "turso: database is read-only"}
	// ErrInterrupt: the statement was interrupted (by a context's end, the
	// driver then returns the context's error instead).
	ErrInterrupt error = &sentinel{code: CodeInterrupt, text: "turso: interrupted"}
	// ErrConstraint: any constraint violation; the ErrConstraint* errors
	// below narrow it down.
	ErrConstraint           error = &sentinel{code: CodeConstraint, text: "turso: constraint failed"}
	ErrConstraintUnique     error = &sentinel{extended: CodeConstraintUnique, text: "turso: UNIQUE constraint failed"}
	ErrConstraintPrimaryKey error = &sentinel{extended: CodeConstraintPrimaryKey, text: "turso: PRIMARY KEY constraint failed"}
	ErrConstraintForeignKey error = &sentinel{extended: CodeConstraintForeignKey, text: "turso: FOREIGN KEY constraint failed"}
	ErrConstraintNotNull    error = &sentinel{extended: CodeConstraintNotNull, text: "turso: NOT NULL constraint failed"}
	ErrConstraintCheck      error = &sentinel{extended: CodeConstraintCheck, text: "turso: CHECK constraint failed"}
	ErrConstraintTrigger    error = &sentinel{extended: CodeConstraintTrigger, text: "turso: constraint failed in a trigger"}
	// ErrCorrupt: the database file is damaged (SQLITE_CORRUPT: a
	// truncated file, a damaged page) or is not a database at all
	// (SQLITE_NOTADB: a destroyed header, a file of another kind, or an
	// encrypted database read with the wrong key or none, which
	// ErrNotADatabase matches alone). Either way the file cannot be read
	// as it is: restore it from a backup, or give the right key.
	ErrCorrupt error = &sentinel{code: CodeCorrupt, alsoCode: CodeNotADB, text: "turso: database disk image is malformed"}
	// ErrFull: the disk (or the quota, or the database's page limit) is
	// full. The statement, and its transaction if it was to commit it,
	// failed; everything committed before stays.
	ErrFull error = &sentinel{code: CodeFull, text: "turso: database or disk is full"}
	// ErrIO: reading or writing the database's files failed
	// (SQLITE_IOERR; SystemErrno says why).
	ErrIO error = &sentinel{code: CodeIOErr, text: "turso: disk I/O error"}
	// ErrInternal: the engine failed internally (SQLITE_INTERNAL): with
	// Turso's wasm engine, its instance trapped. The connection is
	// unusable and the pool replaces it; committed data is intact.
	ErrInternal error = &sentinel{code: CodeInternal, text: "turso: internal engine error"}
)

// errNoDefaultEngine is returned for a connection to the libSQL engine in
// a program built without cgo.
var errNoDefaultEngine = errors.New(`turso: this program was built without cgo, so it has no libSQL engine; select Turso's engine, which is pure Go, with _engine=turso in the DSN or turso.WithEngine("turso")`)

// errClosed is returned when a closed connection, statement or result set
// is used.
var errClosed = errors.New("turso: use of a closed connection, statement or rows")

// wrapErr turns an engine failure into an *Error carrying the SQL that
// failed, and the conflict of a concurrent transaction into a
// *ConflictError. Other errors pass through unchanged.
func wrapErr(err error, sql string) error {
	var ce *engine.ConflictError
	if errors.As(err, &ce) {
		out := &ConflictError{Table: ce.Table, RowID: ce.RowID, reason: ce.Reason}
		if ce.Err != nil {
			out.Err = toError(ce.Err, sql)
		}
		return out
	}
	var ee *engine.Error
	if !errors.As(err, &ee) {
		if errors.Is(err, engine.ErrClosed) {
			return errClosed
		}
		return err
	}
	return toError(ee, sql)
}

// toError converts an engine's *engine.Error. No fmt verb may print a
// key: the SQL that set one (PRAGMA key, ...) keeps it out of the error.
func toError(ee *engine.Error, sql string) *Error {
	e := &Error{Code: ee.Code, ExtendedCode: ee.ExtendedCode, SystemErrno: ee.SystemErrno, Message: ee.Message, SQL: sql, Err: ee.Err}
	redactError(e)
	return e
}

// ctxErr returns the context's error in place of err when the context ended
// while the statement ran: the engine's interrupt error then only says
// that the driver stopped the statement because of it.
func ctxErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	return err
}

// Sentinel errors for arguments that do not fit a statement; every
// *ArgError matches one of them with errors.Is.
var (
	// ErrMissingArgument: a parameter of the statement was given no value.
	ErrMissingArgument = errors.New("turso: missing argument")
	// ErrExtraArgument: more positional arguments than the statement (or
	// the statements of a multi-statement query) have parameters.
	ErrExtraArgument = errors.New("turso: extra argument")
	// ErrArgumentType: an argument of a type the driver cannot bind.
	ErrArgumentType = errors.New("turso: unsupported argument type")
)

// ArgError reports arguments that do not fit a statement. Its message for
// a missing argument is mattn/go-sqlite3's, word for word ("not enough
// args to execute query: want 2 got 1"), so that code and tests that
// match the text keep working; the fields give the detail, and errors.Is
// matches the kind (ErrMissingArgument, ErrExtraArgument,
// ErrArgumentType):
//
//	var ae *turso.ArgError
//	if errors.As(err, &ae) { log.Println(ae.Param, ae.SQL) }
//
// A named argument that matches no parameter is not an error: it is
// ignored, as mattn ignores it, so that one set of sql.Named values can
// serve several statements.
type ArgError struct {
	// Err is the kind of mistake: ErrMissingArgument, ErrExtraArgument or
	// ErrArgumentType.
	Err error
	// SQL is the statement the arguments were given to.
	SQL string
	// Want is the number of parameters (the highest parameter index); Got
	// is, for ErrMissingArgument, how many of them were given a value, for
	// ErrExtraArgument the number of positional arguments.
	Want, Got int
	// Param is the first parameter left without a value, as the SQL
	// writes it (":id", "@id", "$id", "?2"), for ErrMissingArgument.
	Param string
	// Type is the Go type of the argument, for ErrArgumentType.
	Type string
}

// Error returns mattn/go-sqlite3's message for a missing argument, and
// the driver's own, prefixed "turso:", for the other kinds.
func (e *ArgError) Error() string {
	switch e.Err {
	case ErrMissingArgument:
		return fmt.Sprintf("not enough args to execute query: want %d got %d", e.Want, e.Got)
	case ErrExtraArgument:
		return fmt.Sprintf("turso: too many args to execute query: want %d got %d", e.Want, e.Got)
	}
	return fmt.Sprintf("turso: unsupported argument type %s", e.Type)
}

// Unwrap returns the kind, for errors.Is.
func (e *ArgError) Unwrap() error { return e.Err }
