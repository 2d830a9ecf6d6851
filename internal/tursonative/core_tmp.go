//go:build linux && amd64 && cgo

// TEMPORARY: copies of tursowasm helpers, replaced by package tursocore (git mv) before the branch merges.

package tursonative

import (
	"net/url"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/turso-go/turso/internal/engine"
)

// splitFirst splits sql after its first statement, as sqlite3_prepare's
// tail does: head is the first statement (through its semicolon), tail
// the rest, "" when only whitespace remains (a comment stays in the tail, as
// in sqlite3_prepare's, which the libSQL engine trims the same way). blank reports
// that head holds no statement. The engine itself compiles only the first
// statement of what it is given and does not say where it ended.
//
// It knows SQLite's lexical rules for strings, quoted identifiers and
// comments, and that a CREATE TRIGGER body (BEGIN ... END, with CASE ...
// END inside) holds semicolons.
func splitFirst(sql string) (head, tail string, blank bool) {
	blank = true
	var words []string // the first words, to spot CREATE ... TRIGGER
	trigger, depth := false, 0
	i := 0
	for i < len(sql) {
		c := sql[i]
		switch {
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			if j := strings.IndexByte(sql[i:], '\n'); j >= 0 {
				i += j + 1
			} else {
				i = len(sql)
			}
			continue
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			if j := strings.Index(sql[i+2:], "*/"); j >= 0 {
				i += j + 4
			} else {
				i = len(sql)
			}
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
			continue
		case c == '\'' || c == '"' || c == '`' || c == '[':
			end := byte(c)
			if c == '[' {
				end = ']'
			}
			j := i + 1
			for j < len(sql) {
				if sql[j] == end {
					if end != ']' && j+1 < len(sql) && sql[j+1] == end {
						j += 2
						continue
					}
					break
				}
				j++
			}
			i = min(j+1, len(sql))
			blank = false
			continue
		case c == ';':
			if !trigger || depth == 0 {
				head, rest := sql[:i+1], sql[i+1:]
				if strings.TrimSpace(rest) == "" {
					rest = ""
				}
				return head, rest, blank
			}
			i++
			continue
		case isIdentStart(c):
			j := i + 1
			for j < len(sql) && isIdentPart(sql[j]) {
				j++
			}
			word := strings.ToUpper(sql[i:j])
			blank = false
			if len(words) < 4 {
				words = append(words, word)
				trigger = isCreateTrigger(words)
			}
			if trigger {
				switch word {
				case "BEGIN", "CASE":
					depth++
				case "END":
					depth--
				}
			}
			i = j
			continue
		}
		blank = false
		i++
	}
	return sql, "", blank
}

// isCreateTrigger reports whether a statement's first words are CREATE
// [TEMP|TEMPORARY] TRIGGER.
func isCreateTrigger(words []string) bool {
	if len(words) < 2 || words[0] != "CREATE" {
		return false
	}
	if words[1] == "TRIGGER" {
		return true
	}
	return len(words) >= 3 && (words[1] == "TEMP" || words[1] == "TEMPORARY") && words[2] == "TRIGGER"
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' || c == '$' }

// firstWord returns the first keyword of sql, upper-cased, after
// whitespace and comments; "" if there is none.
func firstWord(sql string) string {
	i := 0
	for i < len(sql) {
		switch c := sql[i]; {
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			j := strings.IndexByte(sql[i:], '\n')
			if j < 0 {
				return ""
			}
			i += j + 1
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			j := strings.Index(sql[i+2:], "*/")
			if j < 0 {
				return ""
			}
			i += j + 4
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == ';':
			i++
		case isIdentStart(c):
			j := i + 1
			for j < len(sql) && isIdentPart(sql[j]) {
				j++
			}
			return strings.ToUpper(sql[i:j])
		default:
			return ""
		}
	}
	return ""
}

// hasDDL reports whether any statement of the script sql may change a
// schema.
func hasDDL(sql string) bool {
	for sql != "" {
		head, tail, _ := splitFirst(sql)
		if isDDL(head) {
			return true
		}
		sql = tail
	}
	return false
}

// The context prefixes the JavaScript binding puts before the engine's
// own message, and those of the engine's error kinds whose message is
// SQLite's ("Parse error: no such table: t" is SQLite's "no such table:
// t").
var messagePrefixes = []string{"step failed: ", "prepare failed: ", "failed to consume stmt: ", "reset failed: ", "IO error: ", "Parse error: ", "Runtime error: "}

// constraintCode matches the result code the engine appends to a
// constraint message ("UNIQUE constraint failed: t.u (19)"), which SQLite's
// message does not have.
var constraintCode = regexp.MustCompile(`(constraint failed.*) \(\d+\)$`)

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
	{"Conflict: ", engine.CodeBusy, engine.CodeBusy},
	{"Database is busy", engine.CodeBusy, engine.CodeBusy},
	{"database is locked", engine.CodeBusy, engine.CodeBusy},
	{"SQL statements in progress", engine.CodeBusy, engine.CodeBusy},
	{"database table is locked", engine.CodeLocked, engine.CodeLocked},
	{"interrupt", engine.CodeInterrupt, engine.CodeInterrupt},
	{"read-only", engine.CodeReadOnly, engine.CodeReadOnly},
	{"in query_only mode", engine.CodeReadOnly, engine.CodeReadOnly},
	{"readonly", engine.CodeReadOnly, engine.CodeReadOnly},
	{"File is not a database", engine.CodeNotADB, engine.CodeNotADB},
	{"Corrupt database", engine.CodeCorrupt, engine.CodeCorrupt},
	{"Database is full", engine.CodeFull, engine.CodeFull},
	{"string or blob too big", engine.CodeTooBig, engine.CodeTooBig},
	{"failed to open database", engine.CodeCantOpen, engine.CodeCantOpen},
	{"I/O error", engine.CodeIOErr, engine.CodeIOErr},
	{"parameter index", engine.CodeRange, engine.CodeRange},
}

