//go:build linux && amd64 && cgo && !turso_libsql_only

package turso_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/internal/synctest"
)

// The tests here run embedded replicas against a real Turso sync server
// (tursodb --sync-server, see internal/synctest), which they start
// themselves; they skip when $TURSODB does not name the binary.

// openReplica opens an embedded replica at path that syncs with
// serverURL, closed when the test ends.
func openReplica(t testing.TB, path, serverURL string, params ...string) *sql.DB {
	t.Helper()
	dsn := path + "?_sync_url=" + url.QueryEscape(serverURL)
	for _, p := range params {
		dsn += "&" + p
	}
	db, err := sql.Open("turso", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openReplicaWith opens an embedded replica at path configured by cfg.
func openReplicaWith(t testing.TB, path string, cfg turso.SyncConfig) *sql.DB {
	t.Helper()
	c, err := turso.NewConnector(path, turso.WithSync(cfg))
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

// quick are settings that make a replica give up on the server soon.
func quick(serverURL string) turso.SyncConfig {
	return turso.SyncConfig{URL: serverURL, Timeout: 2 * time.Second, Attempts: 2, RetryDelay: 10 * time.Millisecond}
}

const createT = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"

// tableRows returns the rows of t as "id:v" in id order.
func tableRows(t testing.TB, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query("SELECT id, v FROM t ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d:%s", id, v))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// serverRows returns the rows of t on the server as tableRows does.
func serverRows(t testing.TB, srv *synctest.Server) []string {
	t.Helper()
	rows, err := srv.Query("SELECT id, v FROM t ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r[0]+":"+r[1])
	}
	return out
}

func wantRows(t testing.TB, what string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s: rows %q, want %q", what, got, want)
	}
}

func push(t testing.TB, db *sql.DB) {
	t.Helper()
	if err := turso.Push(context.Background(), db); err != nil {
		t.Fatalf("push: %v", err)
	}
}

func pull(t testing.TB, db *sql.DB) bool {
	t.Helper()
	changed, err := turso.Pull(context.Background(), db)
	if err != nil {
		t.Fatalf("pull: %v", err)
	}
	return changed
}

// integrity fails t unless db passes PRAGMA integrity_check.
func integrity(t testing.TB, db *sql.DB) {
	t.Helper()
	var res string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q, %v", res, err)
	}
}

// TestSyncTwoReplicas: A creates a table and a row and pushes; B, opened
// after, bootstraps and sees them; B writes and pushes, A pulls and sees
// both rows, and so does the server. A second pull reports no changes.
func TestSyncTwoReplicas(t *testing.T) {
	srv := synctest.Start(t)
	dir := t.TempDir()
	a := openReplica(t, filepath.Join(dir, "a.db"), srv.URL())
	mustExec(t, a, createT)
	mustExec(t, a, "INSERT INTO t VALUES (1, 'from a')")
	push(t, a)
	b := openReplica(t, filepath.Join(dir, "b.db"), srv.URL())
	wantRows(t, "B after bootstrap", tableRows(t, b), "1:from a")
	mustExec(t, b, "INSERT INTO t VALUES (2, 'from b')")
	push(t, b)
	if !pull(t, a) {
		t.Error("pull reported no changes")
	}
	wantRows(t, "A after pull", tableRows(t, a), "1:from a", "2:from b")
	if pull(t, a) {
		t.Error("a second pull reported changes")
	}
	wantRows(t, "server", serverRows(t, srv), "1:from a", "2:from b")
	if info, err := turso.EngineOf(context.Background(), a); err != nil || info.Name != "turso-native" {
		t.Errorf("engine of a replica: %v, %v; want turso-native", info, err)
	}
	st, err := turso.SyncStats(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if st.LastPush.IsZero() || st.LastPull.IsZero() || st.Revision == "" || st.SentBytes == 0 || st.ReceivedBytes == 0 {
		t.Errorf("stats %+v: want times of the last push and pull, a revision, bytes counted", st)
	}
}

// TestSyncSemantics measures what the README states: local writes are
// visible locally at once and on the server only after a push; when two
// replicas change the same row, the last push wins, row by row (an
// INSERT of the same key replaces the row, an UPDATE of a row another
// replica deleted changes nothing, a DELETE wins over an earlier
// UPDATE); a pull keeps the local changes not yet pushed on top of the
// server's.
func TestSyncSemantics(t *testing.T) {
	srv := synctest.Start(t)
	dir := t.TempDir()
	a := openReplica(t, filepath.Join(dir, "a.db"), srv.URL())
	mustExec(t, a, createT)
	mustExec(t, a, "INSERT INTO t VALUES (1, 'orig'), (2, 'orig'), (3, 'orig'), (4, 'orig')")
	push(t, a)
	b := openReplica(t, filepath.Join(dir, "b.db"), srv.URL())
	wantRows(t, "B after bootstrap", tableRows(t, b), "1:orig", "2:orig", "3:orig", "4:orig")

	mustExec(t, a, "UPDATE t SET v = 'A' WHERE id = 1")
	wantRows(t, "A before its push", tableRows(t, a), "1:A", "2:orig", "3:orig", "4:orig")
	wantRows(t, "server before A's push", serverRows(t, srv), "1:orig", "2:orig", "3:orig", "4:orig")
	mustExec(t, b, "UPDATE t SET v = 'B' WHERE id = 1")
	mustExec(t, a, "DELETE FROM t WHERE id = 2")
	mustExec(t, b, "UPDATE t SET v = 'B' WHERE id = 2")
	mustExec(t, a, "UPDATE t SET v = 'A' WHERE id = 3")
	mustExec(t, b, "DELETE FROM t WHERE id = 3")
	mustExec(t, a, "INSERT INTO t VALUES (10, 'A')")
	mustExec(t, b, "INSERT INTO t VALUES (10, 'B')")
	push(t, a)
	wantRows(t, "server after A's push", serverRows(t, srv), "1:A", "3:A", "4:orig", "10:A")
	push(t, b) // B pushes last: no conflict is reported
	wantRows(t, "server after B's push", serverRows(t, srv), "1:B", "4:orig", "10:B")
	pull(t, a)
	pull(t, b)
	wantRows(t, "A after pull", tableRows(t, a), "1:B", "4:orig", "10:B")
	wantRows(t, "B after pull", tableRows(t, b), "1:B", "4:orig", "10:B")

	// A pull keeps local changes on top.
	mustExec(t, b, "UPDATE t SET v = 'B local' WHERE id = 4")
	mustExec(t, a, "UPDATE t SET v = 'A pushed' WHERE id = 4")
	mustExec(t, a, "INSERT INTO t VALUES (5, 'A pushed')")
	push(t, a)
	pull(t, b)
	wantRows(t, "B after pull with a local change", tableRows(t, b), "1:B", "4:B local", "5:A pushed", "10:B")
	push(t, b)
	pull(t, a)
	wantRows(t, "A at the end", tableRows(t, a), "1:B", "4:B local", "5:A pushed", "10:B")
	wantRows(t, "server at the end", serverRows(t, srv), "1:B", "4:B local", "5:A pushed", "10:B")
}

// op is one local write of the randomized test.
type op struct {
	kind string // insert, update, delete
	id   int
	v    string
}

// apply applies o to rows as a replay does: an INSERT replaces, an
// UPDATE or DELETE of an absent row does nothing. It reports whether o
// changed a row.
func (o op) apply(rows map[int]string) bool {
	_, present := rows[o.id]
	switch o.kind {
	case "insert":
		rows[o.id] = o.v
		return true
	case "update":
		if present {
			rows[o.id] = o.v
		}
	case "delete":
		delete(rows, o.id)
	}
	return present
}

// modelReplica is a replica in the reference model: its local rows are
// the server's as of its last pull with its pending writes on top. A
// pull replays the pending writes on the server's rows and keeps, as the
// writes still to push, only those that changed a row in that replay.
type modelReplica struct {
	db      *sql.DB
	pending []op
	local   map[int]string
}

func rowsOf(m map[int]string) []string {
	var out []string
	for id := range m {
		out = append(out, fmt.Sprintf("%d:%s", id, m[id]))
	}
	slices.SortFunc(out, func(a, b string) int {
		var x, y int
		fmt.Sscanf(a, "%d", &x)
		fmt.Sscanf(b, "%d", &y)
		return x - y
	})
	return out
}

// TestSyncConverge: two replicas take a random sequence of writes (on
// few keys, so that they often touch the same rows), pushes and pulls;
// after each step every replica's table equals the reference model
// (server state, replica = last pulled server state + its pending writes
// replayed; push replays the pending writes on the server in order; see
// modelReplica), and
// in the end, after a push and a pull everywhere, every table is the
// model's server table.
func TestSyncConverge(t *testing.T) {
	srv := synctest.Start(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	dir := t.TempDir()
	first := openReplica(t, filepath.Join(dir, "r0.db"), srv.URL())
	mustExec(t, first, createT)
	push(t, first)
	server := map[int]string{}
	reps := []*modelReplica{{db: first, local: map[int]string{}}}
	second := openReplica(t, filepath.Join(dir, "r1.db"), srv.URL())
	// A replica bootstraps at its first connection: here, from the
	// server's empty table, as the model has it.
	wantRows(t, "replica 1 after bootstrap", tableRows(t, second))
	reps = append(reps, &modelReplica{db: second, local: map[int]string{}})
	var trail []string // what happened, for the failure's message
	check := func(step int, r int) {
		t.Helper()
		got, want := tableRows(t, reps[r].db), rowsOf(reps[r].local)
		if !slices.Equal(got, want) {
			t.Fatalf("step %d: replica %d has %q, the model %q; steps:\n%s", step, r, got, want, strings.Join(trail, "\n"))
		}
	}
	const steps = 120
	for step := 0; step < steps; step++ {
		i := rng.IntN(len(reps))
		r := reps[i]
		switch n := rng.IntN(10); {
		case n < 6: // a local write
			id := 1 + rng.IntN(6)
			v := fmt.Sprintf("s%d", step)
			o := op{kind: "insert", id: id, v: v}
			if _, ok := r.local[id]; ok {
				o.kind = []string{"update", "delete"}[rng.IntN(2)]
			}
			var err error
			switch o.kind {
			case "insert":
				_, err = r.db.Exec("INSERT INTO t VALUES (?, ?)", id, v)
			case "update":
				_, err = r.db.Exec("UPDATE t SET v = ? WHERE id = ?", v, id)
			case "delete":
				_, err = r.db.Exec("DELETE FROM t WHERE id = ?", id)
			}
			if err != nil {
				t.Fatalf("step %d: %v: %v", step, o, err)
			}
			o.apply(r.local)
			r.pending = append(r.pending, o)
			trail = append(trail, fmt.Sprintf("%d: replica %d %s %d %s", step, i, o.kind, o.id, o.v))
		case n < 8:
			push(t, r.db)
			for _, o := range r.pending {
				o.apply(server)
			}
			r.pending = nil
			trail = append(trail, fmt.Sprintf("%d: replica %d push; server %q", step, i, rowsOf(server)))
		default:
			pull(t, r.db)
			r.local = map[int]string{}
			for id, v := range server {
				r.local[id] = v
			}
			var kept []op
			for _, o := range r.pending {
				if o.apply(r.local) {
					kept = append(kept, o)
				}
			}
			r.pending = kept
			trail = append(trail, fmt.Sprintf("%d: replica %d pull", step, i))
		}
		check(step, i)
	}
	for _, r := range reps {
		push(t, r.db)
		for _, o := range r.pending {
			o.apply(server)
		}
		r.pending = nil
	}
	want := rowsOf(server)
	wantRows(t, "server", serverRows(t, srv), want...)
	for i, r := range reps {
		pull(t, r.db)
		wantRows(t, fmt.Sprintf("replica %d", i), tableRows(t, r.db), want...)
		integrity(t, r.db)
	}
}

// TestSyncServerDown: with the server gone, Push and Pull fail with a
// *SyncError matching ErrSyncUnreachable, local reads and writes go on,
// and a reopened replica opens without the server; after the server is
// back, the next push delivers what was written meanwhile. A fresh
// replica cannot bootstrap without the server: its first connection
// fails the same way, and the next one, with the server back, succeeds.
func TestSyncServerDown(t *testing.T) {
	srv := synctest.Start(t)
	ctx := context.Background()
	dir := t.TempDir()
	a := openReplicaWith(t, filepath.Join(dir, "a.db"), quick(srv.URL()))
	mustExec(t, a, createT)
	mustExec(t, a, "INSERT INTO t VALUES (1, 'online')")
	push(t, a)
	srv.Kill()

	mustExec(t, a, "INSERT INTO t VALUES (2, 'offline')")
	for _, tc := range []struct {
		op string
		f  func() error
	}{
		{"push", func() error { return turso.Push(ctx, a) }},
		{"pull", func() error { _, err := turso.Pull(ctx, a); return err }},
		{"pull", func() error { return turso.Sync(ctx, a) }},
	} {
		err := tc.f()
		var se *turso.SyncError
		if !errors.Is(err, turso.ErrSyncUnreachable) || !errors.As(err, &se) || (se.Op != tc.op && tc.op != "pull") {
			t.Fatalf("%s without a server: %v, want a *SyncError matching ErrSyncUnreachable", tc.op, err)
		}
		if !strings.Contains(err.Error(), "connection refused") {
			t.Errorf("%s: %v: want the network's error", tc.op, err)
		}
	}
	mustExec(t, a, "UPDATE t SET v = 'offline too' WHERE id = 1")
	wantRows(t, "A offline", tableRows(t, a), "1:offline too", "2:offline")
	a.Close()
	a = openReplicaWith(t, filepath.Join(dir, "a.db"), quick(srv.URL()))
	wantRows(t, "A reopened offline", tableRows(t, a), "1:offline too", "2:offline")

	fresh := openReplicaWith(t, filepath.Join(dir, "fresh.db"), quick(srv.URL()))
	err := fresh.Ping()
	var se *turso.SyncError
	if !errors.Is(err, turso.ErrSyncUnreachable) || !errors.As(err, &se) || se.Op != "bootstrap" {
		t.Fatalf("bootstrap without a server: %v", err)
	}

	srv.Restart()
	push(t, a)
	wantRows(t, "server after the restart", serverRows(t, srv), "1:offline too", "2:offline")
	wantRows(t, "fresh replica once the server is back", tableRows(t, fresh), "1:offline too", "2:offline")
}

// TestSyncKilledMidPush: the server is killed while a push is under way:
// before it received the push, and after it applied it but before the
// answer left. Either way the push fails, every local row stays, and the
// next push after the restart delivers each change exactly once: a row
// that another replica deleted after the interrupted push applied is not
// brought back by a repeated delivery.
func TestSyncKilledMidPush(t *testing.T) {
	for _, applied := range []bool{false, true} {
		t.Run(fmt.Sprintf("applied=%v", applied), func(t *testing.T) {
			srv := synctest.Start(t)
			proxy := synctest.StartProxy(t, srv.URL())
			dir := t.TempDir()
			a := openReplicaWith(t, filepath.Join(dir, "a.db"), quick(proxy.URL))
			b := openReplicaWith(t, filepath.Join(dir, "b.db"), quick(proxy.URL))
			mustExec(t, a, createT)
			push(t, a)
			pull(t, b)
			mustExec(t, a, "INSERT INTO t VALUES (1, 'one'), (2, 'two')")
			var killed atomic.Bool
			proxy.SetHook(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
				if !strings.HasPrefix(r.URL.Path, "/v2/pipeline") || !strings.Contains(string(body), "two") || killed.Load() {
					return false
				}
				killed.Store(true)
				if applied {
					if resp, err := proxy.Forward(r, body); err == nil {
						resp.Body.Close()
					}
				}
				srv.Kill()
				synctest.Break(w)
				return true
			})
			err := turso.Push(context.Background(), a)
			if !killed.Load() {
				t.Fatalf("the push was not interrupted (requests %v)", proxy.Seen())
			}
			if !errors.Is(err, turso.ErrSyncUnreachable) {
				t.Fatalf("interrupted push: %v, want ErrSyncUnreachable", err)
			}
			wantRows(t, "A after the failed push", tableRows(t, a), "1:one", "2:two")
			srv.Restart()
			if applied {
				wantRows(t, "server", serverRows(t, srv), "1:one", "2:two")
				pull(t, b)
				mustExec(t, b, "DELETE FROM t WHERE id = 2")
				push(t, b)
			} else {
				wantRows(t, "server", serverRows(t, srv))
			}
			mustExec(t, a, "INSERT INTO t VALUES (3, 'three')")
			push(t, a)
			want := []string{"1:one", "2:two", "3:three"}
			if applied {
				want = []string{"1:one", "3:three"}
			}
			wantRows(t, "server after the next push", serverRows(t, srv), want...)
			pull(t, a)
			pull(t, b)
			wantRows(t, "A", tableRows(t, a), want...)
			wantRows(t, "B", tableRows(t, b), want...)
			integrity(t, a)
		})
	}
}

// TestSyncKilledMidPull: the server is killed while it sends a pull's
// changes (the answer breaks off halfway). The pull fails, the replica
// keeps every row and its local change not yet pushed, and after the
// restart a pull brings the changes and a push delivers the local one.
func TestSyncKilledMidPull(t *testing.T) {
	srv := synctest.Start(t)
	proxy := synctest.StartProxy(t, srv.URL())
	dir := t.TempDir()
	a := openReplicaWith(t, filepath.Join(dir, "a.db"), quick(proxy.URL))
	b := openReplicaWith(t, filepath.Join(dir, "b.db"), quick(proxy.URL))
	mustExec(t, a, createT)
	mustExec(t, a, "INSERT INTO t VALUES (1, 'a')")
	push(t, a)
	pull(t, b)
	tx, err := a.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := 100; i < 400; i++ {
		if _, err := tx.Exec("INSERT INTO t VALUES (?, ?)", i, strings.Repeat("x", 200)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	push(t, a)
	mustExec(t, b, "INSERT INTO t VALUES (2, 'b local')")
	before := tableRows(t, b)
	var killed atomic.Bool
	proxy.SetHook(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if r.URL.Path != "/pull-updates" || killed.Load() {
			return false
		}
		resp, err := proxy.Forward(r, body)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		data := make([]byte, 4096)
		n, _ := resp.Body.Read(data)
		killed.Store(true)
		srv.Kill()
		w.WriteHeader(resp.StatusCode)
		w.Write(data[:n/2])
		w.(http.Flusher).Flush()
		synctest.Break(w)
		return true
	})
	_, err = turso.Pull(context.Background(), b)
	if !killed.Load() {
		t.Fatalf("the pull was not interrupted (requests %v)", proxy.Seen())
	}
	if err == nil {
		t.Fatal("a pull whose answer broke off succeeded")
	}
	t.Logf("interrupted pull: %v", err)
	wantRows(t, "B after the failed pull", tableRows(t, b), before...)
	integrity(t, b)
	srv.Restart()
	if !pull(t, b) {
		t.Error("the pull after the restart brought nothing")
	}
	push(t, b)
	rows := tableRows(t, b)
	if len(rows) != 302 || rows[0] != "1:a" || rows[1] != "2:b local" {
		t.Fatalf("B after the restart: %d rows, first %q", len(rows), rows[:min(2, len(rows))])
	}
	if got := serverRows(t, srv); !slices.Equal(got, rows) {
		t.Fatalf("server has %d rows, B %d", len(got), len(rows))
	}
}

// TestSyncBadConfig: what cannot work fails at sql.Open or at the first
// connection, with an error that says why and never shows the token.
func TestSyncBadConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.db")
	for _, tc := range []struct{ dsn, want string }{
		{path + "?_sync_url=ftp://example.com", "want a URL with scheme"},
		{path + "?_sync_url=http://", "no host"},
		{path + "?_sync_url=" + url.QueryEscape("http://user:pw@example.com"), "credentials"},
		{path + "?_sync_url=" + url.QueryEscape("http://exa mple.com"), "not a URL"},
		{path + "?_sync_url=https://example.com&_engine=libsql", "need Turso's native engine"},
		{path + "?_sync_url=https://example.com&_engine=turso-wasm", "need Turso's native engine"},
		{":memory:?_sync_url=https://example.com", "in memory"},
		{path + "?_sync_url=https://example.com&_key=" + strings.Repeat("0123456789abcdef", 4), "encrypted"},
		{path + "?_sync_url=https://example.com&_sync_interval=soon&_auth_token=SECRET-TOKEN", "_sync_interval"},
	} {
		_, err := turso.NewConnector(tc.dsn)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", tc.dsn, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: the error shows the token: %v", tc.dsn, err)
		}
	}
	if _, err := turso.NewConnector(path, turso.WithSync(turso.SyncConfig{URL: "gopher://x"})); err == nil {
		t.Error("WithSync accepted a gopher:// URL")
	}
	if _, err := turso.Pull(context.Background(), openPlain(t, filepath.Join(dir, "plain.db"))); !errors.Is(err, turso.ErrNotReplica) {
		t.Errorf("pull of a database that is not a replica: %v, want ErrNotReplica", err)
	}

	// libsql:// and turso:// mean https; a host that does not resolve
	// fails the bootstrap as unreachable.
	for _, scheme := range []string{"libsql", "turso"} {
		c, err := turso.NewConnector(filepath.Join(dir, scheme+".db") + "?_sync_url=" + scheme + "://db.invalid&_auth_token=SECRET-TOKEN")
		if err != nil {
			t.Fatal(err)
		}
		desc := fmt.Sprintf("%v %+v %#v %s %q", c, c, c, c, c)
		if !strings.Contains(desc, `"https://db.invalid"`) || strings.Contains(desc, "SECRET") || !strings.Contains(desc, "auth_token: [redacted]") {
			t.Errorf("connector: %s", desc)
		}
		c, err = turso.NewConnector(filepath.Join(dir, scheme+".db"), turso.WithSync(turso.SyncConfig{URL: scheme + "://db.invalid", AuthToken: "SECRET-TOKEN", Attempts: 1}))
		if err != nil {
			t.Fatal(err)
		}
		db := sql.OpenDB(c)
		err = db.Ping()
		if !errors.Is(err, turso.ErrSyncUnreachable) || !strings.Contains(err.Error(), "https://db.invalid") || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("bootstrap from %s://db.invalid: %v", scheme, err)
		}
		db.Close()
	}
	cfg := turso.SyncConfig{URL: "https://x", AuthToken: "SECRET-TOKEN"}
	if s := fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg); strings.Contains(s, "SECRET") {
		t.Errorf("SyncConfig prints its token: %s", s)
	}
}

