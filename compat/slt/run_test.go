package slt

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3" // this test binary links mattn only
)

func testRunner(t *testing.T) *Runner {
	t.Helper()
	return &Runner{
		TempDir: t.TempDir(),
		Open: func(path string) (*sql.DB, error) {
			db, err := sql.Open("sqlite3", path)
			if err == nil {
				db.SetMaxOpenConns(1)
			}
			return db, err
		},
	}
}

const setup = `statement ok
CREATE TABLE t(a INTEGER, b TEXT, c REAL)

statement ok
INSERT INTO t VALUES(1,'one',1.5),(2,'two',2.25),(3,'',NULL)

`

func TestRunner(t *testing.T) {
	tests := []struct {
		name   string
		script string
		// want counts: passed, failed, skipped
		passed, failed, skipped int
		// wantKinds are the kinds of the failures, in order, with the
		// line of each.
		wantKinds []string
		wantLines []int
	}{
		{
			name: "all pass",
			script: setup + `query ITR rowsort
SELECT a, b, c FROM t
----
1
one
1.500
2
two
2.250
3
(empty)
NULL

query I valuesort
SELECT a FROM t UNION ALL SELECT a*10 FROM t
----
1
10
2
20
3
30

query I nosort
SELECT 1 WHERE 0
----
`,
			passed: 5,
		},
		{
			name: "row per line",
			script: setup + `query IT nosort
SELECT a, b FROM t WHERE a < 3 ORDER BY a
----
1 one
2 two
`,
			passed: 3,
		},
		{
			name: "wrong result",
			script: setup + `query I nosort
SELECT a FROM t ORDER BY a
----
1
2
4
`,
			passed: 2, failed: 1, wantKinds: []string{FailResult}, wantLines: []int{7},
		},
		{
			name: "wrong hash",
			script: setup + `query I nosort
SELECT a FROM t UNION ALL SELECT a FROM t UNION ALL SELECT a FROM t
----
9 values hashing to 00000000000000000000000000000000
`,
			passed: 2, failed: 1, wantKinds: []string{FailHash}, wantLines: []int{7},
		},
		{
			name: "correct hash and hash-threshold 0",
			script: setup + `query I nosort
SELECT a FROM t UNION ALL SELECT a FROM t UNION ALL SELECT a FROM t
----
9 values hashing to ca769aab83aa1a7ef3160f666937f5c3

hash-threshold 0

query I valuesort
SELECT a FROM t UNION ALL SELECT a FROM t UNION ALL SELECT a FROM t
----
1
1
1
2
2
2
3
3
3
`,
			passed: 4,
		},
		{
			name: "statement should fail but succeeds, and one that fails",
			script: setup + `statement error
INSERT INTO t VALUES(4,'four',4.0)

statement ok
INSERT INTO nosuch VALUES(1)
`,
			passed: 2, failed: 2, wantKinds: []string{FailStatementOK, FailStatement}, wantLines: []int{7, 10},
		},
		{
			name: "skipif and onlyif",
			script: setup + `skipif sqlite
statement ok
this is not sql

onlyif mysql
query I nosort
SELECT 1 DIV 1
----
1

onlyif sqlite
query I nosort
SELECT 7
----
7

skipif mysql
skipif postgresql
query I nosort
SELECT 8
----
8
`,
			passed: 4, skipped: 2,
		},
		{
			name: "label consistency",
			script: setup + `query I rowsort lbl
SELECT a FROM t
----
1
2
3

query I rowsort lbl
SELECT a FROM t WHERE a > 1
----
2
3
`,
			passed: 3, failed: 1, wantKinds: []string{FailLabel}, wantLines: []int{14},
		},
		{
			name: "skipped labeled query registers the expected hash",
			script: setup + `onlyif mysql
query I nosort lbl
SELECT 5
----
5

query I nosort lbl
SELECT 6
----
6
`,
			passed: 2, failed: 1, skipped: 1, wantKinds: []string{FailLabel}, wantLines: []int{13},
		},
		{
			name: "wrong column count",
			script: setup + `query II nosort
SELECT a FROM t
----
`,
			passed: 2, failed: 1, wantKinds: []string{FailColumns}, wantLines: []int{7},
		},
		{
			name: "query failing to prepare",
			script: setup + `query I nosort
SELECT nosuch FROM t
----
`,
			passed: 2, failed: 1, wantKinds: []string{FailQuery}, wantLines: []int{7},
		},
		{
			name: "step error ends the result as in the reference",
			script: setup + `statement ok
INSERT INTO t VALUES(9223372036854775807,'big',0)

query I nosort
SELECT sum(a) FROM t
----
`,
			passed: 4,
		},
		{
			name: "halt",
			script: setup + `halt

statement ok
this is not sql
`,
			passed: 2, skipped: 1,
		},
		{
			name: "malformed records fail, others still run",
			script: setup + `query I sideways
SELECT 1

frobnicate

query I nosort
SELECT 2
----
2
`,
			passed: 3, failed: 2, wantKinds: []string{FailParse, FailParse}, wantLines: []int{7, 10},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := testRunner(t).RunScript(context.Background(), "s.test", strings.NewReader(tt.script))
			if res.Passed != tt.passed || res.Failed != tt.failed || res.Skipped != tt.skipped {
				t.Errorf("passed/failed/skipped = %d/%d/%d, want %d/%d/%d",
					res.Passed, res.Failed, res.Skipped, tt.passed, tt.failed, tt.skipped)
			}
			if res.Records != res.Passed+res.Failed+res.Skipped {
				t.Errorf("Records = %d, not the sum of the counts", res.Records)
			}
			var kinds []string
			var lines []int
			for _, f := range res.Failures {
				kinds = append(kinds, f.Kind)
				lines = append(lines, f.Line)
				if !strings.HasPrefix(f.String(), "s.test:") {
					t.Errorf("failure %q does not start with file:line", f)
				}
			}
			if strings.Join(kinds, ",") != strings.Join(tt.wantKinds, ",") || !equalInts(lines, tt.wantLines) {
				t.Errorf("failures = %v at %v, want %v at %v\n%v", kinds, lines, tt.wantKinds, tt.wantLines, res.Failures)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFailureString(t *testing.T) {
	f := Failure{File: "a.test", Line: 3, Kind: FailResult, SQL: "SELECT\n  1", Expected: "[2]", Got: "[1]"}
	want := "a.test:3: wrong result: SELECT 1: expected [2], got [1]"
	if f.String() != want {
		t.Errorf("String() = %q, want %q", f.String(), want)
	}
}

func TestRunnerOpenError(t *testing.T) {
	r := &Runner{TempDir: t.TempDir(), Open: func(string) (*sql.DB, error) { return nil, sql.ErrConnDone }}
	res := r.RunScript(context.Background(), "o.test", strings.NewReader(setup))
	if res.Failed == 0 || res.Failures[0].Kind != FailOpen {
		t.Errorf("want an open failure, got %+v", res)
	}
}

func TestRunnerDuration(t *testing.T) {
	res := testRunner(t).RunScript(context.Background(), "d.test", strings.NewReader(setup))
	if res.Duration <= 0 {
		t.Errorf("Duration = %v, want > 0", res.Duration)
	}
}
