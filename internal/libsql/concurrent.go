package libsql

/*
#include "overlay.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/turso-go/turso/internal/engine"
)

// Concurrent transactions
//
// libSQL's SQL has no BEGIN CONCURRENT: this file provides it (see
// engine.ConcurrentEngine for the contract).
//
// Per connection, two more connections to the database: a reader, which
// holds the transaction's snapshot (a WAL read transaction), and an
// overlay (overlay.go), whose database is that snapshot plus the
// transaction's own writes, kept in memory. While the transaction runs,
// the connection's statements run on the overlay (stmt.route), so they
// see the snapshot plus their own writes and behave as on the database
// itself (constraints, indexes, triggers, foreign keys); the overlay
// records which rows they wrote.
//
// At commit, the snapshot image (reader) and the final image (overlay) of
// every row written are read, and the snapshot is released. Then, under a
// mutex of the pool and SQLite's write lock (BEGIN IMMEDIATE), the pool's
// writer connection checks that the transaction's result is still what
// running it now would give:
//   - the schema is the snapshot's;
//   - every row written is as in the snapshot;
//   - in every table where the engine picked the rowid of an insert, it
//     would pick the same: the largest rowid among the rows the
//     transaction did not write, and the table's AUTOINCREMENT counter,
//     are as in the snapshot;
//
// and otherwise fails with an *engine.ConflictError. It deletes the rows
// changed that existed and inserts their final images (triggers off, since
// the images hold the triggers' effects; foreign keys off), raises the
// AUTOINCREMENT counters the transaction raised, checks the foreign keys
// of the rows changed and of the rows that refer to the keys deleted
// (a failure, like a UNIQUE clash, means a transaction that committed
// meanwhile broke the constraint, hence a conflict), and commits: one
// SQLite transaction, which a crash leaves whole or absent.

var _ engine.ConcurrentEngine = Engine{}

// NewConcurrentPool returns the state of the concurrent transactions of
// one pool: the writer that applies their commits, opened by the first
// commit and closed when the last connection that ran one closes.
func (Engine) NewConcurrentPool(cfg engine.PoolConfig) engine.ConcurrentPool {
	return &pool{cfg: cfg}
}

// pool is what the connections of one pool share for concurrent
// transactions.
type pool struct {
	cfg engine.PoolConfig

	// mu serializes commits and guards the fields below.
	mu     sync.Mutex
	refs   int // connections with concurrent state
	writer *conn
	wstmts stmtMap
}

var _ engine.ConcurrentPool = (*pool)(nil)

// pragmas returns the pool's pragmas as a script, without those named in
// skip.
func (p *pool) pragmas(skip ...string) string {
	var b strings.Builder
	for _, pr := range p.cfg.Pragmas {
		if !containsFold(skip, pr.Name) {
			fmt.Fprintf(&b, "PRAGMA %s = %s;", pr.Name, pr.Value)
		}
	}
	return b.String()
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// open opens a connection of the pool for the mechanism's own use, set up
// with the pool's pragmas and then setup.
func (p *pool) open(setup string) (*conn, error) {
	ec, err := Engine{}.Open(p.cfg.Config)
	if err != nil {
		return nil, err
	}
	c := ec.(*conn)
	if script := p.pragmas() + setup; script != "" {
		if err := c.Exec(script); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// release unregisters a connection; the last one closes the writer.
func (p *pool) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refs--
	if p.refs == 0 && p.writer != nil {
		p.wstmts.close()
		p.writer.Close()
		p.writer, p.wstmts = nil, nil
	}
}

// writerConn returns the writer, opening it on first use. It runs with
// triggers and foreign keys off. p.mu must be held.
func (p *pool) writerConn() (*conn, error) {
	if p.writer != nil {
		return p.writer, nil
	}
	w, err := p.open("PRAGMA foreign_keys = 0;")
	if err != nil {
		return nil, err
	}
	if rc := C.tg_set_triggers(w.db, 0); rc != C.SQLITE_OK {
		err := lastError(w.db)
		w.Close()
		return nil, err
	}
	// Constraints, indexes and generated columns may call the pool's Go
	// functions.
	if p.cfg.Init != nil {
		if err := p.cfg.Init(w); err != nil {
			w.Close()
			return nil, err
		}
	}
	p.writer, p.wstmts = w, stmtMap{}
	return w, nil
}

// Setup does nothing: a connection needs no preparation.
func (p *pool) Setup(engine.Conn) error { return nil }

// Begin begins a concurrent transaction on ec: the reader takes a
// snapshot, the overlay begins on it, and ec's statements run on the
// overlay until the transaction ends.
func (p *pool) Begin(ec engine.Conn) (engine.ConcurrentTx, error) {
	c, ok := ec.(*conn)
	if !ok || c.db == nil {
		return nil, fmt.Errorf("libsql: BeginConcurrent: not an open libsql connection")
	}
	if c.cc == nil {
		cc, err := p.attach(c)
		if err != nil {
			return nil, err
		}
		c.cc = cc
	}
	cc := c.cc
	switch {
	case cc.pool != p:
		return nil, fmt.Errorf("libsql: BeginConcurrent: the connection belongs to another pool")
	case cc.tx != nil:
		return nil, fmt.Errorf("libsql: BeginConcurrent: a concurrent transaction is already running on the connection")
	case C.sqlite3_get_autocommit(c.db) == 0:
		return nil, fmt.Errorf("libsql: BeginConcurrent: the connection is inside a transaction")
	}
	return cc.begin()
}

// concurrent is the state of one connection's concurrent transactions.
type concurrent struct {
	base   *conn
	pool   *pool
	reader *conn
	ov     *overlay // opened by the first transaction
	funcs  bool     // the pool's Go functions are defined on ov
	// rstmts and ostmts are the reader's and the overlay's statements that
	// read rows.
	rstmts, ostmts stmtMap
	// tables describes the tables written, and fks the foreign keys, as of
	// schema version schema.
	tables map[string]*tableInfo
	fks    *fkGraph
	schema int64
	// tx is the running transaction, or nil.
	tx *ccTx
}

// attach opens the reader of c's concurrent transactions.
func (p *pool) attach(c *conn) (*concurrent, error) {
	r, err := p.open("")
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.refs++
	p.mu.Unlock()
	return &concurrent{base: c, pool: p, reader: r, rstmts: stmtMap{}, ostmts: stmtMap{}, schema: -1}, nil
}

// running reports whether a concurrent transaction runs (cc may be nil).
func (cc *concurrent) running() bool { return cc != nil && cc.tx != nil }

// close ends a transaction still running and closes the connections. The
// base connection's statements are finalized before.
func (cc *concurrent) close() {
	if cc.tx != nil {
		cc.end()
	}
	cc.ostmts.close()
	cc.rstmts.close()
	if cc.ov != nil {
		cc.ov.close()
	}
	cc.reader.Close()
	cc.pool.release()
}

// overlaySetup is the pool's pragmas that apply to an overlay: those of
// the journal, locking and file layout are the overlay's own.
func (p *pool) overlaySetup() string {
	return p.pragmas("journal_mode", "locking_mode", "auto_vacuum", "synchronous", "writable_schema")
}

func (cc *concurrent) begin() (engine.ConcurrentTx, error) {
	schema, npages, pageSize, err := cc.snapshot()
	if err != nil {
		return nil, err
	}
	fail := func(err error) (engine.ConcurrentTx, error) {
		if cc.ov != nil {
			cc.ov.end()
		}
		cc.reader.Exec("ROLLBACK")
		return nil, err
	}
	if cc.ov == nil {
		ov, err := openOverlay(cc.base, cc.reader, cc.pool.overlaySetup())
		if err != nil {
			return fail(err)
		}
		cc.ov = ov
	}
	if err := cc.ov.begin(npages, pageSize, schema); err != nil {
		return fail(err)
	}
	if !cc.funcs && cc.pool.cfg.Init != nil {
		// The statements may call the pool's Go functions.
		if err := cc.pool.cfg.Init(cc.ov.c); err != nil {
			return fail(err)
		}
	}
	cc.funcs = true
	cc.tx = &ccTx{cc: cc, schema: schema}
	cc.base.setInterruptTarget(cc.ov.c)
	return cc.tx, nil
}

// snapshotSQL reads, in the reader's new read transaction, what the overlay
// needs to know of the snapshot.
const snapshotSQL = "SELECT journal_mode, page_size, page_count, schema_version FROM pragma_journal_mode, pragma_page_size, pragma_page_count, pragma_schema_version"

// snapshot begins the reader's read transaction, which holds the snapshot
// until the transaction ends, and returns its schema version and size.
func (cc *concurrent) snapshot() (schema int64, npages, pageSize int, err error) {
	if err := cc.reader.Exec("BEGIN"); err != nil {
		return 0, 0, 0, err
	}
	row, err := cc.rstmts.row(cc.reader, snapshotSQL)
	if err == nil && row == nil {
		err = errors.New("libsql: reading the snapshot's pragmas returned no row")
	}
	if err != nil {
		cc.reader.Exec("ROLLBACK")
		return 0, 0, 0, err
	}
	if mode := row[0].Data; !strings.EqualFold(mode, "wal") {
		cc.reader.Exec("ROLLBACK")
		return 0, 0, 0, fmt.Errorf("%w; the journal mode is %s", engine.ErrNotWAL, mode)
	}
	return row[3].Int, int(row[2].Int), int(row[1].Int), nil
}

// end ends the running transaction: the overlay drops its writes and the
// reader its snapshot, and the connection's statements run on it again.
func (cc *concurrent) end() error {
	cc.tx = nil
	cc.base.setInterruptTarget(nil)
	err := cc.ov.end()
	if rerr := cc.reader.Exec("ROLLBACK"); err == nil {
		err = rerr
	}
	return err
}

// prepare prepares the first statement of sql on the overlay, as a
// statement of the base connection.
func (cc *concurrent) prepare(sql string) (engine.Stmt, string, error) {
	cs, rest, err := cc.ov.compile(sql)
	if err != nil || cs.t == nil {
		return nil, rest, err
	}
	s := &stmt{c: cc.base, compiled: cs, sql: sql[:len(sql)-len(rest)]}
	cc.base.stmts[s] = struct{}{}
	return s, rest, nil
}

// exec runs every statement of sql on the overlay.
func (cc *concurrent) exec(sql string) error {
	for sql != "" {
		s, rest, err := cc.prepare(sql)
		if err != nil {
			return err
		}
		if s != nil {
			_, _, err = s.Exec(nil)
			s.Close()
			if err != nil {
				return err
			}
		}
		sql = rest
	}
	return nil
}

// route makes s run where the connection's statements run now: on the
// overlay while a transaction runs, else on the base connection. Each
// statement is compiled on each connection the first time it runs there.
func (cc *concurrent) route(s *stmt) error {
	want := cc.base.db
	if cc.tx != nil {
		if err := cc.tx.check(); err != nil {
			return err
		}
		want = cc.ov.c.db
	}
	if s.db == want {
		return nil
	}
	if s.other.t != nil && s.other.db == want {
		s.compiled, s.other = s.other, s.compiled
		return nil
	}
	var cs compiled
	if cc.tx != nil {
		var err error
		if cs, _, err = cc.ov.compile(s.sql); err != nil {
			return err
		}
	} else {
		cstmt, _, err := compileOn(want, s.sql)
		if err != nil {
			return err
		}
		if cs, err = newCompiled(cstmt, want); err != nil {
			return err
		}
	}
	if cs.t == nil {
		return fmt.Errorf("libsql: statement %q compiles to nothing", s.sql)
	}
	s.other.free()
	s.compiled, s.other = cs, s.compiled
	return nil
}

// savepointDone records a savepoint operation that a statement of the
// running transaction performed.
func (cc *concurrent) savepointDone(sp *savepointOp) {
	if cc.tx != nil {
		cc.ov.ws.savepoint(sp)
	}
}

// ccTx is a concurrent transaction.
type ccTx struct {
	cc     *concurrent
	schema int64
	done   bool
}

var _ engine.ConcurrentTx = (*ccTx)(nil)

// errRolledBack is the error of the statements and the commit of a
// transaction that a statement rolled back (ON CONFLICT ROLLBACK, or an
// error such as a full disk).
var errRolledBack = &engine.Error{Code: engine.CodeAbort, ExtendedCode: engine.CodeAbort,
	Message: "turso: the concurrent transaction was rolled back by an error of one of its statements; roll it back"}

// check fails when a statement rolled the overlay's transaction back.
func (t *ccTx) check() error {
	if C.sqlite3_get_autocommit(t.cc.ov.c.db) != 0 {
		return errRolledBack
	}
	return nil
}

// Commit checks the transaction against the transactions committed since
// its snapshot and writes it; see the comment at the top.
func (t *ccTx) Commit() error {
	if t.done {
		return engine.ErrClosed
	}
	t.done = true
	cc := t.cc
	err := t.check()
	var pl *plan
	if err == nil {
		pl, err = t.collect()
	}
	// The snapshot is no longer needed: release it before writing, so
	// that it holds back no checkpoint.
	if eerr := cc.end(); err == nil {
		err = eerr
	}
	if err == nil && pl != nil {
		err = cc.pool.commit(pl, cc.base)
	}
	if err != nil {
		cc.base.rollbackHook()
	}
	return err
}

// Rollback discards the transaction.
func (t *ccTx) Rollback() error {
	if t.done {
		return engine.ErrClosed
	}
	t.done = true
	err := t.cc.end()
	t.cc.base.rollbackHook()
	return err
}

// rollbackHook calls the connection's rollback hook, as a rollback of an
// ordinary transaction would.
func (c *conn) rollbackHook() {
	if c.hooks != nil && c.hooks.rollback != nil {
		c.hooks.rollback()
	}
}

// plan is what a commit checks and writes.
type plan struct {
	schema  int64
	changes []change
	// autos are the tables in which the engine picked a rowid, with what
	// decided it in the snapshot.
	autos []autoPick
	// seqs are the AUTOINCREMENT counters the transaction raised.
	seqs []seqRaise
	// fks are the foreign key checks to make, nil with foreign keys off.
	fks []fkCheck
	// writes reports whether the transaction changed anything.
	writes bool
	// hasSequence reports whether the schema has sqlite_sequence.
	hasSequence bool
}

// change is one row the transaction wrote: its image in the snapshot and
// its final image (nil where the row does not exist).
type change struct {
	info          *tableInfo
	rowid         int64
	before, after []engine.Value
}

// changed reports whether the transaction changed the row (it may have
// written it back as it was).
func (ch *change) changed() bool { return !sameImage(ch.before, ch.after) }

// autoPick is a table in which the engine picked the rowid of an insert:
// in SQLite, the largest rowid of the table plus one, or of its
// AUTOINCREMENT counter if larger.
type autoPick struct {
	info *tableInfo
	// top is the largest rowid in the snapshot among the rows the
	// transaction did not write (0 for none); seq the table's counter in
	// sqlite_sequence (nil for none).
	top     int64
	seq     *int64
	written map[int64]bool
}

// seqRaise is an AUTOINCREMENT counter the transaction raised.
type seqRaise struct {
	table string
	seq   int64
}

// collect reads what the commit checks and writes, from the snapshot
// (reader) and the transaction's database (overlay). It returns nil when
// the transaction wrote nothing.
func (t *ccTx) collect() (*plan, error) {
	cc := t.cc
	ws := &cc.ov.ws
	if len(ws.order) == 0 && len(ws.autoList) == 0 {
		return nil, nil
	}
	if cc.schema != t.schema || cc.tables == nil {
		cc.tables, cc.fks, cc.schema = make(map[string]*tableInfo), nil, t.schema
	}
	pl := &plan{schema: t.schema, changes: make([]change, 0, len(ws.order)), hasSequence: cc.ov.hasSequence}
	byTable := make(map[string]map[int64]bool)
	for _, ref := range ws.order {
		info, err := cc.table(ref.table)
		if err != nil {
			return nil, err
		}
		after, err := cc.ostmts.image(cc.ov.c, info.selectSQL, ref.rowid)
		if err != nil {
			return nil, err
		}
		before, err := cc.rstmts.image(cc.reader, info.selectSQL, ref.rowid)
		if err != nil {
			return nil, err
		}
		ch := change{info: info, rowid: ref.rowid, before: before, after: after}
		pl.writes = pl.writes || ch.changed()
		pl.changes = append(pl.changes, ch)
		rows := byTable[info.name]
		if rows == nil {
			rows = make(map[int64]bool)
			byTable[info.name] = rows
		}
		rows[ref.rowid] = true
	}
	seqBefore, err := cc.sequences(cc.reader, cc.rstmts)
	if err != nil {
		return nil, err
	}
	for _, name := range ws.autoList {
		info, err := cc.table(name)
		if err != nil {
			return nil, err
		}
		a := autoPick{info: info, written: byTable[info.name]}
		if a.top, err = info.top(cc.reader, cc.rstmts, a.written); err != nil {
			return nil, err
		}
		if seq, ok := seqBefore[info.name]; ok {
			a.seq = &seq
		}
		pl.autos = append(pl.autos, a)
	}
	seqAfter, err := cc.sequences(cc.ov.c, cc.ostmts)
	if err != nil {
		return nil, err
	}
	for name, seq := range seqAfter {
		if old, ok := seqBefore[name]; !ok || seq > old {
			pl.seqs = append(pl.seqs, seqRaise{table: name, seq: seq})
			pl.writes = true
		}
	}
	row, err := cc.ostmts.row(cc.ov.c, "PRAGMA foreign_keys")
	if err != nil {
		return nil, err
	}
	if row != nil && row[0].Int != 0 && pl.writes {
		if pl.fks, err = cc.foreignKeyChecks(pl); err != nil {
			return nil, err
		}
	}
	return pl, nil
}

// sequences reads sqlite_sequence on c: AUTOINCREMENT counters by table
// name. The table exists once a table with AUTOINCREMENT does.
func (cc *concurrent) sequences(c *conn, stmts stmtMap) (map[string]int64, error) {
	return sequencesOf(c, stmts, cc.ov.hasSequence)
}

// commit checks and applies a transaction's plan in one transaction of the
// pool's writer.
func (p *pool) commit(pl *plan, base *conn) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	w, err := p.writerConn()
	if err != nil {
		return err
	}
	if err := w.Exec("BEGIN IMMEDIATE"); err != nil {
		return err
	}
	if err := p.apply(pl, w, base); err != nil {
		if C.sqlite3_get_autocommit(w.db) == 0 {
			w.Exec("ROLLBACK")
		}
		return err
	}
	return nil
}

// apply checks and writes a plan in the writer's transaction, and commits
// it.
func (p *pool) apply(pl *plan, w *conn, base *conn) error {
	row, err := p.wstmts.row(w, "PRAGMA main.schema_version")
	if err != nil {
		return err
	}
	if row == nil || row[0].Int != pl.schema {
		return &engine.ConflictError{Reason: "the schema changed since the transaction began"}
	}
	for _, ch := range pl.changes {
		cur, err := p.wstmts.image(w, ch.info.selectSQL, ch.rowid)
		if err != nil {
			return err
		}
		if !sameImage(cur, ch.before) {
			return &engine.ConflictError{Table: ch.info.name, RowID: ch.rowid}
		}
	}
	if len(pl.autos) > 0 {
		seqs, err := sequencesOf(w, p.wstmts, pl.hasSequence)
		if err != nil {
			return err
		}
		for _, a := range pl.autos {
			top, err := a.info.top(w, p.wstmts, a.written)
			if err != nil {
				return err
			}
			seq, hasSeq := seqs[a.info.name]
			if top != a.top || hasSeq != (a.seq != nil) || (hasSeq && seq != *a.seq) {
				return &engine.ConflictError{Table: a.info.name}
			}
		}
	}
	if !pl.writes {
		return w.Exec("COMMIT")
	}
	// Delete, then insert: a transaction that swapped unique values
	// between rows applies in any order.
	arg := make([]engine.Value, 1)
	for _, ch := range pl.changes {
		if ch.before == nil || !ch.changed() {
			continue
		}
		arg[0] = engine.Value{Kind: engine.KindInteger, Int: ch.rowid}
		if err := p.wstmts.exec(w, ch.info.deleteSQL, arg); err != nil {
			return err
		}
	}
	for _, ch := range pl.changes {
		if ch.after == nil || !ch.changed() {
			continue
		}
		args := append([]engine.Value{{Kind: engine.KindInteger, Int: ch.rowid}}, ch.after...)
		if err := p.wstmts.exec(w, ch.info.insertSQL, args); err != nil {
			return constraintConflict(err, ch.info.name, ch.rowid)
		}
	}
	for _, s := range pl.seqs {
		if err := p.raiseSequence(w, s); err != nil {
			return err
		}
	}
	for _, fk := range pl.fks {
		if err := fk.run(w, p.wstmts); err != nil {
			return err
		}
	}
	if hooks := base.hooks; hooks != nil {
		if err := hooks.vetoes(); err != nil {
			return &engine.Error{Code: engine.CodeConstraint, ExtendedCode: engine.CodeConstraint | 2<<8, Message: "constraint failed: the commit hook turned the commit into a rollback", Err: err}
		}
	}
	return w.Exec("COMMIT")
}

// sequencesOf reads sqlite_sequence on c, which exists (as of the
// snapshot's schema) once a table with AUTOINCREMENT does: the
// AUTOINCREMENT counters by table name.
func sequencesOf(c *conn, stmts stmtMap, exists bool) (map[string]int64, error) {
	seqs := make(map[string]int64)
	if !exists {
		return seqs, nil
	}
	err := stmts.each(c, "SELECT name, seq FROM main.sqlite_sequence", nil, func(row []engine.Value) {
		if row[0].Kind == engine.KindText && row[1].Kind == engine.KindInteger {
			seqs[strings.Clone(row[0].Data)] = row[1].Int
		}
	})
	return seqs, err
}

// raiseSequence raises an AUTOINCREMENT counter to at least s.seq.
func (p *pool) raiseSequence(w *conn, s seqRaise) error {
	args := []engine.Value{{Kind: engine.KindText, Data: s.table}, {Kind: engine.KindInteger, Int: s.seq}}
	row, err := p.wstmts.row(w, "SELECT seq FROM main.sqlite_sequence WHERE name = ?1", args[0])
	if err != nil {
		return err
	}
	switch {
	case row == nil:
		return p.wstmts.exec(w, "INSERT INTO main.sqlite_sequence(name, seq) VALUES (?1, ?2)", args)
	case row[0].Kind != engine.KindInteger || row[0].Int < s.seq:
		return p.wstmts.exec(w, "UPDATE main.sqlite_sequence SET seq = ?2 WHERE name = ?1", args)
	}
	return nil
}

// constraintConflict turns the UNIQUE or PRIMARY KEY failure of a row
// image, which passed against the snapshot, into the conflict it is: a
// transaction committed meanwhile holds the value.
func constraintConflict(err error, table string, rowid int64) error {
	var ee *engine.Error
	if errors.As(err, &ee) && ee.Code == engine.CodeConstraint {
		return &engine.ConflictError{Table: table, RowID: rowid, Err: ee}
	}
	return err
}

// tableInfo is how the commit reads and writes the rows of one table.
type tableInfo struct {
	name  string
	rowid string // a name of the rowid that no column hides
	// cols are the lower-cased names of the stored columns, in the order
	// of the images.
	cols []string
	// selectSQL reads the stored columns of the row of rowid ?1;
	// deleteSQL deletes it; insertSQL inserts rowid ?1 with the stored
	// columns from ?2 on; topSQL lists the rowids, largest first.
	selectSQL, deleteSQL, insertSQL, topSQL string
}

// table describes a table of the snapshot, read through the reader.
func (cc *concurrent) table(name string) (*tableInfo, error) {
	if info := cc.tables[strings.ToLower(name)]; info != nil {
		return info, nil
	}
	var cols, lower []string
	const q = "SELECT name, hidden FROM pragma_table_xinfo(?1, 'main')"
	err := cc.rstmts.each(cc.reader, q, []engine.Value{{Kind: engine.KindText, Data: name}}, func(row []engine.Value) {
		if row[1].Int == 0 { // not hidden, not generated
			name := strings.Clone(row[0].Data)
			cols = append(cols, quoteIdent(name))
			lower = append(lower, strings.ToLower(name))
		}
	})
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("libsql: concurrent commit: table %s has no stored columns in the snapshot", name)
	}
	rowid := ""
	if t := cc.ov.tables[strings.ToLower(name)]; t != nil {
		rowid = t.rowid
	}
	if rowid == "" {
		if rowid, err = rowidName(cc.reader, name); err != nil {
			return nil, err
		}
	}
	table := "main." + quoteIdent(name)
	params := make([]string, len(cols))
	for i := range cols {
		params[i] = fmt.Sprintf("?%d", i+2)
	}
	info := &tableInfo{
		name:      name,
		rowid:     rowid,
		cols:      lower,
		selectSQL: fmt.Sprintf("SELECT %s FROM %s WHERE %s = ?1", strings.Join(cols, ", "), table, rowid),
		deleteSQL: fmt.Sprintf("DELETE FROM %s WHERE %s = ?1", table, rowid),
		insertSQL: fmt.Sprintf("INSERT INTO %s(%s, %s) VALUES (?1, %s)", table, rowid, strings.Join(cols, ", "), strings.Join(params, ", ")),
		topSQL:    fmt.Sprintf("SELECT %s FROM %s ORDER BY %s DESC", rowid, table, rowid),
	}
	cc.tables[strings.ToLower(name)] = info
	return info, nil
}

// top returns the largest rowid of the table on c among the rows not in
// written, or 0.
func (info *tableInfo) top(c *conn, stmts stmtMap, written map[int64]bool) (int64, error) {
	s, err := stmts.get(c, info.topSQL)
	if err != nil {
		return 0, err
	}
	defer s.Reset()
	for ok, err := s.Start(nil); ; ok, err = s.Step() {
		if err != nil || !ok {
			return 0, err
		}
		if r := s.Row()[0].Int; !written[r] {
			return r, nil
		}
	}
}

// sameImage reports whether two row images (nil: no row) are equal, value
// for value and type for type.
func sameImage(a, b []engine.Value) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameValue(&a[i], &b[i]) {
			return false
		}
	}
	return true
}

func sameValue(x, y *engine.Value) bool {
	if x.Kind != y.Kind {
		return false
	}
	switch x.Kind {
	case engine.KindInteger:
		return x.Int == y.Int
	case engine.KindFloat:
		return math.Float64bits(x.Float) == math.Float64bits(y.Float)
	case engine.KindText, engine.KindBlob:
		return x.Data == y.Data
	}
	return true
}

// stmtMap keeps the prepared statements the mechanism runs on one
// connection, by SQL text.
type stmtMap map[string]engine.Stmt

func (m stmtMap) get(c *conn, query string) (engine.Stmt, error) {
	if s := m[query]; s != nil {
		return s, nil
	}
	s, _, err := c.Prepare(query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, fmt.Errorf("libsql: empty statement %q", query)
	}
	m[query] = s
	return s, nil
}

// each runs query with args and calls f with every row (valid during the
// call only).
func (m stmtMap) each(c *conn, query string, args []engine.Value, f func([]engine.Value)) error {
	s, err := m.get(c, query)
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
func (m stmtMap) row(c *conn, query string, args ...engine.Value) ([]engine.Value, error) {
	s, err := m.get(c, query)
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
func (m stmtMap) image(c *conn, query string, rowid int64) ([]engine.Value, error) {
	return m.row(c, query, engine.Value{Kind: engine.KindInteger, Int: rowid})
}

// exec runs a statement that returns no rows.
func (m stmtMap) exec(c *conn, query string, args []engine.Value) error {
	s, err := m.get(c, query)
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