// openPlain opens a local database that is not a replica.
func openPlain(t testing.TB, path string) *sql.DB {
	db, err := sql.Open("turso", path+"?_engine=turso")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestSyncAuthAndStatus: the token goes to the server as a bearer token;
// an answer 401 is not retried and fails with its status; 503 is
// retried.
func TestSyncAuthAndStatus(t *testing.T) {
	srv := synctest.Start(t)
	proxy := synctest.StartProxy(t, srv.URL())
	dir := t.TempDir()
	cfg := quick(proxy.URL)
	cfg.AuthToken = "SECRET-TOKEN"
	cfg.Attempts = 3
	a := openReplicaWith(t, filepath.Join(dir, "a.db"), cfg)
	mustExec(t, a, createT)
	push(t, a)
	for _, h := range proxy.Auth() {
		if h != "Bearer SECRET-TOKEN" {
			t.Fatalf("Authorization %q", h)
		}
	}
	var calls atomic.Int32
	proxy.SetHook(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		calls.Add(1)
		http.Error(w, "no", http.StatusUnauthorized)
		return true
	})
	_, err := turso.Pull(context.Background(), a)
	var se *turso.SyncError
	if !errors.As(err, &se) || se.Status != http.StatusUnauthorized || calls.Load() != 1 || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("pull answered 401: %v (status %v) after %d requests, want one request and the status", err, se, calls.Load())
	}
	calls.Store(0)
	proxy.SetHook(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if calls.Add(1) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	if _, err := turso.Pull(context.Background(), a); err != nil || calls.Load() < 2 {
		t.Fatalf("pull answered 503 once: %v after %d requests", err, calls.Load())
	}
}

