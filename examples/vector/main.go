// Command vector is semantic search in a local file: it stores documents
// with their embeddings in an F32_BLOB column, indexes them with libSQL's
// DiskANN index (libsql_vector_idx) and finds the nearest neighbours of a
// query with vector_top_k, ranked by vector_distance_cos.
//
//	go run ./examples/vector                       # database in the system temp dir
//	go run ./examples/vector -db docs.db -q finance
//
// Real embeddings come from a model (hundreds of dimensions); this example
// uses hand-made 4-dimensional ones so that the answers are easy to check:
// each axis is a topic (animals, finance, weather, food).
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/turso-go/turso" // registers "turso"; turso.Vector32 binds and scans vectors
)

// Dims is the number of dimensions of every embedding: the F32_BLOB(Dims)
// column refuses vectors of any other size.
const Dims = 4

// Doc is a document and its embedding.
type Doc struct {
	Title     string
	Embedding turso.Vector32
}

// Match is a search result: a document and its cosine distance to the
// query (0: same direction, 1: unrelated, 2: opposite).
type Match struct {
	Title    string
	Distance float64
}

// corpus is the example's data set. The axes are topics: animals, finance,
// weather, food.
var corpus = []Doc{
	{"Cats sleep sixteen hours a day", turso.Vector32{0.95, 0.05, 0, 0.1}},
	{"How to train a puppy", turso.Vector32{0.9, 0, 0.1, 0.2}},
	{"Feeding your parrot fruit", turso.Vector32{0.6, 0, 0, 0.7}},
	{"Index funds for beginners", turso.Vector32{0, 0.98, 0, 0}},
	{"Interest rates rise again", turso.Vector32{0, 0.9, 0.2, 0}},
	{"Storm warning for the coast", turso.Vector32{0, 0.1, 0.95, 0}},
	{"A sunny weekend ahead", turso.Vector32{0.1, 0, 0.9, 0.2}},
	{"Sourdough bread at home", turso.Vector32{0, 0, 0, 1}},
}

// queries are the named query vectors the -q flag chooses from.
var queries = map[string]turso.Vector32{
	"pets":    {1, 0, 0, 0.1},
	"finance": {0, 1, 0.1, 0},
	"weather": {0, 0, 1, 0},
	"food":    {0.2, 0, 0, 1},
}

func main() {
	path := flag.String("db", filepath.Join(os.TempDir(), "turso-vector.db"), "database file to create or reuse")
	q := flag.String("q", "pets", "query: "+strings.Join(queryNames(), ", "))
	k := flag.Int("k", 3, "number of neighbours")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *path, *q, *k); err != nil {
		log.Fatal(err)
	}
}

// run loads the corpus into the database at path (once) and prints the k
// nearest documents to the named query, by the index and by exact search.
func run(ctx context.Context, out io.Writer, path, query string, k int) error {
	q, ok := queries[query]
	if !ok {
		return fmt.Errorf("unknown query %q (want one of %s)", query, strings.Join(queryNames(), ", "))
	}
	db, err := sql.Open("turso", path)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := setup(ctx, db); err != nil {
		return err
	}
	fmt.Fprintf(out, "database: %s\nquery %q = %v\n", path, query, q)

	ann, err := Nearest(ctx, db, q, k)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "nearest %d by the index (vector_top_k):\n", k)
	printMatches(out, ann)

	exact, err := ExactNearest(ctx, db, q, k)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "nearest %d by exact search (ORDER BY vector_distance_cos):\n", k)
	printMatches(out, exact)
	return nil
}

// setup creates the table and its vector index, and loads the corpus if
// the table is empty, in one transaction.
func setup(ctx context.Context, db *sql.DB) error {
	// F32_BLOB(4) is a blob of 4 float32s; libsql_vector_idx builds an
	// approximate nearest-neighbour index on it for the cosine metric.
	_, err := db.ExecContext(ctx, fmt.Sprintf(`
		CREATE TABLE IF NOT EXISTS docs (
			id        INTEGER PRIMARY KEY,
			title     TEXT NOT NULL UNIQUE,
			embedding F32_BLOB(%d) NOT NULL
		);
		CREATE INDEX IF NOT EXISTS docs_embedding_idx
			ON docs(libsql_vector_idx(embedding, 'metric=cosine'))`, Dims))
	if err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // a no-op once committed
	for _, d := range corpus {
		// A Vector32 argument binds as the F32_BLOB encoding.
		if _, err := tx.ExecContext(ctx, "INSERT INTO docs(title, embedding) VALUES (?, ?) ON CONFLICT(title) DO NOTHING",
			d.Title, d.Embedding); err != nil {
			return fmt.Errorf("insert %q: %w", d.Title, err)
		}
	}
	return tx.Commit()
}

// Nearest returns the k documents nearest to q according to the vector
// index: vector_top_k yields the rowids of the index's k best candidates,
// and vector_distance_cos ranks them exactly.
func Nearest(ctx context.Context, db *sql.DB, q turso.Vector32, k int) ([]Match, error) {
	return query(ctx, db, `
		SELECT docs.title, vector_distance_cos(docs.embedding, ?1) AS distance
		FROM vector_top_k('docs_embedding_idx', ?1, ?2) AS top
		JOIN docs ON docs.rowid = top.id
		ORDER BY distance, docs.title`, q, k)
}

// ExactNearest returns the k documents nearest to q by scanning the whole
// table: exact, and fine for small tables, but linear in their size.
func ExactNearest(ctx context.Context, db *sql.DB, q turso.Vector32, k int) ([]Match, error) {
	return query(ctx, db, `
		SELECT title, vector_distance_cos(embedding, ?1) AS distance
		FROM docs
		ORDER BY distance, title
		LIMIT ?2`, q, k)
}

// query runs a search with the query vector as ?1 and k as ?2.
func query(ctx context.Context, db *sql.DB, sqlText string, q turso.Vector32, k int) ([]Match, error) {
	if k <= 0 {
		return nil, errors.New("k must be positive")
	}
	rows, err := db.QueryContext(ctx, sqlText, q, k)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var ms []Match
	for rows.Next() {
		var m Match
		if err := rows.Scan(&m.Title, &m.Distance); err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return ms, nil
}

func printMatches(out io.Writer, ms []Match) {
	for _, m := range ms {
		fmt.Fprintf(out, "  %.4f  %s\n", m.Distance, m.Title)
	}
}

// queryNames lists the query names in order, for messages.
func queryNames() []string {
	names := make([]string, 0, len(queries))
	for n := range queries {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
