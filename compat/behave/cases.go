package behave

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Cases returns every behaviour case, in output order.
func Cases() []Case {
	return []Case{
		{"engine", caseEngine},
		{"roundtrip", caseRoundTrip},
		{"scan", caseScan},
		{"decltype", caseDecltype},
		{"timetext", caseTimeText},
		{"unixtime", caseUnixTime},
		{"timeloc", caseTimeLoc},
		{"boolean", caseBoolean},
		{"errors", caseErrors},
		{"result", caseResult},
		{"null", caseNull},
		{"params", caseParams},
		{"multi", caseMulti},
		{"coltypes", caseColumnTypes},
		{"busy", caseBusy},
		{"tx", caseTx},
		{"schema", caseSchema},
		{"large", caseLarge},
	}
}

// caseEngine prints the SQLite version the driver links, which explains
// engine-level differences.
func caseEngine(e *Env) {
	e.Log("sqlite_version", queryRow(e.DB, "SELECT sqlite_version()"))
}

// caseRoundTrip binds Go values of every kind into an untyped column and
// reads them back as any, with SQLite's typeof().
func caseRoundTrip(e *Env) {
	e.Exec(e.DB, "CREATE TABLE t(k TEXT, v)")
	zone := time.FixedZone("X", -(3*3600 + 30*60))
	values := []struct {
		name string
		v    any
	}{
		{"int64", int64(42)},
		{"int64-min", int64(math.MinInt64)},
		{"int64-max", int64(math.MaxInt64)},
		{"int", 7},
		{"int8", int8(-8)},
		{"int32", int32(-32)},
		{"uint8", uint8(200)},
		{"uint32", uint32(4000000000)},
		{"uint64-small", uint64(64)},
		{"uint64-big", uint64(math.MaxUint64)},
		{"float64", 1.5},
		{"float64-int", 3.0},
		{"float64-tiny", 1e-300},
		{"float64-inf", math.Inf(1)},
		{"float64-nan", math.NaN()},
		{"float32", float32(0.25)},
		{"bool-true", true},
		{"bool-false", false},
		{"bytes", []byte("a\x00b")},
		{"bytes-empty", []byte{}},
		{"bytes-nil", []byte(nil)},
		{"string", "héllo"},
		{"string-empty", ""},
		{"string-nul", "a\x00b"},
		{"time-utc", time.Date(2024, 2, 29, 13, 14, 15, 123456789, time.UTC)},
		{"time-zone", time.Date(2024, 2, 29, 13, 14, 15, 0, zone)},
		{"time-zero", time.Time{}},
		{"nil", nil},
		{"nullstring-valid", sql.NullString{String: "x", Valid: true}},
		{"nullint-invalid", sql.NullInt64{}},
		{"pointer", ptr(int64(5))},
		{"pointer-nil", (*int64)(nil)},
		{"rawbytes", sql.RawBytes("raw")},
		{"named-type", myString("mine")},
	}
	for _, tv := range values {
		if _, err := e.DB.Exec("INSERT INTO t VALUES(?, ?)", tv.name, tv.v); err != nil {
			e.Log(tv.name, "insert ", Err(err))
			continue
		}
		e.Log(tv.name, queryRow(e.DB, "SELECT typeof(v), v, quote(v) FROM t WHERE k = ?", tv.name))
	}
}

type myString string

func ptr[T any](v T) *T { return &v }

// caseScan reads stored values into typed destinations.
func caseScan(e *Env) {
	e.Exec(e.DB, "CREATE TABLE t(i INTEGER, r REAL, s TEXT, b BLOB, n)")
	e.Exec(e.DB, "INSERT INTO t VALUES(12, 2.5, '34', x'6869', NULL)")
	dests := []struct {
		name string
		new  func() any
	}{
		{"int64", func() any { return new(int64) }},
		{"int", func() any { return new(int) }},
		{"uint8", func() any { return new(uint8) }},
		{"float64", func() any { return new(float64) }},
		{"string", func() any { return new(string) }},
		{"bytes", func() any { return new([]byte) }},
		{"rawbytes", func() any { return new(sql.RawBytes) }},
		{"bool", func() any { return new(bool) }},
		{"time", func() any { return new(time.Time) }},
		{"nullstring", func() any { return new(sql.NullString) }},
		{"nullint64", func() any { return new(sql.NullInt64) }},
		{"any", func() any { return new(any) }},
	}
	for _, col := range []string{"i", "r", "s", "b", "n"} {
		for _, d := range dests {
			dest := d.new()
			rows, err := e.DB.Query("SELECT " + col + " FROM t")
			if err != nil {
				e.Logf(col+"->"+d.name, "query %s", Err(err))
				continue
			}
			var got any
			if rows.Next() {
				if err = rows.Scan(dest); err == nil {
					got = deref(dest) // copies RawBytes before Close
				}
			}
			rows.Close()
			if err != nil {
				e.Logf(col+"->"+d.name, "scan %s", Err(err))
				continue
			}
			e.Logf(col+"->"+d.name, "%s", Desc(got))
		}
	}
}