// TestSyncTimeouts: a server that accepts connections and never answers
// fails a push after the timeout, and a context's end stops one at once;
// a host that cannot be reached fails within the timeout.
func TestSyncTimeouts(t *testing.T) {
	srv := synctest.Start(t)
	proxy := synctest.StartProxy(t, srv.URL())
	dir := t.TempDir()
	cfg := quick(proxy.URL)
	cfg.Timeout, cfg.Attempts = 300*time.Millisecond, 1
	a := openReplicaWith(t, filepath.Join(dir, "a.db"), cfg)
	mustExec(t, a, createT)
	push(t, a)
	mustExec(t, a, "INSERT INTO t VALUES (1, 'pending')")
	release := make(chan struct{})
	defer close(release)
	proxy.SetHook(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		synctest.Break(w)
		return true
	})
	start := time.Now()
	err := turso.Push(context.Background(), a)
	if !errors.Is(err, turso.ErrSyncUnreachable) || !errors.Is(err, os.ErrDeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("push to a silent server: %v after %v, want a timeout after 300ms", err, time.Since(start))
	}

	cfg.Timeout = time.Minute
	b := openReplicaWith(t, filepath.Join(dir, "a.db"), cfg) // the same replica, another pool
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	err = turso.Push(ctx, b)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("push with a context that ends: %v after %v", err, time.Since(start))
	}
	wantRows(t, "A after the failed pushes", tableRows(t, a), "1:pending")

	// 192.0.2.1 (TEST-NET-1) is not routed: connecting hangs or fails.
	cfg = quick("http://192.0.2.1:9")
	cfg.Timeout, cfg.Attempts = 500*time.Millisecond, 1
	c := openReplicaWith(t, filepath.Join(dir, "c.db"), cfg)
	start = time.Now()
	err = c.Ping()
	if !errors.Is(err, turso.ErrSyncUnreachable) || time.Since(start) > 5*time.Second {
		t.Fatalf("bootstrap from an unroutable host: %v after %v", err, time.Since(start))
	}
}

