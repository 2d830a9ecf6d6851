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

var _ engine.OverlayEngine = Engine{}

// OpenOverlay returns an overlay connection over reader's snapshots (see
// engine.OverlayEngine). The overlay's database is served by the overlay
// VFS of overlay.c, which is registered, once per process and not as the
// default VFS, the first time an overlay opens; the VFS refuses to open any
// database that OpenOverlay did not ask for.
func (Engine) OpenOverlay(reader engine.Conn, pageSize int, setup string) (engine.Overlay, error) {
	r, ok := reader.(*conn)
	if !ok || r.db == nil {
		return nil, fmt.Errorf("libsql: OpenOverlay: reader is not an open libsql connection")
	}
	var rc C.int
	snap := C.tg_snap_new(r.db, C.int(pageSize), &rc)
	if snap == nil {
		if rc == C.SQLITE_NOMEM {
			return nil, &engine.Error{Code: engine.CodeNoMem, ExtendedCode: engine.CodeNoMem, Message: "out of memory"}
		}
		return nil, lastError(r.db)
	}
	o := &overlay{c: &conn{stmts: make(map[*stmt]struct{})}, reader: r, snap: snap, setup: setup, schema: -1}
	o.h = cgo.NewHandle(o)
	return o, nil
}

// overlay is a connection over the snapshot of a reader connection.
//
// Its hooks (the update hook and the authorizer) run on the goroutine that
// runs the overlay's statements, so the fields they use need no lock. It
// implements engine.Conn and nothing more, so that none of the optional
// engine features (hooks, backup, functions) can be used on it, which
// could disturb its own hooks.
type overlay struct {
	c      *conn
	reader *conn
	snap   *C.tg_snap
	h      cgo.Handle
	setup  string

	// schema is the schema version deny was computed for; deny maps the
	// lower-cased names of the tables whose writes are refused to why.
	schema int64
	deny   map[string]string
	// denied is why the authorizer refused the statement being prepared.
	denied string
	// internal is set while the overlay runs its own statements, which the
	// authorizer lets through.
	internal bool

	written map[engine.RowRef]struct{}
	order   []engine.RowRef
}

var _ engine.Overlay = (*overlay)(nil)

func (o *overlay) Begin(npages int, schemaVersion int64) error {
	if o.snap == nil {
		return engine.ErrClosed
	}
	C.tg_snap_begin(o.snap, C.uint(npages))
	if err := o.begin(schemaVersion); err != nil {
		C.tg_snap_end(o.snap)
		return err
	}
	return nil
}

func (o *overlay) begin(schemaVersion int64) error {
	if o.c.db == nil {
		if err := o.open(); err != nil {
			return err
		}
	}
	if schemaVersion != o.schema {
		deny, err := o.policy()
		if err != nil {
			return err
		}
		o.deny, o.schema = deny, schemaVersion
	}
	clear(o.written)
	o.order = o.order[:0]
	return o.internalExec("BEGIN")
}

// open opens the overlay's connection and sets it up: journal and temporary
// files in memory, no locking of its own, then the caller's pragmas.
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
	o.written = make(map[engine.RowRef]struct{})
	C.tg_overlay_hooks(db, C.uintptr_t(o.h))
	err := o.internalExec("PRAGMA journal_mode = MEMORY; PRAGMA temp_store = MEMORY; PRAGMA locking_mode = NORMAL;" + o.setup)
	if err != nil {
		C.tg_overlay_hooks(db, 0)
		o.c.Close()
		return err
	}
	return nil
}

// policy lists the tables of the snapshot whose writes the overlay cannot
// track, reading the schema through the reader.
func (o *overlay) policy() (map[string]string, error) {
	deny := make(map[string]string)
	// Row values view the engine's memory: names kept are cloned.
	err := queryRows(o.reader, "SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main'", func(row []engine.Value) {
		name := strings.Clone(row[0].Data)
		switch {
		case row[1].Data == "virtual":
			deny[strings.ToLower(name)] = fmt.Sprintf("turso: table %s is a virtual table, which a concurrent transaction cannot write", name)
		case row[1].Data == "shadow":
			deny[strings.ToLower(name)] = fmt.Sprintf("turso: table %s is the shadow table of a virtual table, which a concurrent transaction cannot write", name)
		case row[2].Int != 0:
			deny[strings.ToLower(name)] = fmt.Sprintf("turso: table %s is a WITHOUT ROWID table, which a concurrent transaction cannot write", name)
		}
	})
	if err != nil {
		return nil, err
	}
	err = queryRows(o.reader, "SELECT type, name, tbl_name, sql FROM main.sqlite_schema WHERE type IN ('table', 'trigger') AND sql IS NOT NULL", func(row []engine.Value) {
		if !HasReplace(row[3].Data) {
			return
		}
		table := strings.Clone(row[2].Data)
		if _, ok := deny[strings.ToLower(table)]; ok {
			return
		}
		if row[0].Data == "table" {
			deny[strings.ToLower(table)] = fmt.Sprintf("turso: table %s declares ON CONFLICT REPLACE, which a concurrent transaction cannot track: its deletions bypass the change hook", table)
		} else {
			deny[strings.ToLower(table)] = fmt.Sprintf("turso: table %s has trigger %s using REPLACE, which a concurrent transaction cannot track: its deletions bypass the change hook", table, row[1].Data)
		}
	})
	return deny, err
}

