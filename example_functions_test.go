package turso_test

import (
	"database/sql"
	"fmt"
	"log"
	"strings"

	"github.com/turso-go/turso"
)

// mean is the state of the aggregate function "mean" for one group.
type mean struct {
	sum float64
	n   int
}

func (m *mean) Step(x float64) { m.sum += x; m.n++ }

func (m *mean) Done() (any, error) {
	if m.n == 0 {
		return nil, nil // SQL NULL over no rows
	}
	return m.sum / float64(m.n), nil
}

func ExampleRegisterFunc() {
	c, err := turso.NewConnector(":memory:",
		// A deterministic scalar function: usable in indexes.
		turso.RegisterFunc("shout", func(s string, times int) string {
			return strings.Repeat(strings.ToUpper(s), times)
		}, true),
		// A function that fails: its error becomes the statement's.
		turso.RegisterFunc("must_positive", func(x int64) (int64, error) {
			if x <= 0 {
				return 0, fmt.Errorf("%d is not positive", x)
			}
			return x, nil
		}, true),
	)
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()

	var s string
	if err := db.QueryRow("SELECT shout('hey', 2)").Scan(&s); err != nil {
		log.Fatal(err)
	}
	fmt.Println(s)
	err = db.QueryRow("SELECT must_positive(-1)").Scan(&s)
	fmt.Println(err)
	// Output:
	// HEYHEY
	// -1 is not positive
}

func ExampleRegisterAggregate() {
	c, err := turso.NewConnector(":memory:",
		turso.RegisterAggregate("mean", func() *mean { return &mean{} }, true))
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()

	var m float64
	err = db.QueryRow("SELECT mean(x) FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 6)").Scan(&m)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m)
	// Output: 3
}

func ExampleRegisterCollation() {
	// Sort by length, then alphabetically.
	byLength := func(a, b string) int {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	}
	c, err := turso.NewConnector(":memory:", turso.RegisterCollation("by_length", byLength))
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()

	var list string
	err = db.QueryRow(`SELECT group_concat(w, ' ') FROM
		(SELECT w FROM (SELECT 'ccc' AS w UNION SELECT 'a' UNION SELECT 'bb' UNION SELECT 'ab') ORDER BY w COLLATE by_length)`).Scan(&list)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(list)
	// Output: a ab bb ccc
}
