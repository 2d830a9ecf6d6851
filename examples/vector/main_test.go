package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/turso-go/turso"
)

// openCorpus opens a fresh database in a temporary directory and loads the
// corpus into it.
func openCorpus(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("turso", filepath.Join(t.TempDir(), "vec.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := setup(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return db
}

// cosineDistance is the oracle: 1 - cos(a, b), computed in Go.
func cosineDistance(a, b turso.Vector32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return 1 - dot/math.Sqrt(na*nb)
}

// bruteForce ranks the corpus by cosine distance to q, in Go.
func bruteForce(q turso.Vector32, k int) []Match {
	ms := make([]Match, len(corpus))
	for i, d := range corpus {
		ms[i] = Match{d.Title, cosineDistance(q, d.Embedding)}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Distance < ms[j].Distance })
	return ms[:k]
}

func titles(ms []Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Title
	}
	return out
}

func TestNearestNeighbours(t *testing.T) {
	db := openCorpus(t)
	ctx := context.Background()
	tests := []struct {
		query string
		k     int
		want  []string // known by construction of the corpus
	}{
		{"pets", 2, []string{"Cats sleep sixteen hours a day", "How to train a puppy"}},
		{"finance", 2, []string{"Index funds for beginners", "Interest rates rise again"}},
		{"weather", 2, []string{"Storm warning for the coast", "A sunny weekend ahead"}},
		{"food", 2, []string{"Sourdough bread at home", "Feeding your parrot fruit"}},
		{"pets", 1, []string{"Cats sleep sixteen hours a day"}},
		{"food", 3, []string{"Sourdough bread at home", "Feeding your parrot fruit", "How to train a puppy"}},
	}
	for _, tc := range tests {
		q := queries[tc.query]
		oracle := bruteForce(q, tc.k)
		for name, search := range map[string]func(context.Context, *sql.DB, turso.Vector32, int) ([]Match, error){
			"index": Nearest, "exact": ExactNearest,
		} {
			got, err := search(ctx, db, q, tc.k)
			if err != nil {
				t.Fatalf("%s %s k=%d: %v", name, tc.query, tc.k, err)
			}
			if g := titles(got); strings.Join(g, "|") != strings.Join(tc.want, "|") {
				t.Errorf("%s %s k=%d = %q, want %q", name, tc.query, tc.k, g, tc.want)
			}
			// The engine's distances agree with the Go oracle (float32
			// storage: a few ulps of float32).
			for i := range got {
				if i < len(oracle) && math.Abs(got[i].Distance-oracle[i].Distance) > 1e-5 {
					t.Errorf("%s %s: distance of %q = %v, oracle %v", name, tc.query, got[i].Title, got[i].Distance, oracle[i].Distance)
				}
			}
		}
	}
}

func TestEmbeddingsRoundTrip(t *testing.T) {
	db := openCorpus(t)
	for _, d := range corpus {
		var v turso.Vector32
		if err := db.QueryRow("SELECT embedding FROM docs WHERE title = ?", d.Title).Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v.String() != d.Embedding.String() {
			t.Errorf("%q: embedding %v, stored %v", d.Title, v, d.Embedding)
		}
	}
}

func TestSearchErrors(t *testing.T) {
	db := openCorpus(t)
	ctx := context.Background()
	tests := []struct {
		name string
		q    turso.Vector32
		k    int
		want string // in the error; "" for an engine error (*turso.Error)
	}{
		{"wrong dimensions", turso.Vector32{1, 0, 0}, 3, ""},
		{"k zero", queries["pets"], 0, "k must be positive"},
		{"k negative", queries["pets"], -1, "k must be positive"},
	}
	for _, tc := range tests {
		for name, search := range map[string]func(context.Context, *sql.DB, turso.Vector32, int) ([]Match, error){
			"index": Nearest, "exact": ExactNearest,
		} {
			ms, err := search(ctx, db, tc.q, tc.k)
			if err == nil {
				t.Errorf("%s, %s search: got %v, want an error", tc.name, name, ms)
				continue
			}
			var te *turso.Error
			if tc.want == "" && !errors.As(err, &te) {
				t.Errorf("%s, %s search: error %v (%T) is not a *turso.Error", tc.name, name, err, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s, %s search: error %q lacks %q", tc.name, name, err, tc.want)
			}
		}
	}
}

func TestVectorRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vector.db")
	// Twice on the same file: the second run reuses the table without
	// duplicating the corpus.
	for i := range 2 {
		var out bytes.Buffer
		if err := run(context.Background(), &out, path, "weather", 2); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		got := out.String()
		for _, s := range []string{"database: " + path, "by the index", "by exact search", "Storm warning for the coast", "A sunny weekend ahead"} {
			if !strings.Contains(got, s) {
				t.Errorf("run %d output lacks %q:\n%s", i+1, s, got)
			}
		}
		if strings.Contains(got, "Interest rates") {
			t.Errorf("run %d: k=2 printed a third neighbour:\n%s", i+1, got)
		}
	}
	db, err := sql.Open("turso", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM docs").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(corpus) {
		t.Errorf("%d docs after two runs, want %d", n, len(corpus))
	}
}

func TestVectorRunErrors(t *testing.T) {
	tests := []struct {
		name, path, query string
		k                 int
	}{
		{"unknown query", filepath.Join(t.TempDir(), "v.db"), "astrology", 3},
		{"missing directory", filepath.Join(t.TempDir(), "missing", "v.db"), "pets", 3},
		{"bad k", filepath.Join(t.TempDir(), "v.db"), "pets", 0},
	}
	for _, tc := range tests {
		var out bytes.Buffer
		if err := run(context.Background(), &out, tc.path, tc.query, tc.k); err == nil {
			t.Errorf("%s: run succeeded:\n%s", tc.name, out.String())
		}
	}
}
