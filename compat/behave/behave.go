// Package behave holds Go-level behaviour cases written once against
// database/sql and run through one driver per binary (compat/cmd/behave-
// turso and compat/cmd/behave-mattn), so their outputs can be compared:
// type round trips, time formats, declared-type conversions, error codes,
// LastInsertId/RowsAffected, NULL handling, named parameters,
// multi-statement Exec, ColumnTypes metadata and busy behaviour between
// two connections.
//
// Every case prints deterministic lines "case/key: result". The output of
// mattn/go-sqlite3 is the reference, kept in testdata/mattn.golden:
//
//	cd compat && go run ./cmd/behave-mattn > behave/testdata/mattn.golden
//
// and the package's test checks turso's output against it, apart from the
// documented exceptions listed in the test.
package behave

import (
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // fixed, reproducible zones for the _loc cases
)

// Env is what a case runs with: a fresh database file and a way to open
// more handles on it.
type Env struct {
	// DB is a handle on a fresh database file with default parameters.
	DB *sql.DB
	// Path is the database file.
	Path string

	driver string
	// extra are DSN parameters added to every handle (e.g. "_engine=turso").
	extra string
	name  string
	lines []string
	dbs   []*sql.DB
}

// Open opens another handle on the database file with driver parameters
// in mattn/go-sqlite3's syntax ("_loc=UTC&_busy_timeout=100"), closed when
// the case ends.
func (e *Env) Open(params string) (*sql.DB, error) {
	dsn := e.Path
	switch {
	case params != "" && e.extra != "":
		dsn += "?" + params + "&" + e.extra
	case params != "":
		dsn += "?" + params
	case e.extra != "":
		dsn += "?" + e.extra
	}
	db, err := sql.Open(e.driver, dsn)
	if err != nil {
		return nil, err
	}
	e.dbs = append(e.dbs, db)
	return db, nil
}

// Log records the line "case/key: " followed by the values, formatted
// with fmt.Sprint.
func (e *Env) Log(key string, v ...any) {
	s := fmt.Sprint(v...)
	s = strings.ReplaceAll(s, e.Path, "$DB")
	s = strings.ReplaceAll(s, "\n", `\n`)
	e.lines = append(e.lines, fmt.Sprintf("%s/%s: %s", e.name, key, s))
}

// Logf records "case/key: " followed by a formatted message.
func (e *Env) Logf(key, format string, args ...any) { e.Log(key, fmt.Sprintf(format, args...)) }

// Exec runs a setup statement and logs it only when it fails.
func (e *Env) Exec(db *sql.DB, query string, args ...any) {
	if _, err := db.Exec(query, args...); err != nil {
		e.Log("setup", query, ": ", Err(err))
	}
}

// Case is one behaviour case.
type Case struct {
	// Name prefixes every line the case prints.
	Name string
	// Run exercises the driver through env.
	Run func(env *Env)
}

// Run runs every case of cases through the database/sql driver registered
// as driver, each on a fresh database file, and writes their lines to w.
// A case that panics prints the panic as its last line.
func Run(driver string, cases []Case, w io.Writer) error {
	return RunParams(driver, "", cases, w)
}

// RunParams is Run with the DSN parameters extra (e.g. "_engine=turso")
// added to every handle the cases open.
func RunParams(driver, extra string, cases []Case, w io.Writer) error {
	for _, c := range cases {
		lines, err := runCase(driver, extra, c)
		if err != nil {
			return err
		}
		for _, l := range lines {
			if _, err := fmt.Fprintln(w, l); err != nil {
				return err
			}
		}
	}
	return nil
}

