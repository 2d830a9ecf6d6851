package drivertest

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/turso-go/turso"
)

func testOpenPingClose(t *testing.T, e Engine) {
	for _, dsn := range []string{":memory:", "file::memory:", filepath.Join(t.TempDir(), "a.db"), "file:" + filepath.Join(t.TempDir(), "b.db") + "?mode=rwc"} {
		t.Run(dsn, func(t *testing.T) {
			db, err := sql.Open("turso", e.dsn(dsn, ""))
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Ping(); err != nil {
				t.Fatalf("ping: %v", err)
			}
			if got := QueryString(t, db, "SELECT sqlite_version()"); !strings.HasPrefix(got, "3.") {
				t.Errorf("sqlite_version() = %q", got)
			}
			if err := db.Close(); err != nil {
				t.Fatalf("close: %v", err)
			}
			if err := db.Close(); err != nil {
				t.Errorf("second close: %v", err)
			}
			if err := db.Ping(); err == nil {
				t.Error("ping after close succeeded")
			}
		})
	}
}

func testOpenMissingDirectory(t *testing.T, e Engine) {
	db, err := sql.Open("turso", e.dsn(filepath.Join(t.TempDir(), "no", "such", "dir", "x.db"), ""))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Ping()
	var te *turso.Error
	if !errors.As(err, &te) || te.Code != turso.CodeCantOpen {
		t.Fatalf("ping = %v, want *turso.Error with CodeCantOpen", err)
	}
}

func testTypeRoundTrip(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	MustExec(t, db, "CREATE TABLE v(x)")
	big := bytes.Repeat([]byte{0xAB, 0x00, 0x7F}, 4<<20) // 12 MiB
	tests := []struct {
		name string
		in   any
		want any // as scanned into any
	}{
		{"nil", nil, nil},
		{"int64", int64(42), int64(42)},
		{"int64 min", int64(math.MinInt64), int64(math.MinInt64)},
		{"int64 max", int64(math.MaxInt64), int64(math.MaxInt64)},
		{"int", int(-7), int64(-7)},
		{"uint32", uint32(math.MaxUint32), int64(math.MaxUint32)},
		{"uint64 max int64", uint64(math.MaxInt64), int64(math.MaxInt64)},
		{"float64", 3.25, 3.25},
		{"float64 tiny", math.SmallestNonzeroFloat64, math.SmallestNonzeroFloat64},
		{"float32", float32(1.5), 1.5},
		{"bool true", true, int64(1)},
		{"bool false", false, int64(0)},
		{"string", "héllo, 世界", "héllo, 世界"},
		{"string empty", "", ""},
		{"string with NUL", "a\x00b", "a\x00b"},
		{"bytes", []byte{0, 1, 2, 255}, []byte{0, 1, 2, 255}},
		{"bytes empty", []byte{}, []byte{}},
		{"bytes nil", []byte(nil), nil},
		{"bytes huge", big, big},
		{"time", time.Date(2024, 2, 29, 13, 4, 5, 123456789, time.UTC), "2024-02-29 13:04:05.123456789+00:00"},
		{"time zone", time.Date(2024, 2, 29, 13, 4, 5, 0, time.FixedZone("X", -(3*3600+30*60))), "2024-02-29 13:04:05-03:30"},
		{"null string", sql.NullString{}, nil},
		{"valid null int", sql.NullInt64{Int64: 9, Valid: true}, int64(9)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			MustExec(t, db, "DELETE FROM v")
			MustExec(t, db, "INSERT INTO v VALUES (?)", tt.in)
			var got any
			if err := db.QueryRow("SELECT x FROM v").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				if b, ok := got.([]byte); ok && len(b) > 64 {
					t.Fatalf("got %d bytes, want %d equal bytes", len(b), len(tt.want.([]byte)))
				}
				t.Fatalf("got %#v (%T), want %#v (%T)", got, got, tt.want, tt.want)
			}
		})
	}
}

func testUnsupportedArgument(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	MustExec(t, db, "CREATE TABLE v(x)")
	for _, arg := range []any{uint64(math.MaxUint64), struct{}{}, []int{1}, make(chan int)} {
		if _, err := db.Exec("INSERT INTO v VALUES (?)", arg); err == nil {
			t.Errorf("insert %T: no error", arg)
		}
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM v").Scan(&n); err != nil || n != 0 {
		t.Fatalf("rows after failed inserts = %d, %v; want 0", n, err)
	}
}

func testDeclaredTypeConversion(t *testing.T, e Engine) {
	e.skipIf(t, DeclaredTypes)
	db, _ := e.openDB(t, "")
	MustExec(t, db, "CREATE TABLE c(d DATE, dt DATETIME, ts TIMESTAMP, b BOOLEAN, s TEXT)")
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	tests := []struct {
		stored any
		want   time.Time
	}{
		{"2024-03-01 10:20:30.5+02:00", time.Date(2024, 3, 1, 10, 20, 30, 5e8, time.FixedZone("", 7200))},
		{"2024-03-01T10:20:30Z", utc(2024, 3, 1, 10, 20, 30, 0)},
		{"2024-03-01 10:20:30.123", utc(2024, 3, 1, 10, 20, 30, 123e6)},
		{"2024-03-01 10:20", utc(2024, 3, 1, 10, 20, 0, 0)},
		{"2024-03-01", utc(2024, 3, 1, 0, 0, 0, 0)},
		{"not a time", time.Time{}},
		{int64(1700000000), time.Unix(1700000000, 0).UTC()},
		{int64(1700000000123), time.UnixMilli(1700000000123).UTC()},
	}
	for _, tt := range tests {
		MustExec(t, db, "DELETE FROM c")
		MustExec(t, db, "INSERT INTO c VALUES (?, ?, ?, 1, 'x')", tt.stored, tt.stored, tt.stored)
		var d, dt, ts any
		var b any
		if err := db.QueryRow("SELECT d, dt, ts, b FROM c").Scan(&d, &dt, &ts, &b); err != nil {
			t.Fatal(err)
		}
		for _, got := range []any{d, dt, ts} {
			gt, ok := got.(time.Time)
			if !ok || !gt.Equal(tt.want) {
				t.Errorf("stored %v: got %#v, want %v", tt.stored, got, tt.want)
			}
		}
		if b != true {
			t.Errorf("BOOLEAN column: got %#v, want true", b)
		}
	}
}

