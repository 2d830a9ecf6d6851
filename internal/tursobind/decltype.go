package tursobind

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/turso-go/turso/internal/engine"
)

// Column is what the engine knows of a result column beyond its name.
type Column struct {
	// DeclType is the declared type of the table column the result column
	// comes straight from ("DATETIME", "VARCHAR(40)"), as
	// sqlite3_column_decltype reports it; else the engine's affinity of
	// the column ("NUMERIC"), or "" for an expression.
	DeclType string
	// NotNull reports whether that table column is declared NOT NULL;
	// Known is false when the origin is not known.
	NotNull, Known bool
}

// Query runs a statement that takes no arguments and returns its rows,
// with text copied out of the engine.
type Query func(sql string) ([][]engine.Value, error)

// DeclaredTypes finds the declared types of the result columns of sql
// (cols, as the binding describes them). The binding of Turso's engine
// reports only a result column's affinity ("INTEGER", "TEXT", "REAL",
// "BLOB", "NUMERIC", or "" for an expression or a column declared without
// a type), so it asks the engine: EXPLAIN shows which table column
// (through which cursors, registers, sorters, hash joins and coroutines)
// fills each output register, and PRAGMA table_info gives that column's
// declared type and NOT NULL. A column keeps its affinity (Known false)
// where the program does not show a single origin, or where the origin's
// declared type has another affinity than the engine reported (none for a
// column without a type). The columns of a RETURNING clause are those of
// the statement's table that they name (see returningTypes).
func DeclaredTypes(q Query, sql string, rcols []ResultColumn) ([]Column, error) {
	cols := make([]Column, len(rcols))
	affinities := make([]string, len(rcols))
	for i, c := range rcols {
		cols[i].DeclType = c.Affinity
		affinities[i] = c.Affinity
	}
	if len(cols) == 0 {
		return cols, nil
	}
	if ReturningStatement(sql) {
		return cols, returningTypes(q, sql, rcols, cols)
	}
	prog, err := q("EXPLAIN " + sql)
	if err != nil {
		return cols, err
	}
	origins := resultOrigins(prog)
	tables := map[string][]tableColumn{}
	indexes := map[string]*indexInfo{}
	for i := range cols {
		if i >= len(origins) || !origins[i].known() {
			continue
		}
		o := origins[i]
		if o.index != "" {
			ix, err := indexOf(q, indexes, o.index)
			if err != nil {
				return cols, err
			}
			if ix == nil {
				continue
			}
			o.table = ix.table
			if o.col >= 0 {
				if o.col >= len(ix.cols) {
					o.col = rowid
				} else {
					o.col = ix.cols[o.col]
				}
			}
		}
		tcols, err := tableOf(q, tables, o.table)
		if err != nil {
			return cols, err
		}
		var tc *tableColumn
		switch {
		case o.col == rowid:
			tc = rowidAlias(tcols)
		case o.col >= 0 && o.col < len(tcols):
			tc = &tcols[o.col]
		}
		cols[i].from(tc, affinities[i])
	}
	return cols, nil
}

// from sets c to table column tc (which may be nil) where tc has the
// affinity the engine reported: the engine reports the affinity of a
// column with a declared type, and none for an expression or a column
// declared without one.
func (c *Column) from(tc *tableColumn, affinity string) {
	if tc == nil || (tc.declType != "" && Affinity(tc.declType) != affinity) || (tc.declType == "" && affinity != "") {
		return
	}
	*c = Column{DeclType: tc.declType, NotNull: tc.notNull, Known: true}
}

