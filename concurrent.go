package turso

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/turso-go/turso/internal/engine"
)

// Concurrent transactions
//
// A concurrent transaction runs on a snapshot of the database without
// taking the database's write lock, so that many of them run at the same
// time; at commit, it fails with ErrConflict if another transaction
// committed a change to a row it wrote since its snapshot (first committer
// wins), and otherwise writes its rows in one short write transaction.
//
// Per driver connection, the mechanism uses two more connections to the
// database: a reader, which holds the transaction's snapshot (a WAL read
// transaction), and an overlay, a connection over a VFS that serves the
// snapshot's pages (read through the reader with sqlite_dbpage) and keeps
// the pages the transaction writes in memory. The transaction's statements
// run on the overlay, so they see the snapshot plus their own writes and
// behave as on the database itself (constraints, indexes, triggers, foreign
// keys); the overlay's update hook records which rows (table, rowid) they
// wrote. At commit, one writer connection per pool, under a mutex of the
// pool and SQLite's write lock (BEGIN IMMEDIATE), checks that every written
// row is still as in the snapshot, deletes the written rows that exist and
// inserts their final images (with triggers off, since the images already
// hold the triggers' effects, and foreign keys checked afterwards), and
// commits. The commit is one SQLite transaction, so a crash leaves it whole
// or absent.

// ErrConflict is matched (with errors.Is) by the error of a concurrent
// transaction that lost a write-write conflict: another transaction
// committed, after this one's snapshot, a change to a row this one wrote,
// or changed the schema. The losing transaction is rolled back whole;
// retry it (RunConcurrent does).
var ErrConflict error = errors.New("turso: concurrent transaction conflict")

// ConflictError is the error of a concurrent transaction that lost a
// conflict. It matches ErrConflict.
//
// On libSQL the driver detects conflicts, at commit, and names the row.
// Turso's engine detects them itself, at the write (the second writer of
// a row fails at once), and says only that there was one: Err is then its
// error, which also matches ErrBusy, and Table and RowID are empty.
type ConflictError struct {
	// Table and RowID name the first conflicting row found; Table is ""
	// when the schema changed or the engine did not say.
	Table string
	RowID int64
	// Err is the engine's error when the engine detected the conflict,
	// else nil.
	Err *Error
}

// Error describes the conflict.
func (e *ConflictError) Error() string {
	switch {
	case e.Err != nil:
		return "turso: concurrent transaction conflict: " + e.Err.Message + " (the transaction was rolled back)"
	case e.Table == "":
		return "turso: concurrent transaction conflict: the schema changed since the transaction began"
	}
	return fmt.Sprintf("turso: concurrent transaction conflict: row %d of table %s was changed by another transaction since this one began", e.RowID, e.Table)
}

// Is reports whether target is ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Unwrap returns the engine's error, if any.
func (e *ConflictError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}

// ErrNotWAL is returned when a concurrent transaction is begun on a
// database that is not in WAL mode.
var ErrNotWAL = errors.New("turso: concurrent transactions need a database in WAL mode (_journal_mode=WAL)")

// WithBeginConcurrent makes every read-write transaction of the pool that
// asks for no particular isolation level a concurrent transaction (DSN:
// _txlock=concurrent). A transaction at sql.LevelSerializable is then an
// ordinary BEGIN IMMEDIATE transaction, and read-only transactions are
// ordinary read transactions (which in WAL mode already read a snapshot).
func WithBeginConcurrent() Option {
	return paramOption("_txlock", "concurrent")
}

// TxBeginner begins transactions: *sql.DB and *sql.Conn are TxBeginners.
type TxBeginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// BeginConcurrent begins a concurrent transaction on db, a *sql.DB or a
// *sql.Conn of any turso pool. It is db.BeginTx at isolation level
// sql.LevelSnapshot, which is how the driver tells a concurrent
// transaction from an ordinary one.
//
// A concurrent transaction reads a snapshot of the database as of its
// beginning, plus its own writes; it does not block, nor is blocked by,
// other transactions while it runs. Its Commit returns an error matching
// ErrConflict when another transaction committed a change to a row it
// wrote after its snapshot, and a constraint error when its rows break a
// constraint against rows committed meanwhile (a unique value inserted by
// another transaction, a deleted parent row). The database must be in WAL
// mode.
//
// Limits: a concurrent transaction refuses schema changes, ATTACH,
// writes to WITHOUT ROWID and virtual tables and to tables whose schema
// uses REPLACE conflict resolution, and REPLACE in its statements (use
// INSERT ... ON CONFLICT DO UPDATE); BEGIN, COMMIT and ROLLBACK as SQL
// (use the Tx; SAVEPOINT works). Conflicts are detected on rows written,
// by value: write skew (two transactions each writing a row the other
// read) is not detected, as under any snapshot isolation. Rows inserted
// with a rowid SQLite picks get max(rowid)+1 of the snapshot, so
// concurrent transactions appending to the same table conflict with each
// other; give such rows keys of their own to let them commit side by side.
func BeginConcurrent(ctx context.Context, db TxBeginner) (*sql.Tx, error) {
	return db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSnapshot})
}

