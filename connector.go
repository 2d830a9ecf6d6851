package turso

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/turso-go/turso/internal/engine"
)

// Connector opens connections with one configuration: a DSN plus options.
// Use it with sql.OpenDB to configure a pool in Go rather than in the DSN:
//
//	c, err := turso.NewConnector("app.db", turso.WithJournalMode("WAL"))
//	db := sql.OpenDB(c)
type Connector struct {
	// driver is what Driver returns: a Driver that knows this Connector.
	driver *Driver
	cfg    *config
	engine engine.Engine

	// closing closes the connector once (a pointer: Format takes a
	// Connector by value).
	closing *closeOnce
}

// closeOnce is the state of a Connector's Close.
type closeOnce struct {
	once sync.Once
	err  error
	done atomic.Bool // Close was called
}

// closed reports whether the Connector was closed (DB.Close closes it).
func (c *Connector) closed() bool { return c.closing != nil && c.closing.done.Load() }

// errPoolClosed is the failure of a function given a closed *sql.DB.
var errPoolClosed = fmt.Errorf("turso: the database is closed: %w", sql.ErrConnDone)

var (
	_ driver.Connector = (*Connector)(nil)
	_ io.Closer        = (*Connector)(nil)
)

// Option configures a Connector. Options apply after the DSN, so an option
// overrides the DSN parameter of the same setting.
type Option func(*config) error

// NewConnector parses dsn (see the package documentation) and applies opts.
func NewConnector(dsn string, opts ...Option) (*Connector, error) {
	return newConnector(dsn, opts...)
}

func newConnector(dsn string, opts ...Option) (*Connector, error) {
	cfg := defaultConfig()
	if err := parseDSN(cfg, dsn); err != nil {
		return nil, err
	}
	for _, opt := range opts {
		if err := opt(cfg); err != nil {
			return nil, err
		}
	}
	if cfg.sync.URL != "" && !cfg.engineChosen {
		// Sync is Turso's engine's: a replica without _engine runs on it.
		if err := cfg.setEngine("turso"); err != nil {
			return nil, fmt.Errorf("turso: _sync_url: %w", err)
		}
	}
	eng := defaultEngine
	cfg.engineName = "libsql"
	if cfg.engine != "" {
		eng, cfg.engineName, _ = engine.Lookup(cfg.engine) // present: the DSN and WithEngine check
	}
	if eng == nil {
		return nil, errNoDefaultEngine
	}
	cfg.engineVersion = eng.Version()
	if checker, ok := eng.(engine.ConfigChecker); ok {
		// What the engine cannot honour fails here, at sql.Open, rather
		// than being ignored.
		if err := checker.CheckConfig(cfg.engineConfig()); err != nil {
			return nil, fmt.Errorf("turso: %w", err)
		}
	}
	if ce, ok := eng.(engine.ConcurrentEngine); ok {
		cfg.concurrent = ce.NewConcurrentPool(engine.PoolConfig{
			Config:    cfg.engineConfig(),
			Pragmas:   cfg.enginePragmas(),
			Init:      cfg.registerFuncs,
			ByDefault: cfg.txLock == beginConcurrent,
		})
	}
	c := &Connector{cfg: cfg, engine: eng, closing: &closeOnce{}}
	c.driver = &Driver{pool: c}
	if err := c.openReplica(eng); err != nil {
		return nil, err
	}
	return c, nil
}

// Connect opens and sets up one connection: it applies the encryption key,
// the busy timeout and the pragmas, defines the Go functions and
// collations, readies the connection for the engine's concurrent
// transactions, then runs the WithConnInit hooks.
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var ec engine.Conn
	var err error
	if r := c.cfg.replica; r != nil {
		ec, err = r.Connect(ctx)
		err = wrapSyncErr(err)
	} else {
		ec, err = c.engine.Open(c.cfg.engineConfig())
		err = wrapErr(err, "")
	}
	if err != nil {
		return nil, err
	}
	cn := newConn(ec, c.cfg)
	if setup := c.cfg.setupSQL(); setup != "" {
		if err := c.setPragmas(ec, setup); err != nil {
			cn.Close()
			return nil, wrapErr(err, setup)
		}
	}
	if err := c.cfg.registerFuncs(ec); err != nil {
		cn.Close()
		return nil, err
	}
	if cc := c.cfg.concurrent; cc != nil {
		if err := cc.Setup(ec); err != nil {
			cn.Close()
			return nil, wrapErr(err, "")
		}
	}
	for _, hook := range c.cfg.connInit {
		if err := hook(ctx, cn); err != nil {
			cn.Close()
			return nil, err
		}
	}
	return cn, nil
}

