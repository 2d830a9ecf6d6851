package libsql

/*
#include <stdlib.h>
#include "overlay.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime/cgo"
	"strings"

	"github.com/turso-go/turso/internal/engine"
)

// overlay is a database connection whose database is the snapshot that a
// reader connection sees inside its read transaction, plus the overlay's
// own writes, which it keeps in memory and never writes to the file: the
// place where a concurrent transaction's statements run (concurrent.go).
//
// Its database is served by the overlay VFS of overlay.c, registered, once
// per process and not as the default VFS, the first time an overlay opens;
// the VFS refuses to open any database that an overlay did not ask for.
// The snapshot's pages are read through the reader (sqlite_dbpage, which
// honours the reader's WAL snapshot) and presented as a rollback-journal
// database whose change counter changes with every snapshot, so that the
// overlay's page cache and parsed schema are reused while still valid.
//
// The overlay records which rows of the main database a transaction
// writes, in its write set:
//   - its update hook reports every row inserted, updated or deleted (the
//     new rowid of an update), also by triggers and foreign key actions;
//     the authorizer turns off the truncate optimization, which bypasses
//     the hook, by answering SQLITE_IGNORE to deletes;
//   - the overlay's own TEMP triggers on every tracked table report what
//     the hook cannot: the old rowid of an update that changes a rowid
//     (also through ON UPDATE CASCADE), and inserts whose rowid the
//     engine picks (concurrent.go checks, at commit, that the engine
//     would still pick the same).
//
// What it cannot track it refuses, when the statement is prepared, with an
// error of code CodeAuth that says why (see policy and tgAuthorize).
//
// Its hooks and the note function of its triggers run on the goroutine
// that runs the overlay's statements, so the fields they use need no lock.
type overlay struct {
	c      *conn // the overlay's database connection
	reader *conn
	snap   *C.tg_snap
	h      cgo.Handle
	// base is the connection whose transactions run on the overlay: its
	// update hook also sees the overlay's writes.
	base *conn
	// setup is the pool's pragmas that apply to the overlay.
	setup string

	// schema is the schema version that tables and the triggers were made
	// for (-1: none yet); tables maps lower-cased table names to what the
	// overlay does with writes to them; triggers counts the tables that
	// have the overlay's TEMP triggers.
	schema   int64
	tables   map[string]*tablePolicy
	triggers int
	// hasSequence reports whether the snapshot has sqlite_sequence.
	hasSequence bool
	// denied is why the authorizer refused the statement being prepared;
	// savepoint is the savepoint operation it performs.
	denied    string
	savepoint *savepointOp
	// internal is set while the overlay runs its own statements, which the
	// authorizer lets through; preparing while it prepares a statement of
	// the transaction (statements that extensions prepare while another
	// runs are not the transaction's own).
	internal, preparing bool

	ws writeSet
}

// tablePolicy is what the overlay does with writes to one table of the
// snapshot.
type tablePolicy struct {
	name string
	// refused is why writes are refused, or "".
	refused string
	// derived marks a table that another maintains: the shadow table of a
	// virtual table, and the table of a vector index's data. Its writes
	// are not recorded: only the virtual table writes a shadow table, and
	// writes to virtual tables are refused; the commit maintains a vector
	// index as it writes the rows of the index's table.
	derived bool
	// indexData marks the table of a vector index's data, which the
	// statements of a transaction cannot write themselves.
	indexData bool
	// rowid is a name of the rowid that no column hides ("rowid",
	// "_rowid_" or "oid"), for a tracked table.
	rowid string
}

// rowRef names one row of a rowid table of the main database.
type rowRef struct {
	table string
	rowid int64
}

// savepointOp is a SAVEPOINT, RELEASE or ROLLBACK TO statement.
type savepointOp struct {
	op   string // "BEGIN", "RELEASE" or "ROLLBACK", as the authorizer says
	name string
}

// writeSet is what a transaction wrote, in order of first write: rows, and
// the tables in which the engine picked the rowid of an insert.
type writeSet struct {
	rows     map[rowRef]struct{}
	order    []rowRef
	autos    map[string]struct{}
	autoList []string
	// marks are the open savepoints, innermost last.
	marks []savepointMark
}

// savepointMark is where a savepoint began in the write set.
type savepointMark struct {
	name        string
	rows, autos int
}

func (w *writeSet) reset() {
	if w.rows == nil {
		w.rows, w.autos = make(map[rowRef]struct{}), make(map[string]struct{})
	}
	clear(w.rows)
	clear(w.autos)
	w.order, w.autoList, w.marks = w.order[:0], w.autoList[:0], w.marks[:0]
}

func (w *writeSet) addRow(ref rowRef) {
	if _, ok := w.rows[ref]; !ok {
		w.rows[ref] = struct{}{}
		w.order = append(w.order, ref)
	}
}

func (w *writeSet) addAuto(table string) {
	if _, ok := w.autos[table]; !ok {
		w.autos[table] = struct{}{}
		w.autoList = append(w.autoList, table)
	}
}

// savepoint applies a savepoint operation that succeeded: a ROLLBACK TO
// forgets what was written since the savepoint began, which the rollback
// undid.
func (w *writeSet) savepoint(sp *savepointOp) {
	i := len(w.marks) - 1
	for i >= 0 && !strings.EqualFold(w.marks[i].name, sp.name) {
		i--
	}
	switch sp.op {
	case "BEGIN":
		w.marks = append(w.marks, savepointMark{name: sp.name, rows: len(w.order), autos: len(w.autoList)})
	case "RELEASE":
		if i >= 0 {
			w.marks = w.marks[:i]
		}
	case "ROLLBACK":
		if i < 0 {
			return
		}
		m := w.marks[i]
		for _, ref := range w.order[m.rows:] {
			delete(w.rows, ref)
		}
		for _, t := range w.autoList[m.autos:] {
			delete(w.autos, t)
		}
		w.order, w.autoList, w.marks = w.order[:m.rows], w.autoList[:m.autos], w.marks[:i+1]
	}
}

// openOverlay prepares an overlay over reader's snapshots, for the
// transactions of base. Its database connection opens on the first begin.
func openOverlay(base, reader *conn, setup string) (*overlay, error) {
	var rc C.int
	snap := C.tg_snap_new(reader.db, &rc)
	if snap == nil {
		if rc == C.SQLITE_NOMEM {
			return nil, &engine.Error{Code: engine.CodeNoMem, ExtendedCode: engine.CodeNoMem, Message: "out of memory"}
		}
		return nil, lastError(reader.db)
	}
	o := &overlay{c: &conn{stmts: make(map[*stmt]struct{})}, reader: reader, base: base, snap: snap, setup: setup, schema: -1}
	o.h = cgo.NewHandle(o)
	return o, nil
}

// begin attaches the overlay to the reader's current read transaction,
// whose database has npages pages of pageSize bytes and the given schema
// version, begins a transaction and starts recording its writes.
func (o *overlay) begin(npages, pageSize int, schemaVersion int64) error {
	C.tg_snap_begin(o.snap, C.uint(npages), C.int(pageSize))
	if err := o.start(schemaVersion); err != nil {
		C.tg_snap_end(o.snap)
		return err
	}
	return nil
}

func (o *overlay) start(schemaVersion int64) error {
	if o.c.db == nil {
		if err := o.open(); err != nil {
			return err
		}
	}
	if !o.c.Autocommit() {
		// A transaction left behind by a failure: drop it.
		if err := o.internalExec("ROLLBACK"); err != nil {
			return err
		}
	}
	if schemaVersion != o.schema {
		if err := o.prepareSchema(); err != nil {
			o.schema = -1
			return err
		}
		o.schema = schemaVersion
	}
	o.ws.reset()
	return o.internalExec("BEGIN")
}

// open opens the overlay's connection and sets it up: journal and temporary
// files in memory, no locking of its own, then the pool's pragmas.
func (o *overlay) open() error {
	var db *C.sqlite3
	rc := C.tg_overlay_open(o.snap, &db)
	if rc != C.SQLITE_OK {
		var err error = &engine.Error{Code: int(rc) & 0xff, ExtendedCode: int(rc), Message: C.GoString(C.sqlite3_errstr(rc))}
		if db != nil {
			err = lastError(db)
			C.sqlite3_close_v2(db)
		}
		return err
	}
	o.c.db = db
	if rc := C.tg_overlay_hooks(db, C.uintptr_t(o.h)); rc != C.SQLITE_OK {
		err := lastError(db)
		o.c.Close()
		return err
	}
	err := o.internalExec("PRAGMA journal_mode = MEMORY; PRAGMA temp_store = MEMORY; PRAGMA locking_mode = NORMAL;" + o.setup)
	if err != nil {
		C.tg_overlay_hooks(db, 0)
		o.c.Close()
		return err
	}
	return nil
}

// prepareSchema reads, through the reader, the tables of the snapshot and
// what to do with writes to them, and makes the overlay's TEMP triggers on
// the tables it tracks. It runs outside any transaction of the overlay, so
// that the triggers outlive it.
func (o *overlay) prepareSchema() error {
	tables, hasSequence, err := o.policy()
	if err != nil {
		return err
	}
	var b strings.Builder
	for i := range o.triggers {
		fmt.Fprintf(&b, "DROP TRIGGER IF EXISTS temp.turso_cc_%d_moved; DROP TRIGGER IF EXISTS temp.turso_cc_%d_auto;", i, i)
	}
	n := 0
	for _, t := range tables {
		if t.refused != "" || t.derived {
			continue
		}
		// The rowid of an update that changes it (the update hook reports
		// only the new one), and inserts whose rowid the engine picks
		// (NEW.rowid is -1 in a BEFORE INSERT trigger then).
		table, lit := quoteIdent(t.name), quoteLiteral(t.name)
		fmt.Fprintf(&b, "CREATE TEMP TRIGGER turso_cc_%d_moved AFTER UPDATE ON main.%s WHEN OLD.%s IS NOT NEW.%s BEGIN SELECT turso_cc_note(1, %s, OLD.%s); END;",
			n, table, t.rowid, t.rowid, lit, t.rowid)
		fmt.Fprintf(&b, "CREATE TEMP TRIGGER turso_cc_%d_auto BEFORE INSERT ON main.%s WHEN NEW.%s = -1 BEGIN SELECT turso_cc_note(2, %s, 0); END;",
			n, table, t.rowid, lit)
		n++
	}
	o.triggers = 0
	if err := o.internalExec(b.String()); err != nil {
		return err
	}
	o.tables, o.triggers, o.hasSequence = tables, n, hasSequence
	return nil
}

// policy lists the tables of the snapshot and what the overlay does with
// writes to them.
func (o *overlay) policy() (map[string]*tablePolicy, bool, error) {
	tables := make(map[string]*tablePolicy)
	hasSequence := false
	// Row values view the engine's memory: names kept are cloned.
	var rowidTables []*tablePolicy
	err := queryRows(o.reader, "SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main'", func(row []engine.Value) {
		t := &tablePolicy{name: strings.Clone(row[0].Data)}
		switch {
		case strings.EqualFold(t.name, "sqlite_sequence"):
			hasSequence = true
			return
		case strings.HasPrefix(strings.ToLower(t.name), "sqlite_"):
			return // the authorizer refuses writes to system tables
		case row[1].Data == "virtual":
			t.refused = fmt.Sprintf("turso: table %s is a virtual table, which a concurrent transaction cannot write", t.name)
		case row[1].Data == "shadow":
			// Only the virtual table writes it (SQLITE_DBCONFIG_DEFENSIVE
			// refuses the statements of the transaction), and writes to
			// the virtual table are refused: reads may prepare writes.
			t.derived = true
		case row[2].Int != 0:
			t.refused = fmt.Sprintf("turso: table %s is a WITHOUT ROWID table, which a concurrent transaction cannot write", t.name)
		default:
			rowidTables = append(rowidTables, t)
		}
		tables[strings.ToLower(t.name)] = t
	})
	if err != nil {
		return nil, false, err
	}
	hasVector := false
	err = queryRows(o.reader, "SELECT type, name, tbl_name, sql FROM main.sqlite_schema WHERE type IN ('table', 'trigger') AND sql IS NOT NULL", func(row []engine.Value) {
		if row[0].Data == "table" && strings.EqualFold(row[1].Data, "libsql_vector_meta_shadow") {
			hasVector = true
		}
		if !HasReplace(row[3].Data) {
			return
		}
		t := tables[strings.ToLower(row[2].Data)]
		if t == nil || t.refused != "" {
			return
		}
		if row[0].Data == "table" {
			t.refused = fmt.Sprintf("turso: table %s declares ON CONFLICT REPLACE, which a concurrent transaction cannot track: its deletions bypass the change hook", t.name)
		} else {
			t.refused = fmt.Sprintf("turso: table %s has trigger %s using REPLACE, which a concurrent transaction cannot track: its deletions bypass the change hook", t.name, row[1].Data)
		}
	})
	if err != nil {
		return nil, false, err
	}
	if hasVector {
		// A vector index keeps its graph in the table <index>_shadow,
		// which the index writes whenever a row of its table changes.
		err = queryRows(o.reader, "SELECT name FROM main.libsql_vector_meta_shadow", func(row []engine.Value) {
			if t := tables[strings.ToLower(row[0].Data+"_shadow")]; t != nil {
				t.derived, t.indexData = true, true
			}
		})
		if err != nil {
			return nil, false, err
		}
	}
	for _, t := range rowidTables {
		if t.derived {
			continue
		}
		if t.rowid, err = rowidName(o.reader, t.name); err != nil {
			return nil, false, err
		}
	}
	return tables, hasSequence, nil
}

// rowidName returns a name of the rowid of table that no column of the
// table hides.
func rowidName(c *conn, table string) (string, error) {
	names := map[string]bool{}
	err := queryRowsArgs(c, "SELECT name FROM pragma_table_xinfo(?1, 'main')", []engine.Value{{Kind: engine.KindText, Data: table}}, func(row []engine.Value) {
		names[strings.ToLower(strings.Clone(row[0].Data))] = true
	})
	if err != nil {
		return "", err
	}
	for _, alias := range []string{"rowid", "_rowid_", "oid"} {
		if !names[alias] {
			return alias, nil
		}
	}
	return "", fmt.Errorf("libsql: table %s has columns named rowid, _rowid_ and oid, so a concurrent transaction cannot name its rowid", table)
}

// queryRows runs query on c and calls f with each row (valid only during
// the call).
func queryRows(c *conn, query string, f func(row []engine.Value)) error {
	return queryRowsArgs(c, query, nil, f)
}

func queryRowsArgs(c *conn, query string, args []engine.Value, f func(row []engine.Value)) error {
	s, _, err := c.Prepare(query)
	if err != nil {
		return err
	}
	defer s.Close()
	for ok, err := s.Start(args); ; ok, err = s.Step() {
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		f(s.Row())
	}
}

func (o *overlay) internalExec(sql string) error {
	o.internal = true
	defer func() { o.internal = false }()
	return o.c.Exec(sql)
}

// end rolls the overlay's transaction back and drops its pages.
func (o *overlay) end() error {
	var err error
	if o.c.db != nil && !o.c.Autocommit() {
		err = o.internalExec("ROLLBACK")
	}
	C.tg_snap_end(o.snap)
	o.ws.reset()
	return err
}

// compile compiles the first statement of sql, a statement of the
// transaction, refusing REPLACE conflict resolution and what the
// authorizer refuses, with an error that says why.
func (o *overlay) compile(sql string) (compiled, string, error) {
	o.denied, o.savepoint, o.preparing = "", nil, true
	s, rest, err := compileOn(o.c.db, sql)
	o.preparing = false
	if err != nil {
		return compiled{}, "", o.explain(err)
	}
	if s == nil {
		return compiled{}, rest, nil
	}
	text := sql[:len(sql)-len(rest)]
	if HasReplace(text) {
		C.sqlite3_finalize(s)
		return compiled{}, "", refusal("turso: REPLACE conflict resolution is not supported inside a concurrent transaction (its deletions bypass the change hook); use INSERT ... ON CONFLICT DO UPDATE")
	}
	cs, err := newCompiled(s, o.c.db)
	if err != nil {
		return compiled{}, "", err
	}
	cs.savepoint = o.savepoint
	return cs, rest, nil
}

// refusal is the error of a statement that a concurrent transaction
// refuses.
func refusal(msg string) error {
	return &engine.Error{Code: engine.CodeAuth, ExtendedCode: engine.CodeAuth, Message: msg}
}

// explain replaces the engine's "not authorized" with the authorizer's
// reason, and the refusal of a write to a virtual table's shadow table
// with one that says why.
func (o *overlay) explain(err error) error {
	var ee *engine.Error
	if !errors.As(err, &ee) {
		return err
	}
	if o.denied != "" && ee.Code == engine.CodeAuth {
		return refusal(o.denied)
	}
	if table, ok := strings.CutPrefix(ee.Message, "table "); ok && strings.HasSuffix(table, " may not be modified") {
		table = strings.TrimSuffix(table, " may not be modified")
		if t := o.tables[strings.ToLower(table)]; t != nil && t.derived {
			return refusal(fmt.Sprintf("turso: table %s is the shadow table of a virtual table, which a concurrent transaction cannot write", table))
		}
	}
	return err
}

// close closes the overlay's connection. The statements of the base
// connection compiled on it must be finalized before.
func (o *overlay) close() {
	if o.c.db != nil {
		C.tg_overlay_hooks(o.c.db, 0)
		o.c.Close()
	}
	C.tg_snap_free(o.snap)
	o.snap = nil
	o.h.Delete()
}

//export tgUpdateHook
func tgUpdateHook(h C.uintptr_t, op C.int, db, table *C.char, rowid C.sqlite3_int64) {
	o := cgo.Handle(h).Value().(*overlay)
	schema, name := C.GoString(db), C.GoString(table)
	if hooks := o.base.hooks; hooks != nil && hooks.update != nil {
		// The base connection's own update hook sees the transaction's
		// writes, as it would see those of an ordinary one.
		hooks.update(int(op), schema, name, int64(rowid))
	}
	if schema != "main" {
		return // a TEMP table: private to the overlay
	}
	if t := o.tables[strings.ToLower(name)]; t != nil && t.derived {
		return
	}
	o.ws.addRow(rowRef{table: name, rowid: int64(rowid)})
}

// The kinds of notes the overlay's triggers make (turso_cc_note's first
// argument).
const (
	noteMoved = 1 // an update moved row (table, rowid) to another rowid
	noteAuto  = 2 // an insert into table has its rowid picked by the engine
)

//export tgOverlayNote
func tgOverlayNote(h C.uintptr_t, kind C.int, table *C.char, rowid C.sqlite3_int64) {
	o := cgo.Handle(h).Value().(*overlay)
	switch kind {
	case noteMoved:
		o.ws.addRow(rowRef{table: C.GoString(table), rowid: int64(rowid)})
	case noteAuto:
		o.ws.addAuto(C.GoString(table))
	}
}

// pragmasRefused are the pragmas that write the database header or
// otherwise change the database outside of rows; a concurrent transaction
// refuses them when they are given a value (or always, for the ones that
// act without one).
var pragmasRefused = map[string]bool{
	"application_id": true, "user_version": true, "schema_version": true,
	"journal_mode": true, "locking_mode": true, "page_size": true,
	"auto_vacuum": true, "writable_schema": true, "encoding": true,
	"max_page_count": true, "legacy_file_format": true,
}

var pragmasAlwaysRefused = map[string]bool{
	"incremental_vacuum": true, "wal_checkpoint": true, "optimize": true,
}

const schemaRefused = "turso: schema changes (CREATE, DROP, ALTER, REINDEX, ANALYZE) are not supported inside a concurrent transaction"

//export tgAuthorize
func tgAuthorize(h C.uintptr_t, action C.int, a1, a2, a3, _ *C.char) C.int {
	o := cgo.Handle(h).Value().(*overlay)
	if o.internal {
		return C.SQLITE_OK
	}
	deny := func(reason string) C.int {
		if o.denied == "" { // the first refusal is the one to report
			o.denied = reason
		}
		return C.SQLITE_DENY
	}
	switch action {
	case C.SQLITE_CREATE_INDEX, C.SQLITE_CREATE_TABLE, C.SQLITE_CREATE_TEMP_INDEX, C.SQLITE_CREATE_TEMP_TABLE,
		C.SQLITE_CREATE_TEMP_TRIGGER, C.SQLITE_CREATE_TEMP_VIEW, C.SQLITE_CREATE_TRIGGER, C.SQLITE_CREATE_VIEW,
		C.SQLITE_DROP_INDEX, C.SQLITE_DROP_TABLE, C.SQLITE_DROP_TEMP_INDEX, C.SQLITE_DROP_TEMP_TABLE,
		C.SQLITE_DROP_TEMP_TRIGGER, C.SQLITE_DROP_TEMP_VIEW, C.SQLITE_DROP_TRIGGER, C.SQLITE_DROP_VIEW,
		C.SQLITE_ALTER_TABLE, C.SQLITE_REINDEX, C.SQLITE_ANALYZE, C.SQLITE_CREATE_VTABLE, C.SQLITE_DROP_VTABLE:
		return deny(schemaRefused)
	case C.SQLITE_ATTACH, C.SQLITE_DETACH:
		return deny("turso: ATTACH and DETACH are not supported inside a concurrent transaction")
	case C.SQLITE_TRANSACTION:
		return deny("turso: BEGIN, COMMIT and ROLLBACK cannot run inside a concurrent transaction: end it with the Tx's Commit or Rollback (SAVEPOINT works)")
	case C.SQLITE_SAVEPOINT:
		if o.preparing && a1 != nil && a2 != nil {
			o.savepoint = &savepointOp{op: C.GoString(a1), name: C.GoString(a2)}
		}
	case C.SQLITE_PRAGMA:
		name := strings.ToLower(C.GoString(a1))
		if pragmasAlwaysRefused[name] || (a2 != nil && pragmasRefused[name]) {
			return deny(fmt.Sprintf("turso: PRAGMA %s is not supported inside a concurrent transaction", name))
		}
	case C.SQLITE_INSERT, C.SQLITE_UPDATE, C.SQLITE_DELETE:
		if a3 == nil || C.GoString(a3) != "main" {
			return C.SQLITE_OK
		}
		table := C.GoString(a1)
		lower := strings.ToLower(table)
		if lower == "sqlite_master" || lower == "sqlite_schema" {
			return deny(schemaRefused)
		}
		if strings.HasPrefix(lower, "sqlite_") {
			return deny(fmt.Sprintf("turso: a concurrent transaction cannot write the system table %s", table))
		}
		if t := o.tables[lower]; t != nil {
			switch {
			case t.refused != "":
				return deny(t.refused)
			case t.indexData && o.preparing:
				// The statement's own write, not the index's.
				return deny(fmt.Sprintf("turso: table %s holds the data of a vector index, which only the index writes", table))
			}
		}
		if action == C.SQLITE_DELETE {
			// Delete row by row, so that the update hook sees every row:
			// IGNORE on a DELETE turns off the truncate optimization.
			return C.SQLITE_IGNORE
		}
	}
	return C.SQLITE_OK
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// quoteLiteral quotes an SQL string literal.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// HasReplace reports whether sql uses REPLACE as a conflict resolution
// (REPLACE INTO, INSERT OR REPLACE, UPDATE OR REPLACE, ON CONFLICT
// REPLACE), as opposed to the replace() function. Literals, quoted
// identifiers and comments are skipped.
func HasReplace(sql string) bool {
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == '\'' || c == '"' || c == '`' || c == '[':
			end := c
			if c == '[' {
				end = ']'
			}
			i++
			for i < len(sql) {
				if sql[i] == end {
					if end != ']' && i+1 < len(sql) && sql[i+1] == end {
						i += 2
						continue
					}
					break
				}
				i++
			}
			i++
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			j := strings.Index(sql[i+2:], "*/")
			if j < 0 {
				return false
			}
			i += j + 4
		case isIdentChar(c):
			j := i
			for j < len(sql) && isIdentChar(sql[j]) {
				j++
			}
			if strings.EqualFold(sql[i:j], "replace") {
				k := j
				for k < len(sql) && (sql[k] == ' ' || sql[k] == '\t' || sql[k] == '\n' || sql[k] == '\r') {
					k++
				}
				if k >= len(sql) || sql[k] != '(' {
					return true
				}
			}
			i = j
		default:
			i++
		}
	}
	return false
}

func isIdentChar(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}
