package slt

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// DefaultHashThreshold is the hash threshold a script starts with, as in
// the reference harness: results with more values are compared by hash.
const DefaultHashThreshold = 8

// DefaultEngine is the engine name matched by skipif/onlyif.
const DefaultEngine = "sqlite"

// Failure kinds, the Kind field of a [Failure].
const (
	FailParse          = "parse error"
	FailStatement      = "statement failed"
	FailStatementOK    = "statement should have failed"
	FailQuery          = "query failed"
	FailColumns        = "wrong number of columns"
	FailResult         = "wrong result"
	FailHash           = "wrong result hash"
	FailLabel          = "label mismatch"
	FailOpen           = "cannot open database"
	FailRecordTimedOut = "timed out"
)

// Failure is one record that did not behave as the script expects.
type Failure struct {
	// File and Line locate the record (the line of its keyword).
	File string `json:"file"`
	Line int    `json:"line"`
	// Kind is one of the Fail* constants.
	Kind string `json:"kind"`
	// SQL is the record's SQL text.
	SQL string `json:"sql,omitempty"`
	// Expected and Got describe the expected and actual outcome.
	Expected string `json:"expected,omitempty"`
	Got      string `json:"got,omitempty"`
	// Allowed is set (by the caller) when an allow-list entry covers the
	// failure; AllowReason is that entry's reason.
	Allowed     bool   `json:"allowed,omitempty"`
	AllowReason string `json:"allow_reason,omitempty"`
}

// String renders the failure on one line: location, kind, SQL, expected
// and got.
func (f Failure) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d: %s", f.File, f.Line, f.Kind)
	if f.SQL != "" {
		fmt.Fprintf(&b, ": %s", oneLine(f.SQL, 200))
	}
	if f.Expected != "" || f.Got != "" {
		fmt.Fprintf(&b, ": expected %s, got %s", oneLine(f.Expected, 300), oneLine(f.Got, 300))
	}
	if f.Allowed {
		fmt.Fprintf(&b, " [allowed: %s]", f.AllowReason)
	}
	return b.String()
}

// oneLine collapses whitespace runs and truncates to max bytes.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}

