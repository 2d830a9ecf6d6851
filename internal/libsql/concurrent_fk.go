//go:build cgo

package libsql

import (
	"fmt"
	"strings"

	"github.com/turso-go/turso/internal/engine"
)

// Foreign keys at commit
//
// A concurrent transaction's statements enforce foreign keys against its
// snapshot. At commit, rows committed meanwhile may break them: a parent
// deleted by one transaction while another inserts its child. So the
// commit checks, against the database as it is then, the foreign keys of
// every row the transaction changed: a row whose key refers to a parent
// must find it, and a parent key the transaction removed (deleted, or
// changed) must have no child left. Only those rows are checked, so the
// cost follows the transaction's size, and a violation that predates the
// transaction does not fail it. A failure is a conflict: the rows passed
// against the snapshot.

// fkey is one foreign key: columns from of table child refer to columns to
// of table parent (lower-cased names).
type fkey struct {
	child, parent string
	from, to      []string
	// childSQL finds the row of child with rowid ?1 when its key refers to
	// no parent; parentSQL finds a row of child that refers to the key
	// ?1, ?2, ... when no row of parent holds it.
	childSQL, parentSQL string
}

// fkGraph is the foreign keys of a schema, by child and by parent table
// (lower-cased names).
type fkGraph struct {
	byChild, byParent map[string][]*fkey
}

// foreignKeys reads the foreign keys of the snapshot's schema.
func (cc *concurrent) foreignKeys() (*fkGraph, error) {
	if cc.fks != nil {
		return cc.fks, nil
	}
	g := &fkGraph{byChild: map[string][]*fkey{}, byParent: map[string][]*fkey{}}
	const q = `SELECT m.name, f.id, f."table", f."from", f."to" FROM main.sqlite_schema AS m, pragma_foreign_key_list(m.name, 'main') AS f
		WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq`
	var all []*fkey
	var cur *fkey
	curID := int64(-1)
	// Row values view the engine's memory: names kept are copied.
	lower := func(v engine.Value) string { return strings.ToLower(strings.Clone(v.Data)) }
	err := cc.rstmts.each(cc.reader, q, nil, func(row []engine.Value) {
		child := lower(row[0])
		if cur == nil || cur.child != child || row[1].Int != curID {
			cur = &fkey{child: child, parent: lower(row[2])}
			curID = row[1].Int
			all = append(all, cur)
		}
		cur.from = append(cur.from, lower(row[3]))
		cur.to = append(cur.to, lower(row[4])) // "" for the parent's primary key
	})
	if err != nil {
		return nil, err
	}
	for _, fk := range all {
		if fk.to[0] == "" {
			// The parent's primary key, in order.
			var pk []string
			err := cc.rstmts.each(cc.reader, "SELECT name FROM pragma_table_info(?1, 'main') WHERE pk > 0 ORDER BY pk",
				[]engine.Value{{Kind: engine.KindText, Data: fk.parent}}, func(row []engine.Value) {
					pk = append(pk, lower(row[0]))
				})
			if err != nil {
				return nil, err
			}
			if len(pk) != len(fk.from) {
				continue // a foreign key mismatch: the statements failed on it already
			}
			fk.to = pk
		}
		rowid := "rowid"
		if t := cc.ov.tables[fk.child]; t != nil && t.rowid != "" {
			rowid = t.rowid
		}
		fk.sql(rowid)
		g.byChild[fk.child] = append(g.byChild[fk.child], fk)
		g.byParent[fk.parent] = append(g.byParent[fk.parent], fk)
	}
	cc.fks = g
	return g, nil
}

// sql makes the foreign key's queries; rowid names the child's rowid.
func (fk *fkey) sql(rowid string) {
	child, parent := "main."+quoteIdent(fk.child), "main."+quoteIdent(fk.parent)
	var notNull, match, childKey, parentKey []string
	for i := range fk.from {
		f, t := quoteIdent(fk.from[i]), quoteIdent(fk.to[i])
		notNull = append(notNull, "c."+f+" IS NOT NULL")
		match = append(match, fmt.Sprintf("p.%s = c.%s", t, f))
		childKey = append(childKey, fmt.Sprintf("%s = ?%d", f, i+1))
		parentKey = append(parentKey, fmt.Sprintf("%s = ?%d", t, i+1))
	}
	fk.childSQL = fmt.Sprintf("SELECT 1 FROM %s AS c WHERE c.%s = ?1 AND %s AND NOT EXISTS (SELECT 1 FROM %s AS p WHERE %s)",
		child, rowid, strings.Join(notNull, " AND "), parent, strings.Join(match, " AND "))
	fk.parentSQL = fmt.Sprintf("SELECT 1 FROM %s WHERE %s AND NOT EXISTS (SELECT 1 FROM %s WHERE %s) LIMIT 1",
		child, strings.Join(childKey, " AND "), parent, strings.Join(parentKey, " AND "))
}

