package turso_test

import (
	"database/sql"
	"fmt"
	"log"

	"github.com/turso-go/turso"
)

func ExampleVector32() {
	db, err := sql.Open("turso", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one in-memory database

	_, err = db.Exec(`CREATE TABLE docs(id INTEGER PRIMARY KEY, title TEXT, embedding F32_BLOB(3));
		CREATE INDEX docs_idx ON docs(libsql_vector_idx(embedding, 'metric=cosine'))`)
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range []struct {
		title string
		v     turso.Vector32
	}{
		{"cats", turso.Vector32{1, 0, 0}},
		{"kittens", turso.Vector32{0.9, 0.1, 0}},
		{"stocks", turso.Vector32{0, 0, 1}},
	} {
		if _, err := db.Exec("INSERT INTO docs(title, embedding) VALUES (?, ?)", d.title, d.v); err != nil {
			log.Fatal(err)
		}
	}

	// The two nearest documents by the index, with their exact distances.
	rows, err := db.Query(`SELECT docs.title, vector_distance_cos(docs.embedding, ?1) AS d
		FROM vector_top_k('docs_idx', ?1, 2) AS top JOIN docs ON docs.rowid = top.id
		ORDER BY d`, turso.Vector32{1, 0.05, 0})
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var title string
		var d float64
		if err := rows.Scan(&title, &d); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s %.3f\n", title, d)
	}
	if err := rows.Err(); err != nil {
		log.Fatal(err)
	}

	// Vectors scan back from the column.
	var v turso.Vector32
	if err := db.QueryRow("SELECT embedding FROM docs WHERE title = 'kittens'").Scan(&v); err != nil {
		log.Fatal(err)
	}
	fmt.Println(v)
	// Output:
	// cats 0.001
	// kittens 0.002
	// [0.9,0.1,0]
}
