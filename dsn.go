package turso

import (
	"context"
	"database/sql/driver"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/turso-go/turso/internal/engine"
)

// defaultStmtCacheSize is how many prepared statements each connection
// keeps for reuse unless _stmt_cache says otherwise.
const defaultStmtCacheSize = 64

// config is a parsed DSN plus options: everything needed to open and set up
// one connection.
type config struct {
	// path is what the engine opens: a plain file name, ":memory:", or a
	// "file:" URI carrying only SQLite's own query parameters.
	path string
	// mutex selects SQLite's per-connection mutex (_mutex=full).
	mutex bool
	// engine names the engine (_engine): "" or "libsql" for the default,
	// else one in engine's registry. engineName is the engine the pool
	// uses, "turso" resolved ("libsql", "turso-native", "turso-wasm"), and
	// engineVersion its Version().
	engine        string
	engineName    string
	engineVersion string

	busyTimeout   time.Duration
	txLock        string // the statement that begins a transaction
	loc           *time.Location
	stmtCacheSize int

	// key and cipher encrypt the main database (_key, _cipher).
	key    []byte
	cipher string

	// pragmas run, in order, on every new connection.
	pragmas []pragma

	connInit []func(ctx context.Context, c driver.Conn) error

	// concurrent begins the pool's concurrent transactions, nil when the
	// engine has none (see concurrent.go).
	concurrent engine.ConcurrentPool
	// sync configures the pool's embedded replica (_sync_url,
	// _auth_token, WithSync); its URL is "" for a database that is not
	// one. syncInterval is the background sync's interval (0: none).
	// replica is the open replica, background its background sync, both
	// set by the Connector.
	sync         engine.SyncConfig
	syncInterval time.Duration
	replica      engine.Replica
	background   *backgroundSync
	// engineChosen is set when _engine or WithEngine named an engine,
	// libsql included.
	engineChosen bool

	// funcs define Go functions and collations on every new connection
	// (RegisterFunc, RegisterAggregate, RegisterCollation).
	funcs []func(engine.FunctionRegistrar) error
}

// pragma is one "PRAGMA name = value" to run on every new connection.
type pragma struct{ name, value string }

// defaultConfig is the configuration before the DSN and options apply. Like
// mattn/go-sqlite3, it waits up to 5 s on a locked database and runs with
// synchronous=NORMAL and foreign keys off (SQLite's default, which the
// libSQL build changes).
func defaultConfig() *config {
	c := &config{
		busyTimeout:   5 * time.Second,
		txLock:        "BEGIN",
		stmtCacheSize: defaultStmtCacheSize,
	}
	c.setPragma("synchronous", "NORMAL")
	c.setPragma("foreign_keys", "0")
	return c
}

// setPragma records a pragma, replacing an earlier value of the same one.
func (c *config) setPragma(name, value string) {
	for i := range c.pragmas {
		if c.pragmas[i].name == name {
			c.pragmas[i].value = value
			return
		}
	}
	c.pragmas = append(c.pragmas, pragma{name, value})
}

// pragma returns the value recorded for a pragma, or "".
func (c *config) pragma(name string) string {
	for _, p := range c.pragmas {
		if p.name == name {
			return p.value
		}
	}
	return ""
}

// engineConfig is how the engine opens a connection of the pool; it
// carries the pragmas for the engine to check (engine.ConfigChecker).
func (c *config) engineConfig() engine.Config {
	return engine.Config{Path: c.path, Create: true, Mutex: c.mutex, BusyTimeout: c.busyTimeout, Key: c.key, Cipher: c.cipher, Pragmas: c.enginePragmas()}
}

// enginePragmas are the pragmas, as the engine's concurrent transactions
// take them.
func (c *config) enginePragmas() []engine.Pragma {
	out := make([]engine.Pragma, len(c.pragmas))
	for i, p := range c.pragmas {
		out[i] = engine.Pragma{Name: p.name, Value: p.value}
	}
	return out
}

// setupSQL is the script of pragmas run on every new connection.
func (c *config) setupSQL() string {
	var b strings.Builder
	for _, p := range c.pragmas {
		fmt.Fprintf(&b, "PRAGMA %s = %s;", p.name, p.value)
	}
	return b.String()
}

// sqliteURIParams are the query parameters SQLite itself interprets in a
// "file:" URI (https://sqlite.org/uri.html).
var sqliteURIParams = map[string]bool{
	"vfs": true, "mode": true, "cache": true, "immutable": true,
	"nolock": true, "psow": true, "modeof": true,
}

// dsnParam describes one driver parameter: its names and how it applies.
// apply's error says what is wrong with the value, without the "turso:"
// prefix and without the value, which the caller adds unless the
// parameter is secret.
type dsnParam struct {
	names  []string
	apply  func(c *config, value string) error
	secret bool // never show the value (_key)
}

// paramError is the error of a DSN parameter or option with a bad value.
type paramError struct {
	kind   string // "DSN parameter" or "option"
	name   string // the DSN parameter's name
	value  string
	secret bool
	err    error
}

