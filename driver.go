// Package turso is a database/sql driver for the libSQL engine (SQLite 3.45
// with vector search, encryption, FTS5, R-Tree and JSON), registered as
// "turso":
//
//	db, err := sql.Open("turso", "app.db?_journal_mode=WAL&_foreign_keys=1")
//
// The engine is the libSQL build that github.com/tursodatabase/go-libsql
// ships as a static library, called through cgo. The driver accepts the data
// source names of mattn/go-sqlite3 and returns the same values, so existing
// code, sqlx and gorm switch by changing the driver name.
//
// # Data source names
//
// A DSN is a file path, ":memory:", or a "file:" URI
// (https://sqlite.org/uri.html), optionally followed by "?" and parameters.
// An unknown parameter or a malformed value is an error that names it; a
// parameter the selected engine cannot honour (Turso's engine has fewer
// journal modes and pragmas than libSQL) is an error that names the engine
// and matches errors.ErrUnsupported. Nothing is silently ignored.
//
//	app.db
//	/var/lib/app/app.db?_busy_timeout=10000&_journal_mode=WAL
//	file:app.db?mode=ro
//	file::memory:?cache=shared
//
// Parameters of SQLite itself (passed on in the URI; with a plain path the
// driver makes a URI of it):
//
//	mode=ro|rw|rwc|memory   access mode
//	cache=shared|private    shared-cache mode
//	immutable=1             the file is on read-only media; no locking
//	vfs=NAME                the VFS to open the file with
//	nolock, psow, modeof    see https://sqlite.org/uri.html
//
// Driver parameters (names and aliases as in mattn/go-sqlite3):
//
//	_busy_timeout=MS, _timeout=MS       wait up to MS ms on a lock (default 5000)
//	_journal_mode=MODE, _journal=MODE   DELETE|TRUNCATE|PERSIST|MEMORY|WAL|OFF
//	                                    (_engine=turso: WAL only, which a database in MVCC mode satisfies)
//	_synchronous=X, _sync=X             OFF|NORMAL|FULL|EXTRA (default NORMAL)
//	_foreign_keys=B, _fk=B              enforce foreign keys
//	_txlock=X                           deferred|immediate|exclusive|concurrent: how Begin starts
//	                                    (concurrent: see Concurrent transactions; with _engine=turso, the engine's MVCC)
//	_loc=auto|ZONE                      return times in this zone (auto: time.Local)
//	_cache_size=N                       page cache size (pages, or KiB if negative)
//	_locking_mode=X, _locking=X         NORMAL|EXCLUSIVE
//	_recursive_triggers=B, _rt=B        recursive triggers
//	_query_only=B                       refuse all writes
//	_auto_vacuum=X, _vacuum=X           none|full|incremental
//	_case_sensitive_like=B, _cslike=B   case-sensitive LIKE
//	_defer_foreign_keys=B, _defer_fk=B  check foreign keys at commit
//	_ignore_check_constraints=B         skip CHECK constraints
//	_secure_delete=B|FAST               overwrite deleted content
//	_writable_schema=B                  allow writes to sqlite_schema
//	_mutex=no|full                      SQLite's own connection mutex (default no)
//	_stmt_cache=N, _stmt_cache_size=N   prepared statements kept per connection (default 64; 0: off)
//	_engine=NAME                        the engine: libsql (default), turso, turso-native, turso-wasm (see Engines)
//	_key=KEY                            encrypt the database with this key (URL-escaped; see Encryption)
//	_cipher=NAME                        cipher of an encrypted database (default: aes256cbc on libsql, aegis256 on turso)
//	_sync_url=URL                       make the file an embedded replica of the database at URL (see Embedded replicas)
//	_auth_token=TOKEN                   the server's auth token (URL-escaped; never printed)
//	_sync_interval=DURATION             push and pull in the background at this interval (30s, 5m, or 30 for seconds; default off)
//
// B is a boolean: 1, yes, true, on, 0, no, false or off. Every pragma is
// applied to each new connection of the pool. Options of NewConnector
// (WithJournalMode, WithBusyTimeout, ...) set the same things in Go.
//
// # Engines
//
// The driver serves every engine through the same database/sql surface;
// _engine (or WithEngine) selects one per pool:
//
//	libsql        the default: libSQL (SQLite 3.45), linked through cgo
//	turso         Turso's own engine (the Rust rewrite of SQLite), in the best
//	              build this program has: turso-native on linux/amd64 with cgo,
//	              else turso-wasm
//	turso-native  Turso's engine, native build (npm @tursodatabase/sync-linux-x64-gnu,
//	              an N-API addon) loaded through the driver's C N-API host:
//	              linux/amd64 with cgo only; connections run in parallel
//	turso-wasm    Turso's engine, WebAssembly build (npm @tursodatabase/database-wasm),
//	              run in pure Go under wazero; also without cgo
//
// EngineOf reports which engine, version and build a pool runs on.
//
// Importing this package is all a program needs for every engine: the
// module embeds Turso's wasm build compressed (3.6 MB) and, for
// linux/amd64, its native addon (8.3 MB compressed, 21 MB once written
// out), and checks each one's sha256 before it uses it. The first
// connection to the wasm build compiles the module (seconds; more under
// the race detector), and caches the compiled code for later processes;
// the first connection to the native build writes the addon to the cache
// directory once, and then verifies and loads it (dlopen) in every
// process. The build tag turso_libsql_only leaves Turso's engines out
// (about 9 MB of binary, 7 MB stripped; 17 MB more with the addon); a DSN
// that selects one then fails with an error saying so. A program built
// without cgo has no libSQL and must select Turso's engine.
//
// Environment:
//
//	TURSO_CACHE_DIR=DIR   the per-user cache of compiled and unpacked engine code
//	                      (default: turso-go in os.UserCacheDir, e.g. ~/.cache/turso-go);
//	                      created with mode 0700, and refused if another user may write it;
//	                      the native addon is loaded from it, so it must allow executable mappings
//	TURSO_CACHE_DIR=off   no cache: every process compiles Turso's wasm build anew and
//	                      writes the native addon to an unnamed temporary file
//
// # Encryption
//
// A database opened with a key (_key, or WithEncryptionKey to keep it out
// of the DSN) is encrypted at rest by the SQLite3 Multiple Ciphers codec
// built into libSQL: every page, the journal and the WAL; the key is a
// passphrase. A wrong or missing key fails with an error matching
// ErrNotADatabase; Rekey changes, adds or removes the key of an open
// database. On Turso's engine (_engine=turso) a key turns on Turso's own
// encryption, with the ciphers aegis256 (the default), aegis256x2,
// aegis128l, aegis128x2, aegis128x4, aes256gcm and aes128gcm, and the key
// is the cipher's key itself: in hex in the DSN (64 digits for the 256-bit
// ciphers, 32 for the 128-bit ones), hex or raw bytes in
// WithEncryptionKey. No fmt verb prints a key: a Connector prints it as
// [redacted], and an error of SQL that sets one does not show it.
//
// # Embedded replicas
//
// With _sync_url (or WithSync), the local file is an embedded replica of
// a database on a Turso server (Turso Cloud, or `tursodb --sync-server`):
// reads and writes are local; Push sends the local changes to the
// server, Pull brings the server's in, Sync does both, SyncStats reports
// the replica's state. The first connection to an empty replica
// downloads the server's database. libsql:// and turso:// URLs mean
// https://; http:// is kept for local servers. Replicas are a feature of
// Turso's native engine (linux/amd64 with cgo): a _sync_url without
// _engine selects it, and with another engine sql.Open fails.
//
//	db, err := sql.Open("turso", "local.db?_sync_url=libsql://mydb.turso.io&_auth_token="+url.QueryEscape(token))
//	...
//	err = turso.Push(ctx, db)           // local changes to the server
//	changed, err := turso.Pull(ctx, db) // the server's changes, local ones kept on top
//
// The last push of a row wins; a failed push or pull leaves the local
// database as it was, and the next push delivers every change exactly
// once. Failures are *SyncError values, matching ErrSyncUnreachable (no
// answer: server down, timeout, broken connection) or ErrSyncMetadata (a
// damaged "-info" file), or the context's error. HTTP runs on net/http
// with retries on network errors, 429 and 5xx (see SyncConfig).
//
// # Engine features
//
// Beyond database/sql, the package exposes what the libSQL engine offers:
//
//   - Vector search: Vector32 binds and scans libSQL's F32_BLOB vectors;
//     its documentation shows the SQL of libsql_vector_idx indexes,
//     vector_top_k queries and vector_distance_cos.
//   - SQL functions written in Go: the RegisterFunc, RegisterAggregate and
//     RegisterCollation options define them on every connection.
//   - Per-connection features, reached through a *sql.Conn: Backup (online
//     backup), Serialize and Deserialize, Rekey, SetUpdateHook,
//     SetCommitHook, SetRollbackHook, Checkpoint and Interrupter.
//   - Extensions built into the engine: FTS5, R-Tree and the JSON functions
//     (json_extract, ->, ->>, json_each, jsonb...).
//
// # Values
//
// Arguments may be nil, int64 (and the other integer types), float64, bool,
// []byte, string and time.Time, and anything implementing driver.Valuer.
// A time.Time is stored as text in the format
// "2006-01-02 15:04:05.999999999-07:00". Columns come back as int64,
// float64, string, []byte or nil, except that columns declared DATE,
// DATETIME or TIMESTAMP come back as time.Time (parsed from text in the
// formats of TimestampFormats, or from unix seconds or milliseconds) and
// columns declared BOOLEAN as bool: exactly as mattn/go-sqlite3 does.
//
// Parameters are "?", "?NNN", ":name", "@name" and "$name". A sql.Named
// argument binds every parameter of its name, whatever the prefix, and
// one that no parameter has is ignored, as mattn/go-sqlite3 ignores it. A
// parameter left without a value, or a positional argument beyond the
// parameters, fails the statement with an *ArgError (a missing one with
// mattn's message, "not enough args to execute query: want 1 got 0").
//
// # Results
//
// A query that only reads (SELECT, WITH, VALUES) takes its first step at
// its first Next (or Columns); any other statement runs in Query. A result
// left unread therefore holds no lock, and one that is read from and then
// dropped without Close is released, with the read lock its statement
// holds, when the garbage collector finds it (so is a statement dropped
// without Close). Close results all the same: until then they keep their
// connection, and in the default journal mode a read keeps other
// connections from committing writes.
//
// # Concurrent transactions
//
// BeginConcurrent (or BeginTx at sql.LevelSnapshot, or any BeginTx of a
// pool opened with _txlock=concurrent or WithBeginConcurrent) begins a
// concurrent transaction: it reads a snapshot of the database plus its own
// writes, blocks no other transaction while it runs, and commits only if
// its result is that of running it after every transaction committed
// before it; otherwise it fails with an error matching ErrConflict.
// RunConcurrent retries such a transaction. On libSQL the database must be
// in WAL mode; Turso's engine runs its own MVCC BEGIN CONCURRENT. A
// statement a concurrent transaction cannot run fails with an error
// matching ErrConcurrentUnsupported; see BeginConcurrent, and
// docs/CONCURRENT.md for what each engine guarantees.
//
// # Errors
//
// Engine failures are *Error values with SQLite's result codes; match them
// with errors.Is against ErrBusy, ErrConstraintUnique and the other
// sentinels. A full disk is ErrFull, another I/O failure ErrIO, a damaged
// file ErrCorrupt (which also matches ErrNotADatabase's files); a failure
// of the engine itself (Turso's wasm instance trapping) is ErrInternal,
// after which the pool replaces the connections it broke. Nothing
// committed is lost on any of these. A context that ends while a statement runs interrupts it, and
// the call returns the context's error; the connection stays usable.
package turso

