package tursobind

import "testing"

func TestSplitFirst(t *testing.T) {
	tests := []struct {
		sql, head, tail string
		blank           bool
	}{
		{"SELECT 1", "SELECT 1", "", false},
		{"SELECT 1; SELECT 2", "SELECT 1;", " SELECT 2", false},
		{"SELECT 1;  -- done\n", "SELECT 1;", "  -- done\n", false},
		{"SELECT 1; \n\t", "SELECT 1;", "", false},
		{"SELECT ';'; SELECT 2", "SELECT ';';", " SELECT 2", false},
		{`SELECT "a;b", [c;d], ` + "`e;f`" + `; x`, `SELECT "a;b", [c;d], ` + "`e;f`;", " x", false},
		{"SELECT 'it''s;'; x", "SELECT 'it''s;';", " x", false},
		{"/* ; */ SELECT 1; x", "/* ; */ SELECT 1;", " x", false},
		{"  -- only a comment", "  -- only a comment", "", true},
		{"; SELECT 1", ";", " SELECT 1", true},
		{"CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET a = CASE WHEN 1 THEN 2 END; DELETE FROM u; END; SELECT 1",
			"CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET a = CASE WHEN 1 THEN 2 END; DELETE FROM u; END;", " SELECT 1", false},
		{"create temp trigger tr after insert on t begin select 1; end", "create temp trigger tr after insert on t begin select 1; end", "", false},
		{"BEGIN; COMMIT", "BEGIN;", " COMMIT", false},
		{"SELECT 'unterminated", "SELECT 'unterminated", "", false},
	}
	for _, tt := range tests {
		head, tail, blank := SplitFirst(tt.sql)
		if head != tt.head || tail != tt.tail || blank != tt.blank {
			t.Errorf("SplitFirst(%q) = %q, %q, %v; want %q, %q, %v", tt.sql, head, tail, blank, tt.head, tt.tail, tt.blank)
		}
	}
}

func TestFirstWordAndDDL(t *testing.T) {
	tests := []struct {
		sql, word string
		ddl       bool
	}{
		{"create table t(a)", "CREATE", true},
		{"  -- c\n /* x */ DROP TABLE t", "DROP", true},
		{";alter table t add b", "ALTER", true},
		{"SELECT 'CREATE'", "SELECT", false},
		{"INSERT INTO t VALUES (1); CREATE INDEX i ON t(a)", "INSERT", true},
		{"-- only a comment", "", false},
		{"/* unterminated", "", false},
		{"(SELECT 1)", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := FirstWord(tt.sql); got != tt.word {
			t.Errorf("FirstWord(%q) = %q, want %q", tt.sql, got, tt.word)
		}
		if got := HasDDL(tt.sql); got != tt.ddl {
			t.Errorf("HasDDL(%q) = %v, want %v", tt.sql, got, tt.ddl)
		}
	}
}