func (e *paramError) Error() string {
	what := fmt.Sprintf("%s=%q", e.name, e.value)
	if e.secret {
		what = e.name + " (value not shown)"
	}
	return fmt.Sprintf("turso: invalid %s %s: %v", e.kind, what, e.err)
}

func (e *paramError) Unwrap() error { return e.err }

// pragmaParam is a parameter that sets a pragma to one of the given values
// (matched case-insensitively), or, with values nil, to a boolean.
func pragmaParam(pragmaName string, values []string, names ...string) dsnParam {
	return dsnParam{names: names, apply: func(c *config, v string) error {
		if values == nil {
			b, err := parseBool(v)
			if err != nil {
				return err
			}
			c.setPragma(pragmaName, strconv.Itoa(b2i(b)))
			return nil
		}
		for _, allowed := range values {
			if strings.EqualFold(v, allowed) {
				c.setPragma(pragmaName, strings.ToUpper(allowed))
				return nil
			}
		}
		return fmt.Errorf("want one of %s", strings.Join(values, ", "))
	}}
}

// dsnParams are the driver's parameters, named as mattn/go-sqlite3 names
// them. Pragmas apply in this order.
var dsnParams = []dsnParam{
	{names: []string{"_loc"}, apply: func(c *config, v string) error {
		if strings.EqualFold(v, "auto") {
			c.loc = time.Local
			return nil
		}
		loc, err := time.LoadLocation(v)
		if err != nil {
			return err
		}
		c.loc = loc
		return nil
	}},
	{names: []string{"_mutex"}, apply: func(c *config, v string) error {
		switch strings.ToLower(v) {
		case "no":
			c.mutex = false
		case "full":
			c.mutex = true
		default:
			return fmt.Errorf("want no or full")
		}
		return nil
	}},
	{names: []string{"_txlock"}, apply: func(c *config, v string) error {
		lock, err := parseTxLock(v)
		if err != nil {
			return err
		}
		c.txLock = lock
		return nil
	}},
	{names: []string{"_busy_timeout", "_timeout"}, apply: func(c *config, v string) error {
		ms, err := strconv.ParseInt(v, 10, 32)
		if err != nil || ms < 0 {
			return fmt.Errorf("want milliseconds, a non-negative integer")
		}
		c.busyTimeout = time.Duration(ms) * time.Millisecond
		return nil
	}},
	{names: []string{"_stmt_cache", "_stmt_cache_size"}, apply: func(c *config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("want a non-negative integer")
		}
		c.stmtCacheSize = n
		return nil
	}},
	{names: []string{"_key"}, apply: func(c *config, v string) error { return c.setKey([]byte(v)) }, secret: true},
	{names: []string{"_cipher"}, apply: func(c *config, v string) error { return c.setCipher(v) }},
	{names: []string{"_engine"}, apply: func(c *config, v string) error { return c.setEngine(v) }},
	{names: []string{"_sync_url"}, apply: func(c *config, v string) error { return c.setSyncURL(v) }},
	{names: []string{"_auth_token"}, apply: func(c *config, v string) error {
		if v == "" {
			return fmt.Errorf("empty auth token")
		}
		c.sync.AuthToken = engine.Secret(v)
		return nil
	}, secret: true},
	{names: []string{"_sync_interval"}, apply: func(c *config, v string) error {
		// A bare number is seconds, as libSQL's clients take syncInterval.
		d, err := time.ParseDuration(v)
		if n, nerr := strconv.ParseUint(v, 10, 32); nerr == nil {
			d, err = time.Duration(n)*time.Second, nil
		}
		if err != nil || d < 0 {
			return fmt.Errorf("want a non-negative duration (30s, 5m) or a number of seconds")
		}
		c.syncInterval = d
		return nil
	}},
	pragmaParam("auto_vacuum", []string{"none", "full", "incremental", "0", "1", "2"}, "_auto_vacuum", "_vacuum"),
	pragmaParam("case_sensitive_like", nil, "_case_sensitive_like", "_cslike"),
	pragmaParam("defer_foreign_keys", nil, "_defer_foreign_keys", "_defer_fk"),
	pragmaParam("foreign_keys", nil, "_foreign_keys", "_fk"),
	pragmaParam("ignore_check_constraints", nil, "_ignore_check_constraints"),
	pragmaParam("journal_mode", []string{"delete", "truncate", "persist", "memory", "wal", "off"}, "_journal_mode", "_journal"),
	pragmaParam("locking_mode", []string{"normal", "exclusive"}, "_locking_mode", "_locking"),
	pragmaParam("query_only", nil, "_query_only"),
	pragmaParam("recursive_triggers", nil, "_recursive_triggers", "_rt"),
	{names: []string{"_secure_delete"}, apply: func(c *config, v string) error {
		if strings.EqualFold(v, "fast") {
			c.setPragma("secure_delete", "FAST")
			return nil
		}
		b, err := parseBool(v)
		if err != nil {
			return fmt.Errorf("want a boolean or FAST")
		}
		c.setPragma("secure_delete", strconv.Itoa(b2i(b)))
		return nil
	}},
	pragmaParam("synchronous", []string{"off", "normal", "full", "extra", "0", "1", "2", "3"}, "_synchronous", "_sync"),
	pragmaParam("writable_schema", nil, "_writable_schema"),
	{names: []string{"_cache_size"}, apply: func(c *config, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("want an integer (pages, or KiB if negative)")
		}
		c.setPragma("cache_size", strconv.FormatInt(n, 10))
		return nil
	}},
}