// returningTypes sets cols, the result columns rcols of sql, a statement
// with a RETURNING clause, where they are columns of the statement's
// table: the binding names a RETURNING column that refers to a column by
// that column's name (see ReturningColumnName), and an expression by its
// text. (EXPLAIN shows them filled from the row being written, not read
// from the table.) An expression named after a column with an alias gets
// that column's type only if its affinity is the column's.
func returningTypes(q Query, sql string, rcols []ResultColumn, cols []Column) error {
	table := writtenTable(sql)
	if table == "" {
		return nil
	}
	tcols, err := tableOf(q, map[string][]tableColumn{}, table)
	if err != nil {
		return err
	}
	for i, rc := range rcols {
		for k := range tcols {
			if strings.EqualFold(tcols[k].name, rc.Name) {
				cols[i].from(&tcols[k], rc.Affinity)
				break
			}
		}
	}
	return nil
}

// writtenTable returns the table an INSERT, REPLACE, UPDATE or DELETE
// writes (without its schema), or "" where sql does not start as one.
func writtenTable(sql string) string {
	rest := sql
	// word reads the next identifier; keyword reports whether it is the
	// bare keyword kw.
	word := func() (id string, bare bool) {
		s := skipBlank(rest)
		id, r, ok := cutIdentifier(s)
		if !ok {
			rest = ""
			return "", false
		}
		rest = r
		return id, s[0] != '"' && s[0] != '`' && s[0] != '['
	}
	keyword := func(id string, bare bool, kw string) bool { return bare && strings.EqualFold(id, kw) }
	// name reads a table name, schema-qualified or not.
	name := func() string {
		id, _ := word()
		for id != "" && strings.HasPrefix(skipBlank(rest), ".") {
			rest = skipBlank(rest)[1:]
			id, _ = word()
		}
		return id
	}
	first, bare := word()
	switch {
	case keyword(first, bare, "INSERT"), keyword(first, bare, "REPLACE"):
		// INSERT [OR conflict] INTO table
		for range 3 {
			if id, bare := word(); keyword(id, bare, "INTO") {
				return name()
			}
		}
	case keyword(first, bare, "DELETE"):
		if id, bare := word(); keyword(id, bare, "FROM") {
			return name()
		}
	case keyword(first, bare, "UPDATE"):
		// UPDATE [OR conflict] table
		save := rest
		if id, bare := word(); keyword(id, bare, "OR") {
			word()
		} else {
			rest = save
		}
		return name()
	}
	return ""
}

// skipBlank skips whitespace and comments at the start of s.
func skipBlank(s string) string {
	i := 0
	for i < len(s) {
		switch {
		case isCommentStart(s, i):
			i = commentEnd(s, i)
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f':
			i++
		default:
			return s[i:]
		}
	}
	return ""
}

// Affinity is the type affinity SQLite gives a declared type
// (https://sqlite.org/datatype3.html#determination_of_column_affinity).
func Affinity(decl string) string {
	d := strings.ToUpper(decl)
	switch {
	case strings.Contains(d, "INT"):
		return "INTEGER"
	case strings.Contains(d, "CHAR"), strings.Contains(d, "CLOB"), strings.Contains(d, "TEXT"):
		return "TEXT"
	case strings.Contains(d, "BLOB"), d == "":
		return "BLOB"
	case strings.Contains(d, "REAL"), strings.Contains(d, "FLOA"), strings.Contains(d, "DOUB"):
		return "REAL"
	}
	return "NUMERIC"
}

// rowid is the column number of a table's rowid in an origin.
const rowid = -1

// origin is where a register's value comes from: column col of a table
// (or, before resolution, of an index), or nothing known.
type origin struct {
	table, index string
	col          int
	// state: 0 unwritten, 1 known, 2 unknown (written by something else,
	// or by different origins).
	state int8
	// null marks registers written only with NULL so far (initializations
	// that do not contradict a later origin).
	null bool
}

func (o origin) known() bool { return o.state == 1 }

var unknown = origin{state: 2}

// merge combines the origins of two writes of one register.
func merge(a, b origin) origin {
	switch {
	case a.state == 0 || a.null:
		return b
	case b.null:
		return a
	case a.state == 1 && b.state == 1 && a.table == b.table && a.index == b.index && a.col == b.col:
		return a
	}
	return unknown
}

