package turso_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/internal/drivertest"
)

// The tests of concurrent transactions that hold on libSQL only: what the
// driver's own mechanism (internal/libsql/concurrent.go) does beyond the
// suite both engines pass (drivertest.RunConcurrent, run by
// TestConcurrentSuite).

// libsqlCC is the libSQL engine as the concurrent suite describes it:
// concurrent transactions need WAL.
var libsqlCC = drivertest.Engine{Name: "libsql", ConcurrentParams: "_journal_mode=WAL"}

// accountsSetup creates a table whose 50 rows all fit on one page.
var accountsSetup = []string{
	"CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER NOT NULL)",
	"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 50) INSERT INTO acct SELECT i, 100 FROM n",
}

var (
	mustBegin = drivertest.BeginConcurrent
	queryInt  = drivertest.QueryInt
)

// TestConcurrentSamePageDifferentRows checks that transactions writing
// different rows of one page both commit, and that the loser of a row
// learns which row.
func TestConcurrentSamePageDifferentRows(t *testing.T) {
	db, _ := libsqlCC.ConcurrentDB(t, "", accountsSetup...)
	if pages := queryInt(t, db, "SELECT count(*) FROM dbstat WHERE name = 'acct'"); pages != 1 {
		t.Fatalf("acct spans %d pages, want 1", pages)
	}
	t1, t2 := mustBegin(t, db), mustBegin(t, db)
	mustExec(t, t1, "UPDATE acct SET bal = bal + 1 WHERE id = 1")
	mustExec(t, t2, "UPDATE acct SET bal = bal + 2 WHERE id = 2")
	if err := t1.Commit(); err != nil {
		t.Fatalf("first commit: %v", err)
	}
	if err := t2.Commit(); err != nil {
		t.Fatalf("second commit: %v", err)
	}
	if got := queryInt(t, db, "SELECT sum(bal) FROM acct"); got != 5003 {
		t.Errorf("sum = %d, want 5003", got)
	}

	t1, t2 = mustBegin(t, db), mustBegin(t, db)
	mustExec(t, t1, "UPDATE acct SET bal = bal + 1 WHERE id = 7")
	mustExec(t, t2, "UPDATE acct SET bal = bal + 2 WHERE id = 7")
	if err := t1.Commit(); err != nil {
		t.Fatal(err)
	}
	err := t2.Commit()
	var ce *turso.ConflictError
	if !errors.As(err, &ce) || ce.Table != "acct" || ce.RowID != 7 || ce.Err != nil {
		t.Fatalf("second committer: %v, want a conflict on row 7 of acct", err)
	}
	if !strings.Contains(err.Error(), "row 7 of table acct") {
		t.Errorf("message %q does not name the row", err)
	}
}

func TestConcurrentNeedsWAL(t *testing.T) {
	db, _ := openDB(t, "")
	mustExec(t, db, "CREATE TABLE t(x)")
	_, err := turso.BeginConcurrent(context.Background(), db)
	if !errors.Is(err, turso.ErrNotWAL) || !strings.Contains(err.Error(), "delete") {
		t.Fatalf("got %v, want ErrNotWAL naming the journal mode", err)
	}
	// The pool stays usable.
	mustExec(t, db, "INSERT INTO t VALUES (1)")
}

// TestConcurrentAndImmediateWriters mixes concurrent transactions with an
// ordinary BEGIN IMMEDIATE writer of another pool: the concurrent
// transaction runs while the writer holds the write lock, commits when the
// writer wrote other rows, and conflicts when it wrote the same row.
func TestConcurrentAndImmediateWriters(t *testing.T) {
	db, dsn := libsqlCC.ConcurrentDB(t, "", accountsSetup...)
	imm, err := sql.Open("turso", dsn+"&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer imm.Close()
	for _, tc := range []struct {
		name         string
		immRow       int
		wantConflict bool
	}{
		{"other row", 2, false},
		{"same row", 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := queryInt(t, db, "SELECT bal FROM acct WHERE id = 1")
			tx := mustBegin(t, db)
			itx, err := imm.Begin() // holds the write lock from here
			if err != nil {
				t.Fatal(err)
			}
			mustExec(t, itx, "UPDATE acct SET bal = bal + 10 WHERE id = ?", tc.immRow)
			mustExec(t, tx, "UPDATE acct SET bal = bal + 1 WHERE id = 1") // not blocked
			if err := itx.Commit(); err != nil {
				t.Fatal(err)
			}
			err = tx.Commit()
			switch {
			case tc.wantConflict && !errors.Is(err, turso.ErrConflict):
				t.Fatalf("commit after a normal writer changed the row: %v, want ErrConflict", err)
			case !tc.wantConflict && err != nil:
				t.Fatalf("commit: %v", err)
			}
			want := before + 1
			if tc.wantConflict {
				want = before + 10
			}
			if got := queryInt(t, db, "SELECT bal FROM acct WHERE id = 1"); got != want {
				t.Errorf("row 1 = %d, want %d", got, want)
			}
		})
	}
}