// deref returns what a scan destination pointer points to.
func deref(p any) any {
	switch x := p.(type) {
	case *int64:
		return *x
	case *int:
		return *x
	case *uint8:
		return *x
	case *float64:
		return *x
	case *string:
		return *x
	case *[]byte:
		return *x
	case *sql.RawBytes:
		return append([]byte(nil), *x...)
	case *bool:
		return *x
	case *time.Time:
		return *x
	case *sql.NullString:
		return fmt.Sprintf("NullString{%q %v}", x.String, x.Valid)
	case *sql.NullInt64:
		return fmt.Sprintf("NullInt64{%d %v}", x.Int64, x.Valid)
	case *any:
		return *x
	}
	return p
}

// caseDecltype stores the same values in columns of many declared types
// and reads them back as any: the declared type drives conversions.
func caseDecltype(e *Env) {
	types := []string{"INTEGER", "INT", "BIGINT", "REAL", "FLOAT", "DOUBLE", "NUMERIC", "DECIMAL(10,2)",
		"TEXT", "VARCHAR(10)", "CLOB", "BLOB", "", "BOOLEAN", "BOOL", "DATE", "DATETIME", "TIMESTAMP",
		"TIME", "date", "Timestamp", "TIMESTAMP WITH TIME ZONE", "JSON"}
	var cols []string
	for i, t := range types {
		cols = append(cols, fmt.Sprintf("c%d %s", i, t))
	}
	e.Exec(e.DB, "CREATE TABLE t(k TEXT, "+strings.Join(cols, ", ")+")")
	inputs := []struct {
		name string
		v    any
	}{
		{"int", int64(1700000000)},
		{"small", int64(1)},
		{"zero", int64(0)},
		{"real", 2.5},
		{"numtext", "42"},
		{"text", "hello"},
		{"datetext", "2024-02-29 13:14:15"},
		{"time", time.Date(2024, 2, 29, 13, 14, 15, 500000000, time.UTC)},
		{"blob", []byte("blob")},
	}
	for _, in := range inputs {
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(types)), ", ")
		args := []any{in.name}
		for range types {
			args = append(args, in.v)
		}
		if _, err := e.DB.Exec("INSERT INTO t VALUES(?, "+ph+")", args...); err != nil {
			e.Log(in.name, "insert ", Err(err))
			continue
		}
		for i, t := range types {
			e.Log(fmt.Sprintf("%s/%q", in.name, t), queryRow(e.DB, fmt.Sprintf("SELECT typeof(c%d), c%d FROM t WHERE k = ?", i, i), in.name))
		}
	}
	// Expressions have no declared type; CAST gives none either.
	e.Log("expr", queryRow(e.DB, "SELECT c16, c16 || '', CAST(c16 AS DATETIME), max(c16) FROM t WHERE k = 'datetext'"))
	// A view keeps the declared type of its column.
	e.Exec(e.DB, "CREATE VIEW v AS SELECT c16 AS d FROM t")
	e.Log("view", queryRow(e.DB, "SELECT d FROM v LIMIT 1"))
}

