package synchttp

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// server answers with the statuses of answers in turn (the last one
// repeatedly) and counts the requests.
func server(t *testing.T, answers ...int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		status := answers[min(i, len(answers)-1)]
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "2")
		}
		w.WriteHeader(status)
		io.WriteString(w, "body")
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// recordSleeps makes c record its delays instead of waiting.
func recordSleeps(c *Client) *[]time.Duration {
	var delays []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		delays = append(delays, d)
		return ctx.Err()
	}
	return &delays
}

// TestRetryStatuses: 429 and 5xx are retried with doubling delays (or
// what Retry-After asks) for an idempotent request; a request that is not
// idempotent only after 429 and 503; other 4xx never; the last answer is
// returned when the attempts run out.
func TestRetryStatuses(t *testing.T) {
	tests := []struct {
		name       string
		answers    []int
		idempotent bool
		wantStatus int
		wantSent   int
		wantDelays []time.Duration
	}{
		{"5xx then ok", []int{500, 502, 200}, true, 200, 3, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
		{"5xx exhausts attempts", []int{500}, true, 500, 3, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
		{"429 honours Retry-After", []int{429, 200}, true, 200, 2, []time.Duration{2 * time.Second}},
		{"400 is not retried", []int{400, 200}, true, 400, 1, nil},
		{"401 is not retried", []int{401, 200}, true, 401, 1, nil},
		{"404 is not retried", []int{404, 200}, true, 404, 1, nil},
		{"push: 500 is not retried", []int{500, 200}, false, 500, 1, nil},
		{"push: 503 is retried", []int{503, 200}, false, 200, 2, []time.Duration{100 * time.Millisecond}},
		{"push: 429 is retried", []int{429, 200}, false, 200, 2, []time.Duration{2 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n := server(t, tt.answers...)
			c := &Client{BaseURL: srv.URL, RetryDelay: 100 * time.Millisecond}
			delays := recordSleeps(c)
			resp, err := c.Do(context.Background(), Request{Method: "POST", Path: "/x", Idempotent: tt.idempotent})
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Close()
			if resp.StatusCode != tt.wantStatus || int(n.Load()) != tt.wantSent || resp.Attempts != tt.wantSent {
				t.Errorf("status %d after %d requests (attempts %d), want %d after %d", resp.StatusCode, n.Load(), resp.Attempts, tt.wantStatus, tt.wantSent)
			}
			if b, _ := io.ReadAll(resp); string(b) != "body" {
				t.Errorf("body %q", b)
			}
			if !equalDurations(*delays, tt.wantDelays) {
				t.Errorf("delays %v, want %v", *delays, tt.wantDelays)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestHeadersAndBody: the client's headers (credentials) and the engine's
// reach the server with the body, on every attempt.
func TestHeadersAndBody(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization")+" "+r.Header.Get("Content-Type")+" "+string(b))
		if len(got) == 1 {
			w.WriteHeader(http.StatusBadGateway)
		}
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, Header: http.Header{"Authorization": {"Bearer tok"}}}
	recordSleeps(c)
	resp, err := c.Do(context.Background(), Request{Method: "POST", Path: "/pull-updates", Header: [][2]string{{"content-type", "application/protobuf"}}, Body: []byte("abc"), Idempotent: true})
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()
	want := "POST /pull-updates Bearer tok application/protobuf abc"
	if len(got) != 2 || got[0] != want || got[1] != want {
		t.Errorf("server saw %q, want twice %q", got, want)
	}
}

// TestUnreachable: a server that refuses connections is retried (the
// request never left), then the failure is an *Error with the network's
// error.
func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	for _, idempotent := range []bool{true, false} {
		c := &Client{BaseURL: "http://" + addr}
		delays := recordSleeps(c)
		_, err := c.Do(context.Background(), Request{Method: "POST", Path: "/v2/pipeline", Idempotent: idempotent})
		var e *Error
		var op *net.OpError
		if !errors.As(err, &e) || e.StatusCode != 0 || e.Attempts != DefaultAttempts || !errors.As(err, &op) || e.Timeout() {
			t.Errorf("idempotent=%v: %v (%#v), want a refused connection after %d attempts", idempotent, err, e, DefaultAttempts)
		}
		if len(*delays) != DefaultAttempts-1 {
			t.Errorf("delays %v", *delays)
		}
	}
}

// TestBrokenAfterSent: a connection that breaks after the request was
// sent is retried only for an idempotent request: the server may have
// applied a push.
func TestBrokenAfterSent(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	for _, tt := range []struct {
		idempotent bool
		wantSent   int32
		wantErr    bool
	}{{false, 1, true}, {true, 2, false}} {
		n.Store(0)
		c := &Client{BaseURL: srv.URL}
		recordSleeps(c)
		resp, err := c.Do(context.Background(), Request{Method: "POST", Path: "/x", Idempotent: tt.idempotent})
		if (err != nil) != tt.wantErr || n.Load() != tt.wantSent {
			t.Errorf("idempotent=%v: %v after %d requests, want error %v after %d", tt.idempotent, err, n.Load(), tt.wantErr, tt.wantSent)
		}
		if resp != nil {
			resp.Close()
		}
	}
}

// TestTimeouts: a server that does not answer, or stops sending in the
// middle of a response, fails the request once Timeout passes without a
// byte, with an error matching os.ErrDeadlineExceeded; a slow response
// whose chunks keep coming is read whole however long it takes; the
// long-poll time extends the wait for the answer to begin.
func TestTimeouts(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := w.(http.Flusher)
		switch r.URL.Path {
		case "/silent":
			select {
			case <-release:
			case <-r.Context().Done():
			}
		case "/stalls":
			io.WriteString(w, "first")
			f.Flush()
			select {
			case <-release:
			case <-r.Context().Done():
			}
		case "/slow":
			for i := 0; i < 6; i++ {
				io.WriteString(w, "x")
				f.Flush()
				time.Sleep(60 * time.Millisecond)
			}
		case "/longpoll":
			time.Sleep(300 * time.Millisecond)
			io.WriteString(w, "changes")
		}
	}))
	defer srv.Close()
	const timeout = 150 * time.Millisecond

	c := &Client{BaseURL: srv.URL, Timeout: timeout, Attempts: 2}
	recordSleeps(c)
	start := time.Now()
	_, err := c.Do(context.Background(), Request{Method: "POST", Path: "/silent", Idempotent: true})
	var e *Error
	if !errors.As(err, &e) || !e.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) || e.Attempts != 2 {
		t.Errorf("silent server: %v, want a timeout after 2 attempts", err)
	}
	if d := time.Since(start); d > 2*timeout+time.Second {
		t.Errorf("silent server: failed after %v", d)
	}

	resp, err := c.Do(context.Background(), Request{Method: "POST", Path: "/stalls", Idempotent: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp)
	resp.Close()
	if string(b) != "first" || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("stalling server: read %q, %v; want the first chunk then a timeout", b, err)
	}

	resp, err = c.Do(context.Background(), Request{Method: "GET", Path: "/slow"})
	if err != nil {
		t.Fatal(err)
	}
	b, err = io.ReadAll(resp)
	resp.Close()
	if string(b) != "xxxxxx" || err != nil {
		t.Errorf("slow server: read %q, %v; want it whole", b, err)
	}

	resp, err = c.Do(context.Background(), Request{Method: "POST", Path: "/longpoll", Idempotent: true})
	if err == nil {
		resp.Close()
		t.Errorf("long poll without LongPoll: want a timeout")
	}
	lp := &Client{BaseURL: srv.URL, Timeout: timeout, LongPoll: time.Second}
	resp, err = lp.Do(context.Background(), Request{Method: "POST", Path: "/longpoll", Idempotent: true})
	if err != nil {
		t.Fatalf("long poll: %v", err)
	}
	b, _ = io.ReadAll(resp)
	resp.Close()
	if string(b) != "changes" {
		t.Errorf("long poll: read %q", b)
	}
}

// TestCancel: the caller's context ends the request under way, and the
// delay between attempts, with the context's error.
func TestCancel(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	for _, path := range []string{"/hang", "/fail"} {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		c := &Client{BaseURL: srv.URL, RetryDelay: time.Hour}
		start := time.Now()
		_, err := c.Do(ctx, Request{Method: "POST", Path: path, Idempotent: true})
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
			t.Errorf("%s: %v after %v, want the context's error soon", path, err, time.Since(start))
		}
	}
}

// TestErrorText: an *Error names the request and what went wrong.
func TestErrorText(t *testing.T) {
	e := &Error{Method: "POST", URL: "http://h/pull-updates", Attempts: 3, Err: errors.New("connection refused")}
	if got := e.Error(); !strings.Contains(got, "POST http://h/pull-updates (3 attempts): connection refused") {
		t.Errorf("%q", got)
	}
}