// TestConcurrentRefused checks that what the mechanism cannot track is
// refused at the statement with an error matching ErrConcurrentUnsupported
// that says why, and leaves the transaction usable.
func TestConcurrentRefused(t *testing.T) {
	db, _ := libsqlCC.ConcurrentDB(t, "", append(accountsSetup,
		"CREATE TABLE kv(k TEXT PRIMARY KEY, v) WITHOUT ROWID",
		"CREATE VIRTUAL TABLE docs USING fts5(body)",
		"CREATE VIRTUAL TABLE boxes USING rtree(id, x0, x1)",
		"CREATE TABLE rep(id INTEGER PRIMARY KEY, u TEXT UNIQUE ON CONFLICT REPLACE)",
		"CREATE TABLE seq(id INTEGER PRIMARY KEY AUTOINCREMENT)",
		"CREATE TABLE m(id INTEGER PRIMARY KEY, e F32_BLOB(2))",
		"CREATE INDEX m_idx ON m(libsql_vector_idx(e))",
	)...)
	tx := mustBegin(t, db)
	defer tx.Rollback()
	for _, tc := range []struct{ sql, want string }{
		{"CREATE TABLE t2(x)", "schema changes"},
		{"DROP TABLE acct", "schema changes"},
		{"CREATE INDEX acct_bal ON acct(bal)", "schema changes"},
		{"ALTER TABLE acct ADD COLUMN y", "schema changes"},
		{"CREATE TEMP TABLE tmp(x)", "schema changes"},
		{"INSERT INTO kv VALUES ('a', 1)", "WITHOUT ROWID"},
		{"INSERT INTO docs VALUES ('hello')", "virtual table"},
		{"INSERT INTO docs_data VALUES (100, x'00')", "shadow table"},
		{"DELETE FROM boxes_node", "shadow table"},
		{"INSERT INTO m_idx_shadow VALUES (1, x'00')", "vector index"},
		{"INSERT INTO rep VALUES (1, 'x')", "ON CONFLICT REPLACE"},
		{"INSERT OR REPLACE INTO acct VALUES (1, 5)", "REPLACE"},
		{"REPLACE INTO acct VALUES (1, 5)", "REPLACE"},
		{"COMMIT", "Commit or Rollback"},
		{"PRAGMA user_version = 3", "user_version"},
		{"ATTACH ':memory:' AS aux", "ATTACH"},
		{"DELETE FROM sqlite_sequence", "system table"},
	} {
		_, err := tx.Exec(tc.sql)
		if !errors.Is(err, turso.ErrConcurrentUnsupported) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want ErrConcurrentUnsupported mentioning %q", tc.sql, err, tc.want)
		}
		var te *turso.Error
		if !errors.As(err, &te) || te.Code != turso.CodeAuth || te.SQL != tc.sql {
			t.Errorf("%s: %#v, want a *turso.Error of code CodeAuth with the statement", tc.sql, te)
		}
	}
	// The replace() function, reads of those tables and savepoints work.
	mustExec(t, tx, "UPDATE acct SET bal = length(replace('aaa', 'a', 'bb')) WHERE id = 1")
	if got := queryInt(t, tx, "SELECT count(*) FROM kv"); got != 0 {
		t.Errorf("kv count = %d", got)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, db, "SELECT bal FROM acct WHERE id = 1"); got != 6 {
		t.Errorf("row 1 = %d, want 6", got)
	}
}