// caseTimeText parses time texts stored in DATE/DATETIME/TIMESTAMP
// columns: every format of mattn's SQLiteTimestampFormats and more.
func caseTimeText(e *Env) {
	e.Exec(e.DB, "CREATE TABLE t(k INTEGER PRIMARY KEY, s TEXT, d DATE, dt DATETIME, ts TIMESTAMP)")
	texts := []string{
		"2006-01-02 15:04:05.999999999-07:00",
		"2006-01-02T15:04:05.123+05:30",
		"2006-01-02 15:04:05.5",
		"2006-01-02T15:04:05.000001",
		"2006-01-02 15:04:05",
		"2006-01-02T15:04:05",
		"2006-01-02 15:04",
		"2006-01-02T15:04",
		"2006-01-02",
		"2006-01-02T15:04:05Z",
		"2006-01-02 15:04:05.123Z",
		"2006-01-02 15:04:05 +0000 UTC",
		"2006-01-02T15:04:05+00:00",
		"15:04:05",
		"not a time",
		"",
	}
	for i, s := range texts {
		e.Exec(e.DB, "INSERT INTO t VALUES(?, ?, ?, ?, ?)", i, s, s, s, s)
		e.Logf(fmt.Sprintf("%q", s), "%s", queryRow(e.DB, "SELECT d, dt, ts FROM t WHERE k = ?", i))
	}
	// Scanning a time text into time.Time from a column without a date type.
	var tm time.Time
	err := e.DB.QueryRow("SELECT s FROM t WHERE k = 4").Scan(&tm)
	e.Log("scan-text-column", Desc(tm), " ", Err(err))
	err = e.DB.QueryRow("SELECT dt FROM t WHERE k = 4").Scan(&tm)
	e.Log("scan-datetime-column", Desc(tm), " ", Err(err))
	var s string
	err = e.DB.QueryRow("SELECT dt FROM t WHERE k = 4").Scan(&s)
	e.Log("scan-datetime-into-string", fmt.Sprintf("%q ", s), Err(err))
	// What is stored for a bound time.Time, and SQLite's view of it.
	e.Exec(e.DB, "INSERT INTO t VALUES(100, ?, ?, ?, ?)", time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC),
		time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("", 3600)), time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))
	e.Log("stored", queryRow(e.DB, "SELECT s, CAST(d AS TEXT), CAST(dt AS TEXT), CAST(ts AS TEXT) FROM t WHERE k = 100"))
	e.Log("sqlite-functions", queryRow(e.DB, "SELECT datetime(s), date(d), unixepoch(dt) FROM t WHERE k = 100"))
}

// caseUnixTime reads integers and reals stored in date-typed columns.
func caseUnixTime(e *Env) {
	e.Exec(e.DB, "CREATE TABLE t(k INTEGER PRIMARY KEY, d DATE, dt DATETIME, ts TIMESTAMP)")
	values := []any{int64(0), int64(1), int64(-1), int64(1700000000), int64(1700000000123), int64(-1700000000123),
		int64(1e12), int64(1e12 + 1), 1700000000.5, "1700000000"}
	for i, v := range values {
		e.Exec(e.DB, "INSERT INTO t VALUES(?, ?, ?, ?)", i, v, v, v)
		e.Logf(Desc(v), "%s", queryRow(e.DB, "SELECT d, dt, ts FROM t WHERE k = ?", i))
	}
}

// caseTimeLoc checks the _loc parameter: how times are written and in
// which location they are read back.
func caseTimeLoc(e *Env) {
	e.Exec(e.DB, "CREATE TABLE t(k TEXT, dt DATETIME, txt TEXT, i DATETIME)")
	ny, _ := time.LoadLocation("America/New_York")
	tm := time.Date(2024, 7, 1, 12, 0, 0, 0, ny)
	for _, params := range []string{"", "_loc=UTC", "_loc=America/New_York", "_loc=Asia/Tokyo", "_loc=bogus/zone"} {
		db, err := e.Open(params)
		if err == nil {
			_, err = db.Exec("INSERT INTO t VALUES(?, ?, ?, 1700000000)", params, tm, tm)
		}
		if err != nil {
			e.Logf("loc="+params, "%s", Err(err))
			continue
		}
		e.Logf("loc="+params, "%s", queryRow(db, "SELECT dt, txt, i FROM t WHERE k = ?", params))
		e.Logf("loc="+params+"/first-row", "%s", queryRow(db, "SELECT dt FROM t WHERE k = ''"))
	}
}

// caseBoolean reads values stored in BOOLEAN columns and binds bools.
func caseBoolean(e *Env) {
	e.Exec(e.DB, "CREATE TABLE t(k INTEGER PRIMARY KEY, b BOOLEAN)")
	values := []any{true, false, int64(0), int64(1), int64(2), int64(-1), 0.5, "true", "1", nil}
	for i, v := range values {
		e.Exec(e.DB, "INSERT INTO t VALUES(?, ?)", i, v)
		var b bool
		err := e.DB.QueryRow("SELECT b FROM t WHERE k = ?", i).Scan(&b)
		e.Logf(Desc(v), "%s; scan bool: %v %s", queryRow(e.DB, "SELECT typeof(b), b FROM t WHERE k = ?", i), b, Err(err))
	}
	e.Log("where-true", queryRow(e.DB, "SELECT count(*) FROM t WHERE b = ?", true))
}

