package tursobind

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/turso-go/turso/internal/engine"
)

// The binding hands the engine every string as UTF-8 it does not check
// (napi-rs builds a Rust String from the bytes as they are), and the
// engine traps on invalid UTF-8 in SQL text. SQL and Text check what
// reaches it.

// SQL returns the part of sql the engine is to compile: as SQLite reads
// SQL text, it ends at the first NUL byte, and what follows is ignored.
// That part must be valid UTF-8: SQLite would take other bytes as they
// are (in a string literal, say), but the engine stores text as UTF-8
// only, so it is an error rather than a silent change.
func SQL(name, sql string) (string, error) {
	if i := strings.IndexByte(sql, 0); i >= 0 {
		sql = sql[:i]
	}
	if !utf8.ValidString(sql) {
		return "", &engine.Error{Code: engine.CodeError, ExtendedCode: engine.CodeError,
			Message: fmt.Sprintf("%s engine: SQL text is not valid UTF-8 (at byte %d): the engine reads SQL as UTF-8 only", name, invalidAt(sql))}
	}
	return sql, nil
}

// Text checks text argument i (1-based): the engine stores text as UTF-8
// only, so a string that is not valid UTF-8 is refused; bind such bytes
// as a blob ([]byte). NUL bytes are kept, as SQLite keeps them.
func Text(name string, i int, s string) error {
	if utf8.ValidString(s) {
		return nil
	}
	return &engine.Error{Code: engine.CodeMismatch, ExtendedCode: engine.CodeMismatch,
		Message: fmt.Sprintf("%s engine: text argument %d is not valid UTF-8 (at byte %d): the engine stores text as UTF-8 only; bind the bytes as a blob ([]byte)", name, i, invalidAt(s))}
}

// invalidAt returns the offset of the first byte of s that is not part
// of valid UTF-8.
func invalidAt(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
	}
	return len(s)
}