// TestConcurrentVirtualTableReads checks that a concurrent transaction
// reads R-Tree, FTS5 and vector index tables (issue 12: reading an R-Tree
// was refused as a write of its shadow tables).
func TestConcurrentVirtualTableReads(t *testing.T) {
	db, _ := libsqlCC.ConcurrentDB(t, "",
		"CREATE VIRTUAL TABLE boxes USING rtree(id, x0, x1, y0, y1)",
		"INSERT INTO boxes VALUES (1, 0, 10, 0, 10), (2, 20, 30, 20, 30)",
		"CREATE VIRTUAL TABLE docs USING fts5(body)",
		"INSERT INTO docs VALUES ('hello world'), ('goodbye')",
		"CREATE TABLE m(id INTEGER PRIMARY KEY, e F32_BLOB(2))",
		"CREATE INDEX m_idx ON m(libsql_vector_idx(e))",
		"INSERT INTO m VALUES (1, vector('[1,0]')), (2, vector('[0,1]'))",
		"CREATE TABLE other(id INTEGER PRIMARY KEY)")
	tx := mustBegin(t, db)
	if got := queryInt(t, tx, "SELECT id FROM boxes WHERE x0 >= 15 AND y1 <= 40"); got != 2 {
		t.Errorf("R-Tree query: %d, want 2", got)
	}
	if got := queryInt(t, tx, "SELECT rowid FROM docs WHERE docs MATCH 'hello'"); got != 1 {
		t.Errorf("FTS5 query: %d, want 1", got)
	}
	if got := queryInt(t, tx, "SELECT id FROM vector_top_k('m_idx', vector('[0.1,0.9]'), 1)"); got != 2 {
		t.Errorf("vector_top_k: %d, want 2", got)
	}
	mustExec(t, tx, "INSERT INTO other VALUES (1)")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM other"); got != 1 {
		t.Errorf("other has %d rows, want 1", got)
	}
}

// TestConcurrentVectorIndex checks writes to a table with a vector index
// (issue 12: any such commit failed with "vector index(insert): failed to
// insert shadow row"): inserts, updates and deletes commit, side by side
// with other transactions' writes to the same table, and the index finds
// exactly the committed rows.
func TestConcurrentVectorIndex(t *testing.T) {
	db, _ := libsqlCC.ConcurrentDB(t, "",
		"CREATE TABLE m(id INTEGER PRIMARY KEY, label TEXT, e F32_BLOB(3))",
		"CREATE INDEX m_idx ON m(libsql_vector_idx(e))",
		"INSERT INTO m VALUES (1, 'a', vector('[1,0,0]')), (2, 'b', vector('[0,1,0]')), (3, 'c', vector('[0,0,1]'))")
	t1, t2 := mustBegin(t, db), mustBegin(t, db)
	mustExec(t, t1, "UPDATE m SET e = vector('[0.9,0.1,0]') WHERE id = 1")
	mustExec(t, t1, "INSERT INTO m VALUES (4, 'd', vector('[1,1,0]'))")
	mustExec(t, t2, "DELETE FROM m WHERE id = 3")
	mustExec(t, t2, "UPDATE m SET label = 'B' WHERE id = 2")
	if got := queryInt(t, t1, "SELECT count(*) FROM vector_top_k('m_idx', vector('[1,1,1]'), 10)"); got != 4 {
		t.Errorf("t1's index finds %d rows, want its 4", got)
	}
	if err := t1.Commit(); err != nil {
		t.Fatalf("commit of vector index writes: %v", err)
	}
	if err := t2.Commit(); err != nil {
		t.Fatalf("commit of vector index writes beside another: %v", err)
	}
	vectorIndexHolds(t, db, "[1 2 4]")
	if got := drivertest.QueryString(t, db, "SELECT vector_extract(e) FROM m WHERE id = 1"); got != "[0.9,0.1,0]" {
		t.Errorf("row 1's vector %s, want the update's", got)
	}
	// A conflict on an indexed row is a conflict like any other.
	t1, t2 = mustBegin(t, db), mustBegin(t, db)
	mustExec(t, t1, "UPDATE m SET e = vector('[0,0,1]') WHERE id = 4")
	mustExec(t, t2, "DELETE FROM m WHERE id = 4")
	if err := t1.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := t2.Commit(); !errors.Is(err, turso.ErrConflict) {
		t.Fatalf("second writer of row 4: %v, want ErrConflict", err)
	}
	vectorIndexHolds(t, db, "[1 2 4]")
}

