package tursobind

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/turso-go/turso/internal/engine"
)

// program is an EXPLAIN listing, one "opcode p1 p2 p3 comment" a line,
// or "opcode p1 p2 p3 p4 | comment" for an opcode with a P4.
func program(listing string) [][]engine.Value {
	var rows [][]engine.Value
	for i, line := range strings.Split(strings.TrimSpace(listing), "\n") {
		f := strings.SplitN(strings.TrimSpace(line), " ", 5)
		for len(f) < 5 {
			f = append(f, "")
		}
		var p4 string
		if a, b, ok := strings.Cut(f[4], "|"); ok {
			p4, f[4] = strings.TrimSpace(a), strings.TrimSpace(b)
		}
		n := func(s string) engine.Value {
			var v int64
			for _, c := range s {
				v = v*10 + int64(c-'0')
			}
			return engine.Value{Kind: engine.KindInteger, Int: v}
		}
		rows = append(rows, []engine.Value{
			{Kind: engine.KindInteger, Int: int64(i)}, {Kind: engine.KindText, Data: f[0]},
			n(f[1]), n(f[2]), n(f[3]), {Kind: engine.KindText, Data: p4}, {Kind: engine.KindInteger}, {Kind: engine.KindText, Data: f[4]},
		})
	}
	return rows
}

// schema answers the queries DeclaredTypes makes about tables u, a and
// index ui, as Turso's engine does (table_info without type sizes).
func schema(explain string) Query {
	text := func(s string) engine.Value { return engine.Value{Kind: engine.KindText, Data: s} }
	num := func(i int64) engine.Value { return engine.Value{Kind: engine.KindInteger, Int: i} }
	col := func(cid int64, name, typ string, notNull, pk int64) []engine.Value {
		return []engine.Value{num(cid), text(name), text(typ), num(notNull), {}, num(pk)}
	}
	return func(sql string) ([][]engine.Value, error) {
		switch {
		case strings.HasPrefix(sql, "EXPLAIN "):
			return program(explain), nil
		case sql == `PRAGMA table_info("u")`:
			return [][]engine.Value{col(0, "id", "INTEGER", 0, 1), col(1, "created", "DATETIME", 1, 0), col(2, "ok", "BOOLEAN", 0, 0),
				col(3, "name", "VARCHAR", 0, 0), col(4, "price", "DECIMAL", 0, 0)}, nil
		case sql == `PRAGMA table_info("a")`:
			return [][]engine.Value{col(0, "id", "INTEGER", 0, 1), col(1, "uid", "INT", 0, 0), col(2, "created", "TIMESTAMP", 0, 0)}, nil
		case strings.Contains(sql, "type = 'table' AND name = 'u'"):
			return [][]engine.Value{{text("CREATE TABLE u (id INTEGER PRIMARY KEY, created DATETIME NOT NULL, ok BOOLEAN, name VARCHAR (40), price DECIMAL (10, 2))")}}, nil
		case strings.Contains(sql, "type = 'table' AND name = 'a'"):
			return [][]engine.Value{{text("CREATE TABLE a (id INTEGER PRIMARY KEY, uid INT, created TIMESTAMP)")}}, nil
		case sql == `PRAGMA table_info("x")`:
			return [][]engine.Value{col(0, "e", "", 1, 0), col(1, "g", "INT", 0, 0)}, nil
		case strings.Contains(sql, "type = 'table' AND name = 'x'"):
			return [][]engine.Value{{text("CREATE TABLE x (e NOT NULL, g INT)")}}, nil
		case strings.Contains(sql, "type = 'index' AND name = 'ui'"):
			return [][]engine.Value{{text("u")}}, nil
		case sql == `PRAGMA index_info("ui")`:
			return [][]engine.Value{{num(0), num(3), text("name")}, {num(1), num(1), text("created")}}, nil
		}
		return nil, errors.New("unexpected query " + sql)
	}
}