// fkCheck is one check of a foreign key at commit: that the child row
// (table, rowid) finds its parent, or, with key set, that no child refers
// to key, a parent key that the transaction removed from the parent row
// (table, rowid).
type fkCheck struct {
	fk    *fkey
	table string
	rowid int64
	key   []engine.Value
}

// run makes the check on the writer, after the transaction's rows are
// written.
func (c *fkCheck) run(w *conn, stmts stmtMap) error {
	var row []engine.Value
	var err error
	if c.key == nil {
		row, err = stmts.image(w, c.fk.childSQL, c.rowid)
	} else {
		row, err = stmts.row(w, c.fk.parentSQL, c.key...)
	}
	if err != nil {
		return err
	}
	if row != nil {
		return &engine.ConflictError{Table: c.table, RowID: c.rowid, Err: &engine.Error{
			Code: engine.CodeConstraint, ExtendedCode: engine.CodeConstraint | 3<<8, Message: "FOREIGN KEY constraint failed"}}
	}
	return nil
}

// foreignKeyChecks lists the checks of the rows the plan changes.
func (cc *concurrent) foreignKeyChecks(pl *plan) ([]fkCheck, error) {
	g, err := cc.foreignKeys()
	if err != nil {
		return nil, err
	}
	var checks []fkCheck
	for i := range pl.changes {
		ch := &pl.changes[i]
		if !ch.changed() {
			continue
		}
		table := strings.ToLower(ch.info.name)
		if ch.after != nil {
			for _, fk := range g.byChild[table] {
				before, okb := keyOf(ch.info, ch.before, fk.from)
				after, oka := keyOf(ch.info, ch.after, fk.from)
				if okb && oka && sameImage(before, after) {
					continue // the row refers to the parent it did in the snapshot
				}
				checks = append(checks, fkCheck{fk: fk, table: ch.info.name, rowid: ch.rowid})
			}
		}
		if ch.before != nil {
			for _, fk := range g.byParent[table] {
				old, ok := keyOf(ch.info, ch.before, fk.to)
				if !ok {
					if old, err = cc.readKey(ch.info, ch.rowid, fk.to); err != nil {
						return nil, err
					}
				}
				if old == nil || hasNull(old) {
					continue // no child can refer to a NULL key
				}
				if now, ok := keyOf(ch.info, ch.after, fk.to); ok && now != nil && sameImage(old, now) {
					continue // the row still holds the key
				}
				checks = append(checks, fkCheck{fk: fk, table: ch.info.name, rowid: ch.rowid, key: old})
			}
		}
	}
	return checks, nil
}

// keyOf picks the values of cols from a row image of info's table; ok is
// false when a column is not stored (a generated column).
func keyOf(info *tableInfo, image []engine.Value, cols []string) (key []engine.Value, ok bool) {
	if image == nil {
		return nil, true
	}
	key = make([]engine.Value, len(cols))
	for i, col := range cols {
		j := indexOf(info.cols, col)
		if j < 0 {
			return nil, false
		}
		key[i] = image[j]
	}
	return key, true
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func hasNull(key []engine.Value) bool {
	for _, v := range key {
		if v.Kind == engine.KindNull {
			return true
		}
	}
	return false
}

// readKey reads the values of cols of a row of the snapshot.
func (cc *concurrent) readKey(info *tableInfo, rowid int64, cols []string) ([]engine.Value, error) {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteIdent(c)
	}
	q := fmt.Sprintf("SELECT %s FROM main.%s WHERE %s = ?1", strings.Join(quoted, ", "), quoteIdent(info.name), info.rowid)
	return cc.rstmts.image(cc.reader, q, rowid)
}