// vectorIndexHolds checks that table m holds the rows ids and that its
// vector index m_idx holds exactly them (its graph's nodes, in its shadow
// table: which rows a search finds is approximate), and integrity_check.
func vectorIndexHolds(t *testing.T, db *sql.DB, ids string) {
	t.Helper()
	if got := fmt.Sprint(drivertest.RowsOf(t, db, "SELECT id FROM m ORDER BY id")); got != ids {
		t.Errorf("m holds rows %s, want %s", got, ids)
	}
	if got := fmt.Sprint(drivertest.RowsOf(t, db, "SELECT index_key FROM m_idx_shadow ORDER BY index_key")); got != ids {
		t.Errorf("the vector index holds rows %s, want %s", got, ids)
	}
	if got := drivertest.QueryString(t, db, "PRAGMA integrity_check"); got != "ok" {
		t.Errorf("integrity_check: %s", got)
	}
}

// TestConcurrentSavepointWriteIsNoConflict checks that a row written and
// then rolled back to a savepoint is not part of the transaction's writes:
// another transaction's change of it is no conflict.
func TestConcurrentSavepointWriteIsNoConflict(t *testing.T) {
	db, _ := libsqlCC.ConcurrentDB(t, "", accountsSetup...)
	tx := mustBegin(t, db)
	mustExec(t, tx, "SAVEPOINT s")
	mustExec(t, tx, "UPDATE acct SET bal = 0 WHERE id = 3")
	mustExec(t, tx, "ROLLBACK TO s")
	mustExec(t, tx, "UPDATE acct SET bal = 1 WHERE id = 4")
	mustExec(t, db, "UPDATE acct SET bal = 42 WHERE id = 3")
	if err := tx.Commit(); err != nil {
		t.Fatalf("commit: %v", err)
	}
	if got := queryInt(t, db, "SELECT bal FROM acct WHERE id = 3"); got != 42 {
		t.Errorf("row 3 = %d, want 42", got)
	}
}

// TestConcurrentWriteBackIsAWrite checks that a row a transaction set to
// the value it had still counts as written: another transaction's change
// of it meanwhile is a conflict (else the first transaction's write would
// be lost).
func TestConcurrentWriteBackIsAWrite(t *testing.T) {
	db, _ := libsqlCC.ConcurrentDB(t, "", accountsSetup...)
	tx := mustBegin(t, db)
	mustExec(t, tx, "UPDATE acct SET bal = 100 WHERE id = 5")
	mustExec(t, db, "UPDATE acct SET bal = 7 WHERE id = 5")
	if err := tx.Commit(); !errors.Is(err, turso.ErrConflict) {
		t.Fatalf("commit: %v, want ErrConflict", err)
	}
}

// TestConcurrentGeneratedColumns commits rows of a table with stored and
// virtual generated columns (Turso's engine has none by default).
func TestConcurrentGeneratedColumns(t *testing.T) {
	db, _ := libsqlCC.ConcurrentDB(t, "",
		"CREATE TABLE a(id INTEGER PRIMARY KEY, x REAL, twice REAL GENERATED ALWAYS AS (x * 2) STORED, v GENERATED ALWAYS AS (x + 1))")
	tx := mustBegin(t, db)
	mustExec(t, tx, "INSERT INTO a(id, x) VALUES (1, 1.5), (2, -2.25)")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, id := range []int{1, 2} {
		var twice, v float64
		if err := db.QueryRow("SELECT twice, v FROM a WHERE id = ?", id).Scan(&twice, &v); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprint(twice, v))
	}
	if fmt.Sprint(got) != "[3 2.5 -4.5 -1.25]" {
		t.Errorf("generated columns %v", got)
	}
}

