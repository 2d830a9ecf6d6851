package turso_test

import (
	"cmp"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/internal/drivertest"
)

func TestVector32RoundTrip(t *testing.T) {
	db := drivertest.OpenConnector(t, ":memory:")
	for _, tc := range []struct {
		name string
		v    turso.Vector32
	}{
		{"small", turso.Vector32{1, 2.5, -3}},
		{"extremes", turso.Vector32{math.MaxFloat32, -math.SmallestNonzeroFloat32, 0, 1e-30}},
		{"long", func() turso.Vector32 {
			v := make(turso.Vector32, 1024)
			for i := range v {
				v[i] = float32(i) / 7
			}
			return v
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Through an F32_BLOB column of the right dimensions.
			mustExec(t, db, "DROP TABLE IF EXISTS v")
			mustExec(t, db, "CREATE TABLE v(id INTEGER PRIMARY KEY, e F32_BLOB("+strconv.Itoa(len(tc.v))+"))")
			mustExec(t, db, "INSERT INTO v(e) VALUES (?)", tc.v)
			var blob, text turso.Vector32
			var viaSQL string
			if err := db.QueryRow("SELECT e, vector_extract(e), vector_extract(vector32(?)) FROM v", tc.v.String()).Scan(&blob, &text, &viaSQL); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(blob, tc.v) {
				t.Fatalf("blob round trip: %v, want %v", blob, tc.v)
			}
			if len(text) != len(tc.v) {
				t.Fatalf("text round trip: %d values, want %d", len(text), len(tc.v))
			}
			for i := range text {
				if d := math.Abs(float64(text[i] - tc.v[i])); d > 1e-5*math.Max(1, math.Abs(float64(tc.v[i]))) {
					t.Fatalf("text value %d: %v, want %v", i, text[i], tc.v[i])
				}
			}
			// libSQL's vector32() of our text form is our blob.
			var fromText []byte
			if err := db.QueryRow("SELECT vector32(?)", tc.v.String()).Scan(&fromText); err != nil {
				t.Fatal(err)
			}
			if want, _ := tc.v.Value(); string(fromText) != string(want.([]byte)) {
				t.Fatalf("vector32(text) differs from Value()")
			}
			if viaSQL == "" {
				t.Fatal("vector_extract returned nothing")
			}
		})
	}
}

func TestVector32Null(t *testing.T) {
	db := drivertest.OpenConnector(t, ":memory:")
	mustExec(t, db, "CREATE TABLE v(e F32_BLOB(2))")
	mustExec(t, db, "INSERT INTO v VALUES (?)", turso.Vector32(nil))
	v := turso.Vector32{9}
	var isNull bool
	if err := db.QueryRow("SELECT e, e IS NULL FROM v").Scan(&v, &isNull); err != nil || v != nil || !isNull {
		t.Fatalf("nil vector: %v, null %v, %v", v, isNull, err)
	}
	if err := v.Scan("[]"); err != nil || v == nil || len(v) != 0 {
		t.Fatalf(`Scan("[]"): %#v, %v`, v, err)
	}
}

func TestVector32Errors(t *testing.T) {
	db := drivertest.OpenConnector(t, ":memory:")
	for _, tc := range []struct {
		name string
		src  any
	}{
		{"odd blob", []byte{1, 2, 3}},
		{"float64 vector", "SELECT vector64('[1,2]')"},
		{"not a vector text", "oops"},
		{"bad number", "[1, x]"},
		{"integer", int64(3)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.src
			if q, ok := src.(string); ok && strings.HasPrefix(q, "SELECT") {
				var b []byte
				if err := db.QueryRow(q).Scan(&b); err != nil {
					t.Fatal(err)
				}
				src = b
			}
			v := turso.Vector32{7}
			if err := v.Scan(src); err == nil {
				t.Fatalf("Scan(%v) succeeded: %v", src, v)
			}
			if !slices.Equal(v, turso.Vector32{7}) {
				t.Fatalf("failed Scan changed the vector to %v", v)
			}
		})
	}
	// A vector index checks dimensions: a wrong one fails the insert with
	// an *Error and leaves the table as it was. So do the distance
	// functions.
	mustExec(t, db, "CREATE TABLE v(e F32_BLOB(3))")
	mustExec(t, db, "CREATE INDEX v_idx ON v(libsql_vector_idx(e))")
	var e *turso.Error
	var d float64
	if err := db.QueryRow("SELECT vector_distance_cos(vector32('[1,2,3]'), ?)", turso.Vector32{1, 2}).Scan(&d); !errors.As(err, &e) {
		t.Fatalf("distance of mismatched vectors: %v, want an *Error", err)
	}
	if _, err := db.Exec("INSERT INTO v VALUES (?)", turso.Vector32{1, 2}); !errors.As(err, &e) {
		t.Fatalf("wrong dimensions: %v, want an *Error", err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM v").Scan(&n); err != nil || n != 0 {
		t.Fatalf("after refused insert: %d rows, %v", n, err)
	}
}

