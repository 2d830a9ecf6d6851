// Package synchttp performs the HTTP requests of an embedded replica's
// sync engine with net/http: the engine says what to send (method, path,
// headers, body), this package sends it to the server with the replica's
// credentials, retries what can be retried, bounds every wait, and hands
// the answer back as a stream for the engine to read as it arrives.
//
// Retries: a request is tried again, after a delay that doubles each time
// (or what a 429 or 503 answer's Retry-After asks, up to a bound), when
// the server answers 429 or 5xx or cannot be reached; never after another
// 4xx, which a retry would not change. A request that is not idempotent
// (a push: it writes on the server) is retried only when the server
// certainly did not act on it: the connection could not be made, or the
// server answered 429 or 503. When the connection breaks after such a
// request was sent, the server may or may not have applied it, so the
// failure is returned; the engine's next push asks the server what it
// has, which makes it deliver every change exactly once.
//
// Timeouts: Timeout bounds connecting, the wait for the response to begin
// (plus the long-poll time for a request that asks the server to wait),
// and, while the response is read, the wait for each further chunk; a
// large download goes on as long as bytes keep coming.
package synchttp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

// Defaults of the Client's settings.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultAttempts   = 3
	DefaultRetryDelay = 500 * time.Millisecond
	// MaxRetryDelay bounds the delay between attempts, Retry-After
	// included.
	MaxRetryDelay = 30 * time.Second
)

// defaultTransport is the transport of the default client: net/http's
// defaults (proxies from the environment, keep-alive, HTTP/2).
var defaultTransport = sync.OnceValue(func() http.RoundTripper {
	return http.DefaultTransport.(*http.Transport).Clone()
})

// Client sends the requests of one replica.
type Client struct {
	// HTTP sends the requests; nil uses a client with net/http's default
	// transport. Its own Timeout, if any, applies too.
	HTTP *http.Client
	// BaseURL is the server's URL, which every request's path extends.
	BaseURL string
	// Header is added to every request (the credentials).
	Header http.Header
	// Timeout, Attempts and RetryDelay are as in the package
	// documentation; zero values mean the defaults.
	Timeout    time.Duration
	Attempts   int
	RetryDelay time.Duration
	// LongPoll is how long the server may hold a request that asks it to
	// wait for changes: it extends the wait for such a response to begin.
	LongPoll time.Duration
	// sleep waits between attempts (tests replace it).
	sleep func(ctx context.Context, d time.Duration) error
}

// Request is one request of the engine.
type Request struct {
	Method, Path string
	// Header holds the engine's own headers, in order.
	Header [][2]string
	Body   []byte
	// Idempotent reports that sending the request twice has the effect of
	// sending it once, so that it may be retried after it was sent.
	Idempotent bool
}

// Response is the answer to a Request: its status, and the body to read
// until io.EOF. Close it.
type Response struct {
	StatusCode int
	// Attempts is how many times the request was sent.
	Attempts int
	header   http.Header
	body     io.ReadCloser
	idle     *watchdog
}

// Read reads the body; a chunk that does not come within the Client's
// timeout fails with an error matching os.ErrDeadlineExceeded.
func (r *Response) Read(p []byte) (int, error) {
	n, err := r.body.Read(p)
	if err != nil && err != io.EOF {
		err = r.idle.explain(err)
	}
	r.idle.reset()
	return n, err
}

// Close closes the body and releases the request.
func (r *Response) Close() error {
	r.idle.stop()
	return r.body.Close()
}

// Error is the failure of a request: no answer (StatusCode 0 and Err the
// network's or the timeout's error), or an error status that retries did
// not cure (then Do returns the Response instead; Error is for callers
// that turn that status into an error).
type Error struct {
	Method, URL string
	// Attempts is how many times the request was sent.
	Attempts int
	// StatusCode is the server's answer, or 0 for none.
	StatusCode int
	Err        error
}