// caseErrors prints the message and result codes of common failures.
func caseErrors(e *Env) {
	fk, _ := e.Open("_fk=1")
	e.Exec(fk, `CREATE TABLE p(id INTEGER PRIMARY KEY, u TEXT UNIQUE, nn TEXT NOT NULL DEFAULT 'x', c INTEGER CHECK (c > 0))`)
	e.Exec(fk, `CREATE TABLE ch(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p(id))`)
	e.Exec(fk, `CREATE TABLE s(i INTEGER) STRICT`)
	e.Exec(fk, `CREATE TABLE wr(a PRIMARY KEY, b) WITHOUT ROWID`)
	e.Exec(fk, `CREATE TRIGGER tr BEFORE INSERT ON s WHEN new.i = 13 BEGIN SELECT RAISE(ABORT, 'unlucky'); END`)
	e.Exec(fk, `INSERT INTO p(id, u, c) VALUES(1, 'a', 1)`)
	e.Exec(fk, `INSERT INTO wr VALUES(1, 1)`)
	stmts := []struct {
		name, sql string
		args      []any
	}{
		{"syntax", "SELEC 1", nil},
		{"incomplete", "SELECT (", nil},
		{"no-table", "SELECT * FROM nope", nil},
		{"no-column", "SELECT nope FROM p", nil},
		{"unique", "INSERT INTO p(id, u, c) VALUES(2, 'a', 1)", nil},
		{"primary-key", "INSERT INTO p(id, u, c) VALUES(1, 'b', 1)", nil},
		{"pk-without-rowid", "INSERT INTO wr VALUES(1, 2)", nil},
		{"not-null", "INSERT INTO p(id, u, nn, c) VALUES(3, 'c', NULL, 1)", nil},
		{"check", "INSERT INTO p(id, u, c) VALUES(4, 'd', 0)", nil},
		{"foreign-key", "INSERT INTO ch VALUES(1, 99)", nil},
		{"strict-type", "INSERT INTO s VALUES('abc')", nil},
		{"raise", "INSERT INTO s VALUES(13)", nil},
		{"too-few-args", "SELECT ?, ?", []any{1}},
		{"too-many-args", "SELECT ?", []any{1, 2}},
		{"unsupported-arg", "SELECT ?", []any{struct{}{}}},
		{"complex-arg", "SELECT ?", []any{complex(1, 2)}},
		{"table-exists", "CREATE TABLE p(x)", nil},
		{"readonly-pragma", "PRAGMA query_only=1; INSERT INTO s VALUES(1)", nil},
		{"empty", "", nil},
		{"only-comment", "-- nothing", nil},
		{"division", "SELECT 1/0, 5 % 0", nil},
		{"abs-overflow", "SELECT abs(-9223372036854775808)", nil},
		{"sum-overflow", "SELECT sum(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1)", nil},
		{"bad-function", "SELECT nofunc(1)", nil},
		{"wrong-arg-count", "SELECT substr()", nil},
	}
	for _, st := range stmts {
		_, err := fk.Exec(st.sql, st.args...)
		e.Log(st.name+"/exec", Err(err))
		rows, err := fk.Query(st.sql, st.args...)
		if err == nil {
			for rows.Next() {
			}
			err = rows.Err()
			rows.Close()
		}
		e.Log(st.name+"/query", Err(err))
	}
	fk.Exec("PRAGMA query_only=0")
	_, err := e.DB.Exec("INSERT INTO p(id, u, c) VALUES(1, 'z', 1)")
	var target interface{ Error() string }
	e.Log("errors-as-error", errors.As(err, &target))
	// Cancelled context.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = e.DB.ExecContext(ctx, "SELECT 1")
	e.Log("cancelled", Err(err), " is-canceled=", errors.Is(err, context.Canceled))
	// Interrupting a long query through its context.
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	// Bounded (a few seconds without interruption) so that a driver
	// ignoring the context cannot hang the run.
	err = e.DB.QueryRowContext(ctx, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 100000000) SELECT count(*) FROM c").Scan(new(int64))
	e.Log("deadline", Err(err), " is-deadline=", errors.Is(err, context.DeadlineExceeded),
		" fast=", time.Since(start) < 2*time.Second)
}

