package main

// Drop-in proof for sqlx: the behaviours that sqlx's own test suite
// (sqlx_test.go, run there on mattn/go-sqlite3 as "sqlite3") checks for
// SQLite, rewritten as our tests and run on "turso". The schema and fixture
// are sqlx's defaultSchema and loadDefaultFixture; the test names say which
// of sqlx's tests each one follows.

import (
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // _loc zones without relying on the system's tz database

	"github.com/jmoiron/sqlx"
	"github.com/turso-go/turso"
)

// sqlxSchema is sqlx's defaultSchema in its SQLite form.
const sqlxSchema = `
CREATE TABLE person (
	first_name text,
	last_name text,
	email text,
	added_at timestamp default CURRENT_TIMESTAMP
);
CREATE TABLE place (
	country text,
	city text NULL,
	telcode integer
);
CREATE TABLE capplace (
	"COUNTRY" text,
	"CITY" text NULL,
	"TELCODE" integer
);
CREATE TABLE nullperson (
	first_name text NULL,
	last_name text NULL,
	email text NULL
);
CREATE TABLE employees (
	name text,
	id integer,
	boss_id integer
);`

// The destination types of sqlx's tests.
type (
	Person struct {
		FirstName string `db:"first_name"`
		LastName  string `db:"last_name"`
		Email     string
		AddedAt   time.Time `db:"added_at"`
	}
	Place struct {
		Country string
		City    sql.NullString
		TelCode int
	}
	PlacePtr struct {
		Country string
		City    *string
		TelCode int
	}
	PersonPlace struct {
		Person
		Place
	}
	PersonPlacePtr struct {
		*Person
		*Place
	}
	EmbedConflict struct {
		FirstName string `db:"first_name"`
		Person
	}
	// CPlace is a new type for the upper-case mapper: sqlx caches field
	// maps per type.
	CPlace Place
)

// openSqlx opens a fresh "turso" database in a temporary directory with the
// given DSN parameters (e.g. "_loc=UTC"), and creates sqlx's schema.
func openSqlx(t *testing.T, params string) *sqlx.DB {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "sqlx.db")
	if params != "" {
		dsn += "?" + params
	}
	db, err := sqlx.Connect("turso", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.MustExec(sqlxSchema)
	return db
}

