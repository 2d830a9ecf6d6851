package turso_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/internal/drivertest"
)

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// product is an aggregate state: the product of its rows' values.
type product struct {
	p float64
	n int
}

func (a *product) Step(x float64) { a.p *= x; a.n++ }

func (a *product) Done() (any, error) {
	if a.n == 0 {
		return nil, nil
	}
	return a.p, nil
}

// failingAgg fails in Step on a negative value and panics in Done on zero
// rows summed to 13.
type failingAgg struct{ sum int64 }

func (a *failingAgg) Step(x int64) error {
	if x < 0 {
		return fmt.Errorf("negative value %d", x)
	}
	a.sum += x
	return nil
}

func (a *failingAgg) Done() int64 {
	if a.sum == 13 {
		panic("unlucky sum")
	}
	return a.sum
}

func funcTestOptions() []turso.Option {
	return []turso.Option{
		turso.RegisterFunc("rev", reverse, true),
		turso.RegisterFunc("rev_volatile", reverse, false),
		turso.RegisterFunc("add_num", func(a int64, b float64) float64 { return float64(a) + b }, true),
		turso.RegisterFunc("sum_all", func(xs ...int64) int64 {
			var s int64
			for _, x := range xs {
				s += x
			}
			return s
		}, true),
		turso.RegisterFunc("go_type", func(v any) string { return fmt.Sprintf("%T", v) }, true),
		turso.RegisterFunc("blob_len", func(b []byte) int { return len(b) }, true),
		turso.RegisterFunc("negate", func(b bool) bool { return !b }, true),
		turso.RegisterFunc("null_result", func() any { return nil }, true),
		turso.RegisterFunc("small", func(x int8) int8 { return x }, true),
		turso.RegisterFunc("fail_if", func(msg string) (string, error) {
			if msg != "" {
				return "", errors.New(msg)
			}
			return "ok", nil
		}, false),
		turso.RegisterFunc("boom", func(x int) int { panic(fmt.Sprintf("boom %d", x)) }, false),
		turso.RegisterAggregate("product", func() *product { return &product{p: 1} }, true),
		turso.RegisterAggregate("checked_sum", func() *failingAgg { return &failingAgg{} }, true),
		turso.RegisterCollation("backwards", func(a, b string) int { return strings.Compare(b, a) }),
		turso.RegisterCollation("panicky", func(a, b string) int { panic("no order") }),
	}
}