// TestSyncCorruptMetadata: a replica whose metadata file (-info) is
// damaged fails to open with a *SyncError matching ErrSyncMetadata and
// leaves the file as it was, for the user to look at.
func TestSyncCorruptMetadata(t *testing.T) {
	srv := synctest.Start(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	a := openReplica(t, path, srv.URL())
	mustExec(t, a, createT)
	mustExec(t, a, "INSERT INTO t VALUES (1, 'kept')")
	push(t, a)
	a.Close()
	for _, garbage := range []string{"{not json", "", `{"version":"v1"}`} {
		if err := os.WriteFile(path+"-info", []byte(garbage), 0o644); err != nil {
			t.Fatal(err)
		}
		db := openReplica(t, path, srv.URL())
		err := db.Ping()
		if !errors.Is(err, turso.ErrSyncMetadata) {
			t.Errorf("metadata %q: %v, want ErrSyncMetadata", garbage, err)
		}
		db.Close()
		if b, _ := os.ReadFile(path + "-info"); string(b) != garbage {
			t.Errorf("metadata %q was replaced by %q", garbage, b)
		}
	}
}

// TestSyncConcurrentWriters: writers keep inserting on several
// connections of a replica while it pushes and pulls; every row written
// reaches the server exactly once and another replica sees them all.
func TestSyncConcurrentWriters(t *testing.T) {
	srv := synctest.Start(t)
	dir := t.TempDir()
	a := openReplica(t, filepath.Join(dir, "a.db"), srv.URL())
	mustExec(t, a, createT)
	push(t, a)
	b := openReplica(t, filepath.Join(dir, "b.db"), srv.URL())
	const writers, each = 4, 60
	var wg sync.WaitGroup
	errs := make(chan error, writers+1)
	done := make(chan struct{})
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				time.Sleep(time.Millisecond)
				if _, err := a.Exec("INSERT INTO t VALUES (?, ?)", w*1000+i, fmt.Sprintf("w%d", w)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	syncs := 0
	go func() {
		defer close(done)
		for {
			if err := turso.Sync(context.Background(), a); err != nil {
				errs <- fmt.Errorf("sync: %w", err)
				return
			}
			syncs++
			var n int
			if err := a.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
				errs <- err
				return
			}
			if n == writers*each {
				return
			}
		}
	}()
	wg.Wait()
	<-done
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	t.Logf("%d syncs during the writes", syncs)
	push(t, a)
	pull(t, b)
	rows := tableRows(t, b)
	if len(rows) != writers*each {
		t.Fatalf("B has %d rows, want %d", len(rows), writers*each)
	}
	if got := serverRows(t, srv); !slices.Equal(got, rows) || !slices.Equal(tableRows(t, a), rows) {
		t.Fatalf("server %d rows, A %d, B %d", len(got), len(tableRows(t, a)), len(rows))
	}
	integrity(t, a)
}

// TestSyncBackground: with an interval, replicas push and pull by
// themselves; a failed background sync shows in SyncStats; db.Close
// stops it (also one waiting on a silent server) promptly.
func TestSyncBackground(t *testing.T) {
	srv := synctest.Start(t)
	proxy := synctest.StartProxy(t, srv.URL())
	dir := t.TempDir()
	cfg := quick(proxy.URL)
	cfg.Interval = 20 * time.Millisecond
	a := openReplicaWith(t, filepath.Join(dir, "a.db"), cfg)
	b := openReplicaWith(t, filepath.Join(dir, "b.db"), cfg)
	mustExec(t, a, createT)
	mustExec(t, a, "INSERT INTO t VALUES (1, 'background')")
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := b.QueryRow("SELECT count(*) FROM t").Scan(&n); err == nil && n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("B did not receive A's row in the background")
		}
		time.Sleep(10 * time.Millisecond)
	}
	proxy.SetHook(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		http.Error(w, "down", http.StatusBadRequest)
		return true
	})
	for {
		st, err := turso.SyncStats(context.Background(), a)
		if err != nil {
			t.Fatal(err)
		}
		if st.BackgroundErr != nil {
			var se *turso.SyncError
			if !errors.As(st.BackgroundErr, &se) || se.Status != http.StatusBadRequest {
				t.Fatalf("background error %v", st.BackgroundErr)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no background failure reported")
		}
		time.Sleep(10 * time.Millisecond)
	}
	hang := make(chan struct{})
	defer close(hang)
	proxy.SetHook(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
		synctest.Break(w)
		return true
	})
	time.Sleep(100 * time.Millisecond) // a background sync is now waiting
	start := time.Now()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v with background syncs waiting", d)
	}
}

