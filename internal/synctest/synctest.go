// Package synctest runs a real Turso sync server for tests: the tursodb
// binary of npm's @tursodatabase/cli-linux-x64-gnu, started as
// `tursodb --sync-server 127.0.0.1:PORT server.db` on a free port.
//
// scripts/tursodb fetches the binary from npm, checks its sha256, caches
// it and prints its path; scripts/test exports it as $TURSODB. Tests that
// need a server skip when $TURSODB is not set, saying how to set it, and
// fail when it is set but does not run.
package synctest

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
	"strings"
	"sync"
	"testing"
	"time"
)

// Env names the environment variable that holds the tursodb binary's
// path.
const Env = "TURSODB"

// Binary returns the tursodb binary's path, or skips t when $TURSODB is
// not set.
func Binary(t testing.TB) string {
	t.Helper()
	bin := os.Getenv(Env)
	if bin == "" {
		t.Skipf("no Turso sync server: $%s does not name a tursodb binary (scripts/test sets it; by hand: export %s=$(scripts/tursodb))", Env, Env)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("$%s: %v", Env, err)
	}
	return bin
}

// Server is a running tursodb sync server.
type Server struct {
	t    testing.TB
	bin  string
	db   string // the server's database file
	addr string // 127.0.0.1:PORT
	log  *bytes.Buffer

	mu  sync.Mutex
	cmd *exec.Cmd
}

// Start starts a sync server on a new database in a temporary directory,
// stopped when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, bin: Binary(t), db: filepath.Join(t.TempDir(), "server.db"), addr: freeAddr(t), log: &bytes.Buffer{}}
	s.Restart()
	t.Cleanup(func() {
		s.Kill()
		if t.Failed() {
			t.Logf("tursodb log:\n%s", s.Log())
		}
	})
	return s
}

// freeAddr returns a 127.0.0.1 address with a port that was free.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// URL is the server's URL.
func (s *Server) URL() string { return "http://" + s.addr }

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.addr }

// Log returns what the server printed.
func (s *Server) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// Restart starts the server (again, on the same database and port) and
// waits until it listens.
func (s *Server) Restart() {
	s.t.Helper()
	s.mu.Lock()
	if s.cmd != nil {
		s.mu.Unlock()
		s.t.Fatal("synctest: Restart of a running server")
	}
	cmd := exec.Command(s.bin, "--sync-server", s.addr, s.db)
	cmd.Stdout = lockedWriter{&s.mu, s.log}
	cmd.Stderr = lockedWriter{&s.mu, s.log}
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		s.t.Fatalf("starting tursodb: %v", err)
	}
	s.cmd = cmd
	s.mu.Unlock()
	for start := time.Now(); time.Since(start) < 20*time.Second; time.Sleep(10 * time.Millisecond) {
		if c, err := net.Dial("tcp", s.addr); err == nil {
			c.Close()
			return
		}
	}
	s.t.Fatalf("tursodb did not listen on %s:\n%s", s.addr, s.Log())
}

// Kill kills the server (SIGKILL: no clean shutdown) and waits for it to
// exit.
func (s *Server) Kill() {
	s.mu.Lock()
	cmd := s.cmd
	s.cmd = nil
	s.mu.Unlock()
	if cmd != nil {
		cmd.Process.Kill()
		cmd.Wait()
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// Query runs sql on the server's database over its SQL-over-HTTP
// endpoint (POST /v2/pipeline) and returns the rows, each value as the
// text of its JSON "value" (null as "NULL").
func (s *Server) Query(sql string) ([][]string, error) {
	body, _ := json.Marshal(map[string]any{"requests": []any{map[string]any{"type": "execute", "stmt": map[string]any{"sql": sql}}}})
	resp, err := http.Post(s.URL()+"/v2/pipeline", "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct {
		Results []struct {
			Type     string                    `json:"type"`
			Error    *struct{ Message string } `json:"error"`
			Response struct {
				Result struct {
					Rows [][]struct {
						Type  string `json:"type"`
						Value any    `json:"value"`
					} `json:"rows"`
				} `json:"result"`
			} `json:"response"`
		} `json:"results"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("server query %q: %v", sql, err)
	}
	if len(out.Results) != 1 {
		return nil, fmt.Errorf("server query %q: %d results", sql, len(out.Results))
	}
	if e := out.Results[0].Error; e != nil {
		return nil, fmt.Errorf("server query %q: %s", sql, e.Message)
	}
	var rows [][]string
	for _, r := range out.Results[0].Response.Result.Rows {
		var row []string
		for _, v := range r {
			if v.Type == "null" {
				row = append(row, "NULL")
				continue
			}
			row = append(row, strings.Trim(fmt.Sprint(v.Value), `"`))
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// Proxy is an HTTP server in front of a sync server whose Hook decides,
// request by request, what happens: by default every request goes
// through to the server.
type Proxy struct {
	URL    string
	target string

	mu   sync.Mutex
	hook func(w http.ResponseWriter, r *http.Request, body []byte) bool
	seen []string // "METHOD path" of every request, in order
	auth []string // the Authorization header of every request
}

// StartProxy starts a proxy in front of the server at target (a URL),
// stopped when the test ends.
func StartProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	p := &Proxy{target: target}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: p}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	p.URL = "http://" + l.Addr().String()
	return p
}

// SetHook sets the function that sees each request (with its body read)
// before it goes to the server; when it returns true it has answered
// the request itself (or broken the connection), and the server never
// sees it. nil lets every request through.
func (p *Proxy) SetHook(hook func(w http.ResponseWriter, r *http.Request, body []byte) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hook = hook
}

// Seen returns "METHOD path" of every request so far.
func (p *Proxy) Seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

// Auth returns the Authorization header of every request so far.
func (p *Proxy) Auth() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.auth...)
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	p.mu.Lock()
	p.seen = append(p.seen, r.Method+" "+r.URL.Path)
	p.auth = append(p.auth, r.Header.Get("Authorization"))
	hook := p.hook
	p.mu.Unlock()
	if hook != nil && hook(w, r, body) {
		return
	}
	resp, err := p.Forward(r, body)
	if err != nil {
		Break(w)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// Forward sends the request r, with body, to the server.
func (p *Proxy) Forward(r *http.Request, body []byte) (*http.Response, error) {
	req, err := http.NewRequest(r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = r.Header.Clone()
	return http.DefaultTransport.RoundTrip(req)
}

// Break closes the connection of a request without an answer.
func Break(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