func TestDeclaredTypes(t *testing.T) {
	datetime := Column{DeclType: "DATETIME", NotNull: true, Known: true}
	timestamp := Column{DeclType: "TIMESTAMP", Known: true}
	tests := []struct {
		name       string
		explain    string
		affinities []string
		want       []Column
	}{
		{"join", `
			Init 0 16 0 Start at 16
			OpenRead 0 2 0 table=u, root=2, iDb=0
			OpenRead 1 3 0 table=a, root=3, iDb=0
			Rewind 1 15 0 Rewind table a
			Column 1 1 9 r[9]=a.uid
			SeekRowid 0 9 14 if (r[9]!=cursor 0 for table u.rowid) goto 14
			Column 0 1 1 r[1]=u.created
			Column 1 2 2 r[2]=a.created
			Column 0 2 3 r[3]=u.ok
			Column 0 3 4 r[4]=u.name
			Column 0 4 5 r[5]=u.price
			RowId 0 6 0 r[6]=u.rowid
			RowId 1 8 0 r[8]=a.rowid
			ResultRow 1 8 0 output=r[1..8]
			Next 1 4 0
			Halt 0 0 0
			Transaction 0 1 2 iDb=0 tx_mode=Read
			Integer 1 7 0 r[7]=1
			Goto 0 1 0`,
			[]string{"NUMERIC", "NUMERIC", "NUMERIC", "TEXT", "NUMERIC", "INTEGER", "", "INTEGER"},
			[]Column{datetime, timestamp, {DeclType: "BOOLEAN", Known: true}, {DeclType: "VARCHAR(40)", Known: true},
				{DeclType: "DECIMAL(10,2)", Known: true}, {DeclType: "INTEGER", Known: true}, {}, {DeclType: "INTEGER", Known: true}}},
		{"through a sorter", `
			Init 0 21 0 Start at 21
			SorterOpen 0 2 0 cursor=0
			OpenRead 1 2 0 table=u, root=2, iDb=0
			OpenRead 2 3 0 table=a, root=3, iDb=0
			Rewind 2 13 0 Rewind table a
			Column 2 1 4 r[4]=a.uid
			SeekRowid 1 4 12 if (r[4]!=cursor 1 for table u.rowid) goto 12
			Column 1 1 5 r[5]=u.created
			RowId 2 6 0 r[6]=a.rowid
			Column 2 2 7 r[7]=a.created
			MakeRecord 5 3 3 r[3]=mkrec(r[5..7])
			SorterInsert 0 3 0 key=r[3]
			Next 2 5 0
			OpenPseudo 3 3 3 3 columns in r[3]
			SorterSort 0 20 0
			SorterData 0 3 3 r[3]=data
			Column 3 0 1 r[1]=pseudo.column 0
			Column 3 2 2 r[2]=pseudo.column 2
			ResultRow 1 2 0 output=r[1..2]
			SorterNext 0 15 0
			Halt 0 0 0
			Transaction 0 1 4 iDb=0 tx_mode=Read
			Goto 0 1 0`,
			[]string{"NUMERIC", "NUMERIC"},
			[]Column{datetime, timestamp}},
		{"index and coroutine", `
			Init 0 14 0 Start at 14
			InitCoroutine 1 8 2
			OpenRead 0 4 0 index=ui, root=4, iDb=0
			Rewind 0 7 0 Rewind index ui
			Column 0 1 2 r[2]=ui.created
			Yield 1 0 0
			Next 0 4 0
			EndCoroutine 1 0 0
			InitCoroutine 1 0 2
			Yield 1 13 0
			Copy 2 3 0 r[3]=r[2]
			ResultRow 3 1 0 output=r[3]
			Goto 0 9 0
			Halt 0 0 0
			Transaction 0 1 4 iDb=0 tx_mode=Read
			Goto 0 1 0`,
			[]string{"NUMERIC"},
			[]Column{datetime}},
		{"hash join through a sorter", `
			Init 0 40 0 Start at 40
			SorterOpen 0 1 0 k(1,B) | cursor=0
			OpenRead 1 2 0 k(5,B,B,B,B,B) | table=u, root=2, iDb=0
			OpenRead 2 3 0 k(3,B,B,B) | table=a, root=3, iDb=0
			Once 15 0 0 goto 15
			OpenRead 6 2 0 k(5,B,B,B,B,B) | table=u, root=2, iDb=0
			Rewind 6 14 0 Rewind table u
			RowId 6 13 0 r[13]=u.rowid
			Affinity 13 1 0 r[13..14] = C
			RowId 6 18 0 r[18]=u.rowid
			Column 6 1 19 r[19]=u.created
			Column 6 3 20 r[20]=u.name
			HashBuild 6 13 1 r=[1] budget=67108864 payload=r[18]..r[20] |
			Next 6 7 0
			HashBuildFinalize 1 0 0
			Rewind 2 30 0 Rewind table a
			Column 2 1 24 r[24]=a.uid
			HashProbe 1 24 1 r[33]=29 payload=r[25]..r[27] |
			Copy 25 47 0 r[47]=r[25]
			Copy 26 48 0 r[48]=r[26]
			Column 2 2 49 r[49]=a.created
			Copy 27 50 0 r[50]=r[27]
			MakeRecord 47 4 7 r[7]=mkrec(r[47..50])
			SorterInsert 0 7 0 key=r[7]
			HashNext 1 33 29 payload=r[25]..r[27] |
			Next 2 16 0
			OpenPseudo 3 7 4 4 columns in r[7]
			SorterSort 0 39 0
			SorterData 0 7 3 r[7]=data
			Column 3 0 1 r[1]=pseudo.column 0
			Column 3 1 2 r[2]=pseudo.column 1
			Column 3 2 3 r[3]=pseudo.column 2
			Column 3 3 4 r[4]=pseudo.column 3
			ResultRow 1 4 0 output=r[1..4]
			SorterNext 0 28 0
			Halt 0 0 0
			Transaction 0 1 4 iDb=0 tx_mode=Read
			Goto 0 1 0`,
			[]string{"INTEGER", "NUMERIC", "NUMERIC", "TEXT"},
			[]Column{{DeclType: "INTEGER", Known: true}, datetime, timestamp, {DeclType: "VARCHAR(40)", Known: true}}},
		{"a window function's buffer, written through a duplicate cursor", `
			Init 0 40 0 Start at 40
			InitCoroutine 2 12 3
			OpenRead 1 2 0 k(5,B,B,B,B,B) | table=u, root=2, iDb=0
			Rewind 1 10 0 Rewind table u
			Column 1 3 3 r[3]=u.name
			RowId 1 4 0 r[4]=u.rowid
			Column 1 1 5 r[5]=u.created
			Yield 2 0 0
			Next 1 4 0
			EndCoroutine 2 0 0
			Goto 0 12 0
			OpenEphemeral 3 1 0 cursor=3 is_table=true
			OpenDup 4 3 0 new_cursor=4, original_cursor=3
			InitCoroutine 2 0 3
			Yield 2 20 0
			MakeRecord 3 3 26 r[26]=mkrec(r[3..5])
			NewRowid 4 23 0 r[23]=rowid
			Insert 4 26 23 buffer_table_window_0 | intkey=r[23] data=r[26]
			Goto 0 14 0
			Halt 0 0 0
			Rewind 3 30 0 Rewind ephemeral(buffer_table_window_0)
			Column 3 1 20 r[20]=ephemeral(buffer_table_window_0).id
			Column 3 2 21 r[21]=ephemeral(buffer_table_window_0).created
			Column 3 0 22 r[22]=ephemeral(buffer_table_window_0).name
			AggStep 0 0 18 row_number | accum=r[18] step(r[0])
			AggValue 0 18 19 row_number | accum=r[18] dest=r[19]
			ResultRow 20 4 0 output=r[20..23]
			Next 3 21 0
			Halt 0 0 0`,
			[]string{"INTEGER", "NUMERIC", "TEXT", ""},
			[]Column{{DeclType: "INTEGER", Known: true}, datetime, {DeclType: "VARCHAR(40)", Known: true}, {}}},
		{"a probe of a hash table nothing built", `
			OpenRead 2 3 0 k(3,B,B,B) | table=a, root=3, iDb=0
			Column 2 2 25 r[25]=a.created
			HashProbe 1 24 1 r[33]=29 payload=r[25]..r[25] |
			ResultRow 25 1 0 output=r[25]`,
			[]string{"NUMERIC"},
			[]Column{{DeclType: "NUMERIC"}}},
		{"a register overwritten by a computation", `
			OpenRead 0 2 0 table=u, root=2, iDb=0
			Column 0 1 1 r[1]=u.created
			Function 0 1 1 r[1]=func(r[1])
			ResultRow 1 1 0 output=r[1]`,
			[]string{"NUMERIC"},
			[]Column{{DeclType: "NUMERIC"}}},
		{"an affinity the origin contradicts", `
			OpenRead 0 2 0 table=u, root=2, iDb=0
			Column 0 1 1 r[1]=u.created
			ResultRow 1 1 0 output=r[1]`,
			[]string{"TEXT"},
			[]Column{{DeclType: "TEXT"}}},
		{"expressions and an untyped column", `
			OpenRead 0 2 0 table=x, root=2, iDb=0
			Column 0 0 1 r[1]=x.e
			Integer 7 2 0 r[2]=7
			Column 0 1 3 r[3]=x.g
			Add 3 2 3 r[3]=r[3]+r[2]
			ResultRow 1 3 0 output=r[1..3]`,
			[]string{"", "", ""},
			[]Column{{NotNull: true, Known: true}, {}, {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DeclaredTypes(schema(tt.explain), "SELECT ...", resultColumns(tt.affinities...))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// resultColumns are result columns with these affinities, named c0, c1...
func resultColumns(affinities ...string) []ResultColumn {
	cols := make([]ResultColumn, len(affinities))
	for i, a := range affinities {
		cols[i] = ResultColumn{Name: "c" + string(rune('0'+i)), Affinity: a}
	}
	return cols
}

// TestReturningTypes: the result columns of a RETURNING clause that name
// a column of the statement's table have its declared type; others keep
// their affinity.
func TestReturningTypes(t *testing.T) {
	cols := []ResultColumn{{"id", "INTEGER"}, {"created", "NUMERIC"}, {"Name", "TEXT"}, {"id + 1", ""}, {"price", "TEXT"}, {"other", "TEXT"}}
	want := []Column{{DeclType: "INTEGER", Known: true}, {DeclType: "DATETIME", NotNull: true, Known: true}, {DeclType: "VARCHAR(40)", Known: true},
		{}, {DeclType: "TEXT"}, {DeclType: "TEXT"}}
	for _, sql := range []string{
		"INSERT INTO u (created) VALUES (?) RETURNING id, created, name, id + 1, price AS price, other",
		"insert or replace into main.\"u\" DEFAULT VALUES RETURNING *",
		"REPLACE INTO [u] VALUES (1) RETURNING *",
		"UPDATE u SET ok = 1 RETURNING *",
		"UPDATE OR IGNORE `u` SET ok = 1 RETURNING *",
		"/* c */ DELETE -- x\n FROM main . u RETURNING *",
	} {
		got, err := DeclaredTypes(schema(""), sql, cols)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", sql, got, want)
		}
	}
}

func TestWrittenTable(t *testing.T) {
	for sql, want := range map[string]string{
		"INSERT INTO t VALUES (1)":                           "t",
		"INSERT OR ABORT INTO \"a b\"(x) VALUES (1)":         "a b",
		"REPLACE INTO s.t VALUES (1)":                        "t",
		"UPDATE t SET x = 1":                                 "t",
		"UPDATE OR ROLLBACK t SET x = 1":                     "t",
		"UPDATE \"or\" SET x = 1":                            "or",
		"DELETE FROM [t] WHERE 1":                            "t",
		"DELETE t":                                           "",
		"INSERT t VALUES (1)":                                "",
		"SELECT 1":                                           "",
		"WITH c AS (SELECT 1) INSERT INTO t SELECT * FROM c": "",
		"":       "",
		"UPDATE": "",
	} {
		if got := writtenTable(sql); got != want {
			t.Errorf("writtenTable(%q) = %q, want %q", sql, got, want)
		}
	}
}

func TestDeclaredTypesFailure(t *testing.T) {
	fail := func(string) ([][]engine.Value, error) { return nil, errors.New("boom") }
	got, err := DeclaredTypes(fail, "SELECT x FROM t", resultColumns("TEXT"))
	if err == nil || !reflect.DeepEqual(got, []Column{{DeclType: "TEXT"}}) {
		t.Errorf("got %+v, %v; want the affinity and the error", got, err)
	}
}

func TestColumnTypes(t *testing.T) {
	tests := map[string][]string{
		"CREATE TABLE t (a INTEGER PRIMARY KEY, b VARCHAR (40) NOT NULL, c DECIMAL (10, 2), d, e UNSIGNED BIG INT DEFAULT 0)": {"INTEGER", "VARCHAR(40)", "DECIMAL(10,2)", "", "UNSIGNED BIG INT"},
		`CREATE TABLE "x y" ("a,b" TEXT COLLATE NOCASE, [c] DOUBLE PRECISION, PRIMARY KEY (a), CHECK (c > 0))`:                {"TEXT", "DOUBLE PRECISION"},
		"CREATE TABLE t (a TEXT, -- a comment, with a comma\n b BLOB /* , */ , CONSTRAINT u UNIQUE (a))":                      {"TEXT", "BLOB"},
		"CREATE TABLE t (g INT GENERATED ALWAYS AS (1), r REAL REFERENCES p(id))":                                             {"INT", "REAL"},
		"CREATE TABLE t AS SELECT 1":                   nil,
		"CREATE TABLE t (a INT":                        nil,
		"CREATE VIRTUAL TABLE f USING fts5(a, b)":      {"", ""},
		"CREATE TABLE t(a DATETIME, b BOOLEAN)":        {"DATETIME", "BOOLEAN"},
		"CREATE TABLE t (a VARCHAR(10) CHECK (a<>''))": {"VARCHAR(10)"},
	}
	for sql, want := range tests {
		if got := ColumnTypes(sql); !reflect.DeepEqual(got, want) {
			t.Errorf("ColumnTypes(%q) = %q, want %q", sql, got, want)
		}
	}
}

func TestAffinity(t *testing.T) {
	tests := map[string]string{
		"INT": "INTEGER", "BIGINT": "INTEGER", "VARCHAR(40)": "TEXT", "CLOB": "TEXT", "BLOB": "BLOB", "": "BLOB",
		"DOUBLE PRECISION": "REAL", "FLOAT": "REAL", "DECIMAL(10,2)": "NUMERIC", "DATETIME": "NUMERIC", "BOOLEAN": "NUMERIC",
		"CHARINT": "INTEGER", // INT wins, as in SQLite
	}
	for decl, want := range tests {
		if got := Affinity(decl); got != want {
			t.Errorf("Affinity(%q) = %s, want %s", decl, got, want)
		}
	}
}