// RunConcurrent runs fn in a concurrent transaction of db and commits it,
// and when fn or the commit fails with ErrConflict, runs it again in a new
// transaction after a jittered, growing pause, until it commits, fails
// otherwise, or ctx ends (the error then matches both ctx.Err() and
// ErrConflict). fn must do nothing that cannot be repeated outside the
// transaction.
func RunConcurrent(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	backoff := 100 * time.Microsecond
	var conflict error // the latest conflict
	for {
		err := runConcurrentOnce(ctx, db, fn)
		if err == nil {
			return nil
		}
		if errors.Is(err, ErrConflict) {
			conflict = err
		}
		if cerr := ctx.Err(); cerr != nil {
			// The context ended, perhaps during the attempt (database/sql
			// then rolls the transaction back, and fn or Commit fail
			// with whatever that caused).
			switch {
			case conflict != nil:
				return fmt.Errorf("turso: RunConcurrent: %w, after %w", cerr, conflict)
			case errors.Is(err, cerr):
				return err
			default:
				return fmt.Errorf("turso: RunConcurrent: %w: %v", cerr, err)
			}
		}
		if !errors.Is(err, ErrConflict) {
			return err
		}
		pause := backoff/2 + rand.N(backoff)
		timer := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("turso: RunConcurrent: %w, after %w", ctx.Err(), conflict)
		case <-timer.C:
		}
		backoff = min(2*backoff, 10*time.Millisecond)
	}
}

func runConcurrentOnce(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) (err error) {
	tx, err := BeginConcurrent(ctx, db)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// sharedState is what the connections of one pool share for concurrent
// transactions: the mutex that serializes their commits and the writer
// connection that applies them.
type sharedState struct {
	// engine is the pool's engine, set when the pool is made.
	engine engine.Engine

	mu     sync.Mutex
	refs   int // ccConns using the state
	writer engine.Conn
	stmts  stmtMap
	// children maps a table to the tables with foreign keys to it, as of
	// schema version childSchema.
	children    map[string][]string
	childSchema int64
}

// overlays reports whether the pool's engine runs concurrent transactions
// on overlays (libSQL); the other engines (turso) have their own BEGIN
// CONCURRENT.
func (s *sharedState) overlays() bool {
	_, ok := s.engine.(engine.OverlayEngine)
	return ok
}

// acquire registers a user of the state.
func (s *sharedState) acquire() {
	s.mu.Lock()
	s.refs++
	s.mu.Unlock()
}

// release unregisters a user; the last one closes the writer.
func (s *sharedState) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refs--
	if s.refs == 0 && s.writer != nil {
		s.stmts.close()
		s.writer.Close()
		s.writer, s.stmts = nil, nil
	}
}

// writerConn returns the writer, opening it on first use. It runs with
// triggers and foreign keys off. s.mu must be held.
func (s *sharedState) writerConn(cfg *config) (engine.Conn, error) {
	if s.writer != nil {
		return s.writer, nil
	}
	w, err := s.engine.Open(engine.Config{Path: cfg.path, Mutex: cfg.mutex, BusyTimeout: cfg.busyTimeout, Key: cfg.key, Cipher: cfg.cipher, NoTriggers: true})
	if err != nil {
		return nil, wrapErr(err, "")
	}
	setup := cfg.setupSQL() + "PRAGMA foreign_keys = 0;"
	if err := w.Exec(setup); err != nil {
		w.Close()
		return nil, wrapErr(err, setup)
	}
	// Constraints, indexes and generated columns may call the pool's Go
	// functions.
	if err := cfg.registerFuncs(w); err != nil {
		w.Close()
		return nil, err
	}
	s.writer, s.stmts = w, stmtMap{}
	return w, nil
}

