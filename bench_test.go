package turso_test

import (
	"database/sql"
	"fmt"
	"testing"
)

// These benchmarks measure the driver's per-call and per-row costs. For
// comparisons with other drivers, see bench/ (one binary per driver).

func BenchmarkSelect1(b *testing.B) {
	db, _ := openDB(b, "")
	db.SetMaxOpenConns(1)
	b.ReportAllocs()
	for b.Loop() {
		var n int
		if err := db.QueryRow("SELECT 1").Scan(&n); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInsertTx(b *testing.B) {
	db, _ := openDB(b, "_journal_mode=WAL")
	mustExec(b, db, "CREATE TABLE u(id INTEGER PRIMARY KEY, name TEXT, email TEXT, age INTEGER)")
	b.ReportAllocs()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	stmt, err := tx.Prepare("INSERT INTO u(name, email, age) VALUES (?, ?, ?)")
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if _, err := stmt.Exec("user", "user@example.com", i); err != nil {
			b.Fatal(err)
		}
		i++
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkQueryRows(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			db, _ := openDB(b, "")
			db.SetMaxOpenConns(1)
			mustExec(b, db, "CREATE TABLE u(id INTEGER PRIMARY KEY, name TEXT, email TEXT, score REAL, created DATETIME)")
			mustExec(b, db, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?)
				INSERT INTO u(name, email, score, created) SELECT 'name' || x, 'user' || x || '@example.com', x / 3.0, '2026-01-01 00:00:00' FROM c`, n)
			b.ReportAllocs()
			for b.Loop() {
				rows, err := db.Query("SELECT id, name, email, score, created FROM u")
				if err != nil {
					b.Fatal(err)
				}
				var (
					id      int64
					name    string
					email   string
					score   float64
					created sql.NullTime
				)
				for rows.Next() {
					if err := rows.Scan(&id, &name, &email, &score, &created); err != nil {
						b.Fatal(err)
					}
				}
				if err := rows.Err(); err != nil {
					b.Fatal(err)
				}
				rows.Close()
			}
		})
	}
}
