//go:build cgo

package libsql

import "testing"

func TestHasReplace(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		want bool
	}{
		{"REPLACE INTO t VALUES (1)", true},
		{"insert or replace into t values (1)", true},
		{"UPDATE OR REPLACE t SET x = 1", true},
		{"CREATE TABLE t(x UNIQUE ON CONFLICT REPLACE)", true},
		{"INSERT INTO t VALUES (1) -- comment\n; REPLACE INTO t VALUES (2)", true},
		{"SELECT replace('a', 'b', 'c')", false},
		{"SELECT REPLACE (x, 'b', 'c') FROM t", false},
		{"SELECT 'REPLACE INTO t'", false},
		{`SELECT "replace" FROM t`, false},
		{"SELECT [replace], `replace` FROM t", false},
		{"SELECT 1 /* or replace */", false},
		{"SELECT 1 -- or replace", false},
		{"INSERT INTO replacements VALUES (1)", false},
		{"INSERT INTO t VALUES ('it''s') ON CONFLICT DO UPDATE SET x = 1", false},
		{"SELECT 1 /* unterminated", false},
	} {
		if got := HasReplace(tc.sql); got != tc.want {
			t.Errorf("HasReplace(%q) = %v, want %v", tc.sql, got, tc.want)
		}
	}
}
