package behave

import (
	"fmt"
	"path"
	"strings"
)

// Exception is a documented difference between turso's behaviour and
// mattn/go-sqlite3's (the golden output): lines whose key matches Pattern
// (path.Match syntax over "case/key", so '*' does not cross '/') may
// differ, for Reason.
type Exception struct {
	Pattern string
	Reason  string
}

// Exceptions lists every accepted difference of turso from mattn's
// output. Each must still occur: the test reports an exception that
// matches no differing line as stale.
var Exceptions = []Exception{
	{"engine/sqlite_version",
		"turso links libSQL (SQLite 3.45.1), mattn v1.14.53 bundles SQLite 3.54.1"},
	{"roundtrip/float64-inf",
		"engine version: quote(+Inf) is 'Inf' in SQLite 3.45 and 9.0e+999 since 3.47"},
	{"large/float-*/sqlite",
		"engine version: SQLite 3.45 renders a REAL as text with 15 significant digits, newer versions with up to 17 (so length() differs)"},
	{"timeloc/loc=_loc=bogus/zone",
		"both reject an unknown _loc; turso's message names the DSN parameter"},
	{"errors/too-many-args/*",
		"turso rejects arguments beyond the statement's parameters; mattn silently ignores them"},
	{"params/unknown-named",
		"a parameter that no argument names is an error (\"not enough args\"); mattn counts the arguments only, and binds NULL to :a when the one argument given is named z"},
	{"params/no-args-needed",
		"turso rejects arguments given to a statement without parameters; mattn ignores them"},
	{"schema/prepared-after-drop",
		"a query that only reads runs at its first Next, as with mattn up to v1.14.32 (gorm's pin): the first step's error (no such table) comes from Next, not from Query; mattn v1.14.53 steps in Query"},
	{"result/returning",
		"mattn reports a stale RowsAffected (the changes of an earlier statement) for INSERT ... RETURNING run through Exec; turso reports 1, the row inserted"},
	{"multi/exec-trailing",
		"mattn returns the result of the empty trailing statement (0/0) after \"INSERT ...; -- comment ;;\"; turso returns the INSERT's result"},
	{"coltypes/*/*/i", "turso reports NOT NULL columns as not nullable (false,true); mattn always says (true,true)"},
	{"coltypes/*/*/renamed", "turso reports NOT NULL columns as not nullable (false,true); mattn always says (true,true)"},
	{"coltypes/exprs/*/*", "turso does not claim nullability for expressions (ok=false); mattn always says (true,true)"},
	{"coltypes/*/*/vc", "turso reports Length from VARCHAR(N)/CHAR(N); mattn does not implement Length"},
	{"coltypes/*/*/ch", "turso reports Length from VARCHAR(N)/CHAR(N); mattn does not implement Length"},
	{"coltypes/*/*/dec", "turso reports DecimalSize from DECIMAL(p,s); mattn does not implement DecimalSize"},
	{"tx/read-only-option/write", "turso enforces TxOptions.ReadOnly (PRAGMA query_only); mattn ignores it"},
	{"tx/read-committed-option", "turso rejects isolation levels SQLite cannot provide; mattn ignores the level"},
	{"tx/linearizable-option", "turso rejects isolation levels SQLite cannot provide; mattn ignores the level"},
}

// Line is one output line split into its key ("case/key") and value.
type Line struct {
	Key, Value string
}

// ParseOutput splits behave output into lines; a line without ": " is
// kept whole as a key with an empty value.
func ParseOutput(out string) []Line {
	var lines []Line
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		k, v, _ := strings.Cut(l, ": ")
		lines = append(lines, Line{k, v})
	}
	return lines
}

// Diff is one key whose value differs between the reference (mattn) and
// the driver under test.
type Diff struct {
	Key       string
	Reference string // "(missing)" when the key is absent
	Got       string // "(missing)" when the key is absent
	// Exception is the documented exception covering the key, if any.
	Exception *Exception
}

// String renders the diff on two lines.
func (d Diff) String() string {
	s := fmt.Sprintf("%s:\n\tmattn: %s\n\tturso: %s", d.Key, d.Reference, d.Got)
	if d.Exception != nil {
		s += "\n\texception: " + d.Exception.Reason
	}
	return s
}

// Compare diffs the driver's output against the reference output, line by
// key, attaching the exception covering each difference. It also returns
// the exceptions that matched no difference (stale ones).
func Compare(reference, got string, exceptions []Exception) (diffs []Diff, stale []Exception) {
	ref, gl := ParseOutput(reference), ParseOutput(got)
	gotByKey := map[string]string{}
	for _, l := range gl {
		gotByKey[l.Key] = l.Value
	}
	refKeys := map[string]bool{}
	used := make([]bool, len(exceptions))
	match := func(key string) *Exception {
		for i := range exceptions {
			if ok, _ := path.Match(exceptions[i].Pattern, key); ok {
				used[i] = true
				return &exceptions[i]
			}
		}
		return nil
	}
	for _, l := range ref {
		refKeys[l.Key] = true
		g, ok := gotByKey[l.Key]
		if !ok {
			g = "(missing)"
		}
		if g != l.Value {
			diffs = append(diffs, Diff{Key: l.Key, Reference: l.Value, Got: g, Exception: match(l.Key)})
		}
	}
	for _, l := range gl {
		if !refKeys[l.Key] {
			diffs = append(diffs, Diff{Key: l.Key, Reference: "(missing)", Got: l.Value, Exception: match(l.Key)})
		}
	}
	for i, e := range exceptions {
		if !used[i] {
			stale = append(stale, e)
		}
	}
	return diffs, stale
}
