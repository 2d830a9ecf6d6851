package turso_test

import (
	"errors"
	"testing"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/internal/drivertest"
)

// TestBuiltInExtensions checks, through the driver, the extensions
// libSQL's engine has built in: FTS5, R-Tree and the JSON functions.
func TestBuiltInExtensions(t *testing.T) {
	db := drivertest.OpenConnector(t, ":memory:")
	db.SetMaxOpenConns(1)
	mustExec(t, db, `
		CREATE VIRTUAL TABLE notes USING fts5(title, body);
		INSERT INTO notes VALUES
			('groceries', 'buy apples and pears'),
			('work', 'finish the quarterly report'),
			('garden', 'plant apple trees in spring');
		CREATE VIRTUAL TABLE boxes USING rtree(id, min_x, max_x, min_y, max_y);
		INSERT INTO boxes VALUES (1, 0, 10, 0, 10), (2, 5, 15, 5, 15), (3, 20, 30, 20, 30);
		CREATE TABLE events(id INTEGER PRIMARY KEY, doc TEXT);
		INSERT INTO events(doc) VALUES
			('{"kind":"click","pos":{"x":3,"y":4},"tags":["a","b"]}'),
			('{"kind":"view","pos":{"x":7,"y":1},"tags":[]}');`)
	for _, tc := range []struct {
		name, query string
		want        any
	}{
		{"fts5 match", "SELECT group_concat(title, ',') FROM (SELECT title FROM notes WHERE notes MATCH 'apple*' ORDER BY title)", "garden,groceries"},
		{"fts5 phrase", "SELECT title FROM notes WHERE notes MATCH '\"quarterly report\"'", "work"},
		{"fts5 highlight", "SELECT highlight(notes, 1, '[', ']') FROM notes WHERE notes MATCH 'pears'", "buy apples and [pears]"},
		{"rtree overlap", "SELECT group_concat(id, ',') FROM (SELECT id FROM boxes WHERE max_x >= 8 AND min_x <= 12 AND max_y >= 8 AND min_y <= 12 ORDER BY id)", "1,2"},
		{"rtree none", "SELECT count(*) FROM boxes WHERE min_x > 100", int64(0)},
		{"json_extract", "SELECT json_extract(doc, '$.pos.x') FROM events WHERE id = 1", int64(3)},
		{"->> operator", "SELECT doc ->> '$.kind' FROM events WHERE id = 2", "view"},
		{"-> operator", "SELECT doc -> '$.tags' FROM events WHERE id = 1", `["a","b"]`},
		{"json_each", "SELECT group_concat(value, '') FROM events, json_each(events.doc, '$.tags')", "ab"},
		{"json_array_length", "SELECT sum(json_array_length(doc, '$.tags')) FROM events", int64(2)},
		{"json_object", "SELECT json_object('n', 1, 'list', json_array(1, 2))", `{"n":1,"list":[1,2]}`},
		{"jsonb", "SELECT json(jsonb('{\"a\":1}'))", `{"a":1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got any
			if err := db.QueryRow(tc.query).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
	// Failure paths: bad FTS5 syntax and malformed JSON are *Errors.
	for _, q := range []string{
		"SELECT * FROM notes WHERE notes MATCH 'AND AND'",
		"SELECT json_extract('{not json', '$.a')",
		"INSERT INTO boxes VALUES (9, 10, 0, 0, 1)", // min_x > max_x
	} {
		var e *turso.Error
		if _, err := db.Exec(q); !errors.As(err, &e) {
			t.Errorf("%s: %v, want an *Error", q, err)
		}
	}
}