// setEngine selects the engine named name (_engine, WithEngine).
func (c *config) setEngine(name string) error {
	name = strings.ToLower(name)
	c.engineChosen = true
	if name == "libsql" {
		c.engine = ""
		return nil
	}
	if _, _, ok := engine.Lookup(name); ok {
		c.engine = name
		return nil
	}
	if tursoExcluded && strings.HasPrefix(name, "turso") {
		return engine.ErrTursoExcluded
	}
	if name == "turso-native" {
		return fmt.Errorf("Turso's native engine is not in this build: it needs linux/amd64 and cgo (turso-wasm runs everywhere)")
	}
	var have []string
	if defaultEngine != nil {
		have = append(have, "libsql")
	}
	have = append(have, engine.Registered()...)
	return fmt.Errorf("unknown engine (this build has: %s)", strings.Join(have, ", "))
}

// beginConcurrent stands for _txlock=concurrent: every read-write
// transaction at the default level is a concurrent one (concurrent.go).
const beginConcurrent = "BEGIN CONCURRENT"

// parseTxLock maps a _txlock value to the statement that begins a
// transaction.
func parseTxLock(v string) (string, error) {
	switch strings.ToLower(v) {
	case "deferred":
		return "BEGIN", nil
	case "immediate":
		return "BEGIN IMMEDIATE", nil
	case "exclusive":
		return "BEGIN EXCLUSIVE", nil
	case "concurrent":
		return beginConcurrent, nil
	}
	return "", fmt.Errorf("want deferred, immediate, exclusive or concurrent")
}

// parseDSN reads a data source name into c (see the package documentation
// for the syntax). Every parameter must be known and well-formed.
func parseDSN(c *config, dsn string) error {
	if dsn == "" {
		return fmt.Errorf("turso: empty data source name (use a file path or :memory:)")
	}
	path, query, _ := strings.Cut(dsn, "?")
	isURI := strings.HasPrefix(path, "file:")
	params, err := parseQuery(query)
	if err != nil {
		return err
	}
	// Driver parameters, in the fixed order of dsnParams.
	for _, p := range dsnParams {
		for _, name := range p.names {
			vals, ok := params[name]
			if !ok {
				continue
			}
			if err := p.apply(c, vals[len(vals)-1]); err != nil {
				return &paramError{kind: "DSN parameter", name: name, value: vals[len(vals)-1], secret: p.secret, err: err}
			}
			delete(params, name)
		}
	}
	// What remains must be SQLite's own URI parameters.
	uriParams := url.Values{}
	for name, vals := range params {
		if !sqliteURIParams[name] {
			return fmt.Errorf("turso: unknown DSN parameter %q", name)
		}
		uriParams[name] = vals
	}
	switch {
	case len(uriParams) == 0 && !isURI:
		c.path = path
	case isURI:
		c.path = path
		if len(uriParams) > 0 {
			c.path += "?" + uriParams.Encode()
		}
	default:
		// A plain path with SQLite parameters (mode=ro, ...) becomes a URI
		// so that SQLite sees them.
		u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath(), RawQuery: uriParams.Encode()}
		c.path = u.String()
	}
	return nil
}

// parseQuery parses a DSN's parameters as url.ParseQuery does, with
// errors that name the parameter and never show a value (it may be the
// encryption key).
func parseQuery(query string) (url.Values, error) {
	params := url.Values{}
	for query != "" {
		var pair string
		pair, query, _ = strings.Cut(query, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(k)
		if err != nil || strings.Contains(k, ";") {
			return nil, fmt.Errorf("turso: malformed DSN: a parameter name is not URL-escaped (%%XX escapes, no semicolon)")
		}
		value, err := url.QueryUnescape(v)
		if err != nil || strings.Contains(v, ";") {
			return nil, fmt.Errorf("turso: malformed DSN parameter %q: its value (not shown) is not URL-escaped (%%XX escapes, no semicolon: %%3B)", name)
		}
		params[name] = append(params[name], value)
	}
	return params, nil
}

// parseBool reads a boolean as SQLite's pragmas do.
func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "1", "yes", "true", "on":
		return true, nil
	case "0", "no", "false", "off":
		return false, nil
	}
	return false, fmt.Errorf("want a boolean (1, yes, true, on, 0, no, false, off)")
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
