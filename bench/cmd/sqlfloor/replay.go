package main

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// replayDriver is a database/sql driver that costs nothing: while
// recording it passes every call to a real driver (base) and keeps what
// each query returned; while replaying it answers every query with the
// rows recorded for it, and every exec with an empty result, touching no
// engine. Results are replayed per database file and SQL text in the
// order they were recorded (the workloads are deterministic), so a
// workload's own checks still hold.
//
// Values are kept unboxed and boxed into driver.Values on every Next,
// allocating as the real drivers do (an int64 of 256 or more, a float64,
// a string header, a time.Time, a copy of a blob). Text is not copied:
// copying text out of the engine is the engine side's cost, counted by
// the raw floor.
type replayDriver struct {
	base      string // the driver recorded
	recording atomic.Bool

	mu     sync.Mutex // guards series while recording
	series map[seriesKey]*series
	// unique dedupes identical results (the concurrent workload reads the
	// same million rows 14 times).
	unique map[uint64][]*result
	seed   maphash.Seed
}

type seriesKey struct{ db, query string }

// series is what one SQL text returned on one database, call after call.
type series struct {
	results []*result
	next    atomic.Int64
}

// result is one query's recorded rows, kept free of pointers but for
// its four slices, so that however many rows a workload records, the
// collector has next to nothing to scan in them while the timed replay
// runs.
type result struct {
	cols  []string
	cells []cell // len(cols) per row
	bytes []byte // the text and blob bytes of the cells
	locs  []*time.Location
}

// cell is one unboxed value.
type cell struct {
	// i is an integer or bool, a float's bits, the offset of text or blob
	// bytes in result.bytes, or a time's Unix nanoseconds.
	i    int64
	n    int32 // length of text or blob bytes
	kind kind
	loc  uint8 // a time's location, in result.locs
}

type kind uint8

const (
	kNull kind = iota
	kInt
	kFloat
	kBool
	kText
	kBlob
	kTime
)

// newReplayDriver returns a driver recording base (the runner switches it
// to replaying for the timed runs).
func newReplayDriver(base string) *replayDriver {
	d := &replayDriver{
		base:   base,
		series: map[seriesKey]*series{},
		unique: map[uint64][]*result{},
		seed:   maphash.MakeSeed(),
	}
	d.recording.Store(true)
	return d
}

// setRecording switches between recording and replaying. Recording
// starts afresh (a workload group's results replace the previous
// group's); replaying starts every series from its first result again.
func (d *replayDriver) setRecording(on bool) {
	d.recording.Store(on)
	d.mu.Lock()
	defer d.mu.Unlock()
	if on {
		clear(d.series)
		clear(d.unique)
		return
	}
	for _, s := range d.series {
		s.next.Store(0)
	}
}

func (d *replayDriver) Open(dsn string) (driver.Conn, error) {
	path, _, _ := strings.Cut(dsn, "?")
	c := &conn{d: d, db: filepath.Base(strings.TrimPrefix(path, "file:"))}
	if !d.recording.Load() {
		// Replaying writes no database, but a workload may copy the file
		// it filled (workload.CopiedFiles): it gets an empty one.
		if p := strings.TrimPrefix(path, "file:"); p != "" && !strings.HasPrefix(p, ":memory:") {
			f, err := os.OpenFile(p, os.O_CREATE|os.O_RDONLY, 0o644)
			if err != nil {
				return nil, err
			}
			f.Close()
		}
		return c, nil
	}
	db, err := sql.Open(d.base, dsn)
	if err != nil {
		return nil, err
	}
	base := db.Driver()
	db.Close()
	if c.base, err = base.Open(dsn); err != nil {
		return nil, err
	}
	return c, nil
}

// seriesFor returns the series of query on db, creating it.
func (d *replayDriver) seriesFor(db, query string) *series {
	d.mu.Lock()
	defer d.mu.Unlock()
	k := seriesKey{db, query}
	s := d.series[k]
	if s == nil {
		s = &series{}
		d.series[k] = s
	}
	return s
}

