package turso

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/turso-go/turso/internal/engine"
)

// Embedded replicas
//
// A database opened with a sync URL (_sync_url, or WithSync) is an
// embedded replica of a database on a Turso server: reads and writes are
// local, at local speed; Push sends the local changes to the server, Pull
// brings the server's changes in, and the first connection to a replica
// that is still empty downloads the server's database (bootstrap). Sync
// is a feature of Turso's engine in its native build (linux/amd64 with
// cgo): a sync URL without _engine selects it, and asking for sync on
// another engine fails at sql.Open.

// SyncConfig configures an embedded replica (see WithSync). No fmt verb
// prints its AuthToken.
type SyncConfig struct {
	// URL is the server's URL: https://, http:// (for a local server),
	// or libsql:// and turso://, which mean https://.
	URL string
	// AuthToken, when not empty, is sent to the server as a bearer token.
	AuthToken string
	// ClientName names this replica to the server (default "turso-go").
	ClientName string
	// Interval, when positive, runs Sync in the background at this
	// interval until the pool is closed; SyncStats reports the last
	// background failure.
	Interval time.Duration
	// Timeout bounds each HTTP request's wait for the server: to connect,
	// for the answer to begin, and for each further chunk of it (default
	// 30 s).
	Timeout time.Duration
	// Attempts is how many times a request is tried when the server
	// cannot be reached or answers 429 or 5xx (default 3; 1 turns retries
	// off). Retries wait RetryDelay (default 500 ms), doubled each time,
	// or what a Retry-After header asks, up to 30 s. A push is retried
	// only when the server certainly did not apply it.
	Attempts   int
	RetryDelay time.Duration
	// LongPollTimeout, when positive, lets the server hold a Pull up to
	// this long until it has changes to send.
	LongPollTimeout time.Duration
	// HTTPClient sends the requests; nil uses one with net/http's default
	// transport (proxies from the environment).
	HTTPClient *http.Client
}

// Format prints the configuration with the token as [redacted].
func (c SyncConfig) Format(f fmt.State, verb rune) {
	token := ""
	if c.AuthToken != "" {
		token = "[redacted]"
	}
	desc := fmt.Sprintf("turso.SyncConfig{URL: %q, AuthToken: %s, ClientName: %q, Interval: %v, Timeout: %v, Attempts: %d, RetryDelay: %v, LongPollTimeout: %v}",
		c.URL, token, c.ClientName, c.Interval, c.Timeout, c.Attempts, c.RetryDelay, c.LongPollTimeout)
	fmt.Fprintf(f, fmt.FormatString(f, verb), desc)
}

// WithSync makes the pool's database an embedded replica of the server
// database cfg names (DSN: _sync_url, _auth_token, _sync_interval). The
// DSN's path is the local replica's file.
func WithSync(cfg SyncConfig) Option {
	return func(c *config) error {
		if err := c.setSyncURL(cfg.URL); err != nil {
			return &paramError{kind: "option", name: "WithSync URL", value: cfg.URL, err: err}
		}
		if cfg.Interval < 0 || cfg.Timeout < 0 || cfg.Attempts < 0 || cfg.RetryDelay < 0 || cfg.LongPollTimeout < 0 {
			return errors.New("turso: WithSync: negative duration or count")
		}
		c.sync.AuthToken = engine.Secret(cfg.AuthToken)
		c.sync.ClientName = cfg.ClientName
		c.sync.Timeout = cfg.Timeout
		c.sync.Attempts = cfg.Attempts
		c.sync.RetryDelay = cfg.RetryDelay
		c.sync.LongPollTimeout = cfg.LongPollTimeout
		c.sync.HTTP = cfg.HTTPClient
		c.syncInterval = cfg.Interval
		return nil
	}
}

