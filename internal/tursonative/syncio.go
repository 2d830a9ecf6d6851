//go:build linux && amd64 && cgo

package tursonative

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/synchttp"
)

// The protocol of the addon's SyncEngine, as @tursodatabase/sync-common's
// run.js drives it: an operation is a generator; resuming it returns
// {type: "IO"} while it waits for requests the host must serve, or its
// result ({type: "Done"}, "SyncEngineStats", "SyncEngineChanges"). While
// it waits, protocolIo hands out the pending requests (Http, FullRead,
// FullWrite, Transform), each with a completion to which the host
// reports the result (status, pushBuffer, done, or poison); ioLoopSync
// and protocolIoStep then let the engine take the results in.

// maxRounds bounds the resumptions of one operation: an engine that keeps
// asking for I/O without end is a bug, not a wait.
const maxRounds = 1 << 20

// opFailure is what went wrong, on the Go side, while an operation's
// requests were served: the first failure of a request, which explains
// the engine's error.
type opFailure struct {
	cause  error // a request that got no answer, or the context's end
	status int   // an error status the server answered
}

// run runs operation method of se (a SyncEngine) to its end, serving its
// requests with ctx, and returns its result. op names the operation in
// errors.
func (r *replica) run(ctx context.Context, op string, se handle, method string, args []any) (map[string]any, error) {
	v, err := se.call(method, args...)
	if err != nil {
		return nil, &engine.SyncError{Op: op, Err: toError(err)}
	}
	gen, ok := v.(handle)
	if !ok {
		releaseAll(v)
		return nil, &engine.SyncError{Op: op, Err: fmt.Errorf("turso native engine: SyncEngine.%s returned no generator", method)}
	}
	defer gen.release()
	// The primary's steps run alone on the replica (see gate.go). A
	// secondary's connect holds the gate shared, as a statement does
	// (tryConnectSecondary): it must not wait for the open transactions,
	// or a program whose transaction waits for a statement on a new
	// connection would never get it; it waits for writers up to the busy
	// timeout instead (connectSecondary), or a spare spares it the wait.
	gated := r.primary.p != 0 && se.p == r.primary.p
	var failed opFailure
	for round := 0; round < maxRounds; round++ {
		// Serving the requests between steps does not hold the gate.
		if err := r.lockStep(ctx, gated); err != nil {
			return nil, &engine.SyncError{Op: op, Kind: engine.SyncUnreachable, Err: err}
		}
		v, err := gen.call("resumeSync", jsNull{})
		r.unlockStep(gated)
		if err != nil {
			return nil, r.classify(op, err, failed)
		}
		res, _ := v.(map[string]any)
		if res == nil {
			releaseAll(v)
			return nil, &engine.SyncError{Op: op, Err: fmt.Errorf("turso native engine: SyncEngine.%s yielded %T", method, v)}
		}
		if res["type"] != "IO" {
			return res, nil
		}
		for {
			q, err := se.call("protocolIo")
			if err != nil {
				return nil, &engine.SyncError{Op: op, Err: toError(err)}
			}
			req, ok := q.(handle)
			if !ok {
				releaseAll(q)
				break
			}
			err = r.serve(ctx, req, &failed)
			req.release()
			if err != nil {
				return nil, &engine.SyncError{Op: op, Err: err}
			}
		}
		if err := r.lockStep(ctx, gated); err != nil {
			return nil, &engine.SyncError{Op: op, Kind: engine.SyncUnreachable, Err: err}
		}
		_, err = se.call("ioLoopSync")
		if err == nil {
			_, err = se.call("protocolIoStep")
		}
		r.unlockStep(gated)
		if err != nil {
			return nil, r.classify(op, err, failed)
		}
	}
	return nil, &engine.SyncError{Op: op, Err: fmt.Errorf("turso native engine: SyncEngine.%s did not finish", method)}
}

// lockStep takes the gate for a step when gated.
func (r *replica) lockStep(ctx context.Context, gated bool) error {
	if !gated {
		return nil
	}
	return r.gate.lock(ctx)
}

func (r *replica) unlockStep(gated bool) {
	if gated {
		r.gate.unlock()
	}
}

