// Package workload holds the benchmark workloads, written once against
// *sql.DB, and the description of each database/sql driver under test.
//
// Each driver binary under bench/cmd links exactly one driver (mattn and
// go-libsql/turso define the same C symbols and cannot share a binary) and
// passes its Driver to the runner in bench/internal/runner.
package workload

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// Options are the per-database settings a workload asks for. Every driver
// expresses them in its own DSN syntax (or as per-connection PRAGMAs).
type Options struct {
	Journal     string // "WAL" or "DELETE"
	Sync        string // "NORMAL" or "FULL"
	ForeignKeys bool
	BusyTimeout int    // milliseconds
	TxLock      string // "deferred", "immediate", "concurrent"
}

// DefaultOptions is what every workload uses unless it says otherwise.
func DefaultOptions() Options {
	return Options{Journal: "WAL", Sync: "NORMAL", ForeignKeys: true, BusyTimeout: 5000, TxLock: "deferred"}
}

// Pragmas returns the options as PRAGMA statements, in a safe order (busy
// timeout first, journal mode before synchronous).
func (o Options) Pragmas() []string {
	fk := 0
	if o.ForeignKeys {
		fk = 1
	}
	return []string{
		fmt.Sprintf("PRAGMA busy_timeout = %d", o.BusyTimeout),
		fmt.Sprintf("PRAGMA journal_mode = %s", o.Journal),
		fmt.Sprintf("PRAGMA synchronous = %s", o.Sync),
		fmt.Sprintf("PRAGMA foreign_keys = %d", fk),
	}
}

// Driver describes one database/sql driver under test.
type Driver struct {
	// Name is the short name used in reports ("turso", "mattn", ...).
	Name string
	// SQLName is the name the driver registers with database/sql.
	SQLName string
	// DSN builds the data source name for a database file at path.
	DSN func(path string, o Options) string
	// ConnInit, if set, returns statements run on every new connection
	// (for drivers that take no pragmas in the DSN).
	ConnInit func(o Options) []string
	// TxLock reports whether the DSN honours _txlock (o.TxLock). Without it
	// the writers workload issues BEGIN IMMEDIATE itself on a *sql.Conn.
	TxLock bool
	// Modules are the Go modules whose versions identify the driver.
	Modules []string
	// Unsupported, if set, returns why the driver cannot run a database
	// with options o ("" if it can); such steps are skipped, not failed.
	Unsupported func(o Options) string
}

// Open opens a database file at path with the given options.
func (d *Driver) Open(path string, o Options) (*sql.DB, error) {
	dsn := d.DSN(path, o)
	if d.ConnInit == nil {
		return sql.Open(d.SQLName, dsn)
	}
	tmp, err := sql.Open(d.SQLName, dsn)
	if err != nil {
		return nil, err
	}
	drv := tmp.Driver()
	tmp.Close()
	stmts := d.ConnInit(o)
	var base driver.Connector
	if dc, ok := drv.(driver.DriverContext); ok {
		base, err = dc.OpenConnector(dsn)
		if err != nil {
			return nil, err
		}
	} else {
		base = dsnConnector{drv, dsn}
	}
	return sql.OpenDB(&initConnector{base: base, stmts: stmts}), nil
}

// MattnDSN is the DSN syntax of mattn/go-sqlite3, which the turso driver
// also accepts: path?_journal_mode=WAL&_synchronous=NORMAL&...
func MattnDSN(path string, o Options) string {
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(o.BusyTimeout))
	q.Set("_journal_mode", o.Journal)
	q.Set("_synchronous", o.Sync)
	if o.ForeignKeys {
		q.Set("_foreign_keys", "1")
	} else {
		q.Set("_foreign_keys", "0")
	}
	if o.TxLock != "" {
		q.Set("_txlock", o.TxLock)
	}
	return path + "?" + q.Encode()
}

// PragmaDSN is the "file:path?_pragma=name(value)" syntax of
// modernc.org/sqlite and github.com/ncruces/go-sqlite3.
func PragmaDSN(path string, o Options) string {
	fk := 0
	if o.ForeignKeys {
		fk = 1
	}
	var b strings.Builder
	b.WriteString("file:")
	b.WriteString(path)
	fmt.Fprintf(&b, "?_pragma=busy_timeout(%d)", o.BusyTimeout)
	fmt.Fprintf(&b, "&_pragma=journal_mode(%s)", o.Journal)
	fmt.Fprintf(&b, "&_pragma=synchronous(%s)", o.Sync)
	fmt.Fprintf(&b, "&_pragma=foreign_keys(%d)", fk)
	if o.TxLock != "" {
		fmt.Fprintf(&b, "&_txlock=%s", o.TxLock)
	}
	return b.String()
}

type dsnConnector struct {
	drv driver.Driver
	dsn string
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.drv }

// initConnector runs statements on every new connection.
type initConnector struct {
	base  driver.Connector
	stmts []string
}

func (c *initConnector) Driver() driver.Driver { return c.base.Driver() }

func (c *initConnector) Close() error {
	if cl, ok := c.base.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}

func (c *initConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range c.stmts {
		if err := runOnConn(ctx, conn, s); err != nil {
			conn.Close()
			return nil, fmt.Errorf("%s: %w", s, err)
		}
	}
	return conn, nil
}

// runOnConn runs one statement on a driver connection, draining any rows it
// returns (PRAGMA journal_mode answers with a row).
func runOnConn(ctx context.Context, conn driver.Conn, s string) error {
	if q, ok := conn.(driver.QueryerContext); ok {
		rows, err := q.QueryContext(ctx, s, nil)
		if err != nil && !errors.Is(err, driver.ErrSkip) {
			return err
		}
		if err == nil {
			dest := make([]driver.Value, len(rows.Columns()))
			for {
				if err := rows.Next(dest); err != nil {
					if err == io.EOF {
						break
					}
					rows.Close()
					return err
				}
			}
			return rows.Close()
		}
	}
	if e, ok := conn.(driver.ExecerContext); ok {
		_, err := e.ExecContext(ctx, s, nil)
		if !errors.Is(err, driver.ErrSkip) {
			return err
		}
	}
	st, err := conn.Prepare(s)
	if err != nil {
		return err
	}
	defer st.Close()
	_, err = st.Exec(nil) //nolint:staticcheck // fallback for old drivers
	return err
}