// A program row of EXPLAIN: addr, opcode, p1, p2, p3, p4, p5, comment.
type op struct {
	name       string
	p1, p2, p3 int
	p4         string
	comment    string
}

// opcodePatterns are the expressions resultOrigins reads opcodes with,
// compiled on first use rather than at init, where every program that
// imports the driver would pay for them.
var opcodePatterns = sync.OnceValue(func() *opcodeREs {
	return &opcodeREs{
		hashPayload:    regexp.MustCompile(`payload=r\[(\d+)\](?:\.\.r\[(\d+)\])?`),
		hashTable:      regexp.MustCompile(`(?:^|\s)r=\[(\d+)\]`),
		registerWrites: regexp.MustCompile(`^r\[(\d+)(?:\.\.(\d+))?\]=`),
		cursorTarget:   regexp.MustCompile(`^(table|index)=([^,]+)`),
	}
})

// opcodeREs are the expressions that read an EXPLAIN listing.
type opcodeREs struct {
	// hashPayload matches the payload registers of a hash join's opcodes
	// (HashBuild stores them with each row, HashProbe and HashNext load
	// them back): "payload=r[18]..r[23]" or "payload=r[18]" in P4.
	hashPayload *regexp.Regexp
	// hashTable matches the hash table HashBuild fills ("r=[1]"), which
	// the others name in P1.
	hashTable *regexp.Regexp
	// registerWrites matches the registers a comment says an opcode
	// writes: "r[5]=...", "r[7..8]=...".
	registerWrites *regexp.Regexp
	// cursorTarget matches what OpenRead and OpenWrite comments name.
	cursorTarget *regexp.Regexp
}