// TestSyncWaitsForTransactions: a sync step waits for the transactions
// open on the replica; statements on other connections go on meanwhile
// (a waiting sync blocks nobody); once the transaction commits, the sync
// completes and carries it.
func TestSyncWaitsForTransactions(t *testing.T) {
	srv := synctest.Start(t)
	dir := t.TempDir()
	a := openReplica(t, filepath.Join(dir, "a.db"), srv.URL(), "_busy_timeout=200")
	mustExec(t, a, createT)
	push(t, a)
	// Two idle connections, so that the statement below need not connect
	// one beside the transaction (see TestSyncReadBesideTransaction).
	ctx := context.Background()
	c1, _ := a.Conn(ctx)
	c2, _ := a.Conn(ctx)
	c1.Close()
	c2.Close()
	tx, err := a.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("INSERT INTO t VALUES (1, 'in a transaction')"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- turso.Push(ctx, a) }()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("push finished (%v) while a transaction was open", err)
	default:
	}
	start := time.Now()
	var n int
	if err := a.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 0 || time.Since(start) > time.Second {
		t.Errorf("a statement while a push waits: %d rows, %v, after %v; want 0 rows at once", n, err, time.Since(start))
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	push(t, a)
	wantRows(t, "server", serverRows(t, srv), "1:in a transaction")
}

