package tursobind

import "strings"

// ColumnTypes returns the declared type of each column of a CREATE TABLE
// statement, as written ("DECIMAL(10, 2)"; "" for a column without one),
// in order; nil when the statement has no column list.
func ColumnTypes(create string) []string {
	toks := tokenize(create)
	// The column list is the first parenthesis at depth 0.
	start := -1
	for i, t := range toks {
		if t.text == "(" {
			start = i + 1
			break
		}
		if strings.EqualFold(t.text, "AS") {
			return nil
		}
	}
	if start < 0 {
		return nil
	}
	var types []string
	depth := 0
	def := []token{}
	flush := func() {
		if len(def) == 0 {
			return
		}
		if !tableConstraint[strings.ToUpper(def[0].text)] {
			types = append(types, typeOf(def))
		}
		def = def[:0]
	}
	for _, t := range toks[start:] {
		switch t.text {
		case "(":
			depth++
		case ")":
			if depth == 0 {
				flush()
				return types
			}
			depth--
		case ",":
			if depth == 0 {
				flush()
				continue
			}
		}
		def = append(def, t)
	}
	return nil
}

// tableConstraint are the words that start a table constraint rather than
// a column definition.
var tableConstraint = map[string]bool{"CONSTRAINT": true, "PRIMARY": true, "UNIQUE": true, "CHECK": true, "FOREIGN": true}

// columnConstraint are the words that end a column's type.
var columnConstraint = map[string]bool{
	"CONSTRAINT": true, "PRIMARY": true, "NOT": true, "NULL": true, "UNIQUE": true, "CHECK": true,
	"DEFAULT": true, "COLLATE": true, "REFERENCES": true, "GENERATED": true, "AS": true,
}

// typeOf returns the type in a column definition (its name first): its
// words separated by single spaces and its arguments without spaces
// ("DECIMAL(10,2)"), the form most declarations are written in. (The
// engine stores a normalized CREATE statement, "DECIMAL (10, 2)", so the
// spacing as written is lost.)
func typeOf(def []token) string {
	var b strings.Builder
	depth := 0
	prev := ""
	for _, t := range def[min(1, len(def)):] {
		if depth == 0 && t.word && columnConstraint[strings.ToUpper(t.text)] {
			break
		}
		switch t.text {
		case "(":
			depth++
		case ")":
			depth--
		}
		if b.Len() > 0 && t.text != "(" && t.text != ")" && t.text != "," && prev != "(" && prev != "," {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
		prev = t.text
	}
	return b.String()
}

// token is one token of SQL: its text and where it starts; word marks a
// bare identifier or keyword.
type token struct {
	text string
	pos  int
	word bool
}

// tokenize splits SQL into tokens, dropping whitespace and comments.
func tokenize(sql string) []token {
	var toks []token
	i := 0
	for i < len(sql) {
		c := sql[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case isCommentStart(sql, i):
			i = commentEnd(sql, i)
		case isQuote(c):
			j := quotedEnd(sql, i)
			toks = append(toks, token{text: sql[i:j], pos: i})
			i = j
		case isWordByte(c):
			j := i + 1
			for j < len(sql) && isWordByte(sql[j]) {
				j++
			}
			toks = append(toks, token{text: sql[i:j], pos: i, word: true})
			i = j
		default:
			toks = append(toks, token{text: sql[i : i+1], pos: i})
			i++
		}
	}
	return toks
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}