// serve performs one request of the engine and completes it. The
// failure of the request itself goes to the engine (poison) and is noted
// in failed; serve's error is a failure to talk to the engine.
func (r *replica) serve(ctx context.Context, req handle, failed *opFailure) error {
	v, err := req.call("request")
	if err != nil {
		return toError(err)
	}
	defer releaseAll(v)
	request, _ := v.(map[string]any)
	c, err := req.call("completion")
	if err != nil {
		return toError(err)
	}
	completion, ok := c.(handle)
	if !ok {
		releaseAll(c)
		return errors.New("turso native engine: a sync request without a completion")
	}
	defer completion.release()
	kind, _ := request["type"].(string)
	path, _ := request["path"].(string)
	var ferr error // the request's failure, which poisons the completion
	switch kind {
	case "FullRead":
		var b []byte
		b, ferr = os.ReadFile(path)
		switch {
		case errors.Is(ferr, os.ErrNotExist):
			ferr = nil
		case ferr != nil:
			ferr = fmt.Errorf("metadata read error: %w", ferr)
		case len(b) == 0:
			// The engine's writes replace the file whole (see
			// writeFileAtomic): an empty one was damaged, and the engine
			// would take it for a missing one and start over.
			ferr = fmt.Errorf("metadata read error: %s is empty", path)
		default:
			if _, err := completion.call("pushBuffer", b); err != nil {
				return toError(err)
			}
		}
	case "FullWrite":
		if err := writeFileAtomic(path, bytesOf(request["content"])); err != nil {
			ferr = fmt.Errorf("metadata write error: %w", err)
		}
	case "Http":
		return r.serveHTTP(ctx, request, completion, failed)
	default:
		ferr = fmt.Errorf("turso native engine: unexpected sync request %q", kind)
	}
	if ferr != nil {
		if failed.cause == nil {
			failed.cause = ferr
		}
		_, err = completion.call("poison", ferr.Error())
	} else {
		_, err = completion.call("done")
	}
	return toError(err)
}

// serveHTTP sends an Http request to the server and streams the answer
// into completion, chunk by chunk as it arrives.
func (r *replica) serveHTTP(ctx context.Context, request map[string]any, completion handle, failed *opFailure) error {
	method, _ := request["method"].(string)
	path, _ := request["path"].(string)
	hreq := synchttp.Request{Method: method, Path: path, Body: bytesOf(request["body"])}
	if headers, ok := request["headers"].([]any); ok {
		for _, h := range headers {
			if kv, ok := h.([]any); ok && len(kv) == 2 {
				k, _ := kv[0].(string)
				v, _ := kv[1].(string)
				hreq.Header = append(hreq.Header, [2]string{k, v})
			}
		}
	}
	hreq.Idempotent = !writesOnServer(method, path)
	poison := func(err error) error {
		if failed.cause == nil {
			failed.cause = err
		}
		// The message goes into the engine's error, which the Go error
		// replaces (see classify); it never holds the token.
		_, perr := completion.call("poison", "fetch error: "+err.Error())
		return toError(perr)
	}
	resp, err := r.http.Do(ctx, hreq)
	if err != nil {
		return poison(err)
	}
	defer resp.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		failed.status = resp.StatusCode
	}
	if _, err := completion.call("status", float64(resp.StatusCode)); err != nil {
		return toError(err)
	}
	buf := make([]byte, 64<<10)
	for {
		n, rerr := resp.Read(buf)
		if n > 0 {
			if _, err := completion.call("pushBuffer", buf[:n]); err != nil {
				return toError(err)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			if cerr := ctx.Err(); cerr != nil {
				rerr = cerr
			} else {
				rerr = &synchttp.Error{Method: method, URL: r.cfg.URL + path, Attempts: resp.Attempts, Err: rerr}
			}
			return poison(rerr)
		}
	}
	_, err = completion.call("done")
	return toError(err)
}

// writesOnServer reports whether an HTTP request may change the server's
// database: a push, which sends the local changes as a batch of
// statements (POST /v2/pipeline) or as WAL frames (POST /sync/...). Pulls
// (POST /pull-updates) and bootstraps (GET) only read.
func writesOnServer(method, path string) bool {
	return method == "POST" && (strings.HasPrefix(path, "/v2/pipeline") || strings.HasPrefix(path, "/sync/"))
}

// classify makes the error of a failed generator a *engine.SyncError,
// with the Go error behind it when a request's failure caused it.
func (r *replica) classify(op string, err error, failed opFailure) error {
	se := &engine.SyncError{Op: op, Err: toError(err)}
	msg := ""
	if x, ok := err.(*exception); ok {
		msg = x.message()
	}
	var he *synchttp.Error
	switch {
	case failed.cause != nil && (errors.Is(failed.cause, context.Canceled) || errors.Is(failed.cause, context.DeadlineExceeded)):
		se.Kind, se.Err = engine.SyncUnreachable, failed.cause
	case failed.cause != nil && errors.As(failed.cause, &he):
		se.Kind, se.Err = engine.SyncUnreachable, failed.cause
	case failed.cause != nil:
		se.Kind, se.Err = engine.SyncMetadata, failed.cause
	case failed.status != 0:
		se.Kind, se.Status = engine.SyncStatus, failed.status
		se.Err = errors.New(msg)
	case isMetadataError(msg):
		se.Kind = engine.SyncMetadata
	}
	return se
}

// isMetadataError reports whether the engine's message says that its
// metadata file is damaged (serde_json's errors).
func isMetadataError(msg string) bool {
	msg = strings.ToLower(msg)
	for _, s := range []string{"deserialization error", "serde", "json", "eof while parsing", "expected value"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// writeFileAtomic replaces the file at path with data: written to a
// temporary file in the same directory, synced, renamed over path, and
// the directory synced, so that a crash leaves the old file or the new
// one, never a torn one.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp := path + ".tmp." + strconv.FormatInt(time.Now().UnixNano(), 36)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
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
