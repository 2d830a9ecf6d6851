//go:build linux && amd64 && cgo

package tursonative

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The tests here drive the addon's SyncEngine class through the host as
// @tursodatabase/sync's JavaScript does (sync-common's run.js): a
// generator (connect, push, ...) resumed with resumeSync or resumeAsync
// (async work, whose promise is settled when the call returns) until it
// is done, the protocol requests it yields (metadata reads and writes,
// HTTP) served from Go, the I/O loop run in between. They check that the
// host serves what embedded replicas need; the sync feature is built on
// it.

// syncEngine constructs a SyncEngine for a replica at path.
func syncEngine(t *testing.T, path string, bootstrap bool) handle {
	t.Helper()
	if err := New(Addon).loaded(); err != nil {
		t.Fatal(err)
	}
	v, err := construct("SyncEngine", map[string]any{
		"path":             path,
		"useTransform":     false,
		"bootstrapIfEmpty": bootstrap,
		"clientName":       "turso-go-test",
		"protocolVersion":  "v1",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.(handle).release)
	return v.(handle)
}

// replicaIO is what the tests serve a sync engine's requests with.
type replicaIO struct {
	url      string // the server, "" for none
	files    map[string][]byte
	requests []string
}

// drive runs generator gen to its end, resumed with resume, serving the
// requests it makes; it returns the generator's error.
func (rio *replicaIO) drive(t *testing.T, engine, gen handle, resume string) error {
	t.Helper()
	defer gen.release()
	for round := 0; round < 1000; round++ {
		r, err := gen.call(resume, jsNull{})
		if err != nil {
			return err
		}
		if p, ok := r.(*promise); ok {
			if p.state != 1 {
				return &exception{value: p.result}
			}
			r = p.result
		}
		resp, _ := r.(map[string]any)
		if resp["type"] != "IO" {
			releaseAll(r)
			return nil
		}
		for {
			q, err := engine.call("protocolIo")
			if err != nil {
				t.Fatal(err)
			}
			req, ok := q.(handle)
			if !ok {
				break
			}
			rio.serve(t, req)
			req.release()
		}
		if _, err := engine.call("ioLoopSync"); err != nil {
			t.Fatal(err)
		}
		if _, err := engine.call("protocolIoStep"); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("the generator did not finish")
	return nil
}

// serve completes one protocol request: metadata files are kept in
// memory, HTTP goes to the server (or fails without one).
func (rio *replicaIO) serve(t *testing.T, req handle) {
	t.Helper()
	r, err := req.call("request")
	if err != nil {
		t.Fatal(err)
	}
	defer releaseAll(r)
	c, err := req.call("completion")
	if err != nil {
		t.Fatal(err)
	}
	completion := c.(handle)
	defer completion.release()
	request, _ := r.(map[string]any)
	kind, _ := request["type"].(string)
	path, _ := request["path"].(string)
	rio.requests = append(rio.requests, kind)
	switch kind {
	case "FullRead":
		if b, ok := rio.files[path]; ok {
			_, err = completion.call("pushBuffer", b)
		}
		if err == nil {
			_, err = completion.call("done")
		}
	case "FullWrite":
		rio.files[path] = bytesOf(request["content"])
		_, err = completion.call("done")
	case "Http":
		if rio.url == "" {
			_, err = completion.call("poison", "no server")
			break
		}
		method, _ := request["method"].(string)
		hreq, herr := http.NewRequest(method, rio.url+path, bytes.NewReader(bytesOf(request["body"])))
		if herr != nil {
			t.Fatal(herr)
		}
		headers, _ := request["headers"].([]any)
		for _, h := range headers {
			if kv, ok := h.([]any); ok && len(kv) == 2 {
				k, _ := kv[0].(string)
				v, _ := kv[1].(string)
				hreq.Header.Set(k, v)
			}
		}
		resp, herr := http.DefaultClient.Do(hreq)
		if herr != nil {
			_, err = completion.call("poison", herr.Error())
			break
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		_, err = completion.call("status", float64(resp.StatusCode))
		if err == nil && len(data) > 0 {
			_, err = completion.call("pushBuffer", data)
		}
		if err == nil {
			_, err = completion.call("done")
		}
	default:
		_, err = completion.call("poison", "unexpected request "+kind)
	}
	if err != nil {
		t.Fatalf("completing %s: %v", kind, err)
	}
}

// bytesOf reads a Buffer, or an array of numbers (napi-rs makes a Vec<u8>
// one: a request's body and a metadata write's content).
func bytesOf(v any) []byte {
	switch x := v.(type) {
	case []byte:
		return x
	case []any:
		b := make([]byte, len(x))
		for i, n := range x {
			f, _ := n.(float64)
			b[i] = byte(f)
		}
		return b
	}
	return nil
}

// TestSyncEngineOffline: a replica that need not bootstrap opens without
// a server (the engine reads and writes its metadata files), takes local
// writes, and a push fails cleanly with the error of the HTTP request that
// could not be made, through both resume methods.
func TestSyncEngineOffline(t *testing.T) {
	for _, resume := range []string{"resumeSync", "resumeAsync"} {
		t.Run(resume, func(t *testing.T) {
			engine := syncEngine(t, filepath.Join(t.TempDir(), "local.db"), false)
			rio := &replicaIO{files: map[string][]byte{}}
			g, err := engine.call("connect")
			if err != nil {
				t.Fatal(err)
			}
			if err := rio.drive(t, engine, g.(handle), resume); err != nil {
				t.Fatalf("connect: %v", err)
			}
			if !slices.Contains(rio.requests, "FullRead") || !slices.Contains(rio.requests, "FullWrite") {
				t.Errorf("requests %v, want metadata reads and writes", rio.requests)
			}
			localWrite(t, engine)
			p, err := engine.call("push")
			if err != nil {
				t.Fatal(err)
			}
			err = rio.drive(t, engine, p.(handle), resume)
			if x, ok := err.(*exception); !ok || !strings.Contains(x.message(), "no server") {
				t.Errorf("push: %v, want the failed request's error", err)
			}
		})
	}
}

// localWrite creates a table with a row in the replica of engine.
func localWrite(t *testing.T, engine handle) {
	t.Helper()
	d, err := engine.call("db")
	if err != nil {
		t.Fatal(err)
	}
	db := d.(handle)
	defer db.release()
	for _, sql := range []string{"CREATE TABLE t (x)", "INSERT INTO t VALUES (42)"} {
		ex, err := db.call("executor", sql)
		if err != nil {
			t.Fatal(err)
		}
		r, err := ex.(handle).call("stepSync")
		ex.(handle).release()
		if err != nil || r != 2.0 {
			t.Fatalf("%s: step %v, %v", sql, r, err)
		}
	}
}

// TestSyncEngineWithServer bootstraps a replica from a real Turso sync
// server, writes to it and pushes, with the tursodb binary that $TURSODB
// names (npm @tursodatabase/cli-linux-x64-gnu).
func TestSyncEngineWithServer(t *testing.T) {
	tursodb := os.Getenv("TURSODB")
	if tursodb == "" {
		t.Skip("TURSODB does not name a tursodb binary to serve sync from")
	}
	for _, resume := range []string{"resumeSync", "resumeAsync"} {
		t.Run(resume, func(t *testing.T) {
			url := startSyncServer(t, tursodb)
			engine := syncEngine(t, filepath.Join(t.TempDir(), "local.db"), true)
			rio := &replicaIO{url: url, files: map[string][]byte{}}
			g, err := engine.call("connect")
			if err != nil {
				t.Fatal(err)
			}
			if err := rio.drive(t, engine, g.(handle), resume); err != nil {
				t.Fatalf("connect: %v", err)
			}
			localWrite(t, engine)
			p, err := engine.call("push")
			if err != nil {
				t.Fatal(err)
			}
			if err := rio.drive(t, engine, p.(handle), resume); err != nil {
				t.Fatalf("push: %v", err)
			}
			if got := serverQuery(t, url, "SELECT x FROM t"); got != `[[{"type":"integer","value":"42"}]]` {
				t.Errorf("the server has rows %s, want the pushed 42", got)
			}
			if _, err := engine.call("close"); err != nil {
				t.Error(err)
			}
		})
	}
}

// startSyncServer runs tursodb --sync-server on a free port until the
// test ends and returns its URL.
func startSyncServer(t *testing.T, tursodb string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(tursodb, "--sync-server", addr, filepath.Join(t.TempDir(), "server.db"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "http://" + addr
		}
	}
	t.Fatalf("tursodb did not listen on %s", addr)
	return ""
}

// serverQuery runs sql on the server over its SQL-over-HTTP endpoint and
// returns the rows as JSON.
func serverQuery(t *testing.T, url, sql string) string {
	t.Helper()
	body := fmt.Sprintf(`{"requests":[{"type":"execute","stmt":{"sql":%q}}]}`, sql)
	resp, err := http.Post(url+"/v2/pipeline", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Results []struct {
			Response struct {
				Result struct {
					Rows json.RawMessage `json:"rows"`
				} `json:"result"`
			} `json:"response"`
		} `json:"results"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Results) != 1 {
		t.Fatalf("server query %q: %v", sql, err)
	}
	return string(out.Results[0].Response.Result.Rows)
}