// FileResult is the outcome of one script.
type FileResult struct {
	// File is the script's name.
	File string `json:"file"`
	// Records counts statement and query records (and malformed ones):
	// Records == Passed + Failed + Skipped + Allowed.
	Records int `json:"records"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	// Allowed counts failures covered by an allow-list (see
	// [AllowList.Apply]); they are not counted in Failed.
	Allowed int `json:"allowed"`
	// Halted is the line of the halt record that stopped the script, or 0.
	Halted int `json:"halted,omitempty"`
	// Duration is the wall time spent on the script.
	Duration time.Duration `json:"duration_ns"`
	// Failures lists the failing records in script order.
	Failures []Failure `json:"failures,omitempty"`
}

// Runner executes sqllogictest scripts on fresh databases.
type Runner struct {
	// Open opens a database at path, a file name in a fresh empty
	// directory. The runner closes the database after the script. It
	// should limit the pool to one connection (db.SetMaxOpenConns(1)) and
	// may set pragmas such as synchronous=OFF, as the reference does.
	Open func(path string) (*sql.DB, error)
	// Engine is the name skipif/onlyif match; empty means "sqlite".
	Engine string
	// Timeout bounds each record's execution when positive.
	Timeout time.Duration
	// TempDir is where database directories are created; empty means
	// os.TempDir().
	TempDir string
	// Progress, when set, is called after every record with the script
	// name and the number of records processed so far in it.
	Progress func(file string, done int)
}

// RunFile parses and runs the script at path.
func (r *Runner) RunFile(ctx context.Context, path string) FileResult {
	f, err := os.Open(path)
	if err != nil {
		return FileResult{File: path, Records: 1, Failed: 1, Failures: []Failure{{
			File: path, Kind: FailParse, Got: err.Error(),
		}}}
	}
	defer f.Close()
	return r.RunScript(ctx, path, f)
}

// labelEntry remembers the first hash seen for a label.
type labelEntry struct {
	hash string
	line int
}

// RunScript parses the script read from src (named name in messages) and
// runs it on a fresh database. Malformed records count as failures; the
// well-formed ones still run.
func (r *Runner) RunScript(ctx context.Context, name string, src io.Reader) (res FileResult) {
	start := time.Now()
	res.File = name
	defer func() { res.Duration = time.Since(start) }()

	records, perr := Parse(name, src)
	for _, pe := range ParseErrors(perr) {
		res.Records++
		res.Failed++
		res.Failures = append(res.Failures, Failure{File: pe.File, Line: pe.Line, Kind: FailParse, Got: pe.Msg})
	}
	if perr != nil && len(ParseErrors(perr)) == 0 {
		res.Records++
		res.Failed++
		res.Failures = append(res.Failures, Failure{File: name, Kind: FailParse, Got: perr.Error()})
	}

	db, cleanup, err := r.open()
	if err != nil {
		res.Records++
		res.Failed++
		res.Failures = append(res.Failures, Failure{File: name, Kind: FailOpen, Got: err.Error()})
		return res
	}
	defer cleanup()

	engine := r.Engine
	if engine == "" {
		engine = DefaultEngine
	}
	st := scriptState{threshold: DefaultHashThreshold, labels: map[string]labelEntry{}}
	halted := false
	for i := range records {
		rec := &records[i]
		counted := rec.Kind == Statement || rec.Kind == Query
		if counted {
			res.Records++
		}
		switch {
		case halted || ctx.Err() != nil:
			if counted {
				res.Skipped++
			}
			continue
		case !rec.ShouldRun(engine):
			if counted {
				res.Skipped++
			}
			st.noteSkipped(rec)
		case rec.Kind == HashThreshold:
			st.threshold = rec.Threshold
		case rec.Kind == Halt:
			halted = true
			res.Halted = rec.Line
		default:
			if f := r.runRecord(ctx, db, &st, rec); f != nil {
				res.Failed++
				res.Failures = append(res.Failures, *f)
			} else {
				res.Passed++
			}
		}
		if r.Progress != nil {
			r.Progress(name, i+1)
		}
	}
	slices.SortStableFunc(res.Failures, func(a, b Failure) int { return a.Line - b.Line })
	return res
}

// open creates a fresh directory and opens a database in it.
func (r *Runner) open() (*sql.DB, func(), error) {
	if r.Open == nil {
		return nil, nil, errors.New("slt: Runner.Open is nil")
	}
	dir, err := os.MkdirTemp(r.TempDir, "slt-*")
	if err != nil {
		return nil, nil, err
	}
	db, err := r.Open(filepath.Join(dir, "test.db"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return db, func() { db.Close(); os.RemoveAll(dir) }, nil
}

// scriptState is the per-script state: hash threshold and labels.
type scriptState struct {
	threshold int
	labels    map[string]labelEntry
}

// checkLabel records hash under label and reports the line of an earlier
// record with a different hash, or 0.
func (st *scriptState) checkLabel(label, hash string, line int) int {
	if label == "" {
		return 0
	}
	if e, ok := st.labels[label]; ok {
		if e.hash != hash {
			return e.line
		}
		return 0
	}
	st.labels[label] = labelEntry{hash, line}
	return 0
}

// noteSkipped registers the expected hash of a skipped labeled query, as
// the reference harness does in verify mode, so the label's other queries
// are checked against it.
func (st *scriptState) noteSkipped(rec *Record) {
	if rec.Kind != Query || rec.Label == "" || len(rec.Expected) == 0 {
		return
	}
	hash := rec.Hash
	if hash == "" {
		hash = md5Values(rec.Expected)
	}
	st.checkLabel(rec.Label, hash, rec.Line)
}

// runRecord executes a statement or query record and returns its failure,
// or nil when it passed.
func (r *Runner) runRecord(ctx context.Context, db *sql.DB, st *scriptState, rec *Record) *Failure {
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	fail := func(kind, expected, got string) *Failure {
		if ctx.Err() == context.DeadlineExceeded {
			kind = FailRecordTimedOut
		}
		return &Failure{File: rec.File, Line: rec.Line, Kind: kind, SQL: rec.SQL, Expected: expected, Got: got}
	}
	if rec.Kind == Statement {
		_, err := db.ExecContext(ctx, rec.SQL)
		switch {
		case err != nil && !rec.ExpectError:
			return fail(FailStatement, "ok", "error: "+err.Error())
		case err == nil && rec.ExpectError:
			return fail(FailStatementOK, "error", "ok")
		}
		return nil
	}

	values, stepErr, err := queryValues(ctx, db, rec)
	if err != nil {
		var ce *columnsError
		if errors.As(err, &ce) {
			return fail(FailColumns, fmt.Sprintf("%d columns", ce.want), fmt.Sprintf("%d columns", ce.got))
		}
		return fail(FailQuery, "rows", "error: "+err.Error())
	}
	switch rec.Sort {
	case RowSort:
		sortRows(values, len(rec.Types))
	case ValueSort:
		slices.Sort(values)
	}
	hashed := st.threshold > 0 && len(values) > st.threshold
	var got string
	if hashed || rec.Label != "" {
		got = HashValues(values)
		if prev := st.checkLabel(rec.Label, md5Values(values), rec.Line); prev != 0 {
			return fail(FailLabel, fmt.Sprintf("same result as label %s at line %d", rec.Label, prev), got)
		}
	}
	if matchValues(rec.Expected, values) {
		return nil
	}
	if hashed && rec.Hash != "" && got == rec.Expected[0] {
		return nil
	}
	if stepErr != nil {
		// Report the error that cut the result short.
		return fail(FailQuery, "["+oneLine(strings.Join(rec.Expected, " | "), 200)+"]",
			"["+oneLine(strings.Join(values, " | "), 200)+"] then error: "+stepErr.Error())
	}
	if hashed {
		exp := strings.Join(rec.Expected, " ")
		if rec.Hash == "" && len(rec.Expected) > 0 {
			exp = fmt.Sprintf("%s (%s)", HashValues(rec.Expected), oneLine(exp, 100))
		}
		return fail(FailHash, exp, got)
	}
	return fail(FailResult, "["+strings.Join(rec.Expected, " | ")+"]", "["+strings.Join(values, " | ")+"]")
}

// matchValues compares the expected lines with the values: line per value,
// or, as a fallback for scripts that put a whole row on a line, the
// whitespace-separated tokens of both.
func matchValues(expected, values []string) bool {
	if slices.Equal(expected, values) {
		return true
	}
	var a, b []string
	for _, e := range expected {
		a = append(a, strings.Fields(e)...)
	}
	for _, v := range values {
		b = append(b, strings.Fields(v)...)
	}
	return len(a) > 0 && slices.Equal(a, b)
}

// sortRows sorts values as rows of n columns, comparing column by column.
func sortRows(values []string, n int) {
	if n <= 0 || len(values)%n != 0 {
		return
	}
	rows := make([][]string, 0, len(values)/n)
	for i := 0; i < len(values); i += n {
		rows = append(rows, values[i:i+n:i+n])
	}
	slices.SortFunc(rows, func(a, b []string) int { return slices.Compare(a, b) })
	out := make([]string, 0, len(values))
	for _, row := range rows {
		out = append(out, row...)
	}
	copy(values, out)
}

// columnsError is a query whose column count differs from its type string.
type columnsError struct{ want, got int }

func (e *columnsError) Error() string {
	return fmt.Sprintf("wrong number of result columns: expected %d but got %d", e.want, e.got)
}

// queryValues runs a query and formats every value by its column type.
//
// An error while stepping through the rows ends the result without
// failing the query (stepErr), as in the reference harness, whose
// `while( sqlite3_step(pStmt)==SQLITE_ROW )` loop stops on any error: the
// corpus has records expecting exactly that (e.g. sum() overflowing gives
// an empty result). An error before the first row that the driver reports
// from Query is a query failure (err) only when the SQL does not prepare.
func queryValues(ctx context.Context, db *sql.DB, rec *Record) (values []string, stepErr, err error) {
	rows, err := db.QueryContext(ctx, rec.SQL)
	if err != nil {
		// Drivers may step the statement inside Query (mattn does): when
		// the SQL prepares fine, the error came from stepping.
		if ctx.Err() == nil {
			if stmt, perr := db.PrepareContext(ctx, rec.SQL); perr == nil {
				stmt.Close()
				return nil, err, nil
			}
		}
		return nil, nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	if len(cols) != len(rec.Types) {
		return nil, nil, &columnsError{len(rec.Types), len(cols)}
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out []string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return out, nil, err
		}
		for i, v := range vals {
			out = append(out, FormatValue(v, rec.Types[i]))
		}
	}
	if err := rows.Err(); err != nil {
		if ctx.Err() != nil {
			return out, nil, err
		}
		return out, err, nil
	}
	return out, nil, rows.Close()
}