// queryRows runs query on c and calls f with each row (valid only during
// the call).
func queryRows(c *conn, query string, f func(row []engine.Value)) error {
	s, _, err := c.Prepare(query)
	if err != nil {
		return err
	}
	defer s.Close()
	for ok, err := s.Start(nil); ; ok, err = s.Step() {
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

func (o *overlay) Written() []engine.RowRef { return o.order }

func (o *overlay) Changes() int64         { return o.c.Changes() }
func (o *overlay) LastInsertRowID() int64 { return o.c.LastInsertRowID() }
func (o *overlay) Autocommit() bool       { return o.c.Autocommit() }
func (o *overlay) Interrupt()             { o.c.Interrupt() }

// The pool's Go functions and collations are defined on the overlay too:
// the transaction's statements may call them.
var _ engine.FunctionRegistrar = (*overlay)(nil)

func (o *overlay) CreateFunction(name string, nargs int, deterministic bool, fn engine.ScalarFunc) error {
	return o.c.CreateFunction(name, nargs, deterministic, fn)
}

func (o *overlay) CreateAggregate(name string, nargs int, deterministic bool, newAgg func() (engine.AggregateFunc, error)) error {
	return o.c.CreateAggregate(name, nargs, deterministic, newAgg)
}

func (o *overlay) CreateCollation(name string, cmp func(a, b string) int) error {
	return o.c.CreateCollation(name, cmp)
}

func (o *overlay) End() error {
	if o.snap == nil {
		return engine.ErrClosed
	}
	var err error
	if o.c.db != nil && !o.c.Autocommit() {
		err = o.internalExec("ROLLBACK")
	}
	C.tg_snap_end(o.snap)
	clear(o.written)
	o.order = o.order[:0]
	return err
}

// Prepare prepares the first statement of sql, refusing REPLACE conflict
// resolution and what the authorizer refuses, with an error that says why.
func (o *overlay) Prepare(sql string) (engine.Stmt, string, error) {
	o.denied = ""
	s, tail, err := o.c.Prepare(sql)
	if err != nil {
		return nil, "", o.explain(err)
	}
	if s != nil && HasReplace(s.SQL()) {
		s.Close()
		return nil, "", &engine.Error{Code: engine.CodeAuth, ExtendedCode: engine.CodeAuth,
			Message: "turso: REPLACE conflict resolution is not supported inside a concurrent transaction (its deletions bypass the change hook); use INSERT ... ON CONFLICT DO UPDATE"}
	}
	return s, tail, nil
}

// Exec runs sql, which takes no arguments.
func (o *overlay) Exec(sql string) error {
	for sql != "" {
		s, tail, err := o.Prepare(sql)
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
		sql = tail
	}
	return nil
}

// explain replaces the engine's "not authorized" with the authorizer's
// reason.
func (o *overlay) explain(err error) error {
	var ee *engine.Error
	if o.denied != "" && errors.As(err, &ee) && ee.Code == engine.CodeAuth {
		return &engine.Error{Code: engine.CodeAuth, ExtendedCode: engine.CodeAuth, Message: o.denied}
	}
	return err
}

func (o *overlay) Close() error {
	if o.snap == nil {
		return nil
	}
	var err error
	if o.c.db != nil {
		C.tg_overlay_hooks(o.c.db, 0)
		err = o.c.Close()
	}
	C.tg_snap_free(o.snap)
	o.snap = nil
	o.h.Delete()
	return err
}

//export tgUpdateHook
func tgUpdateHook(h C.uintptr_t, op C.int, db, table *C.char, rowid C.sqlite3_int64) {
	o := cgo.Handle(h).Value().(*overlay)
	if C.GoString(db) != "main" {
		return // a TEMP table: private to the overlay
	}
	ref := engine.RowRef{Table: C.GoString(table), RowID: int64(rowid)}
	if _, ok := o.written[ref]; !ok {
		o.written[ref] = struct{}{}
		o.order = append(o.order, ref)
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
		if reason, ok := o.deny[lower]; ok {
			return deny(reason)
		}
		if action == C.SQLITE_DELETE {
			// Delete row by row, so that the update hook sees every row:
			// IGNORE on a DELETE turns off the truncate optimization.
			return C.SQLITE_IGNORE
		}
	}
	return C.SQLITE_OK
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