// caseResult prints LastInsertId and RowsAffected after many statements.
func caseResult(e *Env) {
	db := e.DB
	steps := []struct{ name, sql string }{
		{"create", "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT UNIQUE)"},
		{"insert", "INSERT INTO t(v) VALUES('a')"},
		{"insert-multi", "INSERT INTO t(v) VALUES('b'), ('c'), ('d')"},
		{"insert-explicit-rowid", "INSERT INTO t(id, v) VALUES(100, 'e')"},
		{"insert-or-ignore-skipped", "INSERT OR IGNORE INTO t(v) VALUES('a')"},
		{"insert-or-replace", "INSERT OR REPLACE INTO t(id, v) VALUES(200, 'a')"},
		{"upsert-update", "INSERT INTO t(v) VALUES('b') ON CONFLICT(v) DO UPDATE SET v = 'bb'"},
		{"upsert-nothing", "INSERT INTO t(v) VALUES('c') ON CONFLICT DO NOTHING"},
		{"insert-select", "INSERT INTO t(v) SELECT v || '2' FROM t WHERE id < 100"},
		{"update", "UPDATE t SET v = v || '!' WHERE id < 100"},
		{"update-none", "UPDATE t SET v = 'x' WHERE id < 0"},
		{"delete", "DELETE FROM t WHERE id >= 200"},
		{"select", "SELECT * FROM t"},
		{"create-wr", "CREATE TABLE w(k TEXT PRIMARY KEY, n INT) WITHOUT ROWID"},
		{"insert-without-rowid", "INSERT INTO w VALUES('k', 1)"},
		{"create-trigger", "CREATE TRIGGER tr AFTER INSERT ON w BEGIN INSERT INTO t(v) VALUES('trig' || new.n); END"},
		{"insert-with-trigger", "INSERT INTO w VALUES('k2', 2)"},
		{"begin", "BEGIN"},
		{"delete-all", "DELETE FROM t"},
		{"rollback", "ROLLBACK"},
		{"returning", "INSERT INTO t(v) VALUES('ret') RETURNING id"},
		{"drop", "DROP TABLE w"},
		{"pragma", "PRAGMA user_version = 3"},
	}
	for _, st := range steps {
		e.Log(st.name, result(db.Exec(st.sql)))
	}
	e.Log("changes-after", queryRow(db, "SELECT changes(), total_changes() > 0, last_insert_rowid()"))
	stmt, err := db.Prepare("INSERT INTO t(v) VALUES(?)")
	if err != nil {
		e.Log("prepare", Err(err))
		return
	}
	defer stmt.Close()
	e.Log("prepared-1", result(stmt.Exec("p1")))
	e.Log("prepared-2", result(stmt.Exec("p2")))
	e.Log("prepared-dup", result(stmt.Exec("p2")))
}

// caseNull checks NULL in and out.
func caseNull(e *Env) {
	e.Exec(e.DB, "CREATE TABLE t(i INTEGER, s TEXT, b BLOB, d DATETIME, bo BOOLEAN)")
	e.Exec(e.DB, "INSERT INTO t VALUES(NULL, NULL, NULL, NULL, NULL)")
	e.Log("any", queryRow(e.DB, "SELECT * FROM t"))
	var (
		s   string
		ps  *string
		i   int64
		ns  sql.NullString
		ni  sql.NullInt64
		nt  sql.NullTime
		nb  sql.NullBool
		nf  sql.NullFloat64
		bs  []byte
		rb  sql.RawBytes
		ngi sql.Null[int64]
	)
	row := func() *sql.Row { return e.DB.QueryRow("SELECT i, s, b, d, bo FROM t") }
	e.Log("into-string", Err(row().Scan(new(any), &s, new(any), new(any), new(any))))
	e.Log("into-int64", Err(row().Scan(&i, new(any), new(any), new(any), new(any))))
	err := row().Scan(&ni, &ps, &bs, &nt, &nb)
	e.Logf("into-nullables", "%s ni=%+v ps=%v bs=%s nt=%+v nb=%+v", Err(err), ni, ps, Desc(bs), nt, nb)
	rows, err := e.DB.Query("SELECT i, s, b, d, bo FROM t")
	if err == nil {
		if rows.Next() {
			err = rows.Scan(&ngi, &ns, &rb, new(any), &nf)
			e.Logf("into-null-generic", "%s ngi=%+v ns=%+v rb=%s nf=%+v", Err(err), ngi, ns, Desc([]byte(rb)), nf)
		}
		rows.Close()
	}
	// Binding NULL in its various Go forms.
	forms := []struct {
		name string
		v    any
	}{
		{"nil", nil},
		{"nil-bytes", []byte(nil)},
		{"nil-pointer", (*string)(nil)},
		{"nullstring", sql.NullString{}},
		{"null-generic", sql.Null[string]{}},
		{"nulltime", sql.NullTime{}},
	}
	for _, f := range forms {
		e.Log("bind-"+f.name, queryRow(e.DB, "SELECT typeof(?), ? IS NULL", f.v, f.v))
	}
	e.Log("null-ops", queryRow(e.DB, "SELECT NULL = NULL, NULL IS NULL, coalesce(NULL, 'x'), ifnull(NULL, 2), NULL || 'a'"))
	e.Log("empty-vs-null", queryRow(e.DB, "SELECT '', x'', typeof(''), typeof(x'')"))
}