// TestConcurrentEncrypted runs concurrent transactions on an encrypted
// database: the reader, the writer and the overlay see its plaintext pages.
func TestConcurrentEncrypted(t *testing.T) {
	for _, cipher := range []string{"", "&_cipher=aes256cbc"} {
		t.Run("cipher"+cipher, func(t *testing.T) {
			db, dsn := libsqlCC.ConcurrentDB(t, "_key=s3cret"+cipher, accountsSetup...)
			t1, t2 := mustBegin(t, db), mustBegin(t, db)
			mustExec(t, t1, "UPDATE acct SET bal = bal + 1 WHERE id = 1")
			mustExec(t, t2, "UPDATE acct SET bal = bal + 1 WHERE id = 1")
			if got := queryInt(t, t2, "SELECT count(*) FROM acct"); got != 50 {
				t.Errorf("t2 reads %d rows", got)
			}
			if err := t1.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := t2.Commit(); !errors.Is(err, turso.ErrConflict) {
				t.Fatalf("second commit: %v, want ErrConflict", err)
			}
			if got := queryInt(t, db, "SELECT sum(bal) FROM acct"); got != 5001 {
				t.Errorf("sum = %d, want 5001", got)
			}
			wrong, err := sql.Open("turso", strings.Replace(dsn, "_key=s3cret", "_key=wrong", 1))
			if err != nil {
				t.Fatal(err)
			}
			defer wrong.Close()
			if _, err := wrong.Exec("SELECT count(*) FROM acct"); err == nil {
				t.Error("read with a wrong key")
			}
		})
	}
}

// TestConcurrentContextInterrupts checks that a context ending during a
// statement of a concurrent transaction interrupts it (on the overlay),
// and that the transaction can still commit what it wrote before.
func TestConcurrentContextInterrupts(t *testing.T) {
	db, _ := libsqlCC.ConcurrentDB(t, "", accountsSetup...)
	tx := mustBegin(t, db)
	mustExec(t, tx, "UPDATE acct SET bal = 1 WHERE id = 1")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var n int64
	err := tx.QueryRowContext(ctx, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) SELECT count(*) FROM c").Scan(&n)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("endless query: %v, want DeadlineExceeded", err)
	}
	if got := queryInt(t, tx, "SELECT bal FROM acct WHERE id = 1"); got != 1 {
		t.Errorf("tx reads %d after the interrupt, want 1", got)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, db, "SELECT bal FROM acct WHERE id = 1"); got != 1 {
		t.Errorf("committed %d, want 1", got)
	}
}

// TestConcurrentInterrupter checks that turso.Interrupter stops a statement
// of a concurrent transaction begun on the same *sql.Conn.
func TestConcurrentInterrupter(t *testing.T) {
	db, _ := libsqlCC.ConcurrentDB(t, "", accountsSetup...)
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	interrupt, err := turso.Interrupter(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	tx := mustBegin(t, c)
	defer tx.Rollback()
	timer := time.AfterFunc(50*time.Millisecond, interrupt)
	defer timer.Stop()
	var n int64
	err = tx.QueryRow("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) SELECT count(*) FROM c").Scan(&n)
	if !errors.Is(err, turso.ErrInterrupt) {
		t.Fatalf("endless query: %v, want ErrInterrupt", err)
	}
}

// TestConcurrentDoubleQuotedStrings checks that a concurrent transaction
// accepts double-quoted string literals, as the pool's connections do.
func TestConcurrentDoubleQuotedStrings(t *testing.T) {
	db, _ := libsqlCC.ConcurrentDB(t, "", accountsSetup...)
	tx := mustBegin(t, db)
	mustExec(t, tx, `UPDATE acct SET bal = length("abcd") WHERE id = 3`)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, db, "SELECT bal FROM acct WHERE id = 3"); got != 4 {
		t.Errorf("bal = %d, want 4", got)
	}
}