// normalizeSyncURL checks a sync URL and turns libsql:// and turso://
// into https://, as Turso's clients do; http:// stays, for local servers.
func normalizeSyncURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("not a URL")
	}
	switch strings.ToLower(u.Scheme) {
	case "libsql", "turso", "https", "wss":
		u.Scheme = "https"
	case "http", "ws":
		u.Scheme = "http"
	default:
		return "", errors.New("want a URL with scheme https, http, libsql or turso")
	}
	if u.Host == "" {
		return "", errors.New("the URL has no host")
	}
	if u.User != nil {
		return "", errors.New("the URL carries credentials: give the token as _auth_token")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("the URL has a query or fragment")
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// setSyncURL sets the server of an embedded replica (_sync_url).
func (c *config) setSyncURL(raw string) error {
	u, err := normalizeSyncURL(raw)
	if err != nil {
		return err
	}
	c.sync.URL = u
	return nil
}

// syncEngineConfig is the engine's configuration of the pool's replica,
// nil when the pool's database is not one.
func (c *config) syncEngineConfig() *engine.SyncConfig {
	if c.sync.URL == "" {
		return nil
	}
	s := c.sync
	if s.ClientName == "" {
		s.ClientName = "turso-go"
	}
	return &s
}

// openReplica opens the pool's replica, if its database is one, on eng.
func (c *Connector) openReplica(eng engine.Engine) error {
	sc := c.cfg.syncEngineConfig()
	if sc == nil {
		return nil
	}
	syncer, ok := eng.(engine.Syncer)
	if !ok {
		return fmt.Errorf("turso: %w: embedded replicas (_sync_url) need Turso's native engine (_engine=turso on linux/amd64 with cgo); %s has no sync", ErrNotSupported, c.cfg.engineName)
	}
	ecfg := c.cfg.engineConfig()
	ecfg.Sync = sc
	r, err := syncer.OpenReplica(ecfg)
	if err != nil {
		return wrapSyncErr(err)
	}
	c.cfg.replica = r
	if c.cfg.syncInterval > 0 {
		c.cfg.background = startBackgroundSync(r, c.cfg.syncInterval)
	}
	return nil
}

// Close stops the pool's background sync, if any, and releases its
// embedded replica. database/sql calls it from DB.Close.
func (c *Connector) Close() error {
	if c.closing == nil {
		return nil
	}
	c.closing.done.Store(true)
	c.closing.once.Do(func() {
		if c.cfg.background != nil {
			c.cfg.background.stop()
		}
		if c.cfg.replica != nil {
			c.closing.err = wrapSyncErr(c.cfg.replica.Close())
		}
	})
	return c.closing.err
}

// ErrNotReplica is returned by Pull, Push, Sync and SyncStats for a
// database that is not an embedded replica.
var ErrNotReplica = errors.New("turso: the database is not an embedded replica (no _sync_url)")

// ErrSyncUnreachable is matched by the *SyncError of an operation that got
// no answer from the server: it is not running, cannot be reached, the
// connection broke, or a timeout ran out.
var ErrSyncUnreachable = errors.New("turso: the sync server cannot be reached")

// ErrSyncMetadata is matched by the *SyncError of a replica whose
// metadata file (next to the database file, "-info") is damaged or
// unreadable.
var ErrSyncMetadata = errors.New("turso: the replica's sync metadata is unreadable")

// SyncError is the failure of a sync operation (bootstrap, push, pull,
// stats). The local database is as it was before the operation: local
// changes that a failed push did not deliver stay, and are pushed by the
// next Push. It matches ErrSyncUnreachable or ErrSyncMetadata when that
// is the cause, and a context's error when the context ended.
type SyncError struct {
	// Op is the operation: "bootstrap", "connect", "push", "pull",
	// "stats" or "checkpoint".
	Op string
	// Status is the HTTP status of the server's error answer, or 0.
	Status int
	// Err is the cause.
	Err  error
	kind engine.SyncErrorKind
}

func (e *SyncError) Error() string {
	ee := engine.SyncError{Op: e.Op, Kind: e.kind, Status: e.Status, Err: e.Err}
	return "turso: " + ee.Error()
}

// Unwrap returns Err.
func (e *SyncError) Unwrap() error { return e.Err }

// Is matches ErrSyncUnreachable and ErrSyncMetadata by the failure's kind.
func (e *SyncError) Is(target error) bool {
	switch target {
	case ErrSyncUnreachable:
		return e.kind == engine.SyncUnreachable
	case ErrSyncMetadata:
		return e.kind == engine.SyncMetadata
	}
	return false
}

// wrapSyncErr turns an engine's *engine.SyncError into a *SyncError.
func wrapSyncErr(err error) error {
	var se *engine.SyncError
	if err == nil || !errors.As(err, &se) {
		return wrapErr(err, "")
	}
	out := &SyncError{Op: se.Op, Status: se.Status, Err: se.Err, kind: se.Kind}
	var ee *engine.Error
	if errors.As(se.Err, &ee) && se.Err == error(ee) {
		out.Err = toError(ee, "")
	} else if errors.Is(se.Err, engine.ErrClosed) {
		out.Err = errClosed
	}
	return out
}

// replicaOf returns the embedded replica of db's pool, which a
// connection of db (opened if none is idle) tells.
func replicaOf(ctx context.Context, db *sql.DB) (engine.Replica, error) {
	r, _, err := replicaAndBackground(ctx, db)
	return r, err
}

// replicaAndBackground returns the embedded replica of db's pool and its
// background sync (nil for none).
func replicaAndBackground(ctx context.Context, db *sql.DB) (engine.Replica, *backgroundSync, error) {
	cfg, err := poolConfig(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	if cfg.replica == nil {
		return nil, nil, ErrNotReplica
	}
	return cfg.replica, cfg.background, nil
}

// poolConfig returns the configuration of db's pool: from its Connector
// when db's Driver is one a Connector returned (pools that sql.Open or
// sql.OpenDB made with this package's Connector), without taking a
// connection; otherwise (a Connector wrapped by another package) from a
// connection of the pool.
func poolConfig(ctx context.Context, db *sql.DB) (*config, error) {
	if db == nil {
		return nil, errors.New("turso: nil *sql.DB")
	}
	if d, ok := db.Driver().(*Driver); ok && d.pool != nil {
		if d.pool.closed() {
			return nil, errPoolClosed
		}
		return d.pool.cfg, nil
	}
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var cfg *config
	err = withConn(ctx, c, func(tc *conn) error {
		cfg = tc.cfg
		return nil
	})
	return cfg, err
}

// Pull brings the server's changes into db's embedded replica, with the
// local changes not yet pushed replayed on top of them, and reports
// whether there were any. ctx's end stops the download (the replica is
// left as before); applying downloaded changes is local and finishes.
func Pull(ctx context.Context, db *sql.DB) (changed bool, err error) {
	r, err := replicaOf(ctx, db)
	if err != nil {
		return false, err
	}
	changed, err = r.Pull(ctx)
	return changed, wrapSyncErr(err)
}

// Push sends the local changes of db's embedded replica that the server
// does not have yet. A failed push leaves them in place for the next one,
// which delivers each change once, also when the failed one reached the
// server.
func Push(ctx context.Context, db *sql.DB) error {
	r, err := replicaOf(ctx, db)
	if err != nil {
		return err
	}
	return wrapSyncErr(r.Push(ctx))
}

// Sync pushes the local changes of db's embedded replica, then pulls the
// server's (see Push and Pull).
func Sync(ctx context.Context, db *sql.DB) error {
	r, err := replicaOf(ctx, db)
	if err != nil {
		return err
	}
	return syncReplica(ctx, r)
}

func syncReplica(ctx context.Context, r engine.Replica) error {
	if err := r.Push(ctx); err != nil {
		return wrapSyncErr(err)
	}
	_, err := r.Pull(ctx)
	return wrapSyncErr(err)
}

// ReplicaStats is the sync state of an embedded replica.
type ReplicaStats struct {
	// PendingChanges counts the local row changes not yet pushed.
	PendingChanges int64
	// WALSize is the size in bytes of the replica's write-ahead log.
	WALSize int64
	// LastPull and LastPush are the times of the latest successful pull
	// and push (zero for never), to the second.
	LastPull, LastPush time.Time
	// Revision identifies the server's state the replica last pulled.
	Revision string
	// SentBytes and ReceivedBytes count the bytes exchanged with the
	// server since the replica was opened in this process.
	SentBytes, ReceivedBytes int64
	// BackgroundErr is the failure of the latest background sync
	// (SyncConfig.Interval), nil after a success or without one.
	BackgroundErr error
}

// SyncStats reports the sync state of db's embedded replica.
func SyncStats(ctx context.Context, db *sql.DB) (ReplicaStats, error) {
	r, b, err := replicaAndBackground(ctx, db)
	if err != nil {
		return ReplicaStats{}, err
	}
	s, err := r.Stats(ctx)
	if err != nil {
		return ReplicaStats{}, wrapSyncErr(err)
	}
	out := ReplicaStats{PendingChanges: s.PendingChanges, WALSize: s.WALSize, LastPull: s.LastPull, LastPush: s.LastPush,
		Revision: s.Revision, SentBytes: s.SentBytes, ReceivedBytes: s.ReceivedBytes}
	if b != nil {
		out.BackgroundErr = b.lastErr()
	}
	return out, nil
}

// backgroundSync runs Sync at an interval until stopped.
type backgroundSync struct {
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	err    error
}

func startBackgroundSync(r engine.Replica, every time.Duration) *backgroundSync {
	ctx, cancel := context.WithCancel(context.Background())
	b := &backgroundSync{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(b.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			err := syncReplica(ctx, r)
			if ctx.Err() != nil {
				return
			}
			b.mu.Lock()
			b.err = err
			b.mu.Unlock()
		}
	}()
	return b
}

func (b *backgroundSync) lastErr() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

// stop ends the background sync, cancelling a sync under way, and waits
// for it.
func (b *backgroundSync) stop() {
	b.cancel()
	<-b.done
}
