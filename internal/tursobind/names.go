package tursobind

import "strings"

// Column names of RETURNING clauses. Turso's engine (0.7.2) names a
// RETURNING column by the text of its expression, quotes included:
// INSERT ... RETURNING `id` has a column named "`id`", UPDATE ...
// RETURNING "t"."id" one named "\"t\".\"id\"". SQLite names a column that
// is a plain column reference after the column ("id"), as it does in a
// SELECT (where Turso's engine does too), and ORMs match result columns
// to fields by that name (gorm's Create reads back `id` this way).

// ReturningStatement reports whether sql is a statement whose result
// columns come from a RETURNING clause.
func ReturningStatement(sql string) bool {
	switch FirstWord(sql) {
	case "INSERT", "UPDATE", "DELETE", "REPLACE":
		return true
	}
	return false
}

// ReturningColumnName returns the name SQLite gives a RETURNING column
// that Turso's engine names name: for a column reference (identifiers,
// quoted or not, joined by dots) the last identifier unquoted, for
// anything else name itself.
func ReturningColumnName(name string) string {
	last := ""
	for s := name; ; {
		id, rest, ok := cutIdentifier(s)
		if !ok {
			return name
		}
		last = id
		if rest == "" {
			return last
		}
		if rest[0] != '.' {
			return name
		}
		s = rest[1:]
	}
}

// cutIdentifier splits the identifier at the start of s, bare or quoted
// with "", “ or [], from the rest, returning it unquoted.
func cutIdentifier(s string) (id, rest string, ok bool) {
	if s == "" {
		return "", "", false
	}
	switch q := s[0]; q {
	case '"', '`':
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			if s[i] != q {
				b.WriteByte(s[i])
				continue
			}
			if i+1 < len(s) && s[i+1] == q {
				b.WriteByte(q)
				i++
				continue
			}
			return b.String(), s[i+1:], true
		}
		return "", "", false
	case '[':
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", false
		}
		return s[1:end], s[end+1:], true
	}
	if !isIdentStart(s[0]) {
		return "", "", false
	}
	i := 1
	for i < len(s) && isIdentPart(s[i]) {
		i++
	}
	return s[:i], s[i:], true
}