func (e *Error) Error() string {
	what := e.Method + " " + e.URL
	if e.Attempts > 1 {
		what += fmt.Sprintf(" (%d attempts)", e.Attempts)
	}
	if e.StatusCode != 0 {
		return what + ": " + strconv.Itoa(e.StatusCode) + " " + http.StatusText(e.StatusCode)
	}
	return what + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Timeout reports whether the request failed because a timeout ran out.
func (e *Error) Timeout() bool { return errors.Is(e.Err, os.ErrDeadlineExceeded) }

// Do sends req and returns the server's response once it begins: a 2xx,
// or the error status that retries did not cure. It fails with an *Error
// when no answer came, or with the context's error when ctx ended first.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	attempts := c.Attempts
	if attempts <= 0 {
		attempts = DefaultAttempts
	}
	delay := c.RetryDelay
	if delay <= 0 {
		delay = DefaultRetryDelay
	}
	url := c.BaseURL + req.Path
	for attempt := 1; ; attempt++ {
		resp, sent, err := c.send(ctx, req, url)
		if cerr := ctx.Err(); cerr != nil {
			if resp != nil {
				resp.Close()
			}
			return nil, cerr
		}
		last := attempt >= attempts
		if err != nil {
			if last || (!req.Idempotent && sent) {
				return nil, &Error{Method: req.Method, URL: url, Attempts: attempt, Err: err}
			}
		} else {
			resp.Attempts = attempt
			if last || !retryStatus(resp.StatusCode, req.Idempotent) {
				return resp, nil
			}
		}
		wait := delay
		if err == nil {
			if ra, ok := retryAfter(resp.Header()); ok {
				wait = ra
			}
			// Drain a little of the body so that the connection can be
			// reused, then drop it.
			io.CopyN(io.Discard, resp, 4096)
			resp.Close()
		}
		if err := c.wait(ctx, min(wait, MaxRetryDelay)); err != nil {
			return nil, err
		}
		delay = min(2*delay, MaxRetryDelay)
	}
}

// retryStatus reports whether an answer with status may be retried.
func retryStatus(status int, idempotent bool) bool {
	switch {
	case status == http.StatusTooManyRequests, status == http.StatusServiceUnavailable:
		return true
	case status >= 500:
		return idempotent
	}
	return false
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(h http.Header) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// wait sleeps d or until ctx ends.
func (c *Client) wait(ctx context.Context, d time.Duration) error {
	if c.sleep != nil {
		return c.sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Header returns the response's headers.
func (r *Response) Header() http.Header { return r.header }

// send sends req once. sent reports, on failure, whether the request may
// have reached the server.
func (c *Client) send(ctx context.Context, req Request, url string) (_ *Response, sent bool, _ error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	actx, cancel := context.WithCancel(ctx)
	dog := newWatchdog(timeout, cancel)
	dog.start(timeout + c.LongPoll)
	hreq, err := http.NewRequestWithContext(actx, req.Method, url, bytes.NewReader(req.Body))
	if err != nil {
		dog.stop()
		return nil, false, err
	}
	for k, vs := range c.Header {
		hreq.Header[k] = vs
	}
	for _, h := range req.Header {
		hreq.Header.Set(h[0], h[1])
	}
	client := c.HTTP
	if client == nil {
		client = &http.Client{Transport: defaultTransport()}
	}
	hresp, err := client.Do(hreq)
	if err != nil {
		dog.stop()
		return nil, !notSent(err), dog.explain(err)
	}
	dog.reset()
	return &Response{StatusCode: hresp.StatusCode, header: hresp.Header, body: hresp.Body, idle: dog}, true, nil
}

// notSent reports whether err says that the request never left: the
// connection could not be made.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// watchdog cancels a request when a wait runs out.
type watchdog struct {
	mu      sync.Mutex
	timeout time.Duration
	cancel  context.CancelFunc
	timer   *time.Timer
	armed   time.Duration // the wait the timer measures
	fired   bool
	stopped bool
}

func newWatchdog(timeout time.Duration, cancel context.CancelFunc) *watchdog {
	return &watchdog{timeout: timeout, cancel: cancel}
}

// start arms the watchdog for d.
func (w *watchdog) start(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.armed = d
	w.timer = time.AfterFunc(d, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if !w.stopped {
			w.fired = true
			w.cancel()
		}
	})
}

// reset rearms the watchdog for its timeout, from now.
func (w *watchdog) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.stopped && !w.fired {
		w.armed = w.timeout
		w.timer.Reset(w.timeout)
	}
}

// stop disarms the watchdog and releases the request's context.
func (w *watchdog) stop() {
	w.mu.Lock()
	w.stopped = true
	w.timer.Stop()
	w.mu.Unlock()
	w.cancel()
}

// explain returns err, or a timeout error if the watchdog fired.
func (w *watchdog) explain(err error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fired {
		return fmt.Errorf("%w: nothing came from the server for %v", os.ErrDeadlineExceeded, w.armed)
	}
	return err
}
