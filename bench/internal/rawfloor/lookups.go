package rawfloor

import (
	"fmt"
	"strings"

	"github.com/turso-go/turso/internal/engine"

	"github.com/turso-go/turso/bench/workload"
)

// point is the raw floor of the point workload: the prepared lookups reuse
// one statement; the SQL-text lookups prepare, run and finalize each.
func point(r *workload.Run) error {
	c, err := open(r, "point", workload.DefaultOptions())
	if err != nil {
		return err
	}
	defer c.Close()
	if err := createSchema(c); err != nil {
		return err
	}
	n, q := r.Sizes.PointUsers, r.Sizes.PointQueries
	emails := workload.Emails(n)
	if err := insertUsers(c, emails); err != nil {
		return err
	}
	lookups := func(query func(args []engine.Value, fn func([]engine.Value) error) error) error {
		args := make([]engine.Value, 1)
		var e string
		read := func(row []engine.Value) error {
			e = strings.Clone(row[0].Data)
			return nil
		}
		for k := 0; k < q; k++ {
			id := workload.PointID(k, n)
			args[0] = i64(id)
			e = ""
			if err := query(args, read); err != nil {
				return err
			}
			if e != emails[id-1] {
				return fmt.Errorf("point: user %d has email %q, want %q", id, e, emails[id-1])
			}
		}
		return nil
	}
	st, err := prepare(c, workload.PointQuery)
	if err != nil {
		return err
	}
	defer st.Close()
	err = r.Measure("point/prepared", q, func() error {
		return lookups(func(args []engine.Value, fn func([]engine.Value) error) error { return each(st, args, fn) })
	})
	if err != nil {
		return err
	}
	return r.Measure("point/query", q, func() error {
		return lookups(func(args []engine.Value, fn func([]engine.Value) error) error {
			return queryOnce(c, workload.PointQuery, args, fn)
		})
	})
}

// timeW is the raw floor of the time workload. Times are written as text
// in the drivers' layout, formatted by the standard library, and read back
// as text copied into Go strings: parsing a time is the driver's work.
func timeW(r *workload.Run) error {
	c, err := open(r, "time", workload.DefaultOptions())
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Exec(workload.EventsTable); err != nil {
		return err
	}
	n := r.Sizes.TimeRows
	names := make([]string, n)
	for i := range names {
		names[i] = workload.EventName(i)
	}
	err = r.Measure("time/insert", n, func() error {
		var buf []byte
		return insertEach(c, workload.InsertEventSQL, n, func(i int, args []engine.Value) []engine.Value {
			buf = workload.EventTime(i).AppendFormat(buf[:0], timestampFormat)
			return append(args, i64(int64(i+1)), text(names[i]), engine.Value{Kind: engine.KindFloat, Float: float64(i) / 4}, text(string(buf)))
		})
	})
	if err != nil {
		return err
	}
	return r.Measure("time/query", n, func() error {
		var (
			id    int64
			name  string
			score float64
			at    string
			got   int
		)
		err := queryOnce(c, workload.EventsQuery, nil, func(row []engine.Value) error {
			id, name, score, at = row[0].Int, strings.Clone(row[1].Data), row[2].Float, strings.Clone(row[3].Data)
			got++
			return nil
		})
		_, _, _ = id, name, score
		if err != nil {
			return err
		}
		if got != n || (n > 0 && at == "") {
			return fmt.Errorf("time: got %d rows, want %d", got, n)
		}
		return nil
	})
}

// timestampFormat is the layout mattn/go-sqlite3 and turso write times in.
const timestampFormat = "2006-01-02 15:04:05.999999999-07:00"
