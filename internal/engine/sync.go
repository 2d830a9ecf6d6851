package engine

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Embedded replicas
//
// An embedded replica is a local database kept in sync with a remote
// database on a Turso server: reads and writes are local; Push sends the
// local changes to the server, Pull brings the server's changes in (local
// changes not yet pushed stay on top of them), and the first connection to
// an empty replica bootstraps it from the server. An engine offers
// replicas by implementing Syncer; the driver opens the connections of a
// pool whose Config has a Sync through the pool's Replica, never through
// Engine.Open, so that every connection is one the replica tracks.

// SyncConfig says which server a replica syncs with, and how.
type SyncConfig struct {
	// URL is the server's base URL, http:// or https:// (the driver turns
	// libsql:// and turso:// into https://), without a trailing slash.
	URL string
	// AuthToken, when not empty, is sent as "Authorization: Bearer
	// <token>". No fmt verb prints it.
	AuthToken Secret
	// ClientName names the replica to the server; the engine adds a
	// unique suffix.
	ClientName string
	// LongPollTimeout, when positive, lets the server hold a pull up to
	// this long until it has changes to send.
	LongPollTimeout time.Duration
	// PushBatch, when positive, splits a push into requests of at least
	// this many changed rows, at transaction boundaries; 0 sends every
	// local change in one request.
	PushBatch int
	// BootstrapBatch, when positive, splits the bootstrap download into
	// requests of at least this many bytes; 0 downloads it in one.
	BootstrapBatch int
	// HTTP performs the requests; nil uses a client of the engine's own.
	HTTP *http.Client
	// Timeout bounds every request's wait: to connect, for the response
	// to begin and, while it is read, for each further byte. 0 means the
	// engine's default.
	Timeout time.Duration
	// Attempts is how many times a request is tried when the server
	// cannot be reached or answers 429 or 5xx (with growing delays in
	// between); 0 means the engine's default, 1 no retries.
	Attempts int
	// RetryDelay is the delay before the first retry, doubled for each
	// next; 0 means the engine's default.
	RetryDelay time.Duration
}

// Syncer is implemented by engines that keep a local database as an
// embedded replica.
type Syncer interface {
	// OpenReplica returns the replica at cfg.Path that syncs as cfg.Sync
	// says. It checks cfg but does no I/O: the first Connect opens the
	// replica (bootstrapping it if it is empty), and a failed first
	// Connect is retried by the next one. Replicas of one file opened
	// with the same server share their state; every one must be closed.
	OpenReplica(cfg Config) (Replica, error)
}

// Replica is an embedded replica: a local database that syncs with a
// server. Its methods are safe to call from any goroutine; sync
// operations run one at a time, and alongside the statements of its
// connections. Each takes a context whose end stops the HTTP requests
// under way and fails the operation with the context's error, leaving the
// local database as it was before the operation.
type Replica interface {
	// Connect opens a connection to the replica, opening the replica
	// first (which may bootstrap it) if no Connect succeeded yet.
	Connect(ctx context.Context) (Conn, error)
	// Push sends the local changes not yet on the server.
	Push(ctx context.Context) error
	// Pull applies the server's changes not yet in the replica, with the
	// local changes not yet pushed replayed on top of them, and reports
	// whether there were any.
	Pull(ctx context.Context) (changed bool, err error)
	// Stats reports the replica's sync state.
	Stats(ctx context.Context) (SyncStats, error)
	// Checkpoint moves the replica's write-ahead log into the database
	// file, keeping what the next Pull needs to set local changes aside.
	Checkpoint(ctx context.Context) error
	// Close releases the replica once every connection is closed. Later
	// sync operations fail with ErrClosed.
	Close() error
}

// SyncStats is a replica's sync state.
type SyncStats struct {
	// PendingChanges counts the local row changes not yet pushed.
	PendingChanges int64
	// WALSize and RevertWALSize are the sizes in bytes of the write-ahead
	// log and of the log that keeps what a Pull needs to set the local
	// changes aside.
	WALSize, RevertWALSize int64
	// LastPull and LastPush are the times of the latest successful pull
	// and push (zero for never).
	LastPull, LastPush time.Time
	// Revision identifies the server's state the replica last pulled; it
	// is opaque.
	Revision string
	// SentBytes and ReceivedBytes count the bytes sent and received over
	// the network since the replica was opened in this process.
	SentBytes, ReceivedBytes int64
}

// SyncErrorKind classifies a failed sync operation.
type SyncErrorKind int

// The kinds of sync failures.
const (
	// SyncFailed: the engine failed the operation (Err says why).
	SyncFailed SyncErrorKind = iota
	// SyncUnreachable: no answer came from the server: it could not be
	// reached, the connection broke, or a timeout ran out.
	SyncUnreachable
	// SyncStatus: the server answered with an error status (Status).
	SyncStatus
	// SyncMetadata: the replica's metadata file cannot be read or is
	// damaged.
	SyncMetadata
	// SyncUnsupported: the engine cannot sync this database or with
	// these settings.
	SyncUnsupported
)

// SyncError is the failure of a sync operation.
type SyncError struct {
	// Op is the operation: "bootstrap", "connect", "push", "pull",
	// "stats" or "checkpoint".
	Op   string
	Kind SyncErrorKind
	// Status is the HTTP status of the server's answer (SyncStatus), or 0.
	Status int
	// Err is the cause: a network error, a context's error, an *Error of
	// the engine.
	Err error
}

func (e *SyncError) Error() string {
	msg := "sync " + e.Op + " failed"
	switch e.Kind {
	case SyncUnreachable:
		msg += ": no answer from the server"
	case SyncStatus:
		msg += fmt.Sprintf(": the server answered %d %s", e.Status, http.StatusText(e.Status))
	case SyncMetadata:
		msg += ": the replica's metadata is unreadable"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns Err.
func (e *SyncError) Unwrap() error { return e.Err }
