package tursobind

import (
	"regexp"
	"strings"
	"sync"

	"github.com/turso-go/turso/internal/engine"
)

// The context prefixes the JavaScript binding puts before the engine's
// own message, and those of the engine's error kinds whose message is
// SQLite's ("Parse error: no such table: t" is SQLite's "no such table:
// t").
var messagePrefixes = []string{"step failed: ", "prepare failed: ", "failed to consume stmt: ", "reset failed: ", "IO error: ", "Parse error: ", "Runtime error: "}

// constraintCode matches the result code the engine appends to a
// constraint message ("UNIQUE constraint failed: t.u (19)"), which SQLite's
// message does not have. Compiled on the first error, not at init.
var constraintCode = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(constraint failed.*) \(\d+\)$`)
})

// errorCodes maps the engine's messages to SQLite result codes: the
// binding reports every failure as GenericFailure with a message, so the
// message is all there is to go on. The first match wins.
var errorCodes = []struct {
	contains       string
	code, extended int
}{
	{"UNIQUE constraint failed", engine.CodeConstraint, engine.CodeConstraint | 8<<8},
	{"PRIMARY KEY constraint failed", engine.CodeConstraint, engine.CodeConstraint | 6<<8},
	{"NOT NULL constraint failed", engine.CodeConstraint, engine.CodeConstraint | 5<<8},
	{"CHECK constraint failed", engine.CodeConstraint, engine.CodeConstraint | 1<<8},
	{"FOREIGN KEY constraint failed", engine.CodeConstraint, engine.CodeConstraint | 3<<8},
	{"foreign key constraint failed", engine.CodeConstraint, engine.CodeConstraint | 3<<8}, // a deferred one, at commit
	{"constraint failed", engine.CodeConstraint, engine.CodeConstraint},
	{"Database snapshot is stale", engine.CodeBusy, engine.CodeBusy | 2<<8},
	// The conflicts (see conflicts), as SQLite's BEGIN CONCURRENT reports
	// its own: SQLITE_BUSY_SNAPSHOT.
	{"Write-write conflict", engine.CodeBusy, engine.CodeBusy | 2<<8},
	{"Commit dependency aborted", engine.CodeBusy, engine.CodeBusy | 2<<8},
	{"Database schema conflict", engine.CodeBusy, engine.CodeBusy | 2<<8},
	{"Database schema changed", engine.CodeBusy, engine.CodeBusy | 2<<8},
	{"Transaction terminated", engine.CodeBusy, engine.CodeBusy | 2<<8},
	{"Conflict: ", engine.CodeBusy, engine.CodeBusy},
	{"Database is busy", engine.CodeBusy, engine.CodeBusy},
	{"database is locked", engine.CodeBusy, engine.CodeBusy},
	{"SQL statements in progress", engine.CodeBusy, engine.CodeBusy},
	// Another process holds the file (the native engine's own lock).
	{"locked by another process", engine.CodeBusy, engine.CodeBusy},
	{"already open without experimental multiprocess WAL", engine.CodeBusy, engine.CodeBusy},
	{"database table is locked", engine.CodeLocked, engine.CodeLocked},
	{"interrupt", engine.CodeInterrupt, engine.CodeInterrupt},
	{"read-only", engine.CodeReadOnly, engine.CodeReadOnly},
	{"in query_only mode", engine.CodeReadOnly, engine.CodeReadOnly},
	{"readonly", engine.CodeReadOnly, engine.CodeReadOnly},
	// A wrong key or cipher fails to decrypt page 1; no key reads an
	// encrypted file as garbage: SQLite (and libSQL) report both as "file
	// is not a database".
	{"File is not a database", engine.CodeNotADB, engine.CodeNotADB},
	{"Decryption failed", engine.CodeNotADB, engine.CodeNotADB},
	{"Database is encrypted but no encryption options", engine.CodeNotADB, engine.CodeNotADB},
	// A file whose header is not a database's: SQLite says SQLITE_NOTADB.
	{"in database header", engine.CodeNotADB, engine.CodeNotADB},
	{"Corrupt database", engine.CodeCorrupt, engine.CodeCorrupt},
	// A page the file is too short to hold: the file was truncated.
	{"short read on page", engine.CodeCorrupt, engine.CodeCorrupt},
	{"Database is full", engine.CodeFull, engine.CodeFull},
	{"No space left on device", engine.CodeFull, engine.CodeFull},
	{"no storage space", engine.CodeFull, engine.CodeFull}, // the native build's ENOSPC
	{"string or blob too big", engine.CodeTooBig, engine.CodeTooBig},
	{"failed to open database", engine.CodeCantOpen, engine.CodeCantOpen},
	{"I/O error", engine.CodeIOErr, engine.CodeIOErr},
	{"parameter index", engine.CodeRange, engine.CodeRange},
}

// conflicts are the messages of MVCC's conflict detection, each a
// conflict that running the transaction again may not meet. It detects a
// write-write conflict eagerly, at the write: the second writer of a row
// fails at once, and the engine rolls its transaction back whole. A
// transaction whose commit depended on one that aborted fails likewise,
// and so does, at COMMIT, one that began before another connection changed
// the schema. A transaction the engine ended is "terminated".
var conflicts = []string{"Write-write conflict", "Commit dependency aborted", "Database schema conflict", "Database schema changed", "Transaction terminated"}

// Classify turns the message of an error the binding threw into an
// *engine.Error with the matching result codes, inside an
// *engine.ConflictError for a conflict of concurrent transactions.
func Classify(msg string) error {
	for {
		trimmed := msg
		for _, p := range messagePrefixes {
			trimmed = strings.TrimPrefix(trimmed, p)
		}
		if trimmed == msg {
			break
		}
		msg = trimmed
	}
	msg = constraintCode().ReplaceAllString(msg, "$1")
	e := &engine.Error{Code: engine.CodeError, ExtendedCode: engine.CodeError, Message: msg}
	for _, m := range errorCodes {
		if strings.Contains(msg, m.contains) {
			e.Code, e.ExtendedCode = m.code, m.extended
			break
		}
	}
	for _, c := range conflicts {
		if strings.Contains(msg, c) {
			return &engine.ConflictError{Err: e}
		}
	}
	return e
}

// Interrupted is what a statement interrupted by Conn.Interrupt fails
// with.
func Interrupted() error {
	return &engine.Error{Code: engine.CodeInterrupt, ExtendedCode: engine.CodeInterrupt, Message: "interrupted"}
}