// ccConn is the state of concurrent transactions of one driver connection.
type ccConn struct {
	shared   *sharedState
	reader   engine.Conn
	overlay  engine.Overlay // opened by the first transaction
	funcs    bool           // the pool's Go functions are defined on overlay
	pageSize int
	// cache holds the overlay's statements between transactions.
	cache stmtCache
	// rstmts and ostmts are the reader's and the overlay's statements that
	// read row images.
	rstmts, ostmts stmtMap
	// tables describes the tables written, as of schema version schema.
	tables map[string]*tableInfo
	schema int64

	// While a transaction runs, the connection's own engine connection
	// and statement cache.
	baseEC    engine.Conn
	baseCache stmtCache
}

// openCC opens the reader of a connection's concurrent transactions.
func openCC(cfg *config) (*ccConn, error) {
	r, err := cfg.shared.engine.Open(engine.Config{Path: cfg.path, Mutex: cfg.mutex, BusyTimeout: cfg.busyTimeout, Key: cfg.key, Cipher: cfg.cipher})
	if err != nil {
		return nil, wrapErr(err, "")
	}
	if setup := cfg.setupSQL(); setup != "" {
		if err := r.Exec(setup); err != nil {
			r.Close()
			return nil, wrapErr(err, setup)
		}
	}
	cfg.shared.acquire()
	return &ccConn{shared: cfg.shared, reader: r, cache: newStmtCache(cfg.stmtCacheSize), rstmts: stmtMap{}, ostmts: stmtMap{}}, nil
}

// close ends a transaction still running and closes the connections.
func (cc *ccConn) close(c *conn) {
	if cc.baseEC != nil {
		cc.swapOut(c)
	}
	cc.cache.clear()
	cc.ostmts.close()
	cc.rstmts.close()
	if cc.overlay != nil {
		cc.overlay.Close()
	}
	cc.reader.Close()
	cc.shared.release()
}

// overlaySetup is the pool's pragmas that apply to the overlay: those of
// the journal, locking and file layout are the overlay's own.
func overlaySetup(cfg *config) string {
	var b strings.Builder
	for _, p := range cfg.pragmas {
		switch p.name {
		case "journal_mode", "locking_mode", "auto_vacuum", "synchronous", "writable_schema":
			continue
		}
		fmt.Fprintf(&b, "PRAGMA %s = %s;", p.name, p.value)
	}
	return b.String()
}

// beginConcurrent begins a concurrent transaction: the reader takes a
// snapshot, the overlay begins on it, and the connection's statements run
// on the overlay until the transaction ends.
func (c *conn) beginConcurrent(ctx context.Context) (driver.Tx, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c.cc == nil {
		cc, err := openCC(c.cfg)
		if err != nil {
			return nil, err
		}
		c.cc, c.handles.cc = cc, cc
	}
	cc := c.cc
	schema, npages, err := cc.snapshot()
	if err != nil {
		return nil, err
	}
	if cc.overlay == nil {
		ov, err := c.cfg.shared.engine.(engine.OverlayEngine).OpenOverlay(cc.reader, cc.pageSize, overlaySetup(c.cfg))
		if err != nil {
			cc.reader.Exec("ROLLBACK")
			return nil, wrapErr(err, "")
		}
		cc.overlay, cc.funcs = ov, false
	}
	if err := cc.overlay.Begin(npages, schema); err != nil {
		cc.reader.Exec("ROLLBACK")
		return nil, wrapErr(err, "")
	}
	if !cc.funcs {
		// The overlay opens on its first Begin; the statements it runs may
		// call the pool's Go functions.
		if err := c.cfg.registerFuncs(cc.overlay); err != nil {
			cc.overlay.End()
			cc.reader.Exec("ROLLBACK")
			return nil, err
		}
		cc.funcs = true
	}
	cc.baseEC, cc.baseCache = c.ec, c.cache
	c.setEC(cc.overlay)
	c.cache = cc.cache
	return &ccTx{c: c, schema: schema}, nil
}

// snapshotSQL reads, in the reader's new read transaction, what the overlay
// needs to know of the snapshot.
const snapshotSQL = "SELECT journal_mode, page_size, page_count, schema_version FROM pragma_journal_mode, pragma_page_size, pragma_page_count, pragma_schema_version"