func testLocation(t *testing.T, e Engine) {
	e.skipIf(t, DeclaredTypes) // _loc applies to DATETIME columns
	db, _ := e.openDB(t, "_loc=Asia/Tokyo")
	MustExec(t, db, "CREATE TABLE c(t DATETIME)")
	in := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	MustExec(t, db, "INSERT INTO c VALUES (?)", in)
	var got time.Time
	if err := db.QueryRow("SELECT t FROM c").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if !got.Equal(in) || got.Location().String() != "Asia/Tokyo" {
		t.Fatalf("got %v in %v, want %v in Asia/Tokyo", got, got.Location(), in)
	}
}

func testParameters(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	tests := []struct {
		query string
		args  []any
		want  string
	}{
		{"SELECT ? || ?", []any{"a", "b"}, "ab"},
		{"SELECT ?2 || ?1", []any{"a", "b"}, "ba"},
		{"SELECT :x || @x || $x", []any{sql.Named("x", "z")}, "zzz"},
		{"SELECT :a || :b || :a", []any{sql.Named("b", "2"), sql.Named("a", "1")}, "121"},
		{"SELECT @who", []any{sql.Named("who", "me")}, "me"},
	}
	for _, tt := range tests {
		if got := QueryString(t, db, tt.query, tt.args...); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.query, got, tt.want)
		}
		stmt, err := db.Prepare(tt.query)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		if err := stmt.QueryRow(tt.args...).Scan(&got); err != nil || got != tt.want {
			t.Errorf("prepared %s: got %q, %v; want %q", tt.query, got, err, tt.want)
		}
		stmt.Close()
	}
}

