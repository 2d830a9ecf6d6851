package slt

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Kind is the type of a sqllogictest record.
type Kind int

// Record kinds.
const (
	// Statement is `statement ok` or `statement error`.
	Statement Kind = iota + 1
	// Query is `query <types> <sort> [label]`.
	Query
	// HashThreshold is `hash-threshold N`.
	HashThreshold
	// Halt is `halt`: stop running the script.
	Halt
)

// String returns the keyword of the record kind.
func (k Kind) String() string {
	switch k {
	case Statement:
		return "statement"
	case Query:
		return "query"
	case HashThreshold:
		return "hash-threshold"
	case Halt:
		return "halt"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// SortMode is how the results of a query are sorted before comparison.
type SortMode int

// Sort modes.
const (
	// NoSort compares the results in the order the engine returned them.
	NoSort SortMode = iota
	// RowSort sorts rows, comparing their formatted values column by column.
	RowSort
	// ValueSort sorts all values independently of rows.
	ValueSort
)

// String returns the keyword of the sort mode.
func (s SortMode) String() string {
	switch s {
	case NoSort:
		return "nosort"
	case RowSort:
		return "rowsort"
	case ValueSort:
		return "valuesort"
	}
	return fmt.Sprintf("SortMode(%d)", int(s))
}

// Condition is a `skipif <engine>` or `onlyif <engine>` guard.
type Condition struct {
	// Skip is true for skipif, false for onlyif.
	Skip bool
	// Engine is the engine name, compared case-insensitively.
	Engine string
}

// Applies reports whether the guard lets the record run on engine.
func (c Condition) Applies(engine string) bool {
	match := strings.EqualFold(c.Engine, engine)
	if c.Skip {
		return !match
	}
	return match
}

// Record is one parsed record of a script.
type Record struct {
	// File is the name given to Parse.
	File string
	// Line is the 1-based line of the record's keyword (after any
	// skipif/onlyif lines), as the reference harness reports it.
	Line int
	// Kind is the record type.
	Kind Kind
	// Conditions are the skipif/onlyif guards preceding the record.
	Conditions []Condition

	// SQL is the statement or query text, lines joined with "\n".
	SQL string

	// ExpectError is true for `statement error`.
	ExpectError bool

	// Types holds one of 'I', 'R', 'T' per result column of a query.
	Types string
	// Sort is the sort mode of a query.
	Sort SortMode
	// Label is the optional label of a query; results with the same label
	// must hash to the same value.
	Label string
	// Expected holds the lines after "----" (one value per line, or a
	// single "N values hashing to <md5>" line). It is nil when the record
	// has no "----" line, which expects an empty result.
	Expected []string
	// ExpectedLine is the line number of the first expected line.
	ExpectedLine int
	// HashCount and Hash are set when the expected block is a hash line.
	HashCount int
	Hash      string

	// Threshold is the argument of hash-threshold.
	Threshold int
}

// ShouldRun reports whether the record's guards let it run on engine.
func (r *Record) ShouldRun(engine string) bool {
	for _, c := range r.Conditions {
		if !c.Applies(engine) {
			return false
		}
	}
	return true
}

// ParseError is a malformed record, located by file and line.
type ParseError struct {
	File string
	Line int
	Msg  string
}

// Error returns "file:line: message".
func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// hashLine matches "N values hashing to <md5>".
var hashLine = regexp.MustCompile(`^(\d+) values hashing to ([0-9a-f]{32})$`)

type line struct {
	no   int
	text string
}

// Parse reads a whole script. Malformed records are reported as
// *ParseError values joined into the returned error (use errors.As or
// [ParseErrors]); the records that did parse are returned as well, so a
// caller may run them and count the malformed ones as failures. Parse
// never panics on bad input.
func Parse(name string, r io.Reader) ([]Record, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
	var (
		records []Record
		errs    []error
		block   []line
		n       int
	)
	flush := func() {
		if len(block) == 0 {
			return
		}
		rec, err := parseRecord(name, block)
		if err != nil {
			errs = append(errs, err)
		} else {
			records = append(records, rec)
		}
		block = block[:0]
	}
	for sc.Scan() {
		n++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			flush()
			continue
		}
		if text[0] == '#' { // comments are skipped everywhere
			continue
		}
		block = append(block, line{n, text})
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, &ParseError{name, n, "read error: " + err.Error()})
	}
	flush()
	return records, errors.Join(errs...)
}

