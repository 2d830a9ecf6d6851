package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/turso-go/turso/compat/slt"
)

func TestCause(t *testing.T) {
	tests := []struct {
		name string
		f    slt.Failure
		want string
	}{
		{"rule", slt.Failure{Kind: slt.FailQuery, SQL: "SELECT 1 IN t1", Got: "error: InTable is not supported in this position"},
			causeRules[0].cause},
		{"other error, masked", slt.Failure{Kind: slt.FailStatement, Got: `error: no such column: "x7" in table t12`},
			"statement failed: no such column: … in table tN"},
		{"join limit", slt.Failure{Kind: slt.FailQuery, Got: "error: Only up to 63 tables can be joined"}, causeRules[1].cause},
		{"grouping column NULL", slt.Failure{Kind: slt.FailResult, SQL: "SELECT - col1 FROM t GROUP BY col1", Expected: "[-1 | -2]", Got: "[NULL | NULL]"},
			causeRules[4].cause},
		{"having", slt.Failure{Kind: slt.FailResult, SQL: "SELECT col1 FROM t GROUP BY col1 HAVING col1 IS NULL", Expected: "[]", Got: "[0]"},
			causeRules[5].cause},
		{"other group by", slt.Failure{Kind: slt.FailResult, SQL: "SELECT COALESCE(a, b) FROM t GROUP BY a, b", Expected: "[1]", Got: "[2]"},
			causeRules[6].cause},
		{"label", slt.Failure{Kind: slt.FailLabel, SQL: "SELECT a FROM t GROUP BY a", Expected: "same result as label-1", Got: "3 values hashing to x"},
			causeRules[7].cause},
		{"wrong result", slt.Failure{Kind: slt.FailResult, SQL: "SELECT 1.0", Expected: "[1]", Got: "[1.000]"},
			"different results (values, order or formatting of the rows)"},
		{"wrong hash", slt.Failure{Kind: slt.FailHash, Expected: "30 values hashing to a", Got: "30 values hashing to b"},
			"different results (values, order or formatting of the rows)"},
		{"should have failed", slt.Failure{Kind: slt.FailStatementOK, SQL: "CREATE TABLE t(x)"},
			"accepts a statement SQLite refuses"},
		{"other kind", slt.Failure{Kind: slt.FailColumns, Expected: "2", Got: "3"}, slt.FailColumns},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cause(&tt.f); got != tt.want {
				t.Errorf("cause = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestGroupCausesAndSection(t *testing.T) {
	in := "error: InTable is not supported in this position"
	results := map[string]*slt.FileResult{
		"a.test": {File: "a.test", Passed: 8, Failed: 2, Failures: []slt.Failure{
			{File: "a.test", Line: 9, Kind: slt.FailQuery, SQL: "SELECT 2 IN t", Got: in},
			{File: "a.test", Line: 3, Kind: slt.FailResult, SQL: "SELECT 1.0", Expected: "[1.000]", Got: "[1]"},
		}},
		"b.test": {File: "b.test", Passed: 9, Failed: 1, Failures: []slt.Failure{
			{File: "b.test", Line: 5, Kind: slt.FailQuery, SQL: "SELECT 1 IN t", Got: in},
		}},
	}
	groups := groupCauses(results)
	if len(groups) != 2 || groups[0].cause != causeRules[0].cause || len(groups[0].failures) != 2 || len(groups[0].files) != 2 {
		t.Fatalf("groups = %+v, want the IN-table group (2 failures in 2 files) first", groups)
	}
	if f := groups[0].failures[0]; f.File != "a.test" || f.Line != 9 {
		t.Errorf("first failure of the group is %s:%d, want a.test:9 (sorted by file, line)", f.File, f.Line)
	}
	var b bytes.Buffer
	e := &side{name: "turso-engine", results: results, total: slt.FileResult{Passed: 17, Failed: 3}}
	writeEngineCauses(&b, e)
	for _, want := range []string{"fails 3 of the 20 records", "pass rate 85.00%", "| 2 | 2 | a.test:9 ", "| 1 | 1 | a.test:3 "} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("section lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	writeEngineCauses(&b, &side{name: "turso-engine", buildErr: errors.New("go build failed")})
	if !strings.Contains(b.String(), "No results") {
		t.Errorf("section of an unbuilt side:\n%s", b.String())
	}
}
