package main

import (
	"bytes"
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/turso-go/turso/compat/slt"
)

// A causeRule names one cause of turso-engine's failures and the
// failures it explains.
type causeRule struct {
	cause string
	match func(f *slt.Failure) bool
}

// gotMatches matches failures whose Got (for a statement or query that
// failed: "error: " and the message) matches re.
func gotMatches(re string) func(*slt.Failure) bool {
	r := regexp.MustCompile(re)
	return func(f *slt.Failure) bool { return r.MatchString(f.Got) }
}

// groupBy reports whether a failure's SQL groups rows; having whether it
// has a HAVING clause.
func groupBy(f *slt.Failure) bool { return strings.Contains(strings.ToUpper(f.SQL), "GROUP BY") }
func having(f *slt.Failure) bool  { return strings.Contains(strings.ToUpper(f.SQL), "HAVING") }

// wrongRows reports whether a query ran and returned other rows.
func wrongRows(f *slt.Failure) bool { return f.Kind == slt.FailResult || f.Kind == slt.FailHash }

// causeRules are the causes seen in turso-engine's failures on the corpus
// (0.7.2), first match wins. Failures that none matches are grouped by
// their kind and masked message (see cause).
var causeRules = []causeRule{
	{"unsupported: `expr IN table` (IN with a bare table name)", gotMatches(`InTable is not supported`)},
	{"join limit: at most 63 tables in a join (SQLite: 64)", gotMatches(`Only up to \d+ tables can be joined`)},
	{"planner: no join order found for a many-table join (Greedy join ordering: no valid next table)", gotMatches(`Greedy join ordering`)},
	{"refused: an alias of an aggregate used where SQLite resolves it (misuse of aliased aggregate)", gotMatches(`misuse of aliased aggregate`)},
	{"GROUP BY: a grouping column inside an expression (unary +/-, parentheses, arithmetic) reads NULL", func(f *slt.Failure) bool {
		return wrongRows(f) && groupBy(f) && strings.Contains(f.Got, "NULL") && !strings.Contains(f.Expected, "NULL")
	}},
	{"GROUP BY ... HAVING: the HAVING condition keeps or drops the wrong groups", func(f *slt.Failure) bool {
		return wrongRows(f) && having(f)
	}},
	{"GROUP BY: other wrong values (e.g. COALESCE over grouping columns)", func(f *slt.Failure) bool {
		return wrongRows(f) && groupBy(f)
	}},
	{"GROUP BY: queries that must give the same result (one label) differ", func(f *slt.Failure) bool {
		return f.Kind == slt.FailLabel && groupBy(f)
	}},
}

// numbers and quoted matches what varies between failures of one cause in
// an error message: numbers, and quoted names and values.
var (
	numbers = regexp.MustCompile(`\d+`)
	quoted  = regexp.MustCompile("'[^']*'|\"[^\"]*\"|`[^`]*`")
)

// cause returns the cause a failure of turso-engine is grouped under.
func cause(f *slt.Failure) string {
	for _, r := range causeRules {
		if r.match(f) {
			return r.cause
		}
	}
	if msg, ok := strings.CutPrefix(f.Got, "error: "); ok {
		msg = quoted.ReplaceAllString(msg, "…")
		msg = numbers.ReplaceAllString(msg, "N")
		return fmt.Sprintf("%s: %s", f.Kind, msg)
	}
	switch f.Kind {
	case slt.FailResult, slt.FailHash:
		return "different results (values, order or formatting of the rows)"
	case slt.FailStatementOK:
		return "accepts a statement SQLite refuses"
	}
	return f.Kind
}

// causeGroup is the failures of one cause.
type causeGroup struct {
	cause    string
	failures []*slt.Failure
	files    map[string]bool
}

// groupCauses groups a side's failures (allowed or not) by cause, the
// largest group first.
func groupCauses(results map[string]*slt.FileResult) []*causeGroup {
	byCause := map[string]*causeGroup{}
	for _, r := range results {
		for i := range r.Failures {
			f := &r.Failures[i]
			c := cause(f)
			g := byCause[c]
			if g == nil {
				g = &causeGroup{cause: c, files: map[string]bool{}}
				byCause[c] = g
			}
			g.failures = append(g.failures, f)
			g.files[r.File] = true
		}
	}
	groups := make([]*causeGroup, 0, len(byCause))
	for _, g := range byCause {
		slices.SortFunc(g.failures, func(a, b *slt.Failure) int {
			return cmp.Or(strings.Compare(a.File, b.File), a.Line-b.Line)
		})
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(a, b *causeGroup) int {
		return cmp.Or(len(b.failures)-len(a.failures), strings.Compare(a.cause, b.cause))
	})
	return groups
}

// writeEngineCauses writes the section that groups an engine column's
// failures by cause, with an example of each.
func writeEngineCauses(b *bytes.Buffer, e *side) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## %s: divergences by cause\n\n", e.name)
	if e.buildErr != nil {
		p("No results: %s was not built (see above).\n\n", e.name)
		return
	}
	groups := groupCauses(e.results)
	total := 0
	for _, g := range groups {
		total += len(g.failures)
	}
	p("Turso's engine (%s) fails %d of the %d records that ran (pass rate %s). Its failures, grouped by cause (the error's message with numbers and quoted names masked, or the kind of wrong result); one example each:\n\n",
		e.name, total, e.total.Passed+e.total.Failed+e.total.Allowed, passRate(&e.total))
	if len(groups) > 0 {
		p("| cause | failures | files | example |\n|---|---:|---:|---|\n")
		for _, g := range groups {
			f := g.failures[0]
			ex := fmt.Sprintf("%s:%d %s", f.File, f.Line, mdEscape(f.SQL+" → "+f.Got))
			if f.Got == "" || !strings.HasPrefix(f.Got, "error: ") {
				ex = fmt.Sprintf("%s:%d %s", f.File, f.Line, mdEscape(f.SQL+" → expected "+f.Expected+", got "+f.Got))
			}
			p("| %s | %d | %d | %s |\n", mdEscapeText(g.cause), len(g.failures), len(g.files), ex)
		}
		p("\n")
	}
	for _, r := range e.runErrors {
		p("- **no result** (the run crashed or timed out): %s\n", r)
	}
	if len(e.runErrors) > 0 {
		p("\n")
	}
}

// mdEscapeText makes prose safe in a table cell.
func mdEscapeText(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", `\|`)
}