import (
	"context"
	"database/sql"
	"database/sql/driver"
)

func init() {
	sql.Register("turso", &Driver{})
}

// Driver is the database/sql driver. It is registered as "turso"; register
// it under another name with sql.Register(name, &turso.Driver{}).
type Driver struct {
	// pool is the Connector whose Driver method returned this Driver
	// (nil for others): so DB.Driver tells the functions of this package
	// that take a *sql.DB their pool's configuration without taking a
	// connection.
	pool *Connector
}

var (
	_ driver.Driver        = (*Driver)(nil)
	_ driver.DriverContext = (*Driver)(nil)
)

// Open opens a new connection to the database that dsn names.
func (d *Driver) Open(dsn string) (driver.Conn, error) {
	c, err := newConnector(dsn)
	if err != nil {
		return nil, err
	}
	// The connection outlives the connector: an embedded replica's
	// connection is a replica's connection of its own.
	defer c.Close()
	return c.Connect(context.Background())
}

// OpenConnector parses dsn once for all the connections of a pool.
func (d *Driver) OpenConnector(dsn string) (driver.Connector, error) {
	return newConnector(dsn)
}

// EngineVersion reports the default engine's name and SQLite version, e.g.
// "libsql 3.45.1".
func EngineVersion() string {
	if defaultEngine == nil {
		return "none: " + errNoDefaultEngine.Error()
	}
	return defaultEngine.Version()
}