// setPragmas runs the pragmas of the configuration (setup, as a script)
// on ec, or hands them to an engine that takes them its own way
// (engine.PragmaSetter).
func (c *Connector) setPragmas(ec engine.Conn, setup string) error {
	if ps, ok := ec.(engine.PragmaSetter); ok {
		return ps.SetPragmas(c.cfg.enginePragmas())
	}
	return ec.Exec(setup)
}

// Driver returns a Driver that opens connections as any Driver does, and
// through which the package's functions that take
// a *sql.DB (Push, Pull, SyncStats...) find the pool's Connector
// (sql.DB.Driver returns it).
func (c *Connector) Driver() driver.Driver { return c.driver }

// WithBusyTimeout sets how long a statement waits for a lock held by
// another connection before it fails with ErrBusy (DSN: _busy_timeout, in
// milliseconds; default 5 s).
func WithBusyTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("turso: WithBusyTimeout(%v): negative timeout", d)
		}
		c.busyTimeout = d
		return nil
	}
}

// WithEngine selects the engine by name (DSN: _engine): "libsql", the
// default; "turso", Turso's own engine in the best build the program has;
// or "turso-wasm", its WebAssembly build. See the package documentation's
// Engines section.
func WithEngine(name string) Option {
	return paramOption("_engine", name)
}

// WithJournalMode sets the journal mode: DELETE, TRUNCATE, PERSIST,
// MEMORY, WAL or OFF (DSN: _journal_mode).
func WithJournalMode(mode string) Option {
	return paramOption("_journal_mode", mode)
}

// WithSynchronous sets the synchronous level: OFF, NORMAL, FULL or EXTRA
// (DSN: _synchronous; default NORMAL).
func WithSynchronous(level string) Option {
	return paramOption("_synchronous", level)
}

// WithForeignKeys turns enforcement of foreign keys on or off (DSN:
// _foreign_keys).
func WithForeignKeys(on bool) Option {
	return paramOption("_foreign_keys", strconv.FormatBool(on))
}

// WithTxLock sets how transactions begin: "deferred" (the default),
// "immediate" or "exclusive" (DSN: _txlock).
func WithTxLock(lock string) Option {
	return paramOption("_txlock", lock)
}

// WithLocation sets the time zone in which times read from DATE, DATETIME
// and TIMESTAMP columns are returned (DSN: _loc; default UTC).
func WithLocation(loc *time.Location) Option {
	return func(c *config) error {
		c.loc = loc
		return nil
	}
}

// WithStmtCacheSize sets how many prepared statements each connection
// keeps for reuse; 0 disables the cache (DSN: _stmt_cache; default 64).
func WithStmtCacheSize(n int) Option {
	return paramOption("_stmt_cache", strconv.Itoa(n))
}

// WithPragma runs "PRAGMA name = value" on every new connection, after the
// pragmas the DSN sets. The name and value are not checked: a bad one fails
// Connect with the engine's error.
func WithPragma(name, value string) Option {
	return func(c *config) error {
		if name == "" {
			return fmt.Errorf("turso: WithPragma: empty pragma name")
		}
		c.setPragma(name, value)
		return nil
	}
}

// WithConnInit adds a hook run on every new connection after its pragmas,
// e.g. to create temporary tables or attach databases. The driver.Conn it
// receives also implements driver.ExecerContext and driver.QueryerContext.
// An error fails the connection attempt.
func WithConnInit(hook func(ctx context.Context, conn driver.Conn) error) Option {
	return func(c *config) error {
		if hook == nil {
			return fmt.Errorf("turso: WithConnInit: nil hook")
		}
		c.connInit = append(c.connInit, hook)
		return nil
	}
}

// paramOption applies a DSN parameter as an option, with the DSN's checks.
func paramOption(name, value string) Option {
	return func(c *config) error {
		for _, p := range dsnParams {
			for _, n := range p.names {
				if n == name {
					if err := p.apply(c, value); err != nil {
						return &paramError{kind: "option", name: name, value: value, secret: p.secret, err: err}
					}
					return nil
				}
			}
		}
		return fmt.Errorf("turso: unknown option %s", name)
	}
}