// lookup returns the series of query on db without creating it.
func (d *replayDriver) lookup(db, query string) *series {
	return d.series[seriesKey{db, query}]
}

// add records r as the next result of s, sharing the storage of an
// identical earlier result.
func (d *replayDriver) add(s *series, r *result) {
	var h maphash.Hash
	h.SetSeed(d.seed)
	for _, c := range r.cols {
		h.WriteString(c)
	}
	for _, c := range r.cells {
		maphash.WriteComparable(&h, c)
	}
	h.Write(r.bytes)
	sum := h.Sum64()
	d.mu.Lock()
	defer d.mu.Unlock()
	i := slices.IndexFunc(d.unique[sum], func(old *result) bool {
		return slices.Equal(old.cols, r.cols) && slices.Equal(old.cells, r.cells) &&
			bytes.Equal(old.bytes, r.bytes) && slices.Equal(old.locs, r.locs)
	})
	if i >= 0 {
		r = d.unique[sum][i]
	} else {
		d.unique[sum] = append(d.unique[sum], r)
	}
	s.results = append(s.results, r)
}

// take returns the next recorded result of s.
func (s *series) take(db, query string) (*result, error) {
	if s == nil || len(s.results) == 0 {
		return nil, fmt.Errorf("sqlfloor: nothing recorded for %q on %s", query, db)
	}
	i := s.next.Add(1) - 1
	return s.results[int(i%int64(len(s.results)))], nil
}

// conn is a connection: a real one's proxy while recording, nothing while
// replaying.
type conn struct {
	d    *replayDriver
	db   string      // base name of the database file
	base driver.Conn // nil while replaying
}

var (
	_ driver.Conn               = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
)

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	s := &stmt{c: c, query: query}
	if c.base == nil {
		s.series = c.d.lookup(c.db, query)
		return s, nil
	}
	var err error
	if s.base, err = c.base.(driver.ConnPrepareContext).PrepareContext(ctx, query); err != nil {
		return nil, err
	}
	return s, nil
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if c.base == nil {
		return execResult{}, nil
	}
	return c.base.(driver.ExecerContext).ExecContext(ctx, query, args)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if c.base == nil {
		return c.replay(c.d.lookup(c.db, query), query)
	}
	rows, err := c.base.(driver.QueryerContext).QueryContext(ctx, query, args)
	if err != nil {
		return nil, err
	}
	return c.record(rows, query)
}

// replay returns the next result of s as rows.
func (c *conn) replay(s *series, query string) (driver.Rows, error) {
	r, err := s.take(c.db, query)
	if err != nil {
		return nil, err
	}
	return &rows{r: r}, nil
}

// record reads rows to the end and returns them replayed.
func (c *conn) record(rs driver.Rows, query string) (driver.Rows, error) {
	defer rs.Close()
	r := &result{cols: slices.Clone(rs.Columns())}
	dest := make([]driver.Value, len(r.cols))
	for {
		err := rs.Next(dest)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		for _, v := range dest {
			if err := r.append(v); err != nil {
				return nil, fmt.Errorf("sqlfloor: %s: %w", query, err)
			}
		}
	}
	r.cells = slices.Clip(r.cells)
	r.bytes = slices.Clip(r.bytes)
	c.d.add(c.d.seriesFor(c.db, query), r)
	return &rows{r: r}, nil
}

