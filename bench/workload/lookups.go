package workload

import (
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// The SQL of the point and time workloads, shared with cmd/raw.
const (
	PointQuery     = "SELECT email FROM users WHERE id = ?"
	EventsTable    = "CREATE TABLE events (id INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, score REAL NOT NULL, at DATETIME NOT NULL)"
	InsertEventSQL = "INSERT INTO events(id, name, score, at) VALUES (?, ?, ?, ?)"
	EventsQuery    = "SELECT id, name, score, at FROM events ORDER BY id"
)

// PointID is the user id the k-th lookup of a table of n users reads:
// every id once per n lookups, in an order that jumps around the table.
func PointID(k, n int) int64 { return int64((k*7919)%n + 1) }

// point: PointUsers users (untimed), then PointQueries lookups of one
// user's email by primary key: through a prepared *sql.Stmt
// (st.QueryRow(id).Scan), the most common query of real applications, and
// through db.QueryRow with the SQL text.
func pointWorkload() Workload {
	return Workload{
		Group: "point",
		Steps: []string{"point/prepared", "point/query"},
		Read:  map[string]bool{"point/prepared": true, "point/query": true},
		Run: func(r *Run) error {
			db, err := r.Open("point", DefaultOptions())
			if err != nil {
				return err
			}
			defer db.Close()
			if err := createSchema(db); err != nil {
				return err
			}
			n, q := r.Sizes.PointUsers, r.Sizes.PointQueries
			emails := Emails(n)
			if err := insertUsers(db, emails); err != nil {
				return err
			}
			st, err := db.Prepare(PointQuery)
			if err != nil {
				return err
			}
			defer st.Close()
			err = r.Measure("point/prepared", q, func() error {
				return lookups(q, emails, func(id int64, e *string) error { return st.QueryRow(id).Scan(e) })
			})
			if err != nil {
				return err
			}
			return r.Measure("point/query", q, func() error {
				return lookups(q, emails, func(id int64, e *string) error { return db.QueryRow(PointQuery, id).Scan(e) })
			})
		},
	}
}

// lookups runs q lookups and checks each email read.
func lookups(q int, emails []string, lookup func(id int64, e *string) error) error {
	var e string
	for k := 0; k < q; k++ {
		id := PointID(k, len(emails))
		if err := lookup(id, &e); err != nil {
			return err
		}
		if e != emails[id-1] {
			return fmt.Errorf("point: user %d has email %q, want %q", id, e, emails[id-1])
		}
	}
	return nil
}

// EventTime is the DATETIME of the i-th event: distinct seconds with a
// fraction, in UTC.
func EventTime(i int) time.Time {
	return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Second + time.Duration(i%1000)*time.Millisecond)
}

// EventName is the name of the i-th event.
func EventName(i int) string { return "event " + strconv.Itoa(i) }

// time: TimeRows rows of (int, text, real, datetime) inserted in one
// transaction with time.Time arguments, then read back into time.Time:
// where a driver's time formatting and parsing shows.
func timeWorkload() Workload {
	return Workload{
		Group: "time",
		Steps: []string{"time/insert", "time/query"},
		Read:  map[string]bool{"time/query": true},
		Room:  map[string]bool{"time/query": true},
		Run: func(r *Run) error {
			db, err := r.Open("time", DefaultOptions())
			if err != nil {
				return err
			}
			defer db.Close()
			if _, err := db.Exec(EventsTable); err != nil {
				return err
			}
			n := r.Sizes.TimeRows
			names := make([]string, n)
			for i := range names {
				names[i] = EventName(i)
			}
			err = r.Measure("time/insert", n, func() error { return insertEvents(db, names) })
			if err != nil {
				return err
			}
			return r.Measure("time/query", n, func() error { return scanEvents(db, n) })
		},
	}
}

func insertEvents(db *sql.DB, names []string) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.Prepare(InsertEventSQL)
	if err != nil {
		return err
	}
	for i, name := range names {
		if _, err := st.Exec(i+1, name, float64(i)/4, EventTime(i)); err != nil {
			return err
		}
	}
	if err := st.Close(); err != nil {
		return err
	}
	return tx.Commit()
}

func scanEvents(db *sql.DB, want int) error {
	rows, err := db.Query(EventsQuery)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		id    int64
		name  string
		score float64
		at    time.Time
		n     int
	)
	for rows.Next() {
		if err := rows.Scan(&id, &name, &score, &at); err != nil {
			return err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n != want {
		return fmt.Errorf("time: got %d rows, want %d", n, want)
	}
	if n > 0 && !at.Equal(EventTime(n-1)) {
		return fmt.Errorf("time: last event at %v, want %v", at, EventTime(n-1))
	}
	return nil
}
