package drivertest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// A query that only reads runs at its first Next (or Columns), so that a
// result never read holds no lock; one that writes runs in Query.

// testUnreadResultHoldsNoLock: results that are never read, dropped or
// still open, keep no other connection from writing, without waiting for
// the garbage collector (gorm's Rows() never iterated nor closed).
func testUnreadResultHoldsNoLock(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "_busy_timeout=3000")
	MustExec(t, db, "CREATE TABLE t(v)")
	MustExec(t, db, "INSERT INTO t VALUES (1), (2)")
	write := func(v int) {
		t.Helper()
		start := time.Now()
		MustExec(t, db, "INSERT INTO t VALUES (?)", v)
		if el := time.Since(start); el > time.Second {
			t.Errorf("the write waited %v for an unread result", el)
		}
	}
	// Dropped unread, as gorm's own tests do with Rows().
	func() {
		if _, err := db.Query("SELECT coalesce(v, ?) FROM t", "42"); err != nil {
			t.Fatal(err)
		}
	}()
	write(3)
	// A prepared statement's result, unread.
	stmt, err := db.Prepare("SELECT v FROM t WHERE v > ?")
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	srows, err := stmt.Query(0)
	if err != nil {
		t.Fatal(err)
	}
	defer srows.Close()
	// Open, unread, then read after a write: it runs when first read and
	// sees that write.
	rows, err := db.Query("SELECT v FROM t ORDER BY v")
	if err != nil {
		t.Fatal(err)
	}
	write(4)
	var got []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[3] != 4 {
		t.Errorf("rows %v, want 1 2 3 4", got)
	}
	// Once read from, a result holds its read as before.
	if !srows.Next() {
		t.Fatalf("no row: %v", srows.Err())
	}
}

// testQueryWritesRunInQuery: a statement that writes, run through Query,
// has run when Query returns, even if its rows are never read.
func testQueryWritesRunInQuery(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	MustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v)")
	for _, q := range []string{
		"INSERT INTO t(v) VALUES (1) RETURNING id",
		"UPDATE t SET v = v + 1 RETURNING v",
		"INSERT INTO t(v) VALUES (10)",
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		rows.Close()
	}
	if s := QueryString(t, db, "SELECT group_concat(v) FROM t"); s != "2,10" {
		t.Errorf("rows %q after writes through Query, want \"2,10\"", s)
	}
}

// testUnreadResultDetails: what a query that runs at its first Next still
// does as before: argument errors fail Query, errors of the first step
// come from Next (and Scan), byte-slice arguments are read as they were
// when Query was called, and Columns describes the current schema.
func testUnreadResultDetails(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	db.SetMaxOpenConns(1)
	MustExec(t, db, "CREATE TABLE t(a, b)")
	MustExec(t, db, "INSERT INTO t VALUES (1, 2)")

	if _, err := db.Query("SELECT a FROM t WHERE a = ?"); err == nil || !strings.Contains(err.Error(), "not enough args") {
		t.Errorf("Query without its argument: %v", err)
	}

	var v string
	err := db.QueryRow("SELECT json_extract('{not json', '$')").Scan(&v)
	if err == nil || !strings.Contains(err.Error(), "malformed JSON") {
		t.Errorf("Scan of a query whose first step fails: %v, want malformed JSON", err)
	}
	rows, err := db.Query("SELECT json_extract('{not json', '$')")
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() || rows.Err() == nil {
		t.Errorf("Next of a query whose first step fails: no error (%v)", rows.Err())
	}
	rows.Close()

	buf := []byte("abc")
	rows, err = db.Query("SELECT ?", buf)
	if err != nil {
		t.Fatal(err)
	}
	copy(buf, "XYZ")
	var got []byte
	if !rows.Next() {
		t.Fatal(rows.Err())
	}
	if err := rows.Scan(&got); err != nil || string(got) != "abc" {
		t.Errorf("blob argument changed after Query: read %q, %v; want \"abc\"", got, err)
	}
	rows.Close()

	// The same statement again, from the cache, after a schema change.
	const q = "SELECT * FROM t"
	rows, err = db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
	MustExec(t, db, "ALTER TABLE t ADD COLUMN c DEFAULT 3")
	rows, err = db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := rows.Columns()
	if err != nil || strings.Join(cols, ",") != "a,b,c" {
		t.Errorf("columns after ALTER TABLE: %v, %v; want a,b,c", cols, err)
	}
	var a, b, c int
	if !rows.Next() {
		t.Fatal(rows.Err())
	}
	if err := rows.Scan(&a, &b, &c); err != nil || c != 3 {
		t.Errorf("row after ALTER TABLE: %d %d %d, %v", a, b, c, err)
	}
	rows.Close()

	// A context that ends before the first Next ends the query.
	ctx, cancel := context.WithCancel(context.Background())
	rows, err = db.QueryContext(ctx, "SELECT a FROM t")
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if rows.Next() {
		t.Error("Next after the context ended returned a row")
	}
	if err := rows.Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("Err after the context ended: %v, want context.Canceled", err)
	}
	rows.Close()
	if s := QueryString(t, db, "SELECT 'still usable'"); s != "still usable" {
		t.Error(s)
	}
}
