//go:build linux && amd64 && cgo

package tursonative

/*
#include "binding.h"
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/synchttp"
	"github.com/turso-go/turso/internal/tursobind"
)

// Embedded replicas run on the addon's SyncEngine class, which does no
// I/O of its own: each operation (connect, push, wait, apply, stats,
// checkpoint) is a generator that yields requests, which run serves (sync
// engine protocol: metadata reads and writes, HTTP), then resumes it.
//
// A replica has one SyncEngine of its own, the primary, that runs the
// sync operations, one at a time. Every connection of a pool is the one
// connection of a SyncEngine of its own (a secondary, opened on the
// replica's files, which the engine shares between the SyncEngines of one
// file), because that is how the engine makes a connection whose writes a
// push finds: it records every change in its change table and never
// checkpoints the write-ahead log by itself, which a Pull needs intact to
// set the local changes aside. A connection opened as a plain Database
// would do neither.
//
// What the engine needs of its callers, found in its sources (0.7.2) and
// measured: a secondary must not open while the primary applies a Pull
// or checkpoints, because opening one first recovers a replacement of the
// database files that an interrupted Pull left behind, and during a Pull
// that replacement may be under way; and a sync step must not run while a
// connection writes: the engine's own connection has no busy timeout, and
// a Pull applied beside a writer failed with "database is busy", once
// after applying the server's changes but before recording how far it
// got. The replica's local lock keeps secondaries from opening during a
// pull's apply or a checkpoint; its gate (gate.go) keeps sync steps apart
// from the connections' transactions and from the connecting of
// secondaries (which writes), as the JavaScript client's lock keeps its
// statements and sync steps apart. The network waits between
// steps hold neither, so statements run while a sync waits for the
// server.

var _ engine.Syncer = (*Engine)(nil)

// replicas are the replicas open in the process, by file: the pools that
// open one file with the same server share one.
var replicas = struct {
	sync.Mutex
	m map[string]*replica
}{m: map[string]*replica{}}

// replica is one embedded replica.
type replica struct {
	e    *Engine
	path string
	opts tursobind.Options
	cfg  engine.SyncConfig
	http *synchttp.Client
	refs int // the open replicaRefs; with replicas locked

	// ops runs one sync operation at a time, opening included; local
	// keeps secondaries from opening while the primary applies changes
	// or checkpoints (see above).
	ops   sync.Mutex
	local sync.RWMutex
	// gate keeps sync steps and the connections' transactions apart.
	gate gate

	primary handle      // the primary SyncEngine, once opened
	opened  atomic.Bool // the primary is connected
	closed  bool        // with ops held

	// spare is a secondary connected ahead of need (see takeSpare), with
	// spareMu held; filling says one is being connected. fills ends when
	// the replica closes, and fillers counts the goroutines connecting one.
	spareMu  sync.Mutex
	spare    handle
	filling  bool
	fills    context.Context
	endFills context.CancelFunc
	fillers  sync.WaitGroup
}

// OpenReplica returns the replica of the file cfg names that syncs as
// cfg.Sync says, sharing it with the pools that opened it before with the
// same server.
func (e *Engine) OpenReplica(cfg engine.Config) (engine.Replica, error) {
	if cfg.Sync == nil {
		return nil, errors.New("turso native engine: OpenReplica without a sync configuration")
	}
	if err := checkSyncConfig(cfg); err != nil {
		return nil, err
	}
	plain := cfg
	plain.Sync = nil
	o, err := tursobind.NewOptions(Name, plain)
	if err != nil {
		return nil, err
	}
	replicas.Lock()
	defer replicas.Unlock()
	r := replicas.m[o.Path]
	switch {
	case r == nil:
		r = newReplica(e, o, *cfg.Sync)
		replicas.m[o.Path] = r
	case r.cfg.URL != cfg.Sync.URL:
		return nil, &engine.SyncError{Op: "connect", Kind: engine.SyncUnsupported, Err: fmt.Errorf("%s is open in this process as a replica of %s: it cannot be one of %s too", o.Path, r.cfg.URL, cfg.Sync.URL)}
	}
	r.refs++
	return &replicaRef{r: r}, nil
}

// openReplica returns the replica open on path, if any.
func openReplica(path string) *replica {
	replicas.Lock()
	defer replicas.Unlock()
	return replicas.m[path]
}

func newReplica(e *Engine, o tursobind.Options, cfg engine.SyncConfig) *replica {
	header := http.Header{}
	if len(cfg.AuthToken) > 0 {
		header.Set("Authorization", "Bearer "+string(cfg.AuthToken))
	}
	fills, endFills := context.WithCancel(context.Background())
	return &replica{e: e, path: o.Path, opts: o, cfg: cfg, fills: fills, endFills: endFills, http: &synchttp.Client{
		HTTP:       cfg.HTTP,
		BaseURL:    cfg.URL,
		Header:     header,
		Timeout:    cfg.Timeout,
		Attempts:   cfg.Attempts,
		RetryDelay: cfg.RetryDelay,
		LongPoll:   cfg.LongPollTimeout,
	}}
}

// replicaRef is one pool's hold on a replica.
type replicaRef struct {
	r      *replica
	closed atomic.Bool
}

var _ engine.Replica = (*replicaRef)(nil)

// errReplicaClosed is the failure of an operation on a closed replica.
func errReplicaClosed(op string) error {
	return &engine.SyncError{Op: op, Err: engine.ErrClosed}
}

// Close releases the pool's hold; the last one closes the replica.
func (rr *replicaRef) Close() error {
	if rr.closed.Swap(true) {
		return nil
	}
	r := rr.r
	replicas.Lock()
	r.refs--
	last := r.refs == 0
	if last {
		delete(replicas.m, r.path)
	}
	replicas.Unlock()
	if !last {
		return nil
	}
	r.closeSpare()
	r.ops.Lock()
	defer r.ops.Unlock()
	r.closed = true
	if r.opened.Load() {
		_, err := r.primary.call("close")
		r.primary.release()
		return toError(err)
	}
	return nil
}

// session begins an operation on the primary: it holds ops and opens the
// primary if needed. end releases ops.
func (rr *replicaRef) session(ctx context.Context, op string) (end func(), err error) {
	if rr.closed.Load() {
		return nil, errReplicaClosed(op)
	}
	r := rr.r
	r.ops.Lock()
	if r.closed {
		r.ops.Unlock()
		return nil, errReplicaClosed(op)
	}
	if !r.opened.Load() {
		if err := r.open(ctx); err != nil {
			r.ops.Unlock()
			return nil, err
		}
	}
	return r.ops.Unlock, nil
}

// Connect opens a connection to the replica: the connection of a
// secondary SyncEngine.
func (rr *replicaRef) Connect(ctx context.Context) (engine.Conn, error) {
	r := rr.r
	if !r.opened.Load() {
		end, err := rr.session(ctx, "connect")
		if err != nil {
			return nil, err
		}
		end()
	}
	if rr.closed.Load() {
		return nil, errReplicaClosed("connect")
	}
	se, ok := r.takeSpare()
	if !ok {
		var err error
		if se, err = r.connectSecondary(ctx); err != nil {
			return nil, err
		}
	}
	r.fillSpare(ctx)
	v, err := se.call("db")
	db, ok := v.(handle)
	if err != nil || !ok {
		releaseAll(v)
		se.call("close")
		se.release()
		return nil, &engine.SyncError{Op: "connect", Err: toError(err)}
	}
	c := C.tn_conn_new(C.uintptr_t(db.p))
	if c == nil {
		db.release()
		se.call("close")
		se.release()
		return nil, errNoMem()
	}
	cn := &conn{e: r.e, c: c, db: db, syncEngine: se, gate: &r.gate, busyTimeout: r.opts.Timeout, path: r.path, stmts: map[*stmt]struct{}{}}
	// The SyncEngine opens its database without a busy timeout.
	if err := cn.Exec(fmt.Sprintf("PRAGMA busy_timeout = %d", r.opts.Timeout.Milliseconds())); err != nil {
		cn.Close()
		return nil, err
	}
	return cn, nil
}

// connectSecondary constructs and connects a secondary SyncEngine.
// Connecting writes to the database (the engine sets up its change
// table), so it waits, up to the busy timeout, for the writers of the
// replica's other connections, as a statement would: a program whose
// open transaction waits for this connection cannot deadlock. (A spare,
// when there is one, spares it the wait: see takeSpare.)
func (r *replica) connectSecondary(ctx context.Context) (handle, error) {
	deadline := time.Now().Add(r.opts.Timeout)
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		se, err := r.tryConnectSecondary(ctx)
		if err == nil {
			return se, nil
		}
		if !isBusy(err) || ctx.Err() != nil {
			return handle{}, err
		}
		if !time.Now().Before(deadline) {
			return handle{}, &engine.Error{Code: engine.CodeBusy, ExtendedCode: engine.CodeBusy, Message: "database is busy: a new connection to the replica waited for another connection's write transaction or a sync step"}
		}
		time.Sleep(min(wait, time.Until(deadline)+time.Millisecond))
	}
}

// errConnectBusy is tryConnectSecondary's failure when a pull's apply or
// a sync step holds the replica.
var errConnectBusy = &engine.Error{Code: engine.CodeBusy, ExtendedCode: engine.CodeBusy, Message: "database is busy: the replica is syncing"}

// tryConnectSecondary makes one attempt to construct and connect a
// secondary SyncEngine. The attempt overlaps no pull's apply or
// checkpoint (opening a secondary may recover the database files, see
// above) and no sync step (connecting writes, and the engine's sync steps
// fail beside a writer): it fails as busy at once when one runs.
func (r *replica) tryConnectSecondary(ctx context.Context) (handle, error) {
	if !r.local.TryRLock() {
		return handle{}, errConnectBusy
	}
	defer r.local.RUnlock()
	if !r.gate.mu.TryRLock() {
		return handle{}, errConnectBusy
	}
	defer r.gate.mu.RUnlock()
	se, err := r.newSyncEngine(false)
	if err != nil {
		return handle{}, err
	}
	if _, err := r.run(ctx, "connect", se, "connect", nil); err != nil {
		se.call("close")
		se.release()
		return handle{}, err
	}
	return se, nil
}

// Connecting a secondary writes to the database, so it cannot connect
// while another connection holds a write transaction: a program that
// reads outside its open transaction, on a connection the pool opens for
// it, would wait for its own transaction. So a replica keeps one
// secondary connected ahead of need, its spare, which the next new
// connection takes. Each new connection connects the next spare at once
// if it can; if the database is busy, a goroutine retries until it
// succeeds or the replica closes.

// takeSpare returns the spare secondary, if one is connected.
func (r *replica) takeSpare() (handle, bool) {
	r.spareMu.Lock()
	defer r.spareMu.Unlock()
	se := r.spare
	r.spare = handle{}
	return se, se.p != 0
}

// fillSpare connects a spare unless there is one, one is being connected
// or the replica is closing: once at once, then, while the database is
// busy, in the background.
func (r *replica) fillSpare(ctx context.Context) {
	r.spareMu.Lock()
	if r.spare.p != 0 || r.filling || r.fills.Err() != nil {
		r.spareMu.Unlock()
		return
	}
	r.filling = true
	r.fillers.Add(1)
	r.spareMu.Unlock()
	se, err := r.tryConnectSecondary(ctx)
	if isBusy(err) {
		go func() { r.keepSpare(r.connectSpare()) }()
		return
	}
	r.keepSpare(se, err)
}

// keepSpare ends a filling: se becomes the spare, unless connecting it
// failed (the next new connection then connects itself and reports the
// failure) or the replica is closing.
func (r *replica) keepSpare(se handle, err error) {
	defer r.fillers.Done()
	r.spareMu.Lock()
	defer r.spareMu.Unlock()
	r.filling = false
	switch {
	case err != nil:
	case r.fills.Err() != nil:
		se.call("close")
		se.release()
	default:
		r.spare = se
	}
}

// connectSpare connects a secondary, retrying while the database is busy
// until the replica closes.
func (r *replica) connectSpare() (handle, error) {
	for wait := time.Millisecond; ; wait = min(2*wait, 100*time.Millisecond) {
		select {
		case <-r.fills.Done():
			return handle{}, r.fills.Err()
		case <-time.After(wait):
		}
		se, err := r.tryConnectSecondary(r.fills)
		if err == nil || !isBusy(err) {
			return se, err
		}
	}
}

// closeSpare stops connecting spares and closes the spare.
func (r *replica) closeSpare() {
	r.spareMu.Lock()
	r.endFills() // with spareMu held, so that no filling starts after
	r.spareMu.Unlock()
	r.fillers.Wait()
	if se, ok := r.takeSpare(); ok {
		se.call("close")
		se.release()
	}
}

// open connects the primary, bootstrapping the replica from the server
// if it is empty; with ops held.
func (r *replica) open(ctx context.Context) error {
	se, err := r.newSyncEngine(true)
	if err != nil {
		return err
	}
	if _, err := r.run(ctx, "bootstrap", se, "connect", nil); err != nil {
		se.call("close")
		se.release()
		return err
	}
	r.primary = se
	r.opened.Store(true)
	return nil
}

// newSyncEngine constructs a SyncEngine on the replica's files.
func (r *replica) newSyncEngine(primary bool) (handle, error) {
	if err := r.e.loaded(); err != nil {
		return handle{}, err
	}
	opts := map[string]any{
		"path":             r.path,
		"clientName":       r.cfg.ClientName,
		"useTransform":     false,
		"protocolVersion":  "v1",
		"bootstrapIfEmpty": primary,
	}
	if r.cfg.LongPollTimeout > 0 {
		opts["longPollTimeoutMs"] = float64(r.cfg.LongPollTimeout.Milliseconds())
	}
	if r.cfg.PushBatch > 0 {
		opts["pushOperationsThreshold"] = float64(r.cfg.PushBatch)
	}
	if r.cfg.BootstrapBatch > 0 {
		opts["pullBytesThreshold"] = float64(r.cfg.BootstrapBatch)
	}
	if len(r.opts.Experimental) > 0 {
		features := make([]any, len(r.opts.Experimental))
		for i, f := range r.opts.Experimental {
			features[i] = f
		}
		opts["experimental"] = features
	}
	v, err := construct("SyncEngine", opts)
	if err != nil {
		return handle{}, &engine.SyncError{Op: "connect", Err: toError(err)}
	}
	se, ok := v.(handle)
	if !ok {
		releaseAll(v)
		return handle{}, &engine.SyncError{Op: "connect", Err: errors.New("turso native engine: SyncEngine is not an object")}
	}
	return se, nil
}

func (rr *replicaRef) Push(ctx context.Context) error {
	end, err := rr.session(ctx, "push")
	if err != nil {
		return err
	}
	defer end()
	_, err = rr.r.run(ctx, "push", rr.r.primary, "push", nil)
	return err
}

func (rr *replicaRef) Pull(ctx context.Context) (bool, error) {
	end, err := rr.session(ctx, "pull")
	if err != nil {
		return false, err
	}
	defer end()
	r := rr.r
	res, err := r.run(ctx, "pull", r.primary, "wait", nil)
	if err != nil {
		return false, err
	}
	changes, _ := res["changes"].(handle)
	defer releaseAll(res)
	if changes.p == 0 {
		return false, &engine.SyncError{Op: "pull", Err: fmt.Errorf("turso native engine: wait returned %v", res)}
	}
	empty, err := changes.call("empty")
	if err != nil {
		return false, &engine.SyncError{Op: "pull", Err: toError(err)}
	}
	if empty == true {
		return false, nil
	}
	// Applying is local work: it is not cancelled with ctx once it began.
	r.local.Lock()
	defer r.local.Unlock()
	_, err = r.run(context.WithoutCancel(ctx), "pull", r.primary, "apply", []any{changes})
	// Statements compare this count to know when to read their columns
	// anew: the changes may have altered the schema.
	r.e.schema.Add(1)
	return err == nil, err
}

func (rr *replicaRef) Stats(ctx context.Context) (engine.SyncStats, error) {
	end, err := rr.session(ctx, "stats")
	if err != nil {
		return engine.SyncStats{}, err
	}
	defer end()
	res, err := rr.r.run(ctx, "stats", rr.r.primary, "stats", nil)
	if err != nil {
		return engine.SyncStats{}, err
	}
	defer releaseAll(res)
	num := func(k string) int64 { f, _ := res[k].(float64); return int64(f) }
	unix := func(k string) time.Time {
		if f, ok := res[k].(float64); ok && f > 0 {
			return time.Unix(int64(f), 0)
		}
		return time.Time{}
	}
	rev, _ := res["revision"].(string)
	return engine.SyncStats{
		PendingChanges: num("cdcOperations"),
		WALSize:        num("mainWalSize"),
		RevertWALSize:  num("revertWalSize"),
		LastPull:       unix("lastPullUnixTime"),
		LastPush:       unix("lastPushUnixTime"),
		Revision:       rev,
		SentBytes:      num("networkSentBytes"),
		ReceivedBytes:  num("networkReceivedBytes"),
	}, nil
}

func (rr *replicaRef) Checkpoint(ctx context.Context) error {
	end, err := rr.session(ctx, "checkpoint")
	if err != nil {
		return err
	}
	defer end()
	rr.r.local.Lock()
	defer rr.r.local.Unlock()
	_, err = rr.r.run(context.WithoutCancel(ctx), "checkpoint", rr.r.primary, "checkpoint", nil)
	return err
}

// checkSyncConfig reports what in cfg a replica cannot be: one in memory,
// read-only, encrypted locally, or with a server URL that is not http or
// https.
func checkSyncConfig(cfg engine.Config) error {
	unsupported := func(what string) error {
		return &engine.SyncError{Op: "connect", Kind: engine.SyncUnsupported, Err: errors.New(what)}
	}
	switch {
	case cfg.Path == "" || cfg.Path == ":memory:" || strings.Contains(cfg.Path, "mode=memory"):
		return unsupported("an embedded replica is a file: it cannot be in memory")
	case cfg.ReadOnly:
		return unsupported("an embedded replica cannot be opened read-only: a pull writes to it")
	case len(cfg.Key) > 0 || cfg.Cipher != "":
		return unsupported("an embedded replica cannot be encrypted locally (_key, _cipher) by this engine's sync")
	}
	u, err := url.Parse(cfg.Sync.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return unsupported("the sync URL must be http:// or https:// (or libsql://, turso://) with a host")
	}
	return nil
}

// isBusy reports whether err says that the database was locked by
// another connection.
func isBusy(err error) bool {
	var ee *engine.Error
	if errors.As(err, &ee) && ee.Code == engine.CodeBusy {
		return true
	}
	return err != nil && strings.Contains(err.Error(), "database is busy")
}