func TestRegisterFuncValues(t *testing.T) {
	db := drivertest.OpenConnector(t, filepath.Join(t.TempDir(), "f.db"), funcTestOptions()...)
	for _, tc := range []struct {
		query string
		want  any
	}{
		{"SELECT rev('héllo')", "olléh"},
		{"SELECT rev('')", ""},
		{"SELECT add_num(2, 0.5)", 2.5},
		{"SELECT add_num(2.0, 1)", 3.0}, // an integral float converts to int64
		{"SELECT sum_all()", int64(0)},
		{"SELECT sum_all(1, 2, 3, 4)", int64(10)},
		{"SELECT go_type(1)", "int64"},
		{"SELECT go_type(1.5)", "float64"},
		{"SELECT go_type('x')", "string"},
		{"SELECT go_type(x'00')", "[]uint8"},
		{"SELECT go_type(NULL)", "<nil>"},
		{"SELECT blob_len(x'010203')", int64(3)},
		{"SELECT blob_len(NULL)", int64(0)},
		{"SELECT negate(0)", int64(1)},
		{"SELECT null_result() IS NULL", int64(1)},
		{"SELECT fail_if('')", "ok"},
		{"SELECT product(x) FROM (SELECT 2 AS x UNION ALL SELECT 3 UNION ALL SELECT 4)", 24.0},
		{"SELECT product(x) IS NULL FROM (SELECT 1 AS x WHERE 0)", int64(1)},
		{"SELECT checked_sum(x) FROM (SELECT 5 AS x UNION ALL SELECT 6)", int64(11)},
		{"SELECT group_concat(x, '') FROM (SELECT x FROM (SELECT 'a' AS x UNION SELECT 'c' UNION SELECT 'b') ORDER BY x COLLATE backwards)", "cba"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			var got any
			if err := db.QueryRow(tc.query).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestRegisterFuncErrors(t *testing.T) {
	db := drivertest.OpenConnector(t, filepath.Join(t.TempDir(), "f.db"), funcTestOptions()...)
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE TABLE t(x INTEGER)")
	mustExec(t, db, "INSERT INTO t VALUES (1), (2)")
	for _, tc := range []struct {
		query string
		want  string // in the error message
	}{
		{"SELECT fail_if('custom failure')", "custom failure"},
		{"SELECT boom(7)", "panic in SQL function boom: boom 7"},
		{"SELECT add_num('abc', 1)", "add_num: argument 1: cannot convert text to int64"},
		{"SELECT small(1000)", "small: argument 1: cannot convert an integer to int8"},
		{"SELECT negate('yes')", "cannot convert text to bool"},
		{"SELECT rev(1, 2)", "wrong number of arguments"},
		{"SELECT checked_sum(x) FROM (SELECT 1 AS x UNION ALL SELECT -4)", "negative value -4"},
		{"SELECT checked_sum(x) FROM (SELECT 6 AS x UNION ALL SELECT 7)", "panic in SQL function checked_sum: unlucky sum"},
		{"CREATE INDEX bad ON t(rev_volatile(x))", "non-deterministic"},
		{"INSERT INTO t SELECT boom(x) FROM t", "panic in SQL function boom"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			var got any
			err := db.QueryRow(tc.query).Scan(&got)
			var e *turso.Error
			if !errors.As(err, &e) || !strings.Contains(e.Message, tc.want) {
				t.Fatalf("got %v (%T), want an *Error containing %q", err, err, tc.want)
			}
		})
	}
	// The failures left the data and the connection intact.
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 2 {
		t.Fatalf("after failures: %d rows, %v", n, err)
	}
	// A deterministic function may index an expression.
	mustExec(t, db, "CREATE INDEX t_rev ON t(rev(x))")
	var x int
	if err := db.QueryRow("SELECT x FROM t WHERE rev(x) = '2'").Scan(&x); err != nil || x != 2 {
		t.Fatalf("query through the rev index: %d, %v", x, err)
	}
	// A panicking collation does not crash the process.
	if err := db.QueryRow("SELECT count(*) FROM (SELECT x FROM t ORDER BY CAST(x AS TEXT) COLLATE panicky)").Scan(&n); err != nil || n != 2 {
		t.Fatalf("panicking collation: %d, %v", n, err)
	}
}

func TestRegisterFuncEveryConnection(t *testing.T) {
	ctx := context.Background()
	db := drivertest.OpenConnector(t, filepath.Join(t.TempDir(), "f.db"), turso.RegisterFunc("rev", reverse, true))
	// Hold three connections at once: each must have the function.
	for i := range 3 {
		c := drivertest.Conn(t, db)
		var got string
		if err := c.QueryRowContext(ctx, "SELECT rev(?)", fmt.Sprint("abc", i)).Scan(&got); err != nil || got != fmt.Sprint(i, "cba") {
			t.Fatalf("connection %d: %q, %v", i, got, err)
		}
	}
	if s := db.Stats(); s.OpenConnections != 3 {
		t.Fatalf("%d connections open, want 3", s.OpenConnections)
	}
}

func TestRegisterFuncBadDefinitions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  turso.Option
	}{
		{"not a function", turso.RegisterFunc("f", 42, true)},
		{"nil function", turso.RegisterFunc("f", (func())(nil), true)},
		{"empty name", turso.RegisterFunc("", reverse, true)},
		{"long name", turso.RegisterFunc(strings.Repeat("f", 256), reverse, true)},
		{"unsupported parameter", turso.RegisterFunc("f", func(c chan int) int { return 0 }, true)},
		{"three results", turso.RegisterFunc("f", func() (int, int, error) { return 0, 0, nil }, true)},
		{"second result not error", turso.RegisterFunc("f", func() (int, int) { return 0, 0 }, true)},
		{"aggregate not a constructor", turso.RegisterAggregate("a", &product{}, true)},
		{"aggregate without Step", turso.RegisterAggregate("a", func() *struct{ x int } { return nil }, true)},
		{"aggregate Step returns value", turso.RegisterAggregate("a", func() *badStep { return nil }, true)},
		{"aggregate without Done result", turso.RegisterAggregate("a", func() *noDoneResult { return nil }, true)},
		{"nil collation", turso.RegisterCollation("c", nil)},
		{"empty collation name", turso.RegisterCollation("", strings.Compare)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := turso.NewConnector(":memory:", tc.opt); err == nil {
				t.Fatal("NewConnector succeeded; want an error")
			}
		})
	}
}

