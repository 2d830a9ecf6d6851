package drivertest

import (
	"reflect"
	"testing"
)

// testReturningColumnNames: the result columns of a RETURNING clause are
// named as SQLite (and so mattn/go-sqlite3) names them: a column
// reference by the column's name, whatever its quotes or table prefix;
// ORMs match columns to fields by these names (gorm's Create reads the
// new row's `id` back this way).
func testReturningColumnNames(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	MustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)")
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"INSERT INTO t(name) VALUES ('a') RETURNING `id`", []string{"id"}},
		{`INSERT INTO t(name) VALUES ('b') RETURNING "id", [name]`, []string{"id", "name"}},
		{"INSERT INTO t(name) VALUES ('c') RETURNING id, name AS `n`, id + 1", []string{"id", "n", "id + 1"}},
		{"UPDATE t SET name = 'd' WHERE id = 1 RETURNING `t`.`id`, `name`", []string{"id", "name"}},
		{"DELETE FROM t WHERE id = 2 RETURNING *", []string{"id", "name"}},
		{"SELECT `id`, \"name\" AS \"the name\" FROM t", []string{"id", "the name"}},
	} {
		rows, err := db.Query(tt.query)
		if err != nil {
			t.Errorf("%s: %v", tt.query, err)
			continue
		}
		cols, err := rows.Columns()
		rows.Close()
		if err != nil || !reflect.DeepEqual(cols, tt.want) {
			t.Errorf("%s: columns %q, %v; want %q", tt.query, cols, err, tt.want)
		}
	}
}