// resultOrigins traces each output register of the program's ResultRow
// back to a table column. The scan follows the program in order (which is
// how its loops nest) and keeps an origin only where every write of a
// register, anywhere in the program, agrees on it; several ResultRows
// (compound selects) must agree too.
func resultOrigins(prog [][]engine.Value) []origin {
	re := opcodePatterns()
	ops := make([]op, 0, len(prog))
	for _, row := range prog {
		if len(row) < 8 {
			return nil
		}
		ops = append(ops, op{name: row[1].Data, p1: int(row[2].Int), p2: int(row[3].Int), p3: int(row[4].Int), p4: row[5].Data, comment: row[7].Data})
	}
	regs := map[int]origin{}
	write := func(r int, o origin) { regs[r] = merge(regs[r], o) }
	// Cursors: a table or index; a pseudo cursor reading a register; or
	// one holding records (sorter, ephemeral), whose columns' origins are
	// those of the records inserted.
	tables := map[int]origin{}
	pseudo := map[int]int{}
	// dups are cursors opened on another's records (OpenDup): a window
	// function's buffer is written through one and read through another.
	dups := map[int]int{}
	canon := func(cursor int) int {
		if c, ok := dups[cursor]; ok {
			return c
		}
		return cursor
	}
	records := map[int][]origin{} // register -> the origins of a record
	stored := map[int][]origin{}  // cursor -> the origins of its records
	mergeRecord := func(dst []origin, src []origin) []origin {
		if dst == nil {
			return append([]origin(nil), src...)
		}
		for i := range dst {
			if i < len(src) {
				dst[i] = merge(dst[i], src[i])
			} else {
				dst[i] = unknown
			}
		}
		return dst
	}
	columnOf := func(cursor, col int) origin {
		if t, ok := tables[cursor]; ok {
			t.col = col
			return t
		}
		var rec []origin
		if reg, ok := pseudo[cursor]; ok {
			rec = records[reg]
		} else {
			rec = stored[canon(cursor)]
		}
		if col >= 0 && col < len(rec) && rec[col].known() {
			return rec[col]
		}
		return unknown
	}
	type span struct{ from, n int }
	var outputs []span
	hashes := map[int][]origin{} // hash table -> the origins of its payload
	for _, o := range ops {
		switch o.name {
		case "OpenRead", "OpenWrite":
			if m := re.cursorTarget.FindStringSubmatch(o.comment); m != nil {
				t := origin{state: 1}
				if m[1] == "table" {
					t.table = m[2]
				} else {
					t.index = m[2]
				}
				tables[o.p1] = t
			}
		case "OpenPseudo":
			pseudo[o.p1] = o.p2
		case "OpenDup":
			dups[o.p1] = canon(o.p2)
		case "Column":
			write(o.p3, columnOf(o.p1, o.p2))
		case "RowId", "IdxRowId":
			if t, ok := tables[o.p1]; ok {
				t.col = rowid
				write(o.p2, t)
			} else {
				write(o.p2, unknown)
			}
		case "Copy":
			for k := 0; k <= o.p3; k++ {
				write(o.p2+k, regs[o.p1+k])
			}
		case "SCopy":
			write(o.p2, regs[o.p1])
		case "Move":
			for k := 0; k < max(o.p3, 1); k++ {
				write(o.p2+k, regs[o.p1+k])
			}
		case "Null":
			for r := o.p2; r <= max(o.p2, o.p3); r++ {
				write(r, origin{state: 1, null: true})
			}
		case "MakeRecord":
			rec := make([]origin, o.p2)
			for k := range rec {
				rec[k] = regs[o.p1+k]
			}
			records[o.p3] = mergeRecord(records[o.p3], rec)
		case "SorterInsert", "IdxInsert", "Insert":
			c := canon(o.p1)
			stored[c] = mergeRecord(stored[c], records[o.p2])
		case "SorterData":
			records[o.p2] = mergeRecord(records[o.p2], stored[canon(o.p1)])
		case "ResultRow":
			outputs = append(outputs, span{o.p1, o.p2})
		case "HashBuild", "HashProbe", "HashNext":
			m := re.hashPayload.FindStringSubmatch(o.p4)
			if m == nil {
				break
			}
			from, _ := strconv.Atoi(m[1])
			to := from
			if m[2] != "" {
				to, _ = strconv.Atoi(m[2])
			}
			if to < from || to-from >= 4096 {
				break
			}
			if o.name == "HashBuild" {
				rec := make([]origin, to-from+1)
				for k := range rec {
					rec[k] = regs[from+k]
				}
				if t := re.hashTable.FindStringSubmatch(o.p4); t != nil {
					id, _ := strconv.Atoi(t[1])
					hashes[id] = mergeRecord(hashes[id], rec)
				}
				break
			}
			rec := hashes[o.p1]
			for r := from; r <= to; r++ {
				if k := r - from; k < len(rec) {
					write(r, rec[k])
				} else {
					write(r, unknown)
				}
			}
			if m := re.registerWrites.FindStringSubmatch(o.p4); m != nil {
				r, _ := strconv.Atoi(m[1])
				write(r, unknown)
			}
		default:
			if m := re.registerWrites.FindStringSubmatch(o.comment); m != nil {
				from, _ := strconv.Atoi(m[1])
				to := from
				if m[2] != "" {
					to, _ = strconv.Atoi(m[2])
				}
				for r := from; r <= to && r-from < 4096; r++ {
					write(r, unknown)
				}
			}
		}
	}
	var result []origin
	for _, out := range outputs {
		row := make([]origin, out.n)
		for k := range row {
			row[k] = regs[out.from+k]
			if row[k].null {
				row[k] = unknown
			}
		}
		if result == nil {
			result = row
		} else {
			result = mergeRecord(result, row)
		}
	}
	return result
}

// tableColumn is one row of PRAGMA table_info.
type tableColumn struct {
	name     string
	declType string
	notNull  bool
	pk       int
}

