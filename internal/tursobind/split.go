package tursobind

import "strings"

// SplitFirst splits sql after its first statement, as sqlite3_prepare's
// tail does: head is the first statement (through its semicolon), tail
// the rest, "" when only whitespace remains (a comment stays in the tail, as
// in sqlite3_prepare's, which the libSQL engine trims the same way). blank reports
// that head holds no statement. The engine itself compiles only the first
// statement of what it is given and does not say where it ended.
//
// It knows SQLite's lexical rules for strings, quoted identifiers and
// comments, and that a CREATE TRIGGER body (BEGIN ... END, with CASE ...
// END inside) holds semicolons.
func SplitFirst(sql string) (head, tail string, blank bool) {
	blank = true
	var words []string // the first words, to spot CREATE ... TRIGGER
	trigger, depth := false, 0
	i := 0
	for i < len(sql) {
		c := sql[i]
		switch {
		case isCommentStart(sql, i):
			i = commentEnd(sql, i)
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
			continue
		case isQuote(c):
			i = quotedEnd(sql, i)
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

// FirstWord returns the first keyword of sql, upper-cased, after
// whitespace and comments; "" if there is none.
func FirstWord(sql string) string {
	i := 0
	for i < len(sql) {
		switch c := sql[i]; {
		case isCommentStart(sql, i):
			i = commentEnd(sql, i)
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

// isCommentStart reports whether a comment ("--" or "/*") starts at
// sql[i]; commentEnd returns where it ends (the end of sql for one left
// open).
func isCommentStart(sql string, i int) bool {
	return strings.HasPrefix(sql[i:], "--") || strings.HasPrefix(sql[i:], "/*")
}

func commentEnd(sql string, i int) int {
	if sql[i] == '-' {
		if j := strings.IndexByte(sql[i:], '\n'); j >= 0 {
			return i + j + 1
		}
		return len(sql)
	}
	if j := strings.Index(sql[i+2:], "*/"); j >= 0 {
		return i + j + 4
	}
	return len(sql)
}

// isQuote reports whether c opens a string or a quoted identifier;
// quotedEnd returns where the one starting at sql[i] ends (after its
// closing quote; a doubled quote inside stands for itself).
func isQuote(c byte) bool { return c == '\'' || c == '"' || c == '`' || c == '[' }

func quotedEnd(sql string, i int) int {
	end := sql[i]
	if end == '[' {
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
	return min(j+1, len(sql))
}

// HasDDL reports whether any statement of the script sql may change a
// schema.
func HasDDL(sql string) bool {
	for sql != "" {
		head, tail, _ := SplitFirst(sql)
		if IsDDL(head) {
			return true
		}
		sql = tail
	}
	return false
}

// IsDDL reports whether sql is a statement that may change a schema.
func IsDDL(sql string) bool {
	switch FirstWord(sql) {
	case "CREATE", "DROP", "ALTER":
		return true
	}
	return false
}