// caseParams checks positional and named parameters.
func caseParams(e *Env) {
	db := e.DB
	tests := []struct {
		name string
		sql  string
		args []any
	}{
		{"positional", "SELECT ?, ?", []any{1, "two"}},
		{"numbered", "SELECT ?2, ?1, ?2", []any{"a", "b"}},
		{"colon", "SELECT :a, :b", []any{sql.Named("a", 1), sql.Named("b", 2)}},
		{"at", "SELECT @a, @b", []any{sql.Named("b", 2), sql.Named("a", 1)}},
		{"dollar", "SELECT $a, $b", []any{sql.Named("a", 1), sql.Named("b", 2)}},
		{"reused", "SELECT :a, :a, :a", []any{sql.Named("a", "x")}},
		{"mixed-named-positional", "SELECT :a, ?", []any{sql.Named("a", 1), 2}},
		{"named-by-position", "SELECT :a, :b", []any{1, 2}},
		{"missing-named", "SELECT :a, :b", []any{sql.Named("a", 1)}},
		{"extra-named", "SELECT :a", []any{sql.Named("a", 1), sql.Named("z", 2)}},
		{"unknown-named", "SELECT :a", []any{sql.Named("z", 1)}},
		{"positional-gap", "SELECT ?1, ?3", []any{1, 2, 3}},
		{"no-args-needed", "SELECT 1", []any{1}},
		{"question-in-string", "SELECT '?', ?", []any{1}},
		{"named-case", "SELECT :Abc", []any{sql.Named("Abc", 1)}},
		{"named-with-prefix", "SELECT :a", []any{sql.Named(":a", 1)}},
	}
	for _, tt := range tests {
		e.Log(tt.name, queryRow(db, tt.sql, tt.args...))
	}
	e.Exec(db, "CREATE TABLE t(a, b)")
	e.Log("exec-named", result(db.Exec("INSERT INTO t VALUES(:x, @y)", sql.Named("x", 1), sql.Named("y", 2))))
	e.Log("exec-named-read", queryRow(db, "SELECT a, b FROM t"))
}

// caseMulti checks Exec and Query given several statements.
func caseMulti(e *Env) {
	db := e.DB
	e.Log("exec-three", result(db.Exec("CREATE TABLE t(a); INSERT INTO t VALUES(1); INSERT INTO t VALUES(2)")))
	e.Log("after-three", queryRow(db, "SELECT count(*) FROM t"))
	e.Log("exec-args-spread", result(db.Exec("INSERT INTO t VALUES(?); INSERT INTO t VALUES(?)", 3, 4)))
	e.Log("after-args-spread", queryRow(db, "SELECT group_concat(a) FROM t"))
	e.Log("exec-error-second", result(db.Exec("INSERT INTO t VALUES(5); INSERT INTO nope VALUES(6); INSERT INTO t VALUES(7)")))
	e.Log("after-error-second", queryRow(db, "SELECT group_concat(a) FROM t"))
	e.Log("exec-trailing", result(db.Exec("INSERT INTO t VALUES(8);  -- comment\n ;; ")))
	e.Log("exec-with-select", result(db.Exec("SELECT * FROM t; INSERT INTO t VALUES(9)")))
	e.Log("after-select", queryRow(db, "SELECT group_concat(a) FROM t"))
	e.Log("query-two", queryRow(db, "SELECT 1; SELECT 2"))
	e.Log("query-insert-then-select", queryRow(db, "INSERT INTO t VALUES(10); SELECT count(*) FROM t"))
	e.Log("after-query", queryRow(db, "SELECT group_concat(a) FROM t"))
	e.Log("exec-semicolon-in-string", result(db.Exec("INSERT INTO t VALUES('a;b'); INSERT INTO t VALUES(';')")))
	e.Log("after-strings", queryRow(db, "SELECT count(*) FROM t WHERE a LIKE '%;%'"))
	e.Log("exec-tx", result(db.Exec("BEGIN; INSERT INTO t VALUES(11); COMMIT")))
	e.Log("exec-empty-statements", result(db.Exec(";;;")))
}