// conflicts are the messages of MVCC's conflict detection. It detects a
// write-write conflict eagerly, at the write: the second writer of a row
// fails at once, and the engine rolls its transaction back whole. A
// transaction whose commit depended on one that aborted fails likewise.
var conflicts = []string{"Write-write conflict", "Commit dependency aborted"}

// dbPath is what the engine opens for a driver path: ":memory:", or an
// absolute file name (the engine takes no URIs; mode=ro or immutable=1
// from one makes the connection read-only).
func dbPath(p string) (path string, readOnly bool, err error) {
	if rest, ok := strings.CutPrefix(p, "file:"); ok {
		name, query, _ := strings.Cut(rest, "?")
		params, err := url.ParseQuery(query)
		if err != nil {
			return "", false, err
		}
		if name, err = url.PathUnescape(name); err != nil {
			return "", false, err
		}
		// immutable=1 promises that nothing changes the file: SQLite then
		// refuses writes too.
		readOnly = params.Get("mode") == "ro" || uriBool(params.Get("immutable"))
		if params.Get("mode") == "memory" || name == ":memory:" {
			return ":memory:", readOnly, nil
		}
		p = name
	}
	if p == ":memory:" || p == "" {
		return ":memory:", readOnly, nil
	}
	abs, err := filepath.Abs(p)
	return abs, readOnly, err
}

// uriBool reports whether a URI parameter is true, as
// sqlite3_uri_boolean reads it.
func uriBool(v string) bool {
	switch strings.ToLower(v) {
	case "1", "yes", "true", "on":
		return true
	}
	return false
}

// isDDL reports whether sql is a statement that may change a schema.
func isDDL(sql string) bool {
	switch firstWord(sql) {
	case "CREATE", "DROP", "ALTER":
		return true
	}
	return false
}

// fromMessage turns the message of an exception of the binding into an
// *engine.Error.
func fromMessage(msg string) *engine.Error {
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
	msg = constraintCode.ReplaceAllString(msg, "$1")
	e := &engine.Error{Code: engine.CodeError, ExtendedCode: engine.CodeError, Message: msg}
	for _, m := range errorCodes {
		if strings.Contains(msg, m.contains) {
			e.Code, e.ExtendedCode = m.code, m.extended
			break
		}
	}
	for _, c := range conflicts {
		if strings.Contains(msg, c) {
			e.Conflict = true
			break
		}
	}
	return e
}

// errInterrupted is what a statement interrupted by Conn.Interrupt fails
// with.
func errInterrupted() error {
	return &engine.Error{Code: engine.CodeInterrupt, ExtendedCode: engine.CodeInterrupt, Message: "interrupted"}
}