// loadFixture is sqlx's loadDefaultFixture, in a transaction.
func loadFixture(t *testing.T, db *sqlx.DB) {
	t.Helper()
	tx := db.MustBegin()
	tx.MustExec(tx.Rebind("INSERT INTO person (first_name, last_name, email) VALUES (?, ?, ?)"), "Jason", "Moiron", "jmoiron@jmoiron.net")
	tx.MustExec(tx.Rebind("INSERT INTO person (first_name, last_name, email) VALUES (?, ?, ?)"), "John", "Doe", "johndoeDNE@gmail.net")
	tx.MustExec(tx.Rebind("INSERT INTO place (country, city, telcode) VALUES (?, ?, ?)"), "United States", "New York", "1")
	tx.MustExec(tx.Rebind("INSERT INTO place (country, telcode) VALUES (?, ?)"), "Hong Kong", "852")
	tx.MustExec(tx.Rebind("INSERT INTO place (country, telcode) VALUES (?, ?)"), "Singapore", "65")
	tx.MustExec(tx.Rebind(`INSERT INTO capplace ("COUNTRY", "TELCODE") VALUES (?, ?)`), "Sarf Efrica", "27")
	tx.MustExec(tx.Rebind("INSERT INTO employees (name, id) VALUES (?, ?)"), "Peter", "4444")
	tx.MustExec(tx.Rebind("INSERT INTO employees (name, id, boss_id) VALUES (?, ?, ?)"), "Joe", "1", "4444")
	tx.MustExec(tx.Rebind("INSERT INTO employees (name, id, boss_id) VALUES (?, ?, ?)"), "Martin", "2", "4444")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestSqlxBindType: the driver name maps to "?" placeholders (set by this
// package's init, as sqlx does for "sqlite3").
func TestSqlxBindType(t *testing.T) {
	if got := sqlx.BindType("turso"); got != sqlx.QUESTION {
		t.Errorf("BindType(turso) = %d, want QUESTION", got)
	}
	db := openSqlx(t, "")
	if q := db.Rebind("SELECT ? WHERE ? = ?"); q != "SELECT ? WHERE ? = ?" {
		t.Errorf("Rebind changed the query: %q", q)
	}
}

// TestSqlxUsage follows sqlx's TestUsage: Select, Get, prepared statement
// reuse, Stmtx in a transaction, NamedExec and NamedQuery with maps and
// structs, mapper functions, scanning into base types and time.Time.
func TestSqlxUsage(t *testing.T) {
	db := openSqlx(t, "")
	loadFixture(t, db)

	var people []Person
	if err := db.Select(&people, "SELECT * FROM person ORDER BY first_name ASC"); err != nil {
		t.Fatal(err)
	}
	if len(people) != 2 {
		t.Fatalf("Select: %d people, want 2", len(people))
	}
	jason, john := people[0], people[1]
	if jason.FirstName != "Jason" || jason.LastName != "Moiron" || jason.Email != "jmoiron@jmoiron.net" {
		t.Errorf("Jason = %+v", jason)
	}
	if john.FirstName != "John" || john.LastName != "Doe" || john.Email != "johndoeDNE@gmail.net" {
		t.Errorf("John = %+v", john)
	}
	// added_at defaulted to CURRENT_TIMESTAMP and scans as a time.Time.
	if age := time.Since(jason.AddedAt); jason.AddedAt.IsZero() || age < -time.Minute || age > time.Hour {
		t.Errorf("added_at = %v, want about now", jason.AddedAt)
	}

	var p Person
	if err := db.Get(&p, db.Rebind("SELECT * FROM person WHERE first_name=?"), "Jason"); err != nil || p.FirstName != "Jason" {
		t.Errorf("Get Jason = %+v, %v", p, err)
	}
	if err := db.Get(&p, db.Rebind("SELECT * FROM person WHERE first_name=?"), "Foobar"); err != sql.ErrNoRows {
		t.Errorf("Get of no row: error %v, want sql.ErrNoRows itself", err)
	}

	// A prepared statement is reusable, including after a no-row Get.
	stmt, err := db.Preparex(db.Rebind("SELECT * FROM person WHERE first_name=?"))
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	for range 2 {
		if err := stmt.Get(&p, "DoesNotExist"); err != sql.ErrNoRows {
			t.Errorf("stmt.Get of no row: %v", err)
		}
	}
	if err := stmt.Get(&p, "John"); err != nil || p.LastName != "Doe" {
		t.Errorf("stmt.Get(John) = %+v, %v", p, err)
	}
	// ... and usable inside a transaction with Stmtx.
	tx := db.MustBegin()
	p = Person{}
	if err := tx.Stmtx(stmt).QueryRowx("Jason").StructScan(&p); err != nil || p.FirstName != "Jason" {
		t.Errorf("tx.Stmtx StructScan = %+v, %v", p, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	// Integer columns into int fields; []*Struct and []Struct; NULL city
	// into *string and sql.NullString.
	var places []*Place
	if err := db.Select(&places, "SELECT telcode FROM place ORDER BY telcode ASC"); err != nil {
		t.Fatal(err)
	}
	if len(places) != 3 || places[0].TelCode != 1 || places[1].TelCode != 65 || places[2].TelCode != 852 {
		t.Errorf("telcodes = %+v", places)
	}
	var pptrs []PlacePtr
	if err := db.Select(&pptrs, "SELECT * FROM place ORDER BY telcode ASC"); err != nil {
		t.Fatal(err)
	}
	if pptrs[0].City == nil || *pptrs[0].City != "New York" || pptrs[1].City != nil {
		t.Errorf("*string cities: %+v", pptrs)
	}
	var places2 []Place
	if err := db.Select(&places2, "SELECT * FROM place ORDER BY telcode ASC"); err != nil {
		t.Fatal(err)
	}
	if places2[0].City != (sql.NullString{String: "New York", Valid: true}) || places2[2].City.Valid {
		t.Errorf("sql.NullString cities: %+v", places2)
	}

	// Wrong destinations are errors, not panics.
	var one Place
	if err := db.Select(&one, "SELECT * FROM place"); err == nil {
		t.Error("Select into a pointer to a struct (not a slice) succeeded")
	}
	if err := db.Select(places2, "SELECT * FROM place"); err == nil {
		t.Error("Select into a slice (not a pointer) succeeded")
	}

	// Select with arguments on a prepared statement.
	stmt2, err := db.Preparex(db.Rebind("SELECT country, telcode FROM place WHERE telcode > ? ORDER BY telcode ASC"))
	if err != nil {
		t.Fatal(err)
	}
	defer stmt2.Close()
	places = nil
	if err := stmt2.Select(&places, 10); err != nil {
		t.Fatal(err)
	}
	if len(places) != 2 || places[0].TelCode != 65 || places[1].TelCode != 852 {
		t.Errorf("telcode > 10: %+v", places)
	}

	// MapScan and SliceScan.
	rows, err := db.Queryx("SELECT * FROM place")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		m := map[string]any{}
		if err := rows.MapScan(m); err != nil {
			t.Fatal(err)
		}
		if _, ok := m["country"]; !ok {
			t.Errorf("MapScan lacks country: %v", m)
		}
	}
	rows.Close()
	rows, err = db.Queryx("SELECT * FROM place")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		s, err := rows.SliceScan()
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 3 {
			t.Errorf("SliceScan: %d columns, want 3", len(s))
		}
	}
	rows.Close()

	// NamedExec and NamedQuery with a map, then with a struct.
	if _, err := db.NamedExec("INSERT INTO person (first_name, last_name, email) VALUES (:first, :last, :email)",
		map[string]any{"first": "Bin", "last": "Smuth", "email": "bensmith@allblacks.nz"}); err != nil {
		t.Fatal(err)
	}
	nrows, err := db.NamedQuery("SELECT * FROM person WHERE first_name=:first", map[string]any{"first": "Bin"})
	if err != nil {
		t.Fatal(err)
	}
	ben := &Person{}
	n := 0
	for nrows.Next() {
		if err := nrows.StructScan(ben); err != nil {
			t.Fatal(err)
		}
		n++
	}
	nrows.Close()
	if n != 1 || ben.LastName != "Smuth" {
		t.Errorf("NamedQuery(map): %d rows, %+v", n, ben)
	}
	ben.FirstName, ben.LastName, ben.Email = "Ben", "Smith", "binsmuth@allblacks.nz"
	if _, err := db.NamedExec("INSERT INTO person (first_name, last_name, email) VALUES (:first_name, :last_name, :email)", ben); err != nil {
		t.Fatal(err)
	}
	var got Person
	if err := db.Get(&got, "SELECT * FROM person WHERE first_name=$1", "Ben"); err != nil || got.LastName != "Smith" {
		t.Errorf("Get with $1 = %+v, %v", got, err)
	}

	// Mapper functions: the upper-case column names of capplace.
	db.MapperFunc(strings.ToUpper)
	var rsa CPlace
	if err := db.Get(&rsa, "SELECT * FROM capplace;"); err != nil || rsa.Country != "Sarf Efrica" || rsa.TelCode != 27 {
		t.Errorf("upper-case mapper: %+v, %v", rsa, err)
	}
	db.MapperFunc(strings.ToLower)
	if err := db.Get(&rsa, "SELECT * FROM cappplace;"); err == nil {
		t.Error("Get from a missing table succeeded")
	}

	// Base types: Select into []string, Get into int, *int, time.Time and
	// []time.Time, and []sql.NullString.
	var names []string
	if err := db.Select(&names, "SELECT first_name FROM person ORDER BY first_name ASC;"); err != nil {
		t.Fatal(err)
	}
	if want := []string{"Ben", "Bin", "Jason", "John"}; !reflect.DeepEqual(names, want) {
		t.Errorf("names = %q, want %q", names, want)
	}
	var count int
	var pcount *int
	if err := db.Get(&count, "SELECT count(*) FROM person;"); err != nil || count != 4 {
		t.Errorf("count = %d, %v", count, err)
	}
	if err := db.Get(&pcount, "SELECT count(*) FROM person;"); err != nil || pcount == nil || *pcount != 4 {
		t.Errorf("*int count = %v, %v", pcount, err)
	}
	var addedAt time.Time
	var addedAts []time.Time
	if err := db.Get(&addedAt, "SELECT added_at FROM person LIMIT 1;"); err != nil || addedAt.IsZero() {
		t.Errorf("Get time.Time = %v, %v", addedAt, err)
	}
	if err := db.Select(&addedAts, "SELECT added_at FROM person;"); err != nil || len(addedAts) != 4 {
		t.Errorf("Select []time.Time = %v, %v", addedAts, err)
	}
	var cities []sql.NullString
	if err := db.Select(&cities, "SELECT city FROM place ORDER BY city ASC"); err != nil {
		t.Fatal(err)
	}
	if len(cities) != 3 || cities[0].Valid || cities[1].Valid || cities[2].String != "New York" {
		t.Errorf("[]sql.NullString cities = %+v", cities)
	}
}

// TestSqlxMissingNames follows sqlx's TestMissingNames: a column with no
// destination field fails Select, Get and StructScan, unless the DB is
// Unsafe.
func TestSqlxMissingNames(t *testing.T) {
	db := openSqlx(t, "")
	loadFixture(t, db)
	type PersonPlus struct { // lacks added_at
		FirstName string `db:"first_name"`
		LastName  string `db:"last_name"`
		Email     string
	}
	const missing = "missing destination name added_at"
	var pps []PersonPlus
	var pp PersonPlus
	checks := []struct {
		name string
		err  error
	}{
		{"Select", db.Select(&pps, "SELECT * FROM person")},
		{"Get", db.Get(&pp, "SELECT * FROM person LIMIT 1")},
	}
	rows, err := db.Queryx("SELECT * FROM person LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	rows.Next()
	checks = append(checks, struct {
		name string
		err  error
	}{"StructScan", rows.StructScan(&pp)})
	rows.Close()
	for _, c := range checks {
		if c.err == nil || !strings.Contains(c.err.Error(), missing) {
			t.Errorf("%s: error %v, want %q", c.name, c.err, missing)
		}
	}

	// Unsafe ignores the extra column, and named statements inherit it.
	udb := db.Unsafe()
	if err := udb.Select(&pps, "SELECT * FROM person"); err != nil || len(pps) != 2 {
		t.Errorf("unsafe Select: %d rows, %v", len(pps), err)
	}
	if err := udb.Get(&pp, "SELECT * FROM person LIMIT 1"); err != nil {
		t.Errorf("unsafe Get: %v", err)
	}
	nstmt, err := udb.PrepareNamed(`SELECT * FROM person WHERE first_name != :name`)
	if err != nil {
		t.Fatal(err)
	}
	defer nstmt.Close()
	pps = nil
	if err := nstmt.Select(&pps, map[string]any{"name": "Jason"}); err != nil || len(pps) != 1 || pps[0].FirstName != "John" {
		t.Errorf("unsafe NamedStmt.Select = %+v, %v", pps, err)
	}
}

// TestSqlxEmbeddedStructs follows sqlx's TestEmbeddedStructs: embedded
// structs and embedded pointers filled from a join, deep nesting, and an
// embedded field shadowed by an outer one.
func TestSqlxEmbeddedStructs(t *testing.T) {
	type Loop1 struct{ Person }
	type Loop2 struct{ Loop1 }
	type Loop3 struct{ Loop2 }
	db := openSqlx(t, "")
	loadFixture(t, db)
	const join = `SELECT person.*, place.* FROM person NATURAL JOIN place`

	var pps []PersonPlace
	if err := db.Select(&pps, join); err != nil {
		t.Fatal(err)
	}
	// person and place share no column name, so the natural join is a
	// cross join: 2 people × 3 places.
	if len(pps) != 6 {
		t.Errorf("%d joined rows, want 6", len(pps))
	}
	for _, pp := range pps {
		if pp.Person.FirstName == "" || pp.Place.Country == "" {
			t.Errorf("embedded structs not filled: %+v", pp)
		}
	}
	var ptrs []PersonPlacePtr
	if err := db.Select(&ptrs, join); err != nil {
		t.Fatal(err)
	}
	for _, pp := range ptrs {
		if pp.Person == nil || pp.Place == nil || pp.Person.FirstName == "" || pp.Place.Country == "" {
			t.Errorf("embedded pointers not filled: %+v", pp)
		}
	}
	var l3s []Loop3
	if err := db.Select(&l3s, "SELECT * FROM person"); err != nil {
		t.Fatal(err)
	}
	for _, l3 := range l3s {
		if l3.Loop2.Loop1.Person.FirstName == "" {
			t.Errorf("deeply embedded struct not filled: %+v", l3)
		}
	}
	var ec []EmbedConflict
	if err := db.Select(&ec, "SELECT * FROM person ORDER BY first_name"); err != nil {
		t.Fatal(err)
	}
	if len(ec) != 2 || ec[0].FirstName != "Jason" {
		t.Errorf("embed conflict: outer field not filled: %+v", ec)
	}
}

// TestSqlxJoinQuery follows sqlx's TestJoinQuery and
// TestJoinQueryNamedPointerStructs: prefixed columns ("boss.id") fill
// tagged embedded structs and named pointer fields.
func TestSqlxJoinQuery(t *testing.T) {
	type Employee struct {
		Name   string
		ID     int64
		BossID sql.NullInt64 `db:"boss_id"`
	}
	type Boss Employee
	db := openSqlx(t, "")
	loadFixture(t, db)

	var employees []struct {
		Employee
		Boss `db:"boss"`
	}
	if err := db.Select(&employees, `SELECT employees.*, boss.id "boss.id", boss.name "boss.name" FROM employees
		JOIN employees AS boss ON employees.boss_id = boss.id ORDER BY employees.id`); err != nil {
		t.Fatal(err)
	}
	if len(employees) != 2 {
		t.Fatalf("%d employees with a boss, want 2", len(employees))
	}
	for _, em := range employees {
		if em.Employee.Name == "" || em.Employee.BossID.Int64 != em.Boss.ID || em.Boss.Name != "Peter" {
			t.Errorf("join row %+v", em)
		}
	}

	var named []struct {
		Emp1  *Employee `db:"emp1"`
		Emp2  *Employee `db:"emp2"`
		*Boss `db:"boss"`
	}
	if err := db.Select(&named, `SELECT emp.name "emp1.name", emp.id "emp1.id", emp.boss_id "emp1.boss_id",
		emp.name "emp2.name", emp.id "emp2.id", emp.boss_id "emp2.boss_id",
		boss.id "boss.id", boss.name "boss.name" FROM employees AS emp
		JOIN employees AS boss ON emp.boss_id = boss.id`); err != nil {
		t.Fatal(err)
	}
	for _, em := range named {
		if em.Emp1.Name == "" || em.Emp2.Name == "" || em.Emp1.BossID.Int64 != em.Boss.ID || em.Emp2.BossID.Int64 != em.Boss.ID {
			t.Errorf("named pointer join row %+v %+v %+v", em.Emp1, em.Emp2, em.Boss)
		}
	}
}

// TestSqlxNilReceiver follows sqlx's TestNilReceiver.
func TestSqlxNilReceiver(t *testing.T) {
	db := openSqlx(t, "")
	loadFixture(t, db)
	var p *Person
	if err := db.Get(p, "SELECT * FROM person LIMIT 1"); err == nil {
		t.Error("Get into a nil *Person succeeded")
	}
	var pp *[]Person
	if err := db.Select(pp, "SELECT * FROM person"); err == nil {
		t.Error("Select into a nil *[]Person succeeded")
	}
}

// TestSqlxScanError follows sqlx's TestScanError: text into an int field
// is a scan error.
func TestSqlxScanError(t *testing.T) {
	db := openSqlx(t, "")
	db.MustExec("CREATE TABLE kv (k text, v integer)")
	db.MustExec(db.Rebind("INSERT INTO kv (k, v) VALUES (?, ?)"), "hi", 1)
	type WrongTypes struct {
		K int
		V string
	}
	var wt WrongTypes
	err := db.Get(&wt, "SELECT * FROM kv")
	if err == nil || !strings.Contains(err.Error(), "converting") {
		t.Errorf("scanning text into an int: error %v, want a conversion error", err)
	}
}

// TestSqlxMultiInsert follows sqlx's TestMultiInsert.
func TestSqlxMultiInsert(t *testing.T) {
	db := openSqlx(t, "")
	loadFixture(t, db)
	res := db.MustExec(db.Rebind(`INSERT INTO employees (name, id) VALUES (?, ?), (?, ?);`), "Name1", 400, "name2", 500)
	if n, err := res.RowsAffected(); err != nil || n != 2 {
		t.Errorf("RowsAffected = %d, %v; want 2", n, err)
	}
}

// TestSqlxIn follows sqlx's TestIn on a database: a slice argument
// expanded into IN (?, ?), and the argument errors sqlx.In reports.
func TestSqlxIn(t *testing.T) {
	db := openSqlx(t, "")
	loadFixture(t, db)
	query, args, err := sqlx.In("SELECT * FROM place WHERE telcode IN(?) ORDER BY telcode", []int{852, 65})
	if err != nil {
		t.Fatal(err)
	}
	var places []Place
	if err := db.Select(&places, db.Rebind(query), args...); err != nil {
		t.Fatal(err)
	}
	if len(places) != 2 || places[0].TelCode != 65 || places[1].TelCode != 852 {
		t.Errorf("IN (852, 65) = %+v", places)
	}

	bad := []struct {
		q    string
		args []any
	}{
		{"SELECT * FROM foo WHERE x = ? and y = ?", []any{"foo", []int{1, 2, 3}, "bar"}}, // too many args
		{"SELECT * FROM foo WHERE x = ?", []any{[]int{}}},                                // empty slice
		{"SELECT * FROM foo WHERE x = ? AND y in (?)", []any{[]int{1, 2, 3}}},            // too few args
	}
	for _, b := range bad {
		if _, _, err := sqlx.In(b.q, b.args...); err == nil {
			t.Errorf("In(%q, %v) succeeded", b.q, b.args)
		}
	}

	// A named query with a slice: Named, then In, then Rebind.
	query, args, err = sqlx.Named("SELECT country FROM place WHERE telcode IN (:codes) AND country != :not", map[string]any{
		"codes": []int{1, 65, 852}, "not": "Singapore",
	})
	if err == nil {
		query, args, err = sqlx.In(query, args...)
	}
	if err != nil {
		t.Fatal(err)
	}
	var countries []string
	if err := db.Select(&countries, db.Rebind(query+" ORDER BY country"), args...); err != nil {
		t.Fatal(err)
	}
	if want := []string{"Hong Kong", "United States"}; !reflect.DeepEqual(countries, want) {
		t.Errorf("Named+In = %q, want %q", countries, want)
	}
}

// TestSqlxNulls follows sqlx's TestNilInserts and widens it: NULL and
// non-NULL values through pointers and every sql.Null* type, written with
// NamedExec and read back with Get.
func TestSqlxNulls(t *testing.T) {
	db := openSqlx(t, "")
	db.MustExec(`CREATE TABLE tt (
		id INTEGER PRIMARY KEY,
		value TEXT NULL DEFAULT NULL,
		n INTEGER, f REAL, b BOOLEAN, ts DATETIME, s TEXT, i32 INTEGER
	)`)
	type TT struct {
		ID    int
		Value *string
		N     sql.NullInt64
		F     sql.NullFloat64
		B     sql.NullBool
		TS    sql.NullTime
		S     sql.Null[string]
		I32   *int32
	}

	// sqlx's case: an omitted column reads back as a nil pointer, and a
	// struct holding nil pointers inserts NULLs.
	db.MustExec(`INSERT INTO tt (id) VALUES (1)`)
	var v TT
	if err := db.Get(&v, `SELECT * FROM tt`); err != nil {
		t.Fatal(err)
	}
	if v.ID != 1 || v.Value != nil || v.N.Valid || v.F.Valid || v.B.Valid || v.TS.Valid || v.S.Valid || v.I32 != nil {
		t.Errorf("row of NULLs = %+v", v)
	}
	v.ID = 2
	if _, err := db.NamedExec(`INSERT INTO tt (id, value, n, f, b, ts, s, i32) VALUES (:id, :value, :n, :f, :b, :ts, :s, :i32)`, v); err != nil {
		t.Fatal(err)
	}
	var v2 TT
	if err := db.Get(&v2, `SELECT * FROM tt WHERE id=2`); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v, v2) {
		t.Errorf("NULL round trip: got %+v, want %+v", v2, v)
	}

	// The same columns with values.
	str, i32 := "x", int32(-7)
	when := time.Date(2024, 2, 29, 23, 59, 58, 123456789, time.UTC)
	full := TT{
		ID: 3, Value: &str,
		N: sql.NullInt64{Int64: 42, Valid: true}, F: sql.NullFloat64{Float64: 2.5, Valid: true},
		B: sql.NullBool{Bool: true, Valid: true}, TS: sql.NullTime{Time: when, Valid: true},
		S:   sql.Null[string]{V: "", Valid: true}, // the empty string is not NULL
		I32: &i32,
	}
	if _, err := db.NamedExec(`INSERT INTO tt (id, value, n, f, b, ts, s, i32) VALUES (:id, :value, :n, :f, :b, :ts, :s, :i32)`, full); err != nil {
		t.Fatal(err)
	}
	var got TT
	if err := db.Get(&got, `SELECT * FROM tt WHERE id=3`); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, full) {
		t.Errorf("value round trip: got %+v, want %+v", got, full)
	}

	// NULL into a plain (non-pointer, non-Null) field is a scan error.
	var plain struct{ Value string }
	err := db.Get(&plain, `SELECT value FROM tt WHERE id=1`)
	if err == nil || !strings.Contains(err.Error(), "converting NULL") {
		t.Errorf("NULL into a string: error %v, want a converting NULL error", err)
	}
}

// TestSqlxTransactions: commit keeps, rollback discards, a failed
// statement does not end the transaction, and a transaction sees its own
// writes (MustBegin, Beginx, tx.NamedExec, tx.Get, tx.Select).
func TestSqlxTransactions(t *testing.T) {
	db := openSqlx(t, "")
	db.MustExec(`CREATE TABLE acct (name TEXT PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0))`)
	db.MustExec(`INSERT INTO acct VALUES ('a', 100), ('b', 0)`)
	balances := func(q sqlx.Queryer) map[string]int {
		t.Helper()
		var rows []struct {
			Name    string
			Balance int
		}
		if err := sqlx.Select(q, &rows, "SELECT name, balance FROM acct ORDER BY name"); err != nil {
			t.Fatal(err)
		}
		m := map[string]int{}
		for _, r := range rows {
			m[r.Name] = r.Balance
		}
		return m
	}
	transfer := `UPDATE acct SET balance = balance + CASE name WHEN :from THEN -:amount WHEN :to THEN :amount END
		WHERE name IN (:from, :to)`

	tests := []struct {
		name   string
		amount int
		commit bool
		want   map[string]int
	}{
		{"commit", 30, true, map[string]int{"a": 70, "b": 30}},
		{"rollback", 50, false, map[string]int{"a": 70, "b": 30}},
		{"commit again", 70, true, map[string]int{"a": 0, "b": 100}},
	}
	for _, tc := range tests {
		before := balances(db)
		tx, err := db.Beginx()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.NamedExec(transfer, map[string]any{"from": "a", "to": "b", "amount": tc.amount}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		// Inside the transaction, its own write is visible.
		if in := balances(tx); in["a"] != before["a"]-tc.amount || in["b"] != before["b"]+tc.amount {
			t.Errorf("%s: inside the tx %v, before %v", tc.name, in, before)
		}
		if tc.commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := balances(db); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: balances %v, want %v", tc.name, got, tc.want)
		}
	}

	// An overdraft breaks the CHECK constraint; the error is a
	// *turso.Error, the transaction is still usable and rolls back.
	tx := db.MustBegin()
	_, err := tx.NamedExec(transfer, map[string]any{"from": "a", "to": "b", "amount": 1})
	if !errors.Is(err, turso.ErrConstraintCheck) {
		t.Errorf("overdraft: error %v, want ErrConstraintCheck", err)
	}
	var te *turso.Error
	if !errors.As(err, &te) || te.ExtendedCode != turso.CodeConstraintCheck {
		t.Errorf("overdraft: error %#v is not a *turso.Error with CodeConstraintCheck", err)
	}
	var n int
	if err := tx.Get(&n, "SELECT count(*) FROM acct"); err != nil || n != 2 {
		t.Errorf("tx after a failed statement: count %d, %v", n, err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); !errors.Is(err, sql.ErrTxDone) {
		t.Errorf("Commit after Rollback: %v, want sql.ErrTxDone", err)
	}
}

// TestSqlxTimeLoc: a time.Time round trip through a DATETIME column, read
// back in the zone _loc names (mattn/go-sqlite3's parameter): the same
// instant always, in the stored offset without _loc, in the _loc zone with
// it.
func TestSqlxTimeLoc(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2025, 7, 14, 9, 30, 15, 500_000_000, tokyo) // 00:30:15.5 UTC

	tests := []struct {
		params   string
		wantZone string // zone name of the value read back
		wantHour int    // and its hour there
	}{
		{"", "", 9},                          // the stored offset (+09:00), as a fixed zone
		{"_loc=UTC", "UTC", 0},               // converted to UTC
		{"_loc=America/New_York", "EDT", 20}, // converted to New York (previous day)
	}
	for _, tc := range tests {
		db := openSqlx(t, tc.params)
		db.MustExec(`CREATE TABLE ev (id INTEGER PRIMARY KEY, at DATETIME, at_text TEXT)`)
		if _, err := db.NamedExec(`INSERT INTO ev (at, at_text) VALUES (:at, :at)`, map[string]any{"at": when}); err != nil {
			t.Fatal(err)
		}
		var ev struct {
			ID     int
			At     time.Time
			AtText string `db:"at_text"`
		}
		if err := db.Get(&ev, "SELECT * FROM ev"); err != nil {
			t.Fatalf("%q: %v", tc.params, err)
		}
		if !ev.At.Equal(when) {
			t.Errorf("%q: read %v, wrote %v", tc.params, ev.At, when)
		}
		if zone, _ := ev.At.Zone(); tc.wantZone != "" && zone != tc.wantZone {
			t.Errorf("%q: zone %q, want %q", tc.params, zone, tc.wantZone)
		}
		if _, off := ev.At.Zone(); tc.params == "" && off != 9*3600 {
			t.Errorf("no _loc: offset %d s, want +09:00", off)
		}
		if ev.At.Hour() != tc.wantHour {
			t.Errorf("%q: hour %d, want %d (%v)", tc.params, ev.At.Hour(), tc.wantHour, ev.At)
		}
		// The stored text is mattn's format, whatever _loc says.
		if want := "2025-07-14 09:30:15.5+09:00"; ev.AtText != want {
			t.Errorf("%q: stored %q, want %q", tc.params, ev.AtText, want)
		}
	}
}
