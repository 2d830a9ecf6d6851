package tursobind

import "testing"

func TestReturningColumnName(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"id", "id"},
		{"`id`", "id"},
		{`"id"`, "id"},
		{"[id]", "id"},
		{"`t`.`id`", "id"},
		{`main."t".id`, "id"},
		{`"a""b"`, `a"b`},
		{"`a``b`", "a`b"},
		{"_x1$", "_x1$"},
		{"`id` + 1", "`id` + 1"},
		{"count(*)", "count(*)"},
		{"1", "1"},
		{"'id'", "'id'"},
		{"`unterminated", "`unterminated"},
		{"[unterminated", "[unterminated"},
		{"a.", "a."},
		{"", ""},
	} {
		if got := ReturningColumnName(tt.in); got != tt.want {
			t.Errorf("ReturningColumnName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for sql, want := range map[string]bool{
		"INSERT INTO t VALUES (1) RETURNING id": true,
		"  update t SET a = 1 RETURNING a":      true,
		"DELETE FROM t RETURNING *":             true,
		"REPLACE INTO t VALUES (1) RETURNING a": true,
		"SELECT `id` FROM t":                    false,
	} {
		if got := ReturningStatement(sql); got != want {
			t.Errorf("ReturningStatement(%q) = %v", sql, got)
		}
	}
}
