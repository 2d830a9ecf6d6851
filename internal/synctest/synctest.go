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