// snapshot begins the reader's read transaction, which holds the snapshot
// until the transaction ends, and returns its schema version and size.
func (cc *ccConn) snapshot() (schema int64, npages int, err error) {
	if err := cc.reader.Exec("BEGIN"); err != nil {
		return 0, 0, wrapErr(err, "BEGIN")
	}
	row, err := cc.rstmts.row(cc.reader, snapshotSQL)
	if err == nil && row == nil {
		err = fmt.Errorf("turso: reading the snapshot's pragmas returned no row")
	}
	if err != nil {
		cc.reader.Exec("ROLLBACK")
		return 0, 0, wrapErr(err, snapshotSQL)
	}
	if mode := row[0].Data; !strings.EqualFold(mode, "wal") {
		cc.reader.Exec("ROLLBACK")
		return 0, 0, fmt.Errorf("%w; the journal mode is %s", ErrNotWAL, mode)
	}
	pageSize := int(row[1].Int)
	if cc.overlay != nil && pageSize != cc.pageSize {
		cc.cache.clear()
		cc.ostmts.close()
		cc.overlay.Close()
		cc.overlay = nil
	}
	cc.pageSize = pageSize
	return row[3].Int, int(row[2].Int), nil
}

// swapOut gives the connection back its own engine connection.
func (cc *ccConn) swapOut(c *conn) {
	cc.cache = c.cache
	c.setEC(cc.baseEC)
	c.cache = cc.baseCache
	cc.baseEC, cc.baseCache = nil, stmtCache{}
}

// endConcurrent ends the running transaction: the overlay drops its
// writes and the reader its snapshot. On failure the connection drops its
// concurrent state, to open it anew.
func (c *conn) endConcurrent() {
	cc := c.cc
	cc.swapOut(c)
	err := cc.overlay.End()
	if rerr := cc.reader.Exec("ROLLBACK"); err == nil {
		err = rerr
	}
	if err != nil {
		cc.close(c)
		c.cc, c.handles.cc = nil, nil
	}
}

// ccTx is a concurrent transaction.
type ccTx struct {
	c      *conn
	schema int64
	done   bool
}

var _ driver.Tx = (*ccTx)(nil)

// Commit checks the transaction's written rows against the rows committed
// since its snapshot and writes them; see BeginConcurrent.
func (t *ccTx) Commit() error {
	if t.done || t.c.closed {
		return errClosed
	}
	t.c.enter()
	defer t.c.leave()
	t.done = true
	changes, err := t.collect()
	// The snapshot is no longer needed: release it before writing, so
	// that it holds back no checkpoint.
	t.c.endConcurrent()
	if err != nil || len(changes) == 0 {
		return err
	}
	return t.commit(changes)
}

// Rollback discards the transaction.
func (t *ccTx) Rollback() error {
	if t.done || t.c.closed {
		return errClosed
	}
	t.c.enter()
	defer t.c.leave()
	t.done = true
	t.c.endConcurrent()
	return nil
}

// change is one row the transaction changed: its image in the snapshot and
// its final image (nil where the row does not exist).
type change struct {
	info          *tableInfo
	rowid         int64
	before, after []engine.Value
}

// collect reads the snapshot and final images of the rows the transaction
// wrote, and returns those that changed.
func (t *ccTx) collect() ([]change, error) {
	cc := t.c.cc
	written := cc.overlay.Written()
	if len(written) == 0 {
		return nil, nil
	}
	if cc.schema != t.schema || cc.tables == nil {
		cc.tables, cc.schema = make(map[string]*tableInfo), t.schema
	}
	changes := make([]change, 0, len(written))
	for _, ref := range written {
		info, err := cc.table(ref.Table)
		if err != nil {
			return nil, err
		}
		after, err := cc.ostmts.image(cc.overlay, info.selectSQL, ref.RowID)
		if err != nil {
			return nil, wrapErr(err, info.selectSQL)
		}
		before, err := cc.rstmts.image(cc.reader, info.selectSQL, ref.RowID)
		if err != nil {
			return nil, wrapErr(err, info.selectSQL)
		}
		if sameImage(before, after) {
			continue // written, then written back (or rolled back to a savepoint)
		}
		changes = append(changes, change{info: info, rowid: ref.RowID, before: before, after: after})
	}
	return changes, nil
}

