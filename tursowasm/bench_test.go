//go:build !turso_libsql_only

package tursowasm_test

import (
	"database/sql"
	"path/filepath"
	"testing"
)

// engines are the DSN suffixes the benchmarks compare.
var engines = []struct{ name, params string }{
	{"libsql", ""},
	{"turso-wasm", "?_engine=turso-wasm"},
	{"turso-native", "?_engine=turso-native"},
}

// benchDB opens a database with 1000 rows on engine params.
func benchDB(b *testing.B, params string) *sql.DB {
	b.Helper()
	db, err := sql.Open("turso", filepath.Join(b.TempDir(), "bench.db")+params)
	if err != nil {
		b.Skipf("not in this build: %v", err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL)"); err != nil {
		b.Fatal(err)
	}
	tx, _ := db.Begin()
	for i := range 1000 {
		if _, err := tx.Exec("INSERT INTO t (name, score) VALUES (?, ?)", "name", float64(i)+0.5); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkInsertTx inserts one row per op inside one transaction.
func BenchmarkInsertTx(b *testing.B) {
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			db := benchDB(b, e.params)
			tx, err := db.Begin()
			if err != nil {
				b.Fatal(err)
			}
			defer tx.Commit()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := tx.Exec("INSERT INTO t (name, score) VALUES (?, ?)", "x", 1.5); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkQuery1000 reads 1000 rows of three columns per op.
func BenchmarkQuery1000(b *testing.B) {
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			db := benchDB(b, e.params)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rows, err := db.Query("SELECT id, name, score FROM t")
				if err != nil {
					b.Fatal(err)
				}
				var (
					id    int64
					name  string
					score float64
					n     int
				)
				for rows.Next() {
					if err := rows.Scan(&id, &name, &score); err != nil {
						b.Fatal(err)
					}
					n++
				}
				rows.Close()
				if n != 1000 {
					b.Fatalf("read %d rows", n)
				}
			}
		})
	}
}

// BenchmarkPointSelect reads one row by primary key per op.
func BenchmarkPointSelect(b *testing.B) {
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			db := benchDB(b, e.params)
			b.ResetTimer()
			var name string
			for i := 0; i < b.N; i++ {
				if err := db.QueryRow("SELECT name FROM t WHERE id = ?", i%1000+1).Scan(&name); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