type badStep struct{}

func (*badStep) Step(x int) int { return x }
func (*badStep) Done() int      { return 0 }

type noDoneResult struct{}

func (*noDoneResult) Step(x int) {}
func (*noDoneResult) Done()      {}

func TestRegisterAggregateNilState(t *testing.T) {
	db := drivertest.OpenConnector(t, ":memory:", turso.RegisterAggregate("nil_agg", func() *product { return nil }, true))
	var got any
	err := db.QueryRow("SELECT nil_agg(1)").Scan(&got)
	if err == nil || !strings.Contains(err.Error(), "constructor returned nil") {
		t.Fatalf("got %v, want the constructor's nil reported", err)
	}
}

func TestRegisterFuncFloatResult(t *testing.T) {
	db := drivertest.OpenConnector(t, ":memory:", turso.RegisterFunc("half", func(x float32) float32 { return x / 2 }, true))
	var got float64
	if err := db.QueryRow("SELECT half(3)").Scan(&got); err != nil || math.Abs(got-1.5) > 1e-9 {
		t.Fatalf("half(3) = %v, %v", got, err)
	}
}

// summer is an aggregate state known through an interface.
type summer interface {
	Step(x int64)
	Done() int64
}

type intSum struct{ s int64 }

func (a *intSum) Step(x int64) { a.s += x }
func (a *intSum) Done() int64  { return a.s }

func TestRegisterAggregateInterfaceState(t *testing.T) {
	db := drivertest.OpenConnector(t, ":memory:", turso.RegisterAggregate("isum", func() summer { return &intSum{} }, true))
	rows, err := db.Query("SELECT g, isum(x) FROM (SELECT 1 AS g, 10 AS x UNION ALL SELECT 1, 5 UNION ALL SELECT 2, 7) GROUP BY g ORDER BY g")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var g, s int64
		if err := rows.Scan(&g, &s); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprint(g, ":", s))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "1:15 2:7" {
		t.Fatalf("groups: %v, want [1:15 2:7]", got)
	}
}

// BenchmarkGoFunc measures one call of a Go scalar function from SQL
// against the built-in abs().
func BenchmarkGoFunc(b *testing.B) {
	c, err := turso.NewConnector(":memory:", turso.RegisterFunc("go_abs", func(x int64) int64 {
		if x < 0 {
			return -x
		}
		return x
	}, true))
	if err != nil {
		b.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	for _, fn := range []string{"abs", "go_abs"} {
		b.Run(fn, func(b *testing.B) {
			const rows = 10000
			q := "SELECT sum(" + fn + "(value)) FROM generate_series(1, " + strconv.Itoa(rows) + ")"
			for b.Loop() {
				var s int64
				if err := db.QueryRow(q).Scan(&s); err != nil || s != rows*(rows+1)/2 {
					b.Fatalf("%d, %v", s, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/call")
		})
	}
}