// append records v as the next cell of r.
func (r *result) append(v driver.Value) error {
	var c cell
	switch v := v.(type) {
	case nil:
	case int64:
		c = cell{kind: kInt, i: v}
	case float64:
		c = cell{kind: kFloat, i: int64(math.Float64bits(v))}
	case bool:
		c = cell{kind: kBool}
		if v {
			c.i = 1
		}
	case string:
		c = cell{kind: kText, i: int64(len(r.bytes)), n: int32(len(v))}
		r.bytes = append(r.bytes, v...)
	case []byte:
		c = cell{kind: kBlob, i: int64(len(r.bytes)), n: int32(len(v))}
		r.bytes = append(r.bytes, v...)
	case time.Time:
		i := slices.Index(r.locs, v.Location())
		if i < 0 {
			if len(r.locs) == 255 {
				return errors.New("more time locations than a result can hold")
			}
			i = len(r.locs)
			r.locs = append(r.locs, v.Location())
		}
		c = cell{kind: kTime, i: v.UnixNano(), loc: uint8(i)}
	default:
		return fmt.Errorf("unexpected value type %T", v)
	}
	r.cells = append(r.cells, c)
	return nil
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if c.base == nil {
		return tx{}, nil
	}
	return c.base.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// CheckNamedValue accepts what the real drivers bind, converting the other
// integer and float types, as the turso driver does.
func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	switch v := nv.Value.(type) {
	case nil, int64, float64, bool, []byte, string, time.Time:
	case int:
		nv.Value = int64(v)
	case int32:
		nv.Value = int64(v)
	case float32:
		nv.Value = float64(v)
	default:
		return driver.ErrSkip
	}
	return nil
}

func (c *conn) ResetSession(ctx context.Context) error { return nil }
func (c *conn) IsValid() bool                          { return true }

func (c *conn) Close() error {
	if c.base == nil {
		return nil
	}
	return c.base.Close()
}

type tx struct{}

func (tx) Commit() error   { return nil }
func (tx) Rollback() error { return nil }

type execResult struct{}

func (execResult) LastInsertId() (int64, error) { return 0, nil }
func (execResult) RowsAffected() (int64, error) { return 1, nil }

// stmt is a prepared statement.
type stmt struct {
	c      *conn
	query  string
	series *series     // replaying
	base   driver.Stmt // recording
}

var (
	_ driver.StmtExecContext  = (*stmt)(nil)
	_ driver.StmtQueryContext = (*stmt)(nil)
)

func (s *stmt) NumInput() int { return -1 }

func (s *stmt) Close() error {
	if s.base == nil {
		return nil
	}
	return s.base.Close()
}

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return nil, errors.New("sqlfloor: Exec without context")
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return nil, errors.New("sqlfloor: Query without context")
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if s.base == nil {
		return execResult{}, nil
	}
	return s.base.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if s.base == nil {
		if s.series == nil {
			// Prepared before anything was recorded for it (cannot
			// happen in a deterministic workload, but be exact).
			s.series = s.c.d.lookup(s.c.db, s.query)
		}
		return s.c.replay(s.series, s.query)
	}
	rows, err := s.base.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	return s.c.record(rows, s.query)
}

// rows replays one result.
type rows struct {
	r   *result
	pos int // index of the next row's first cell
}

func (r *rows) Columns() []string { return r.r.cols }
func (r *rows) Close() error      { return nil }

// Next boxes the next row's values into dest, allocating as a real
// driver's boxing does.
func (r *rows) Next(dest []driver.Value) error {
	n := len(r.r.cols)
	if r.pos+n > len(r.r.cells) || n == 0 {
		return io.EOF
	}
	row := r.r.cells[r.pos : r.pos+n]
	r.pos += n
	for i := range row {
		c := &row[i]
		switch c.kind {
		case kInt:
			dest[i] = c.i
		case kFloat:
			dest[i] = math.Float64frombits(uint64(c.i))
		case kBool:
			dest[i] = c.i != 0
		case kText:
			if c.n == 0 {
				dest[i] = ""
			} else {
				dest[i] = unsafe.String(&r.r.bytes[c.i], c.n)
			}
		case kBlob:
			dest[i] = bytes.Clone(r.r.bytes[c.i : c.i+int64(c.n)])
		case kTime:
			dest[i] = time.Unix(0, c.i).In(r.r.locs[c.loc])
		default:
			dest[i] = nil
		}
	}
	return nil
}