// caseColumnTypes prints ColumnTypes metadata for table columns and
// expressions, before the first row and after it.
func caseColumnTypes(e *Env) {
	e.Exec(e.DB, `CREATE TABLE t(i INTEGER NOT NULL, bi BIGINT, r REAL, f FLOAT, d DOUBLE, n NUMERIC, dec DECIMAL(10,2),
		t TEXT, vc VARCHAR(20), ch CHAR(3), c CLOB, b BLOB, bo BOOLEAN, da DATE, dt DATETIME, ts TIMESTAMP,
		untyped, js JSON, weird "MY TYPE")`)
	e.Exec(e.DB, `INSERT INTO t VALUES(1, 2, 3.5, 4.5, 5.5, 6, 7.25, 't', 'vc', 'ch', 'c', x'00', 1,
		'2024-01-02', '2024-01-02 03:04:05', '2024-01-02 03:04:05', 'u', '{}', 'w')`)
	queries := map[string]string{
		"table": "SELECT * FROM t",
		"exprs": "SELECT 1, 1.5, 'x', x'01', NULL, i + 1, CAST(i AS TEXT), count(*) FROM t",
		"alias": "SELECT i AS renamed, t.t AS tt FROM t",
	}
	for _, name := range sortedKeys(queries) {
		rows, err := e.DB.Query(queries[name])
		if err != nil {
			e.Log(name, Err(err))
			continue
		}
		describe := func(when string) {
			cts, err := rows.ColumnTypes()
			if err != nil {
				e.Log(name+"/"+when, Err(err))
				return
			}
			for _, ct := range cts {
				nullable, nok := ct.Nullable()
				length, lok := ct.Length()
				prec, scale, dok := ct.DecimalSize()
				scan := "nil"
				if st := ct.ScanType(); st != nil {
					scan = st.String()
				}
				e.Logf(name+"/"+when+"/"+ct.Name(), "db=%q scan=%s nullable=%v,%v length=%d,%v decimal=%d,%d,%v",
					ct.DatabaseTypeName(), scan, nullable, nok, length, lok, prec, scale, dok)
			}
		}
		describe("before-next")
		if rows.Next() {
			describe("after-next")
		}
		rows.Close()
	}
}

// caseBusy checks what a second connection sees while the first holds
// the write lock, with a short _busy_timeout.
func caseBusy(e *Env) {
	a, _ := e.Open("_busy_timeout=5000")
	b, _ := e.Open("_busy_timeout=100")
	a.SetMaxOpenConns(1)
	b.SetMaxOpenConns(1)
	e.Exec(a, "CREATE TABLE t(x)")
	e.Exec(a, "INSERT INTO t VALUES(1)")
	ctx := context.Background()
	ca, err := a.Conn(ctx)
	if err != nil {
		e.Log("conn", Err(err))
		return
	}
	defer ca.Close()
	_, err = ca.ExecContext(ctx, "BEGIN IMMEDIATE")
	e.Log("a-begin-immediate", Err(err))
	_, err = ca.ExecContext(ctx, "INSERT INTO t VALUES(2)")
	e.Log("a-insert", Err(err))
	e.Log("b-read-during-write", queryRow(b, "SELECT count(*) FROM t"))
	start := time.Now()
	_, err = b.Exec("INSERT INTO t VALUES(3)")
	el := time.Since(start)
	e.Log("b-write-during-write", Err(err), " waited>=80ms=", el >= 80*time.Millisecond, " waited<3s=", el < 3*time.Second)
	tx, err := b.Begin()
	if err == nil {
		_, err = tx.Exec("INSERT INTO t VALUES(3)")
		tx.Rollback()
	}
	e.Log("b-tx-write-during-write", Err(err))
	_, err = ca.ExecContext(ctx, "COMMIT")
	e.Log("a-commit", Err(err))
	ca.Close() // give a's only connection back to the pool
	_, err = b.Exec("INSERT INTO t VALUES(4)")
	e.Log("b-write-after-commit", Err(err))
	e.Log("count", queryRow(a, "SELECT count(*) FROM t"))
	// A reader holding a read transaction blocks a writer's commit in
	// rollback-journal mode.
	cb, err := b.Conn(ctx)
	if err != nil {
		e.Log("conn-b", Err(err))
		return
	}
	defer cb.Close()
	_, err = cb.ExecContext(ctx, "BEGIN; SELECT count(*) FROM t")
	e.Log("b-begin-read", Err(err))
	rows, err := cb.QueryContext(ctx, "SELECT x FROM t")
	if err == nil && rows.Next() {
		a2, _ := e.Open("_busy_timeout=100")
		start = time.Now()
		_, err = a2.Exec("INSERT INTO t VALUES(5)")
		el = time.Since(start)
		e.Log("a-write-while-b-reads", Err(err), " waited<3s=", el < 3*time.Second)
		rows.Close()
	} else {
		e.Log("b-read-rows", Err(err))
	}
	_, err = cb.ExecContext(ctx, "COMMIT")
	e.Log("b-commit", Err(err))
}