// TestConcurrentRollbackByStatement checks a statement whose conflict
// resolution rolls the whole transaction back (OR ROLLBACK): the
// transaction's later statements and its Commit fail rather than run
// outside it, and nothing of it is committed.
func TestConcurrentRollbackByStatement(t *testing.T) {
	db, _ := libsqlCC.ConcurrentDB(t, "", accountsSetup...)
	tx := mustBegin(t, db)
	mustExec(t, tx, "UPDATE acct SET bal = 0 WHERE id = 1")
	if _, err := tx.Exec("INSERT OR ROLLBACK INTO acct VALUES (2, 0)"); !errors.Is(err, turso.ErrConstraintPrimaryKey) {
		t.Fatalf("OR ROLLBACK insert: %v, want the PRIMARY KEY error", err)
	}
	if _, err := tx.Exec("UPDATE acct SET bal = 0 WHERE id = 3"); err == nil || !strings.Contains(err.Error(), "rolled back") {
		t.Errorf("statement after the rollback: %v, want an error saying the transaction was rolled back", err)
	}
	if err := tx.Commit(); err == nil {
		t.Error("Commit after the rollback succeeded")
	}
	if got := queryInt(t, db, "SELECT count(*) FROM acct WHERE bal = 0"); got != 0 {
		t.Errorf("%d rows committed by a rolled-back transaction", got)
	}
	// The connection goes on.
	tx = mustBegin(t, db)
	mustExec(t, tx, "UPDATE acct SET bal = 1 WHERE id = 1")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentHooks checks that a connection's update hook sees the
// writes of a concurrent transaction as it runs them, its commit hook
// sees the commit (and can veto it), and its rollback hook a rollback.
func TestConcurrentHooks(t *testing.T) {
	db, _ := libsqlCC.ConcurrentDB(t, "", accountsSetup...)
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var events []string
	if err := turso.SetUpdateHook(ctx, c, func(e turso.UpdateEvent) {
		events = append(events, fmt.Sprintf("%s %s %d", e.Op, e.Table, e.RowID))
	}); err != nil {
		t.Fatal(err)
	}
	veto := false
	if err := turso.SetCommitHook(ctx, c, func() error {
		events = append(events, "commit")
		if veto {
			return errors.New("veto")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := turso.SetRollbackHook(ctx, c, func() { events = append(events, "rollback") }); err != nil {
		t.Fatal(err)
	}
	tx := mustBegin(t, c)
	mustExec(t, tx, "UPDATE acct SET bal = 1 WHERE id = 1")
	mustExec(t, tx, "DELETE FROM acct WHERE id = 2")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	tx = mustBegin(t, c)
	mustExec(t, tx, "UPDATE acct SET bal = 2 WHERE id = 3")
	tx.Rollback()
	veto = true
	tx = mustBegin(t, c)
	mustExec(t, tx, "UPDATE acct SET bal = 3 WHERE id = 4")
	if err := tx.Commit(); err == nil {
		t.Error("a commit the commit hook vetoed succeeded")
	}
	want := "[UPDATE acct 1 DELETE acct 2 commit UPDATE acct 3 rollback UPDATE acct 4 commit rollback]"
	if got := fmt.Sprint(events); got != want {
		t.Errorf("hook events %s, want %s", got, want)
	}
	if got := queryInt(t, db, "SELECT bal FROM acct WHERE id = 4"); got != 100 {
		t.Errorf("row 4 = %d after a vetoed commit, want 100", got)
	}
}

// TestConcurrentEngineFeaturesRefused checks that the connection features
// that act on the database outside the transaction refuse to run while a
// concurrent transaction runs on the connection.
func TestConcurrentEngineFeaturesRefused(t *testing.T) {
	db, _ := libsqlCC.ConcurrentDB(t, "", accountsSetup...)
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tx := mustBegin(t, c)
	defer tx.Rollback()
	if _, err := turso.Serialize(ctx, c, "main"); !errors.Is(err, turso.ErrNotSupported) {
		t.Errorf("Serialize during a concurrent transaction: %v, want ErrNotSupported", err)
	}
	dst, err := sql.Open("turso", filepath.Join(t.TempDir(), "copy.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	dc, err := dst.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	if err := turso.Backup(ctx, c, dc, nil); !errors.Is(err, turso.ErrNotSupported) {
		t.Errorf("Backup onto a connection in a concurrent transaction: %v, want ErrNotSupported", err)
	}
}
