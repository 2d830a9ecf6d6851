package slt

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []Record
	}{
		{
			name: "statement ok and error",
			src:  "statement ok\nCREATE TABLE t(a)\n\nstatement error\nSELECT * FROM nope\n",
			want: []Record{
				{File: "x.test", Line: 1, Kind: Statement, SQL: "CREATE TABLE t(a)"},
				{File: "x.test", Line: 4, Kind: Statement, ExpectError: true, SQL: "SELECT * FROM nope"},
			},
		},
		{
			name: "query with values, sort and label, multi-line SQL",
			src:  "query IT rowsort label-1\nSELECT a,\n b FROM t\n----\n1\nx\n",
			want: []Record{{
				File: "x.test", Line: 1, Kind: Query, Types: "IT", Sort: RowSort, Label: "label-1",
				SQL: "SELECT a,\n b FROM t", Expected: []string{"1", "x"}, ExpectedLine: 5,
			}},
		},
		{
			name: "query with hash",
			src:  "query I valuesort\nSELECT 1\n----\n30 values hashing to 0123456789abcdef0123456789abcdef\n",
			want: []Record{{
				File: "x.test", Line: 1, Kind: Query, Types: "I", Sort: ValueSort, SQL: "SELECT 1",
				Expected:     []string{"30 values hashing to 0123456789abcdef0123456789abcdef"},
				ExpectedLine: 4, HashCount: 30, Hash: "0123456789abcdef0123456789abcdef",
			}},
		},
		{
			name: "query without ---- expects nothing",
			src:  "query I nosort\nSELECT 1 WHERE 0\n",
			want: []Record{{File: "x.test", Line: 1, Kind: Query, Types: "I", SQL: "SELECT 1 WHERE 0"}},
		},
		{
			name: "guards, comments, CRLF, blank lines with spaces, control records",
			src: "# comment\r\nhash-threshold 0\r\n  \r\nskipif mysql # reason\nonlyif sqlite\n# inner comment\n" +
				"statement ok\nSELECT 1\n\n\n\nhalt\n",
			want: []Record{
				{File: "x.test", Line: 2, Kind: HashThreshold},
				{File: "x.test", Line: 7, Kind: Statement, SQL: "SELECT 1", Conditions: []Condition{
					{Skip: true, Engine: "mysql"}, {Skip: false, Engine: "sqlite"}}},
				{File: "x.test", Line: 12, Kind: Halt},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("x.test", strings.NewReader(tt.src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseMalformed(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		wantErr string // "file:line: ..." prefix
	}{
		{"unknown record", "statement ok\nSELECT 1\n\nselect 2\n", "bad.test:4: unknown record type \"select\""},
		{"statement argument", "statement maybe\nSELECT 1\n", "bad.test:1: statement argument should be 'ok' or 'error'"},
		{"statement without SQL", "\n\nstatement ok\n", "bad.test:3: statement without SQL"},
		{"query type", "query IX nosort\nSELECT 1, 2\n----\n1\n2\n", "bad.test:1: query: unknown type character 'X'"},
		{"query missing type", "query\nSELECT 1\n", "bad.test:1: query: missing type string"},
		{"query sort", "query I sideways\nSELECT 1\n", "bad.test:1: query: unknown sort method \"sideways\""},
		{"query without SQL", "query I nosort\n----\n1\n", "bad.test:1: query without SQL"},
		{"bad hash", "query I nosort\nSELECT 1\n----\n3 values hashing to xyz\n", "bad.test:4: malformed hash line"},
		{"skipif without engine", "skipif\nstatement ok\nSELECT 1\n", "bad.test:1: skipif needs an engine name"},
		{"onlyif at end", "onlyif sqlite\n", "bad.test:1: onlyif is not followed by a record"},
		{"hash-threshold", "hash-threshold many\n", "bad.test:1: hash-threshold: bad number \"many\""},
		{"halt with text", "halt\nnow\n", "bad.test:2: unexpected text after halt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bad.test", strings.NewReader(tt.src))
			if err == nil {
				t.Fatalf("Parse succeeded, want error %q", tt.wantErr)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("error = %q, want prefix %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseKeepsGoodRecords(t *testing.T) {
	src := "statement ok\nSELECT 1\n\nbogus\n\nquery I\nSELECT 2\n----\n2\n\nstatement\nx\n"
	recs, err := Parse("m.test", strings.NewReader(src))
	if len(recs) != 2 {
		t.Errorf("got %d records, want 2", len(recs))
	}
	pes := ParseErrors(err)
	if len(pes) != 2 || pes[0].Line != 4 || pes[1].Line != 11 {
		t.Errorf("ParseErrors = %v, want errors at lines 4 and 11", pes)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"statement ok\nSELECT 1\n",
		"query III rowsort x\nSELECT 1,2,3\n----\n1\n2\n3\n",
		"skipif\n", "onlyif a\n\n", "query\n----\n", "hash-threshold -1\n", "#\n\r\n",
		"query I nosort\nSELECT 1\n----\n9 values hashing to 0123\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		recs, err := Parse("f.test", strings.NewReader(src))
		for _, pe := range ParseErrors(err) {
			if pe.File != "f.test" || pe.Line <= 0 {
				t.Errorf("bad location in %v", pe)
			}
		}
		for _, r := range recs {
			if r.Line <= 0 {
				t.Errorf("record without line: %+v", r)
			}
		}
	})
}