// caseTx checks transactions through database/sql.
func caseTx(e *Env) {
	db := e.DB
	e.Exec(db, "CREATE TABLE t(x)")
	tx, err := db.Begin()
	if err != nil {
		e.Log("begin", Err(err))
		return
	}
	tx.Exec("INSERT INTO t VALUES(1)")
	e.Log("in-tx", queryRow(db, "SELECT count(*) FROM t"))
	e.Log("rollback", Err(tx.Rollback()))
	e.Log("after-rollback", queryRow(db, "SELECT count(*) FROM t"))
	tx, _ = db.Begin()
	tx.Exec("INSERT INTO t VALUES(2)")
	e.Log("commit", Err(tx.Commit()))
	e.Log("commit-again", Err(tx.Commit()))
	e.Log("after-commit", queryRow(db, "SELECT count(*) FROM t"))
	for _, o := range []struct {
		name string
		opts sql.TxOptions
	}{
		{"read-only-option", sql.TxOptions{ReadOnly: true}},
		{"serializable-option", sql.TxOptions{Isolation: sql.LevelSerializable}},
		{"read-committed-option", sql.TxOptions{Isolation: sql.LevelReadCommitted}},
		{"linearizable-option", sql.TxOptions{Isolation: sql.LevelLinearizable}},
	} {
		tx, err := db.BeginTx(context.Background(), &o.opts)
		e.Log(o.name, Err(err))
		if err == nil {
			if o.opts.ReadOnly {
				_, err = tx.Exec("INSERT INTO t VALUES(9)")
				e.Log(o.name+"/write", Err(err))
			}
			tx.Rollback()
		}
	}
	e.Log("nested-begin", result(db.Exec("BEGIN; BEGIN")))
	db.Exec("ROLLBACK")
	e.Log("savepoint", result(db.Exec("SAVEPOINT s1; INSERT INTO t VALUES(3); ROLLBACK TO s1; RELEASE s1")))
	e.Log("after-savepoint", queryRow(db, "SELECT count(*) FROM t"))
}

// caseSchema checks that statements (prepared, or cached by the driver)
// follow schema changes.
func caseSchema(e *Env) {
	db := e.DB
	db.SetMaxOpenConns(1)
	e.Exec(db, "CREATE TABLE t(a)")
	e.Exec(db, "INSERT INTO t VALUES(1)")
	e.Log("before", queryRow(db, "SELECT * FROM t"))
	stmt, err := db.Prepare("SELECT * FROM t")
	if err != nil {
		e.Log("prepare", Err(err))
		return
	}
	defer stmt.Close()
	e.Exec(db, "ALTER TABLE t ADD COLUMN b DEFAULT 'new'")
	e.Log("after-alter", queryRow(db, "SELECT * FROM t"))
	rows, err := stmt.Query()
	if err == nil {
		cols, _ := rows.Columns()
		e.Log("prepared-after-alter-columns", strings.Join(cols, ","))
		rows.Close()
	} else {
		e.Log("prepared-after-alter", Err(err))
	}
	e.Exec(db, "DROP TABLE t")
	e.Log("after-drop", queryRow(db, "SELECT * FROM t"))
	rows, err = stmt.Query()
	if err == nil {
		rows.Close()
	}
	e.Log("prepared-after-drop", Err(err))
	e.Exec(db, "CREATE TABLE t(x, y, z)")
	e.Exec(db, "INSERT INTO t VALUES(7, 8, 9)")
	e.Log("after-recreate", queryRow(db, "SELECT * FROM t"))
	e.Log("prepared-after-recreate", queryRow(db, "SELECT * FROM t"))
	var n int
	err = stmt.QueryRow().Scan(&n, new(any), new(any))
	e.Log("prepared-stmt-after-recreate", n, " ", Err(err))
}

// caseLarge round-trips large and unusual values.
func caseLarge(e *Env) {
	db := e.DB
	e.Exec(db, "CREATE TABLE t(k TEXT, v)")
	big := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	values := []struct {
		name string
		v    any
	}{
		{"text-1MiB", big},
		{"blob-1MiB", []byte(big)},
		{"utf8", "日本語 ✓ \U0001F600"},
		{"invalid-utf8", "\xff\xfe"},
		{"float-max", math.MaxFloat64},
		{"float-smallest", math.SmallestNonzeroFloat64},
		{"float-negzero", math.Copysign(0, -1)},
	}
	for _, tv := range values {
		if _, err := db.Exec("INSERT INTO t VALUES(?, ?)", tv.name, tv.v); err != nil {
			e.Log(tv.name, "insert ", Err(err))
			continue
		}
		var got any
		err := db.QueryRow("SELECT v FROM t WHERE k = ?", tv.name).Scan(&got)
		same := fmt.Sprint(got) == fmt.Sprint(tv.v)
		if b, ok := got.([]byte); ok {
			if vb, ok := tv.v.([]byte); ok {
				same = string(b) == string(vb)
			}
		}
		d := Desc(got)
		if len(d) > 80 {
			d = d[:80] + "..."
		}
		e.Logf(tv.name, "%s same=%v %s", d, same, Err(err))
		e.Log(tv.name+"/sqlite", queryRow(db, "SELECT typeof(v), length(v), hex(substr(v, 1, 4)) FROM t WHERE k = ?", tv.name))
	}
}