// commit validates and applies the changes in one transaction of the
// pool's writer.
func (t *ccTx) commit(changes []change) error {
	sh := t.c.cfg.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	w, err := sh.writerConn(t.c.cfg)
	if err != nil {
		return err
	}
	if err := w.Exec("BEGIN IMMEDIATE"); err != nil {
		return wrapErr(err, "BEGIN IMMEDIATE")
	}
	if err := t.apply(sh, w, changes); err != nil {
		if !w.Autocommit() {
			w.Exec("ROLLBACK")
		}
		return err
	}
	return nil
}

// apply validates and writes the changes in the writer's transaction, and
// commits it.
func (t *ccTx) apply(sh *sharedState, w engine.Conn, changes []change) error {
	row, err := sh.stmts.row(w, "PRAGMA main.schema_version")
	if err != nil {
		return wrapErr(err, "PRAGMA main.schema_version")
	}
	if row == nil || row[0].Int != t.schema {
		return &ConflictError{}
	}
	for _, ch := range changes {
		cur, err := sh.stmts.image(w, ch.info.selectSQL, ch.rowid)
		if err != nil {
			return wrapErr(err, ch.info.selectSQL)
		}
		if !sameImage(cur, ch.before) {
			return &ConflictError{Table: ch.info.name, RowID: ch.rowid}
		}
	}
	// Delete, then insert: a transaction that swapped unique values
	// between rows applies in any order.
	arg := make([]engine.Value, 1)
	for _, ch := range changes {
		if ch.before == nil {
			continue
		}
		arg[0] = engine.Value{Kind: engine.KindInteger, Int: ch.rowid}
		if err := sh.stmts.exec(w, ch.info.deleteSQL, arg); err != nil {
			return wrapErr(err, ch.info.deleteSQL)
		}
	}
	for _, ch := range changes {
		if ch.after == nil {
			continue
		}
		args := append([]engine.Value{{Kind: engine.KindInteger, Int: ch.rowid}}, ch.after...)
		if err := sh.stmts.exec(w, ch.info.insertSQL, args); err != nil {
			return wrapErr(err, ch.info.insertSQL)
		}
	}
	if on, _ := parseBool(t.c.cfg.pragma("foreign_keys")); on {
		if err := t.checkForeignKeys(sh, w, changes); err != nil {
			return err
		}
	}
	if err := w.Exec("COMMIT"); err != nil {
		return wrapErr(err, "COMMIT")
	}
	return nil
}

// checkForeignKeys checks, after the changes are applied, the foreign keys
// of the tables written and of the tables that refer to them.
func (t *ccTx) checkForeignKeys(sh *sharedState, w engine.Conn, changes []change) error {
	if sh.children == nil || sh.childSchema != t.schema {
		children := make(map[string][]string)
		const q = `SELECT f."table", m.name FROM main.sqlite_schema AS m, pragma_foreign_key_list(m.name, 'main') AS f WHERE m.type = 'table'`
		err := sh.stmts.each(w, q, nil, func(row []engine.Value) {
			parent := strings.ToLower(strings.Clone(row[0].Data))
			children[parent] = append(children[parent], strings.Clone(row[1].Data))
		})
		if err != nil {
			return wrapErr(err, q)
		}
		sh.children, sh.childSchema = children, t.schema
	}
	check := make(map[string]bool)
	for _, ch := range changes {
		check[ch.info.name] = true
		for _, child := range sh.children[strings.ToLower(ch.info.name)] {
			check[child] = true
		}
	}
	for table := range check {
		q := "PRAGMA main.foreign_key_check(" + quoteIdent(table) + ")"
		row, err := sh.stmts.row(w, q)
		if err != nil {
			return wrapErr(err, q)
		}
		if row != nil {
			return &Error{Code: CodeConstraint, ExtendedCode: CodeConstraintForeignKey, Message: "FOREIGN KEY constraint failed", SQL: q}
		}
	}
	return nil
}

// tableInfo is how the commit reads and writes the rows of one table.
type tableInfo struct {
	name string
	// selectSQL reads the stored columns of the row of rowid ?1;
	// deleteSQL deletes it; insertSQL inserts rowid ?1 with the stored
	// columns from ?2 on.
	selectSQL, deleteSQL, insertSQL string
}