// ParseErrors returns the *ParseError values contained in err, which is
// typically the error returned by [Parse].
func ParseErrors(err error) []*ParseError {
	if err == nil {
		return nil
	}
	var out []*ParseError
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, ParseErrors(e)...)
		}
		return out
	}
	var pe *ParseError
	if errors.As(err, &pe) {
		out = append(out, pe)
	}
	return out
}

// parseRecord parses one block of consecutive non-blank, non-comment lines.
func parseRecord(name string, block []line) (Record, error) {
	rec := Record{File: name}
	fail := func(no int, format string, args ...any) (Record, error) {
		return Record{}, &ParseError{name, no, fmt.Sprintf(format, args...)}
	}
	i := 0
	tok := strings.Fields(block[0].text)
	for tok[0] == "skipif" || tok[0] == "onlyif" {
		if len(tok) < 2 {
			return fail(block[i].no, "%s needs an engine name", tok[0])
		}
		rec.Conditions = append(rec.Conditions, Condition{Skip: tok[0] == "skipif", Engine: tok[1]})
		i++
		if i == len(block) {
			return fail(block[i-1].no, "%s is not followed by a record", tok[0])
		}
		tok = strings.Fields(block[i].text)
	}
	rec.Line = block[i].no
	body := block[i+1:]
	sqlOf := func(lines []line) string {
		parts := make([]string, len(lines))
		for k, l := range lines {
			parts[k] = l.text
		}
		return strings.Join(parts, "\n")
	}

	switch tok[0] {
	case "statement":
		rec.Kind = Statement
		if len(tok) < 2 || (tok[1] != "ok" && tok[1] != "error") {
			return fail(rec.Line, "statement argument should be 'ok' or 'error'")
		}
		rec.ExpectError = tok[1] == "error"
		if len(body) == 0 {
			return fail(rec.Line, "statement without SQL")
		}
		rec.SQL = sqlOf(body)

	case "query":
		rec.Kind = Query
		if len(tok) < 2 {
			return fail(rec.Line, "query: missing type string")
		}
		rec.Types = tok[1]
		for _, c := range rec.Types {
			if c != 'I' && c != 'R' && c != 'T' {
				return fail(rec.Line, "query: unknown type character %q in type string %q", c, rec.Types)
			}
		}
		if len(tok) >= 3 {
			switch tok[2] {
			case "nosort":
				rec.Sort = NoSort
			case "rowsort":
				rec.Sort = RowSort
			case "valuesort":
				rec.Sort = ValueSort
			default:
				return fail(rec.Line, "query: unknown sort method %q", tok[2])
			}
		}
		if len(tok) >= 4 {
			rec.Label = tok[3]
		}
		sep := -1
		for k, l := range body {
			if l.text == "----" {
				sep = k
				break
			}
		}
		sqlLines := body
		if sep >= 0 {
			sqlLines = body[:sep]
			exp := body[sep+1:]
			rec.Expected = make([]string, len(exp))
			for k, l := range exp {
				rec.Expected[k] = l.text
			}
			if len(exp) > 0 {
				rec.ExpectedLine = exp[0].no
			} else {
				rec.ExpectedLine = body[sep].no + 1
			}
		}
		if len(sqlLines) == 0 {
			return fail(rec.Line, "query without SQL")
		}
		rec.SQL = sqlOf(sqlLines)
		if len(rec.Expected) == 1 && strings.Contains(rec.Expected[0], "values hashing to") {
			m := hashLine.FindStringSubmatch(rec.Expected[0])
			if m == nil {
				return fail(rec.ExpectedLine, "malformed hash line %q (want \"N values hashing to <32 hex digits>\")", rec.Expected[0])
			}
			cnt, err := strconv.Atoi(m[1])
			if err != nil {
				return fail(rec.ExpectedLine, "malformed hash count %q", m[1])
			}
			rec.HashCount, rec.Hash = cnt, m[2]
		}

	case "hash-threshold":
		rec.Kind = HashThreshold
		if len(tok) < 2 {
			return fail(rec.Line, "hash-threshold needs a number")
		}
		n, err := strconv.Atoi(tok[1])
		if err != nil || n < 0 {
			return fail(rec.Line, "hash-threshold: bad number %q", tok[1])
		}
		rec.Threshold = n
		if len(body) > 0 {
			return fail(body[0].no, "unexpected text after hash-threshold")
		}

	case "halt":
		rec.Kind = Halt
		if len(body) > 0 {
			return fail(body[0].no, "unexpected text after halt")
		}

	default:
		return fail(rec.Line, "unknown record type %q", tok[0])
	}
	return rec, nil
}