func TestVector32InGoFunction(t *testing.T) {
	norm := func(v turso.Vector32) float64 {
		var s float64
		for _, x := range v {
			s += float64(x) * float64(x)
		}
		return math.Sqrt(s)
	}
	scale := func(v turso.Vector32, k float64) turso.Vector32 {
		out := make(turso.Vector32, len(v))
		for i, x := range v {
			out[i] = x * float32(k)
		}
		return out
	}
	db := drivertest.OpenConnector(t, ":memory:", turso.RegisterFunc("vnorm", norm, true), turso.RegisterFunc("vscale", scale, true))
	var got float64
	var text string
	if err := db.QueryRow("SELECT vnorm(vector32('[3,4]')), vector_extract(vscale(vector32('[1,2]'), 2))").Scan(&got, &text); err != nil {
		t.Fatal(err)
	}
	var scaled turso.Vector32
	if err := scaled.Scan(text); err != nil || got != 5 || !slices.Equal(scaled, turso.Vector32{2, 4}) {
		t.Fatalf("vnorm = %v, vscale = %v (%v)", got, scaled, err)
	}
	if err := db.QueryRow("SELECT vnorm('nope')").Scan(&got); err == nil || !strings.Contains(err.Error(), "argument 1") {
		t.Fatalf("vnorm of text: %v, want an argument error", err)
	}
}

// cosineDistance is 1 - cos(a, b), computed in float64.
func cosineDistance(a, b turso.Vector32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return 1 - dot/math.Sqrt(na*nb)
}

// TestVectorIndexRecall builds a DiskANN index over 10,000 random 128-d
// vectors and checks that its top-10 answers agree with an exact search
// (recall >= 0.9) and come faster than the exact search in SQL.
//
// The vectors are drawn from a mixture of 100 Gaussian clusters, like real
// embeddings. (Independent Gaussian coordinates in 128 dimensions are the
// degenerate case for approximate search: every point is nearly equally
// far from every other, so the "nearest" ten are barely nearer than the
// rest.)
func TestVectorIndexRecall(t *testing.T) {
	const (
		n, dims, k, queries = 10000, 128, 10, 30
		clusters            = 100
	)
	rng := rand.New(rand.NewPCG(8, 128))
	centres := make([]turso.Vector32, clusters)
	for c := range centres {
		centres[c] = make(turso.Vector32, dims)
		for j := range centres[c] {
			centres[c][j] = float32(rng.NormFloat64())
		}
	}
	random := func() turso.Vector32 {
		c := centres[rng.IntN(clusters)]
		v := make(turso.Vector32, dims)
		for j := range v {
			v[j] = c[j] + 0.5*float32(rng.NormFloat64())
		}
		return v
	}

	db := drivertest.OpenConnector(t, filepath.Join(t.TempDir(), "vec.db")+"?_journal_mode=WAL&_cache_size=-65536")
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE TABLE items(id INTEGER PRIMARY KEY, embedding F32_BLOB(128))")
	mustExec(t, db, "CREATE INDEX items_idx ON items(libsql_vector_idx(embedding, 'metric=cosine', 'max_neighbors=16', 'insert_l=32'))")
	vectors := make([]turso.Vector32, n+1) // by id
	start := time.Now()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	ins, err := tx.Prepare("INSERT INTO items(id, embedding) VALUES (?, ?)")
	if err != nil {
		t.Fatal(err)
	}
	for id := 1; id <= n; id++ {
		vectors[id] = random()
		if _, err := ins.Exec(id, vectors[id]); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	t.Logf("inserted and indexed %d vectors in %v", n, time.Since(start))

	topK := func(query string, q turso.Vector32) ([]int, time.Duration) {
		t.Helper()
		start := time.Now()
		rows, err := db.Query(query, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []int
		for rows.Next() {
			var id int
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return ids, time.Since(start)
	}
	var indexHits, exactHits int
	var indexTimes, exactTimes []time.Duration
	for range queries {
		q := random()
		// Ground truth, in Go.
		ids := make([]int, n)
		for i := range ids {
			ids[i] = i + 1
		}
		dist := make([]float64, n+1)
		for id := 1; id <= n; id++ {
			dist[id] = cosineDistance(q, vectors[id])
		}
		slices.SortFunc(ids, func(a, b int) int { return cmp.Compare(dist[a], dist[b]) })
		truth := map[int]bool{}
		for _, id := range ids[:k] {
			truth[id] = true
		}

		exact, d := topK("SELECT id FROM items ORDER BY vector_distance_cos(embedding, ?) LIMIT 10", q)
		exactTimes = append(exactTimes, d)
		approx, d := topK("SELECT id FROM vector_top_k('items_idx', ?, 10)", q)
		indexTimes = append(indexTimes, d)
		if len(exact) != k || len(approx) != k {
			t.Fatalf("exact search found %d, index %d; want %d", len(exact), len(approx), k)
		}
		for i := range k {
			if truth[exact[i]] {
				exactHits++
			}
			if truth[approx[i]] {
				indexHits++
			}
		}
	}
	exactRecall := float64(exactHits) / (queries * k)
	recall := float64(indexHits) / (queries * k)
	// Medians, not sums: on a loaded machine a few queries can be
	// descheduled for longer than all the others take.
	indexTime, exactTime := median(indexTimes), median(exactTimes)
	t.Logf("recall@10: index %.3f, SQL exact search %.3f; median of %d queries: index %v, exact %v",
		recall, exactRecall, queries, indexTime, exactTime)
	// The SQL exact search computes in float32: it may swap neighbours
	// whose distances tie to float32 precision, nothing more.
	if exactRecall < 0.99 {
		t.Errorf("SQL exact search recall %.3f, want >= 0.99", exactRecall)
	}
	if recall < 0.9 {
		t.Errorf("index recall %.3f, want >= 0.9", recall)
	}
	if indexTime >= exactTime {
		t.Errorf("index queries took %v (median), exact search %v: the index is not faster", indexTime, exactTime)
	}
}

// median returns the median of ds.
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
