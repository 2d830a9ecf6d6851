package drivertest

import (
	"database/sql"
	"errors"
	"testing"

	"github.com/turso-go/turso"
)

// Arguments as mattn/go-sqlite3 takes them: what programs and tests
// written for it rely on.

// testNamedParam is mattn/go-sqlite3's TestNamedParam: named arguments
// bind by name whichever prefix the SQL uses, and those the statement
// does not use are ignored.
func testNamedParam(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	MustExec(t, db, "create table foo (id integer, name text, amount integer)")
	args := []any{
		sql.Named("bar", 42), sql.Named("baz", "quux"),
		sql.Named("amount", 123), sql.Named("corge", "waldo"),
		sql.Named("id", 2), sql.Named("name", "grault"),
	}
	if _, err := db.Exec("insert into foo(id, name, amount) values(:id, @name, $amount)", args...); err != nil {
		t.Fatal("Failed to insert record with named parameters:", err)
	}
	var id, amount int
	var name string
	if err := db.QueryRow("select id, name, amount from foo").Scan(&id, &name, &amount); err != nil {
		t.Fatal(err)
	}
	if id != 2 || name != "grault" || amount != 123 {
		t.Errorf("got %d, %q, %d; want 2, \"grault\", 123", id, name, amount)
	}

	// The same set of arguments serves statements that use part of it:
	// a prepared statement, a query, and each statement of a script.
	stmt, err := db.Prepare("insert into foo(id, name) values(@id, @name)")
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	if _, err := stmt.Exec(args...); err != nil {
		t.Errorf("prepared insert with spare named arguments: %v", err)
	}
	var n int
	if err := db.QueryRow("select count(*) from foo where id = :id and amount is :amount", args...).Scan(&n); err != nil || n != 1 {
		t.Errorf("query with spare named arguments: %d, %v; want 1", n, err)
	}
	if _, err := db.Exec("delete from foo where id = :id; insert into foo values(:id, :name, :amount); update foo set amount = amount + 1 where name = @name", args...); err != nil {
		t.Errorf("script with spare named arguments: %v", err)
	}
	if err := db.QueryRow("select amount from foo").Scan(&amount); err != nil || amount != 124 {
		t.Errorf("after the script: amount %d, %v; want 124", amount, err)
	}
	// Spare named arguments next to positional ones.
	if err := db.QueryRow("select ? + :x", 1, sql.Named("x", 2), sql.Named("unused", 3)).Scan(&n); err != nil || n != 3 {
		t.Errorf("select ? + :x: %d, %v; want 3", n, err)
	}
}

// testNamedParamClearBindings is mattn/go-sqlite3's
// TestNamedParamClearBindings: a statement run again binds only the new
// arguments, nil as NULL.
func testNamedParamClearBindings(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	MustExec(t, db, "create table foo (x integer, y integer, z text)")
	MustExec(t, db, "insert into foo(x, y, z) values($x, $y, $z)", sql.Named("x", 1), sql.Named("y", 2), sql.Named("z", "three"))
	MustExec(t, db, "insert into foo(x, y, z) values($x, $y, $z)", sql.Named("x", 10), sql.Named("y", nil), sql.Named("z", nil))
	var x int
	var y, z sql.NullInt64
	if err := db.QueryRow("select x, y, z from foo where x = 10").Scan(&x, &y, &z); err != nil {
		t.Fatal(err)
	}
	if y.Valid || z.Valid {
		t.Errorf("y, z = %v, %v; want NULL, NULL", y, z)
	}
}

// testNotEnoughArgs is mattn/go-sqlite3's TestNotEnoughArgsErrorMessage,
// word for word, plus the detail that errors.As gives.
func testNotEnoughArgs(t *testing.T, e Engine) {
	db := open(t, e.dsn(":memory:", ""))
	db.SetMaxOpenConns(1)
	const want = "not enough args to execute query: want 1 got 0"
	check := func(t *testing.T, err error, param string) {
		t.Helper()
		if err == nil {
			t.Fatal("expected error, got nil")
		}
		if err.Error() != want {
			t.Errorf("got %q, want %q", err.Error(), want)
		}
		var ae *turso.ArgError
		if !errors.As(err, &ae) {
			t.Fatalf("%T is not a *turso.ArgError", err)
		}
		if !errors.Is(err, turso.ErrMissingArgument) || ae.Want != 1 || ae.Got != 0 || ae.Param != param || ae.SQL == "" {
			t.Errorf("detail %+v (Is ErrMissingArgument: %v), want Want 1, Got 0, Param %q and the SQL", *ae, errors.Is(err, turso.ErrMissingArgument), param)
		}
	}
	t.Run("exec", func(t *testing.T) {
		_, err := db.Exec("SELECT ?; SELECT ?", "hello")
		check(t, err, "?1")
	})
	t.Run("exec without args", func(t *testing.T) {
		_, err := db.Exec("SELECT ?")
		check(t, err, "?1")
	})
	t.Run("query", func(t *testing.T) {
		_, err := db.Query("SELECT ?; SELECT ?", "hello")
		check(t, err, "?1")
	})
	t.Run("named", func(t *testing.T) {
		// mattn binds NULL here (one argument for one parameter); a
		// parameter whose name no argument has is an error.
		_, err := db.Exec("SELECT :id", sql.Named("ID_TYPO", 1))
		check(t, err, ":id")
	})
	t.Run("query named", func(t *testing.T) {
		_, err := db.Query("SELECT @id", sql.Named("other", 1))
		check(t, err, "@id")
	})
	// mattn's TestExecWithoutArgsStopsAtMissingArgs: nothing after the
	// statement that lacks its argument runs, and the statements before
	// it did.
	t.Run("stops at the missing argument", func(t *testing.T) {
		MustExec(t, db, "CREATE TABLE stop(x)")
		_, err := db.Exec("INSERT INTO stop VALUES (1); INSERT INTO stop VALUES (?); INSERT INTO stop VALUES (3)")
		check(t, err, "?1")
		var got string
		if err := db.QueryRow("SELECT group_concat(x) FROM stop").Scan(&got); err != nil || got != "1" {
			t.Errorf("rows after the failed script: %q, %v; want \"1\"", got, err)
		}
	})
}

// testExtraArgs: a positional argument beyond the statement's parameters
// is an error (mattn ignores it): it is most often a mistake that would
// otherwise go unseen.
func testExtraArgs(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	MustExec(t, db, "CREATE TABLE x(a)")
	for _, tt := range []struct {
		query string
		args  []any
		want  string
	}{
		{"INSERT INTO x VALUES (?)", []any{1, 2}, "turso: too many args to execute query: want 1 got 2"},
		{"INSERT INTO x VALUES (1)", []any{1}, "turso: too many args to execute query: want 0 got 1"},
		{"INSERT INTO x VALUES (?); -- and a comment", []any{1, 2}, "turso: too many args to execute query: want 1 got 2"},
	} {
		_, err := db.Exec(tt.query, tt.args...)
		var ae *turso.ArgError
		if err == nil || err.Error() != tt.want || !errors.Is(err, turso.ErrExtraArgument) || !errors.As(err, &ae) {
			t.Errorf("%s %v: %v, want %q matching ErrExtraArgument", tt.query, tt.args, err, tt.want)
		}
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM x").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d rows after the failed inserts, %v; want 0", n, err)
	}
}