func runCase(driver, extra string, c Case) (lines []string, err error) {
	dir, err := os.MkdirTemp("", "behave-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	env := &Env{driver: driver, extra: extra, name: c.Name, Path: filepath.Join(dir, "test.db")}
	defer func() {
		for i := len(env.dbs) - 1; i >= 0; i-- {
			env.dbs[i].Close()
		}
		if r := recover(); r != nil {
			env.Log("panic", r)
		}
		lines = env.lines
	}()
	db, err := env.Open("")
	if err != nil {
		env.Log("open", Err(err))
		return env.lines, nil
	}
	env.DB = db
	c.Run(env)
	return env.lines, nil
}

// Main prints every case of [Cases] run through driver on stdout and
// returns the exit status; it is all of the behave-* commands.
func Main(driver string) int { return MainParams(driver, "") }

// MainParams is Main with DSN parameters added to every handle, for a
// driver's other engines (behave-turso-engine: "_engine=turso").
func MainParams(driver, extra string) int {
	if err := RunParams(driver, extra, Cases(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "behave:", err)
		return 1
	}
	return 0
}

// Desc describes a Go value with its dynamic type, deterministically:
// "int64(42)", "string(\"x\")", "[]byte(nil)", "time.Time(2006-01-02T...
// UTC)", "nil".
func Desc(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case []byte:
		if x == nil {
			return "[]byte(nil)"
		}
		return fmt.Sprintf("[]byte(%q)", x)
	case string:
		return fmt.Sprintf("string(%q)", x)
	case time.Time:
		return "time.Time(" + x.Format(time.RFC3339Nano) + " " + x.Location().String() + ")"
	case *any:
		if x == nil {
			return "(*any)(nil)"
		}
		return Desc(*x)
	}
	return fmt.Sprintf("%T(%v)", v, v)
}

// Err describes an error driver-agnostically: "ok" for nil, otherwise its
// message and the SQLite result codes found in its chain (fields Code and
// ExtendedCode, which both drivers' error types have).
func Err(err error) string {
	if err == nil {
		return "ok"
	}
	code, ext, ok := Codes(err)
	if !ok {
		return fmt.Sprintf("error %q", err.Error())
	}
	return fmt.Sprintf("error %q code=%d ext=%d", err.Error(), code, ext)
}

// Codes extracts SQLite's primary and extended result codes from the
// first error in err's chain that has integer fields Code and
// ExtendedCode (mattn's sqlite3.Error, turso's *turso.Error).
func Codes(err error) (code, ext int64, ok bool) {
	for e := range chain(err) {
		v := reflect.ValueOf(e)
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			if v.IsNil() {
				break
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			continue
		}
		c, x := v.FieldByName("Code"), v.FieldByName("ExtendedCode")
		if c.IsValid() && x.IsValid() && c.CanInt() && x.CanInt() {
			return c.Int(), x.Int(), true
		}
	}
	return 0, 0, false
}

// chain yields err and every error it wraps, depth first.
func chain(err error) func(func(error) bool) {
	return func(yield func(error) bool) {
		var walk func(error) bool
		walk = func(e error) bool {
			if e == nil {
				return true
			}
			if !yield(e) {
				return false
			}
			switch u := e.(type) {
			case interface{ Unwrap() error }:
				return walk(u.Unwrap())
			case interface{ Unwrap() []error }:
				for _, x := range u.Unwrap() {
					if !walk(x) {
						return false
					}
				}
			}
			return true
		}
		walk(err)
	}
}

// queryRow scans the single row of query into anys and describes it.
func queryRow(db *sql.DB, query string, args ...any) string {
	rows, err := db.Query(query, args...)
	if err != nil {
		return Err(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "scan " + Err(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = Desc(v)
		}
		out = append(out, strings.Join(parts, ", "))
	}
	if err := rows.Err(); err != nil {
		out = append(out, Err(err))
	}
	if len(out) == 0 {
		return "no rows"
	}
	return strings.Join(out, " | ")
}

// result describes a sql.Result and its error.
func result(res sql.Result, err error) string {
	if err != nil {
		return Err(err)
	}
	id, idErr := res.LastInsertId()
	n, nErr := res.RowsAffected()
	s := fmt.Sprintf("LastInsertId=%d RowsAffected=%d", id, n)
	if idErr != nil || nErr != nil {
		s += fmt.Sprintf(" (errors: %v, %v)", idErr, nErr)
	}
	return s
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