// table describes a table of the snapshot, read through the reader.
func (cc *ccConn) table(name string) (*tableInfo, error) {
	if info := cc.tables[name]; info != nil {
		return info, nil
	}
	var cols []string
	names := map[string]bool{}
	const q = "SELECT name, hidden FROM pragma_table_xinfo(?1, 'main')"
	err := cc.rstmts.each(cc.reader, q, []engine.Value{{Kind: engine.KindText, Data: name}}, func(row []engine.Value) {
		col := strings.Clone(row[0].Data)
		names[strings.ToLower(col)] = true
		if row[1].Int == 0 { // not hidden, not generated
			cols = append(cols, quoteIdent(col))
		}
	})
	if err != nil {
		return nil, wrapErr(err, q)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("turso: concurrent commit: table %s has no stored columns in the snapshot", name)
	}
	rowid := ""
	for _, alias := range []string{"rowid", "_rowid_", "oid"} {
		if !names[alias] {
			rowid = alias
			break
		}
	}
	if rowid == "" {
		return nil, fmt.Errorf("turso: concurrent commit: table %s has columns named rowid, _rowid_ and oid, so its rowid cannot be named", name)
	}
	table := "main." + quoteIdent(name)
	params := make([]string, len(cols))
	for i := range cols {
		params[i] = fmt.Sprintf("?%d", i+2)
	}
	info := &tableInfo{
		name:      name,
		selectSQL: fmt.Sprintf("SELECT %s FROM %s WHERE %s = ?1", strings.Join(cols, ", "), table, rowid),
		deleteSQL: fmt.Sprintf("DELETE FROM %s WHERE %s = ?1", table, rowid),
		insertSQL: fmt.Sprintf("INSERT INTO %s(%s, %s) VALUES (?1, %s)", table, rowid, strings.Join(cols, ", "), strings.Join(params, ", ")),
	}
	cc.tables[name] = info
	return info, nil
}

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// sameImage reports whether two row images (nil: no row) are equal, value
// for value and type for type.
func sameImage(a, b []engine.Value) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := &a[i], &b[i]
		if x.Kind != y.Kind {
			return false
		}
		switch x.Kind {
		case engine.KindInteger:
			if x.Int != y.Int {
				return false
			}
		case engine.KindFloat:
			if math.Float64bits(x.Float) != math.Float64bits(y.Float) {
				return false
			}
		case engine.KindText, engine.KindBlob:
			if x.Data != y.Data {
				return false
			}
		}
	}
	return true
}

// stmtMap keeps the prepared statements the mechanism runs on one engine
// connection, by SQL text.
type stmtMap map[string]engine.Stmt

func (m stmtMap) get(ec engine.Conn, query string) (engine.Stmt, error) {
	if s := m[query]; s != nil {
		return s, nil
	}
	s, _, err := ec.Prepare(query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, fmt.Errorf("turso: empty statement %q", query)
	}
	m[query] = s
	return s, nil
}

// each runs query with args and calls f with every row (valid during the
// call only).
func (m stmtMap) each(ec engine.Conn, query string, args []engine.Value, f func([]engine.Value)) error {
	s, err := m.get(ec, query)
	if err != nil {
		return err
	}
	ok, err := s.Start(args)
	for ; ok && err == nil; ok, err = s.Step() {
		f(s.Row())
	}
	if err != nil {
		s.Reset()
	}
	return err
}

// row returns the first row of query, copied, or nil.
func (m stmtMap) row(ec engine.Conn, query string, args ...engine.Value) ([]engine.Value, error) {
	s, err := m.get(ec, query)
	if err != nil {
		return nil, err
	}
	ok, err := s.Start(args)
	if err != nil || !ok {
		return nil, err
	}
	row := copyRow(s.Row())
	return row, s.Reset()
}

// image reads the row of a table with the given rowid, with a tableInfo's
// selectSQL.
func (m stmtMap) image(ec engine.Conn, query string, rowid int64) ([]engine.Value, error) {
	return m.row(ec, query, engine.Value{Kind: engine.KindInteger, Int: rowid})
}

// exec runs a statement that returns no rows.
func (m stmtMap) exec(ec engine.Conn, query string, args []engine.Value) error {
	s, err := m.get(ec, query)
	if err != nil {
		return err
	}
	_, _, err = s.Exec(args)
	if err != nil {
		s.Reset()
	}
	return err
}

func (m stmtMap) close() {
	for q, s := range m {
		s.Close()
		delete(m, q)
	}
}

// copyRow copies a row out of the engine's memory.
func copyRow(row []engine.Value) []engine.Value {
	out := make([]engine.Value, len(row))
	for i, v := range row {
		out[i] = v
		out[i].Data = strings.Clone(v.Data)
	}
	return out
}