// TestSyncReadBesideTransaction: on a fresh pool, a statement outside an
// open write transaction runs at once on a new connection (the replica
// keeps one connected ahead of need: connecting writes, so it could not
// connect beside the transaction), a write there fails with ErrBusy after
// the busy timeout as on any database, and the writes of every
// connection reach the server. Closing the pool while a transaction is
// open and the next spare waits for it does not hang.
func TestSyncReadBesideTransaction(t *testing.T) {
	srv := synctest.Start(t)
	dir := t.TempDir()
	a := openReplica(t, filepath.Join(dir, "a.db"), srv.URL(), "_busy_timeout=300")
	mustExec(t, a, createT)
	mustExec(t, a, "INSERT INTO t VALUES (1, 'before')")
	tx, err := a.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("INSERT INTO t VALUES (2, 'in a transaction')"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var n int
	if err := a.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 1 || time.Since(start) > 250*time.Millisecond {
		t.Errorf("a read beside the transaction: %d rows, %v, after %v; want 1 row at once", n, err, time.Since(start))
	}
	if _, err := a.Exec("INSERT INTO t VALUES (3, 'beside')"); !errors.Is(err, turso.ErrBusy) {
		t.Errorf("a write beside the transaction: %v, want ErrBusy", err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	// Two connections are open now: the transaction's and the reader's;
	// both write.
	c1, err := a.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c2, err := a.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []*sql.Conn{c1, c2} {
		if _, err := c.ExecContext(context.Background(), "INSERT INTO t VALUES (?, 'conn')", 10+i); err != nil {
			t.Fatal(err)
		}
	}
	c1.Close()
	c2.Close()
	push(t, a)
	wantRows(t, "server", serverRows(t, srv), "1:before", "2:in a transaction", "10:conn", "11:conn")

	// Close while a transaction holds the replica and the next spare
	// waits for it.
	b := openReplica(t, filepath.Join(dir, "b.db"), srv.URL())
	tx, err = b.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("INSERT INTO t VALUES (20, 'b')"); err != nil {
		t.Fatal(err)
	}
	if err := b.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 4 {
		t.Fatalf("b beside its transaction: %d rows, %v; want 4", n, err)
	}
	closed := make(chan error, 1)
	go func() { closed <- b.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("closing the pool hung while a transaction was open")
	}
	if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		t.Errorf("rollback after close: %v", err)
	}
}

// TestSyncTakesNoConnection: Push, Pull, Sync and SyncStats find the
// replica without a connection of the pool: with one connection allowed
// and held by the caller (outside a transaction), they do not wait for
// it; on a closed pool they fail with sql.ErrConnDone.
func TestSyncTakesNoConnection(t *testing.T) {
	srv := synctest.Start(t)
	a := openReplica(t, filepath.Join(t.TempDir(), "a.db"), srv.URL())
	a.SetMaxOpenConns(1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := a.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, createT); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, "INSERT INTO t VALUES (1, 'held')"); err != nil {
		t.Fatal(err)
	}
	if err := turso.Push(ctx, a); err != nil {
		t.Fatalf("push with the only connection held: %v", err)
	}
	if _, err := turso.Pull(ctx, a); err != nil {
		t.Fatalf("pull with the only connection held: %v", err)
	}
	if err := turso.Sync(ctx, a); err != nil {
		t.Fatalf("sync with the only connection held: %v", err)
	}
	if st, err := turso.SyncStats(ctx, a); err != nil || st.LastPush.IsZero() {
		t.Fatalf("stats with the only connection held: %+v, %v", st, err)
	}
	c.Close()
	wantRows(t, "server", serverRows(t, srv), "1:held")
	a.Close()
	for name, f := range map[string]func() error{
		"Push":      func() error { return turso.Push(ctx, a) },
		"Pull":      func() error { _, err := turso.Pull(ctx, a); return err },
		"Sync":      func() error { return turso.Sync(ctx, a) },
		"SyncStats": func() error { _, err := turso.SyncStats(ctx, a); return err },
	} {
		if err := f(); !errors.Is(err, sql.ErrConnDone) {
			t.Errorf("%s on a closed pool: %v, want sql.ErrConnDone", name, err)
		}
	}
}