func testParameterErrors(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	MustExec(t, db, "CREATE TABLE p(a, b)")
	tests := []struct {
		query string
		args  []any
		want  string
	}{
		{"INSERT INTO p VALUES (?, ?)", []any{1}, "not enough args to execute query: want 2 got 1"},
		{"INSERT INTO p VALUES (?, ?)", []any{1, 2, 3}, "turso: too many args to execute query: want 2 got 3"},
		{"INSERT INTO p VALUES (:a, :b)", []any{sql.Named("a", 1)}, "not enough args to execute query: want 2 got 1"},
		{"INSERT INTO p VALUES (:a, :b)", []any{sql.Named("a", 1), sql.Named("c", 3)}, "not enough args to execute query: want 2 got 1"},
		{"INSERT INTO p VALUES (1, 2)", []any{1}, "turso: too many args to execute query: want 0 got 1"},
	}
	for _, tt := range tests {
		_, err := db.Exec(tt.query, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %v: err = %v, want it to contain %q", tt.query, tt.args, err, tt.want)
		}
	}
	stmt, err := db.Prepare("INSERT INTO p VALUES (?, ?)")
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	if _, err := stmt.Exec(1); err == nil || !strings.Contains(err.Error(), "expected 2 arguments, got 1") {
		t.Errorf("prepared exec with 1 of 2 args: %v", err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM p").Scan(&n); err != nil || n != 0 {
		t.Fatalf("rows after failed inserts = %d, %v; want 0", n, err)
	}
}

func testMultiStatement(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	res := MustExec(t, db, `
		CREATE TABLE m(id INTEGER PRIMARY KEY, v);
		INSERT INTO m(v) VALUES (?);
		INSERT INTO m(v) VALUES (?), (?);
		-- a trailing comment`, "a", "b", "c")
	if n, _ := res.RowsAffected(); n != 2 {
		t.Errorf("RowsAffected = %d, want 2 (of the last statement)", n)
	}
	if id, _ := res.LastInsertId(); id != 3 {
		t.Errorf("LastInsertId = %d, want 3", id)
	}
	if _, err := db.Exec("INSERT INTO m(v) VALUES (?); INSERT INTO m(v) VALUES (?)", "only one"); err == nil {
		t.Error("script with too few arguments succeeded")
	}
	if _, err := db.Exec("INSERT INTO m(v) VALUES (1); INSERT INTO m(v) VALUES (2); -- c", 9); err == nil {
		t.Error("script with an unused argument succeeded")
	}
	// A syntax error part-way stops the script; earlier statements stay.
	if _, err := db.Exec("INSERT INTO m(v) VALUES ('d'); INSERT INTO nope VALUES (1)"); err == nil {
		t.Error("script with a bad statement succeeded")
	}
	rows, err := db.Query("UPDATE m SET v = upper(v) WHERE id = ?; SELECT v FROM m ORDER BY id", 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	// Statements before a failing one have run, as in mattn/go-sqlite3: a
	// script that must be all-or-nothing belongs in a transaction. (The
	// last statement takes the arguments that remain, and fails with the
	// unused one before it runs.)
	if want := []string{"A", "b", "c", "only one", "1", "d"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	// Empty and comment-only queries are no-ops.
	for _, q := range []string{"", "  ", "-- nothing"} {
		if _, err := db.Exec(q); err != nil {
			t.Errorf("exec %q: %v", q, err)
		}
		rows, err := db.Query(q)
		if err != nil {
			t.Errorf("query %q: %v", q, err)
			continue
		}
		if rows.Next() {
			t.Errorf("query %q returned a row", q)
		}
		rows.Close()
	}
}

func testResults(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	MustExec(t, db, "CREATE TABLE r(id INTEGER PRIMARY KEY, v)")
	res := MustExec(t, db, "INSERT INTO r(id, v) VALUES (10, 'a'), (11, 'b'), (12, 'c')")
	if id, _ := res.LastInsertId(); id != 12 {
		t.Errorf("LastInsertId = %d, want 12", id)
	}
	res = MustExec(t, db, "UPDATE r SET v = 'x' WHERE id >= 11")
	if n, _ := res.RowsAffected(); n != 2 {
		t.Errorf("RowsAffected = %d, want 2", n)
	}
	res = MustExec(t, db, "DELETE FROM r")
	if n, _ := res.RowsAffected(); n != 3 {
		t.Errorf("RowsAffected after DELETE = %d, want 3", n)
	}
}

func testTransactions(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	MustExec(t, db, "CREATE TABLE t(v)")
	ctx := context.Background()

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	MustExec(t, tx, "INSERT INTO t VALUES (1)")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); !errors.Is(err, sql.ErrTxDone) {
		t.Errorf("second commit: %v, want sql.ErrTxDone", err)
	}

	tx, err = db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		t.Fatal(err)
	}
	MustExec(t, tx, "INSERT INTO t VALUES (2)")
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if got := QueryString(t, db, "SELECT group_concat(v) FROM t"); got != "1" {
		t.Errorf("after commit and rollback: %q, want 1", got)
	}

	// (sql.LevelSnapshot begins a concurrent transaction: see the
	// concurrent tests.)
	for _, level := range []sql.IsolationLevel{sql.LevelReadCommitted, sql.LevelLinearizable} {
		if _, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: level}); err == nil || !strings.Contains(err.Error(), "not supported") {
			t.Errorf("BeginTx(%v) = %v, want not supported", level, err)
		}
	}

	// Nested BEGIN inside a transaction is the engine's error.
	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("BEGIN"); err == nil || !strings.Contains(err.Error(), "within a transaction") {
		t.Errorf("nested BEGIN: %v", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
}

func testReadOnlyTransaction(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	MustExec(t, db, "CREATE TABLE t(v)")
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(context.Background(), &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
		t.Fatal(err)
	}
	_, err = tx.Exec("INSERT INTO t VALUES (1)")
	if !errors.Is(err, turso.ErrReadOnly) {
		t.Errorf("write in read-only tx: %v, want ErrReadOnly", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	// The connection writes again once the read-only transaction is over.
	MustExec(t, db, "INSERT INTO t VALUES (1)")
}

func testCommitFailureRollsBack(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "_foreign_keys=1")
	MustExec(t, db, "CREATE TABLE parent(id INTEGER PRIMARY KEY); CREATE TABLE child(p REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)")
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	MustExec(t, tx, "INSERT INTO child VALUES (42)")
	err = tx.Commit()
	if !errors.Is(err, turso.ErrConstraintForeignKey) {
		t.Fatalf("commit with a dangling deferred FK: %v, want ErrConstraintForeignKey", err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM child").Scan(&n); err != nil || n != 0 {
		t.Fatalf("child rows after failed commit = %d, %v; want 0", n, err)
	}
}

func testConstraintErrors(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "_fk=1")
	MustExec(t, db, `
		CREATE TABLE p(id INTEGER PRIMARY KEY, u TEXT UNIQUE, n TEXT NOT NULL, c INT CHECK (c > 0));
		CREATE TABLE k(a, b, PRIMARY KEY (a, b));
		CREATE TABLE f(pid REFERENCES p(id));
		INSERT INTO p VALUES (1, 'x', 'n', 1);
		INSERT INTO k VALUES (1, 1)`)
	tests := []struct {
		name  string
		query string
		is    error
		ext   int
		msg   string
		gap   Gap
	}{
		{"unique", "INSERT INTO p VALUES (2, 'x', 'n', 1)", turso.ErrConstraintUnique, turso.CodeConstraintUnique, "UNIQUE constraint failed: p.u", ""},
		{"rowid primary key", "INSERT INTO p VALUES (1, 'y', 'n', 1)", turso.ErrConstraintPrimaryKey, turso.CodeConstraintPrimaryKey, "UNIQUE constraint failed: p.id", ConstraintPrimaryKey},
		{"composite primary key", "INSERT INTO k VALUES (1, 1)", turso.ErrConstraintPrimaryKey, turso.CodeConstraintPrimaryKey, "UNIQUE constraint failed: k.a, k.b", ConstraintPrimaryKey},
		{"not null", "INSERT INTO p VALUES (3, 'z', NULL, 1)", turso.ErrConstraintNotNull, turso.CodeConstraintNotNull, "NOT NULL constraint failed: p.n", ""},
		{"check", "INSERT INTO p VALUES (4, 'w', 'n', 0)", turso.ErrConstraintCheck, turso.CodeConstraintCheck, "CHECK constraint failed: c > 0", ""},
		{"foreign key", "INSERT INTO f VALUES (99)", turso.ErrConstraintForeignKey, turso.CodeConstraintForeignKey, "FOREIGN KEY constraint failed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.Exec(tt.query)
			if !errors.Is(err, turso.ErrConstraint) {
				t.Fatalf("%s: %v, want errors.Is ErrConstraint", tt.query, err)
			}
			if tt.gap != "" {
				e.skipIf(t, tt.gap)
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("%s: %v, want errors.Is %v", tt.query, err, tt.is)
			}
			if errors.Is(err, turso.ErrBusy) {
				t.Errorf("%s: constraint error matches ErrBusy", tt.query)
			}
			var te *turso.Error
			if !errors.As(err, &te) {
				t.Fatalf("%s: %T is not *turso.Error", tt.query, err)
			}
			if te.Code != turso.CodeConstraint || te.ExtendedCode != tt.ext || te.Error() != tt.msg || te.SQL != tt.query {
				t.Errorf("%s: got code %d/%d %q sql %q; want %d/%d %q", tt.query, te.Code, te.ExtendedCode, te.Error(), te.SQL, turso.CodeConstraint, tt.ext, tt.msg)
			}
		})
	}
	// No failed statement left a row behind.
	var n int
	if err := db.QueryRow("SELECT (SELECT count(*) FROM p) + (SELECT count(*) FROM k) + (SELECT count(*) FROM f)").Scan(&n); err != nil || n != 2 {
		t.Errorf("rows after the failed inserts = %d, %v; want the 2 seeded", n, err)
	}
}

func testSyntaxError(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	_, err := db.Exec("SELEC 1")
	var te *turso.Error
	if !errors.As(err, &te) || te.Code != turso.CodeError || !strings.Contains(te.Message, "syntax error") || te.SQL != "SELEC 1" {
		t.Fatalf("got %#v", err)
	}
	if _, err := db.Query("SELECT * FROM missing"); err == nil || err.Error() != "no such table: missing" {
		t.Fatalf("query of a missing table: %v", err)
	}
}

// numbers makes table n of the integers 1 to count, without recursive
// CTEs (which not every engine has).
func numbers(t *testing.T, db *sql.DB, count int) {
	t.Helper()
	values := make([]string, count)
	for i := range values {
		values[i] = fmt.Sprintf("(%d)", i+1)
	}
	MustExec(t, db, "CREATE TABLE n(x INTEGER PRIMARY KEY); INSERT INTO n VALUES "+strings.Join(values, ", "))
}

func testContextCancelInterrupts(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	db.SetMaxOpenConns(1)
	numbers(t, db, 1000)
	// A billion rows: slowRows yields them one by one, slowCount computes
	// over them in one step before its single row.
	const (
		slowRows  = "SELECT a.x + b.x + c.x FROM n a, n b, n c"
		slowCount = "SELECT count(*) FROM n a, n b, n c"
	)
	run := []struct {
		name string
		gap  Gap
		f    func(ctx context.Context) error
	}{
		{"query", InterruptRunningStep, func(ctx context.Context) error {
			var n int
			return db.QueryRowContext(ctx, slowCount).Scan(&n)
		}},
		{"exec", "", func(ctx context.Context) error {
			_, err := db.ExecContext(ctx, slowRows)
			return err
		}},
		{"prepared", InterruptRunningStep, func(ctx context.Context) error {
			stmt, err := db.PrepareContext(context.Background(), slowCount)
			if err != nil {
				return err
			}
			defer stmt.Close()
			var n int
			return stmt.QueryRowContext(ctx).Scan(&n)
		}},
		{"prepared exec", "", func(ctx context.Context) error {
			stmt, err := db.PrepareContext(context.Background(), slowRows)
			if err != nil {
				return err
			}
			defer stmt.Close()
			_, err = stmt.ExecContext(ctx)
			return err
		}},
	}
	for _, r := range run {
		name, f := r.name, r.f
		t.Run(name+"/cancel", func(t *testing.T) {
			if r.gap != "" {
				e.skipIf(t, r.gap)
			}
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(20*time.Millisecond, cancel)
			start := time.Now()
			err := f(ctx)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			// The statement would run for minutes: a second proves the
			// interrupt, with room for a loaded machine under -race
			// (120 ms failed there).
			if d := time.Since(start); d > time.Second {
				t.Errorf("cancel took effect after %v, want within a second", d)
			}
			if got := QueryString(t, db, "SELECT 'usable'"); got != "usable" {
				t.Errorf("connection after cancel: %q", got)
			}
		})
		t.Run(name+"/deadline", func(t *testing.T) {
			if r.gap != "" {
				e.skipIf(t, r.gap)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
			defer cancel()
			if err := f(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want context.DeadlineExceeded", err)
			}
			if got := QueryString(t, db, "SELECT 'usable'"); got != "usable" {
				t.Errorf("connection after deadline: %q", got)
			}
		})
	}
}

func testContextCancelBetweenRows(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	numbers(t, db, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rows, err := db.QueryContext(ctx, "SELECT x FROM n ORDER BY x")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		if n++; n == 10 {
			cancel()
		}
	}
	if err := rows.Err(); !errors.Is(err, context.Canceled) {
		t.Fatalf("rows.Err() = %v after %d rows, want context.Canceled", err, n)
	}
	if n >= 1000 {
		t.Errorf("read all %d rows despite cancel", n)
	}
	if _, err := db.QueryContext(ctx, "SELECT 1"); !errors.Is(err, context.Canceled) {
		t.Errorf("query with a canceled context: %v", err)
	}
}

func testBusyTimeout(t *testing.T, e Engine) {
	path := filepath.Join(t.TempDir(), "busy.db")
	holder, err := sql.Open("turso", e.dsn(path, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	MustExec(t, holder, "CREATE TABLE t(v)")
	waiter, err := sql.Open("turso", e.dsn(path, "_busy_timeout=150"))
	if err != nil {
		t.Fatal(err)
	}
	defer waiter.Close()

	tx, err := holder.Begin()
	if err != nil {
		t.Fatal(err)
	}
	MustExec(t, tx, "INSERT INTO t VALUES (1)")

	start := time.Now()
	_, err = waiter.Exec("INSERT INTO t VALUES (2)")
	waited := time.Since(start)
	if !errors.Is(err, turso.ErrBusy) {
		t.Fatalf("write while locked: %v, want ErrBusy", err)
	}
	if waited < 140*time.Millisecond || waited > 2*time.Second {
		t.Errorf("waited %v, want about 150 ms", waited)
	}

	// Once the lock is released within the timeout, the waiter succeeds.
	time.AfterFunc(50*time.Millisecond, func() { tx.Commit() })
	waiter2, err := sql.Open("turso", e.dsn(path, "_busy_timeout=5000"))
	if err != nil {
		t.Fatal(err)
	}
	defer waiter2.Close()
	if _, err := waiter2.Exec("INSERT INTO t VALUES (3)"); err != nil {
		t.Fatalf("write after the lock was released: %v", err)
	}
	if got := QueryString(t, waiter2, "SELECT group_concat(v) FROM t"); got != "1,3" {
		t.Errorf("rows = %q, want 1,3", got)
	}
}

// dsnParamTest is one DSN parameter and the pragma value it must give.
type dsnParamTest struct {
	params string
	pragma string
	want   string
}

// dsnParamTests are the DSN parameters testDSNParametersTakeEffect sets,
// with the pragma that reads each back and the value it must give.
var dsnParamTests = []dsnParamTest{
	{"", "synchronous", "1"},
	{"", "busy_timeout", "5000"},
	{"", "foreign_keys", "0"},
	{"_busy_timeout=1234", "busy_timeout", "1234"},
	{"_timeout=77", "busy_timeout", "77"},
	{"_journal_mode=WAL", "journal_mode", "wal"},
	{"_journal=truncate", "journal_mode", "truncate"},
	{"_journal_mode=DELETE", "journal_mode", "delete"},
	{"_journal_mode=memory", "journal_mode", "memory"},
	{"_synchronous=FULL", "synchronous", "2"},
	{"_synchronous=EXTRA", "synchronous", "3"},
	{"_sync=off", "synchronous", "0"},
	{"_foreign_keys=1", "foreign_keys", "1"},
	{"_fk=false", "foreign_keys", "0"},
	{"_cache_size=-4000", "cache_size", "-4000"},
	{"_locking_mode=EXCLUSIVE", "locking_mode", "exclusive"},
	{"_locking=normal", "locking_mode", "normal"},
	{"_recursive_triggers=on", "recursive_triggers", "1"},
	{"_rt=0", "recursive_triggers", "0"},
	{"_query_only=yes", "query_only", "1"},
	{"_auto_vacuum=full", "auto_vacuum", "1"},
	{"_vacuum=incremental", "auto_vacuum", "2"},
	{"_case_sensitive_like=1", "case_sensitive_like", ""},
	{"_defer_foreign_keys=1", "defer_foreign_keys", "1"},
	{"_defer_fk=1", "defer_foreign_keys", "1"},
	{"_ignore_check_constraints=1", "ignore_check_constraints", "1"},
	{"_secure_delete=FAST", "secure_delete", "2"},
	{"_secure_delete=1", "secure_delete", "1"},
	{"_writable_schema=1", "writable_schema", "1"},
}

func testDSNParametersTakeEffect(t *testing.T, e Engine) {
	for _, tt := range dsnParamTests {
		t.Run(tt.params+"/"+tt.pragma, func(t *testing.T) {
			if _, ok := e.UnsupportedParams[tt.params]; ok {
				testDSNParameterRefused(t, e, tt.params)
				return
			}
			db, _ := e.openDB(t, tt.params)
			if tt.pragma == "case_sensitive_like" {
				// A write-only pragma: observe its effect instead.
				if got := QueryString(t, db, "SELECT 'a' LIKE 'A'"); got != "0" {
					t.Errorf("'a' LIKE 'A' = %s, want 0 with case_sensitive_like", got)
				}
				return
			}
			if got := QueryString(t, db, "PRAGMA "+tt.pragma); got != tt.want {
				t.Errorf("PRAGMA %s = %q, want %q", tt.pragma, got, tt.want)
			}
		})
	}
}

// testDSNParameterRefused checks that a DSN parameter the engine cannot
// honour is refused at sql.Open, by an error that names the engine and
// matches errors.ErrUnsupported, and that no database file was made.
func testDSNParameterRefused(t *testing.T, e Engine, params string) {
	path := filepath.Join(t.TempDir(), "refused.db")
	db, err := sql.Open("turso", e.dsn(path, params))
	if err == nil {
		db.Close()
		t.Fatalf("sql.Open with %s on the %s engine succeeded; want it refused", params, e.Name)
	}
	if !errors.Is(err, errors.ErrUnsupported) || !strings.Contains(err.Error(), e.Name+" engine") {
		t.Errorf("sql.Open with %s: %v; want an error naming the %s engine and matching errors.ErrUnsupported", params, err, e.Name)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("refused open made %s (%v)", path, err)
	}
}

func testDSNURIParameters(t *testing.T, e Engine) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ro.db")
	db, err := sql.Open("turso", e.dsn(path, ""))
	if err != nil {
		t.Fatal(err)
	}
	MustExec(t, db, "CREATE TABLE t(v); INSERT INTO t VALUES (1)")
	db.Close()
	for _, dsn := range []string{"file:" + path + "?mode=ro", path + "?mode=ro", path + "?immutable=1", "file:" + path + "?mode=ro&_busy_timeout=10"} {
		t.Run(dsn, func(t *testing.T) {
			ro, err := sql.Open("turso", e.dsn(dsn, ""))
			if err != nil {
				t.Fatal(err)
			}
			defer ro.Close()
			if got := QueryString(t, ro, "SELECT v FROM t"); got != "1" {
				t.Errorf("read = %q", got)
			}
			if _, err := ro.Exec("INSERT INTO t VALUES (2)"); !errors.Is(err, turso.ErrReadOnly) {
				t.Errorf("write to read-only database: %v, want ErrReadOnly", err)
			}
		})
	}
	t.Run("mode=rw needs the file", func(t *testing.T) {
		missing := filepath.Join(dir, "missing.db")
		db, err := sql.Open("turso", e.dsn("file:"+missing+"?mode=rw", ""))
		if err == nil {
			err = db.Ping()
			db.Close()
		}
		if err == nil {
			t.Error("mode=rw opened a file that does not exist")
		}
		if _, serr := os.Stat(missing); !errors.Is(serr, os.ErrNotExist) {
			t.Errorf("mode=rw made the file (%v)", serr)
		}
	})
	t.Run("shared cache", func(t *testing.T) {
		testSharedCacheMemory(t, e)
	})
}

// testSharedCacheMemory checks that two connections of one pool on a
// shared-cache in-memory database see one database.
func testSharedCacheMemory(t *testing.T, e Engine) {
	e.skipIf(t, SharedCache)
	mem := open(t, e.dsn("file:shared_mem_test_"+e.Name+"?mode=memory&cache=shared", ""))
	mem.SetMaxOpenConns(2)
	c1, err := mem.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	if _, err := c1.ExecContext(context.Background(), "CREATE TABLE s(v); INSERT INTO s VALUES ('shared')"); err != nil {
		t.Fatal(err)
	}
	c2, err := mem.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	var s string
	if err := c2.QueryRowContext(context.Background(), "SELECT v FROM s").Scan(&s); err != nil || s != "shared" {
		t.Errorf("second connection read %q, %v", s, err)
	}
}

func testTxLock(t *testing.T, e Engine) {
	path := filepath.Join(t.TempDir(), "lock.db")
	for _, lock := range []string{"deferred", "immediate", "exclusive"} {
		db, err := sql.Open("turso", e.dsn(path, "_busy_timeout=0&_txlock="+lock))
		if err != nil {
			t.Fatal(err)
		}
		other, err := sql.Open("turso", e.dsn(path, "_busy_timeout=0"))
		if err != nil {
			t.Fatal(err)
		}
		MustExec(t, other, "CREATE TABLE IF NOT EXISTS t(v)")
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		_, err = other.Exec("INSERT INTO t VALUES (1)")
		if lock == "deferred" && err != nil {
			t.Errorf("%s: another writer was blocked by a transaction that has not written: %v", lock, err)
		}
		if lock != "deferred" && !errors.Is(err, turso.ErrBusy) {
			t.Errorf("%s: another writer got %v, want ErrBusy", lock, err)
		}
		tx.Rollback()
		db.Close()
		other.Close()
	}
}

func testConnectorOptions(t *testing.T, e Engine) {
	path := filepath.Join(t.TempDir(), "opt.db")
	var inits int
	c, err := turso.NewConnector(e.dsn(path, "_journal_mode=DELETE"),
		turso.WithJournalMode("WAL"), // options override the DSN
		turso.WithBusyTimeout(250*time.Millisecond),
		turso.WithForeignKeys(true),
		turso.WithSynchronous("FULL"),
		turso.WithTxLock("immediate"),
		turso.WithStmtCacheSize(4),
		turso.WithLocation(time.UTC),
		turso.WithPragma("cache_size", "-1000"),
		turso.WithConnInit(func(ctx context.Context, conn driver.Conn) error {
			inits++
			_, err := conn.(driver.ExecerContext).ExecContext(ctx, "CREATE TEMP TABLE session(v)", nil)
			return err
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	for pragma, want := range map[string]string{"journal_mode": "wal", "busy_timeout": "250", "foreign_keys": "1", "synchronous": "2", "cache_size": "-1000"} {
		if got := QueryString(t, db, "PRAGMA "+pragma); got != want {
			t.Errorf("PRAGMA %s = %q, want %q", pragma, got, want)
		}
	}
	MustExec(t, db, "INSERT INTO session VALUES (1)")
	if inits == 0 {
		t.Error("WithConnInit hook never ran")
	}
	if c.Driver() == nil {
		t.Error("Connector.Driver() is nil")
	}

	bad := []turso.Option{
		turso.WithJournalMode("bogus"), turso.WithBusyTimeout(-time.Second), turso.WithTxLock("later"),
		turso.WithStmtCacheSize(-1), turso.WithPragma("", "1"), turso.WithConnInit(nil), turso.WithSynchronous("sometimes"),
	}
	for i, opt := range bad {
		if _, err := turso.NewConnector(e.dsn(path, ""), opt); err == nil {
			t.Errorf("bad option %d accepted", i)
		}
	}
	failing, err := turso.NewConnector(e.dsn(path, ""), turso.WithConnInit(func(context.Context, driver.Conn) error { return errors.New("init refused") }))
	if err != nil {
		t.Fatal(err)
	}
	fdb := sql.OpenDB(failing)
	defer fdb.Close()
	if err := fdb.Ping(); err == nil || err.Error() != "init refused" {
		t.Errorf("ping with a failing init hook: %v", err)
	}
	// A malformed pragma fails NewConnector (an engine that checks its
	// pragmas) or the first connection.
	badPragma, err := turso.NewConnector(e.dsn(path, ""), turso.WithPragma("journal_mode", "no such mode; DROP TABLE x"))
	if err == nil {
		bdb := sql.OpenDB(badPragma)
		defer bdb.Close()
		err = bdb.Ping()
	}
	if err == nil {
		t.Error("a malformed pragma was accepted")
	}
}

func testClosedHandles(t *testing.T, e Engine) {
	c, err := (&turso.Driver{}).Open(e.dsn(filepath.Join(t.TempDir(), "closed.db"), ""))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.(driver.ExecerContext).ExecContext(context.Background(), "CREATE TABLE t(v); INSERT INTO t VALUES (1), (2)", nil); err != nil {
		t.Fatal(err)
	}
	stmt, err := c.Prepare("SELECT v FROM t")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := stmt.(driver.StmtQueryContext).QueryContext(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := c.(driver.ConnBeginTx).BeginTx(context.Background(), driver.TxOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("close with open rows, statement and tx: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	dest := make([]driver.Value, 1)
	if err := rows.Next(dest); err == nil {
		t.Error("rows.Next after conn close succeeded")
	}
	if err := rows.Close(); err != nil {
		t.Errorf("rows.Close after conn close: %v", err)
	}
	if _, err := stmt.(driver.StmtExecContext).ExecContext(context.Background(), nil); err == nil {
		t.Error("stmt exec after conn close succeeded")
	}
	if err := stmt.Close(); err != nil {
		t.Errorf("stmt.Close after conn close: %v", err)
	}
	if err := tx.Commit(); err == nil {
		t.Error("commit after conn close succeeded")
	}
	if _, err := c.Prepare("SELECT 1"); !errors.Is(err, driver.ErrBadConn) {
		t.Errorf("prepare on closed conn: %v, want driver.ErrBadConn", err)
	}
	if _, err := c.(driver.QueryerContext).QueryContext(context.Background(), "SELECT 1", nil); !errors.Is(err, driver.ErrBadConn) {
		t.Errorf("query on closed conn: %v", err)
	}
	if c.(driver.Validator).IsValid() {
		t.Error("closed conn reports valid")
	}
	if err := c.(driver.SessionResetter).ResetSession(context.Background()); !errors.Is(err, driver.ErrBadConn) {
		t.Errorf("ResetSession on closed conn: %v", err)
	}
	if err := c.(driver.Pinger).Ping(context.Background()); !errors.Is(err, driver.ErrBadConn) {
		t.Errorf("Ping on closed conn: %v", err)
	}

	// database/sql level: closed statement and rows.
	db, _ := e.openDB(t, "")
	s, err := db.Prepare("SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := s.Exec(); err == nil {
		t.Error("exec on closed *sql.Stmt succeeded")
	}
	r, err := db.Query("SELECT 1 UNION ALL SELECT 2")
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if r.Next() {
		t.Error("Next on closed rows returned true")
	}
}

func testStatementReuse(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	db.SetMaxOpenConns(1)
	MustExec(t, db, "CREATE TABLE t(a INTEGER, b TEXT)")
	stmt, err := db.Prepare("INSERT INTO t VALUES (?, ?)")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		if _, err := stmt.Exec(i, fmt.Sprint("v", i)); err != nil {
			t.Fatal(err)
		}
	}
	stmt.Close()
	// Nested use of one prepared query: the inner use runs while the outer
	// still has open rows.
	q, err := db.Prepare("SELECT a FROM t WHERE a < ? ORDER BY a")
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	outer, err := tx.Stmt(q).Query(3)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for outer.Next() {
		var a int
		outer.Scan(&a)
		inner, err := tx.Stmt(q).Query(a + 1)
		if err != nil {
			t.Fatal(err)
		}
		for inner.Next() {
			total++
		}
		if err := inner.Err(); err != nil {
			t.Fatal(err)
		}
		inner.Close()
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	if total != 1+2+3 {
		t.Errorf("nested rows = %d, want 6", total)
	}
}

func testSchemaChangeRefreshesCachedStatements(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	db.SetMaxOpenConns(1)
	MustExec(t, db, "CREATE TABLE t(a TEXT); INSERT INTO t VALUES ('2024-01-02')")
	var got any
	if err := db.QueryRow("SELECT * FROM t").Scan(&got); err != nil || got != "2024-01-02" {
		t.Fatalf("TEXT column: %#v, %v", got, err)
	}
	MustExec(t, db, "DROP TABLE t; CREATE TABLE t(a DATE, b INT); INSERT INTO t VALUES ('2024-01-02', 5)")
	var b any
	if err := db.QueryRow("SELECT * FROM t").Scan(&got, &b); err != nil {
		t.Fatal(err)
	}
	if b != int64(5) {
		t.Fatalf("after schema change: b = %#v, want 5", b)
	}
	if e.lacks(DeclaredTypes) {
		t.Logf("%s engine: %s; not checking that a DATE column scans as time.Time", e.Name, e.Gaps[DeclaredTypes])
		return
	}
	if _, ok := got.(time.Time); !ok {
		t.Fatalf("after schema change: %#v; want a time.Time from the DATE column", got)
	}
}

func testStmtCacheSizes(t *testing.T, e Engine) {
	for _, size := range []string{"0", "1", "3"} {
		db, _ := e.openDB(t, "_stmt_cache="+size)
		db.SetMaxOpenConns(1)
		for i := range 20 {
			q := fmt.Sprintf("SELECT %d + ?", i%5)
			var n int
			if err := db.QueryRow(q, 1).Scan(&n); err != nil || n != i%5+1 {
				t.Fatalf("cache %s: %s = %d, %v", size, q, n, err)
			}
		}
	}
}

func testColumnTypes(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	MustExec(t, db, `CREATE TABLE ct(id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, price DECIMAL(10,2),
		at DATETIME, ok BOOLEAN, data BLOB, f REAL, notes TEXT)`)
	MustExec(t, db, "INSERT INTO ct VALUES (1, 'n', 1.5, '2024-01-01', 1, x'00', 2.5, 't')")
	rows, err := db.Query("SELECT id, name, price, at, ok, data, f, notes, 1 + 1 AS expr FROM ct")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		name, decl    string
		scan          reflect.Type
		nullable, nok bool
		length        int64
		lok           bool
		prec, scale   int64
		pok           bool
	}
	wants := []want{
		{"id", "INTEGER", reflect.TypeFor[sql.NullInt64](), true, true, 0, false, 0, 0, false},
		{"name", "VARCHAR(40)", reflect.TypeFor[sql.NullString](), false, true, 40, true, 0, 0, false},
		{"price", "DECIMAL(10,2)", reflect.TypeFor[sql.NullFloat64](), true, true, 0, false, 10, 2, true},
		{"at", "DATETIME", reflect.TypeFor[sql.NullTime](), true, true, 0, false, 0, 0, false},
		{"ok", "BOOLEAN", reflect.TypeFor[sql.NullBool](), true, true, 0, false, 0, 0, false},
		{"data", "BLOB", reflect.TypeFor[sql.RawBytes](), true, true, 0, false, 0, 0, false},
		{"f", "REAL", reflect.TypeFor[sql.NullFloat64](), true, true, 0, false, 0, 0, false},
		{"notes", "TEXT", reflect.TypeFor[sql.NullString](), true, true, 0, false, 0, 0, false},
		{"expr", "", reflect.TypeFor[*any](), true, false, 0, false, 0, 0, false},
	}
	if len(cts) != len(wants) {
		t.Fatalf("%d column types, want %d", len(cts), len(wants))
	}
	// The declared types that are also affinity names, which an engine
	// reporting affinities gets right.
	affinities := map[string]bool{"": true, "INTEGER": true, "TEXT": true, "BLOB": true, "REAL": true, "NUMERIC": true}
	for i, w := range wants {
		t.Run(w.name, func(t *testing.T) {
			ct := cts[i]
			nullable, nok := ct.Nullable()
			length, lok := ct.Length()
			prec, scale, pok := ct.DecimalSize()
			got := want{ct.Name(), ct.DatabaseTypeName(), ct.ScanType(), nullable, nok, length, lok, prec, scale, pok}
			// Leave out what a gap of the engine makes unknowable.
			var unchecked []string
			if e.lacks(DeclaredTypes) {
				// Without declared types, lengths and decimal sizes are
				// unknown, not guessed from an affinity (a VARCHAR(40)
				// column has affinity TEXT).
				w.length, w.lok, w.prec, w.scale, w.pok = 0, false, 0, 0, false
				if !affinities[w.decl] {
					got.decl, got.scan = w.decl, w.scan
					unchecked = append(unchecked, "declared type: "+e.Gaps[DeclaredTypes])
				}
			}
			if e.lacks(NotNullInfo) && w.nok {
				if nok {
					t.Errorf("Nullable() = %v, true; the engine declares that it does not know", nullable)
				}
				got.nullable, got.nok = w.nullable, w.nok
				unchecked = append(unchecked, "nullability: "+e.Gaps[NotNullInfo])
			}
			if got != w {
				t.Errorf("column %d: got %+v\nwant %+v", i, got, w)
			}
			if len(unchecked) > 0 {
				t.Skipf("%s engine: checked the rest; not %s", e.Name, strings.Join(unchecked, "; "))
			}
		})
	}
}

func testConcurrentPool(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "_journal_mode=WAL&_busy_timeout=10000")
	MustExec(t, db, "CREATE TABLE c(g INTEGER, i INTEGER, s TEXT)")
	const goroutines, each = 16, 50
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := db.Exec("INSERT INTO c VALUES (?, ?, ?)", g, i, fmt.Sprint(g, "-", i)); err != nil {
					errs <- err
					return
				}
				var n int
				if err := db.QueryRow("SELECT count(*) FROM c WHERE g = ?", g).Scan(&n); err != nil {
					errs <- err
					return
				}
				if n != i+1 {
					errs <- fmt.Errorf("goroutine %d sees %d of its rows, want %d", g, n, i+1)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM c").Scan(&n); err != nil || n != goroutines*each {
		t.Fatalf("total rows = %d, %v; want %d", n, err, goroutines*each)
	}
}

// testNoHandleLeaks opens and closes many pools and statements and checks
// that the process's open file descriptors do not grow.
func testNoHandleLeaks(t *testing.T, e Engine) {
	dir := t.TempDir()
	openFDs := func() int {
		entries, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skipf("cannot count open files: %v", err)
		}
		return len(entries)
	}
	cycle := func(i int) {
		db, err := sql.Open("turso", e.dsn(filepath.Join(dir, fmt.Sprint(i%3, ".db")), "_journal_mode=WAL"))
		if err != nil {
			t.Fatal(err)
		}
		MustExec(t, db, "CREATE TABLE IF NOT EXISTS t(v)")
		MustExec(t, db, "INSERT INTO t VALUES (?)", i)
		rows, err := db.Query("SELECT v FROM t")
		if err != nil {
			t.Fatal(err)
		}
		rows.Next()
		// Closing the pool with rows still open must be safe.
		db.Close()
		rows.Close()
	}
	cycle(0)
	before := openFDs()
	for i := range 200 {
		cycle(i)
	}
	if after := openFDs(); after > before {
		t.Errorf("open files grew from %d to %d over 200 open/close cycles", before, after)
	}
}