// tableOf reads (and caches in tables) the columns of table.
func tableOf(q Query, tables map[string][]tableColumn, table string) ([]tableColumn, error) {
	if cols, ok := tables[table]; ok {
		return cols, nil
	}
	rows, err := q("PRAGMA table_info(" + quoteIdent(table) + ")")
	if err != nil {
		return nil, err
	}
	var cols []tableColumn
	for _, r := range rows {
		if len(r) < 6 {
			return nil, fmt.Errorf("turso engine: PRAGMA table_info(%s): %d columns", table, len(r))
		}
		cols = append(cols, tableColumn{name: r[1].Data, declType: r[2].Data, notNull: r[3].Int != 0, pk: int(r[5].Int)})
	}
	// table_info drops a type's size ("VARCHAR" for VARCHAR(40)), which
	// sqlite3_column_decltype keeps: take the text of the type from the
	// table's CREATE statement where it agrees with table_info.
	src, err := q("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = " + quoteString(table))
	if err != nil {
		return nil, err
	}
	if len(src) == 1 && len(src[0]) == 1 {
		written := ColumnTypes(src[0][0].Data)
		if len(written) == len(cols) {
			for i, w := range written {
				if base, _, _ := strings.Cut(w, "("); strings.EqualFold(strings.TrimSpace(base), cols[i].declType) {
					cols[i].declType = w
				}
			}
		}
	}
	tables[table] = cols
	return cols, nil
}

// rowidAlias returns the INTEGER PRIMARY KEY column of a table, which is
// its rowid, or nil.
func rowidAlias(cols []tableColumn) *tableColumn {
	var alias *tableColumn
	for i := range cols {
		if cols[i].pk > 0 {
			if alias != nil {
				return nil
			}
			alias = &cols[i]
		}
	}
	if alias == nil || !strings.EqualFold(alias.declType, "INTEGER") {
		return nil
	}
	return alias
}

// indexInfo is an index's table and the table columns of its key.
type indexInfo struct {
	table string
	cols  []int
}

// indexOf reads (and caches in indexes) an index's table and columns; nil
// for an index it cannot describe (an expression index).
func indexOf(q Query, indexes map[string]*indexInfo, name string) (*indexInfo, error) {
	if ix, ok := indexes[name]; ok {
		return ix, nil
	}
	rows, err := q("SELECT tbl_name FROM sqlite_schema WHERE type = 'index' AND name = " + quoteString(name))
	if err != nil {
		return nil, err
	}
	var ix *indexInfo
	if len(rows) == 1 && len(rows[0]) == 1 {
		ix = &indexInfo{table: rows[0][0].Data}
		cols, err := q("PRAGMA index_info(" + quoteIdent(name) + ")")
		if err != nil {
			return nil, err
		}
		for _, r := range cols {
			if len(r) < 2 || r[1].Int < 0 {
				ix = nil
				break
			}
			ix.cols = append(ix.cols, int(r[1].Int))
		}
	}
	indexes[name] = ix
	return ix, nil
}

func quoteIdent(s string) string  { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteString(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

// DeclCache caches the declared types of a connection's statements by SQL
// text until a schema changes: finding them runs statements, and every
// statement a Turso connection prepares costs memory until it closes.
type DeclCache struct {
	gen   uint64
	decls map[string][]Column
}

// Get returns the declared types of the result columns cols of sql, as
// of schema generation gen (a count that grows with every schema change),
// asking q when it must. A failure leaves the affinities, and is not
// cached.
func (c *DeclCache) Get(q Query, gen uint64, sql string, cols []ResultColumn) []Column {
	if c.decls == nil || gen != c.gen {
		c.decls, c.gen = map[string][]Column{}, gen
	}
	if d, ok := c.decls[sql]; ok && len(d) == len(cols) {
		return d
	}
	d, err := DeclaredTypes(q, sql, cols)
	if err != nil {
		return d
	}
	if len(c.decls) >= 256 {
		clear(c.decls)
	}
	c.decls[sql] = d
	return d
}
