package turso_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/turso-go/turso"
)

// TestConcurrentAndImmediateWriters mixes concurrent transactions with an
// ordinary BEGIN IMMEDIATE writer of another pool: the concurrent
// transaction runs while the writer holds the write lock, commits when the
// writer wrote other rows, and conflicts when it wrote the same row.
func TestConcurrentAndImmediateWriters(t *testing.T) {
	db, dsn := ccOpen(t, "", accountsSetup...)
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
			before := ccInt(t, db, "SELECT bal FROM acct WHERE id = 1")
			tx := ccBegin(t, db)
			itx, err := imm.Begin() // holds the write lock from here
			if err != nil {
				t.Fatal(err)
			}
			ccExec(t, itx, "UPDATE acct SET bal = bal + 10 WHERE id = ?", tc.immRow)
			ccExec(t, tx, "UPDATE acct SET bal = bal + 1 WHERE id = 1") // not blocked
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
			if got := ccInt(t, db, "SELECT bal FROM acct WHERE id = 1"); got != want {
				t.Errorf("row 1 = %d, want %d", got, want)
			}
		})
	}
}

// TestConcurrentTriggers checks that triggers run once, in the transaction
// (their effects are visible to it and committed with it, not run again at
// commit), and that rows written by triggers take part in conflicts.
func TestConcurrentTriggers(t *testing.T) {
	db, _ := ccOpen(t, "", append(accountsSetup,
		"CREATE TABLE audit(id INTEGER PRIMARY KEY, acct INTEGER, old INTEGER, new INTEGER)",
		"CREATE TABLE stats(id INTEGER PRIMARY KEY, updates INTEGER NOT NULL)",
		"INSERT INTO stats VALUES (1, 0)",
		`CREATE TRIGGER acct_audit AFTER UPDATE OF bal ON acct BEGIN
			INSERT INTO audit VALUES (new.id * 1000 + new.bal, new.id, old.bal, new.bal);
			UPDATE stats SET updates = updates + 1 WHERE id = 1 AND new.id <= 10;
		END`)...)

	// Accounts above 10 do not touch the shared stats row: both commit.
	t1, t2 := ccBegin(t, db), ccBegin(t, db)
	ccExec(t, t1, "UPDATE acct SET bal = 150 WHERE id = 20")
	ccExec(t, t2, "UPDATE acct SET bal = 160 WHERE id = 21")
	if got := ccInt(t, t1, "SELECT count(*) FROM audit"); got != 1 {
		t.Errorf("t1 sees %d audit rows, want its trigger's 1", got)
	}
	if err := t1.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := t2.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := ccInt(t, db, "SELECT count(*) FROM audit WHERE (acct, old, new) IN (VALUES (20, 100, 150), (21, 100, 160))"); got != 2 {
		t.Errorf("%d matching audit rows, want 2", got)
	}
	if got := ccInt(t, db, "SELECT count(*) FROM audit"); got != 2 {
		t.Errorf("%d audit rows, want 2: triggers must not run again at commit", got)
	}

	// Accounts 1 and 2 both bump the stats row from their triggers: the
	// second committer conflicts on it.
	t3, t4 := ccBegin(t, db), ccBegin(t, db)
	ccExec(t, t3, "UPDATE acct SET bal = 1 WHERE id = 1")
	ccExec(t, t4, "UPDATE acct SET bal = 2 WHERE id = 2")
	if err := t3.Commit(); err != nil {
		t.Fatal(err)
	}
	var ce *turso.ConflictError
	if err := t4.Commit(); !errors.As(err, &ce) || ce.Table != "stats" {
		t.Fatalf("second commit: %v, want a conflict on stats", err)
	}
	if got := ccInt(t, db, "SELECT updates FROM stats"); got != 1 {
		t.Errorf("stats.updates = %d, want 1", got)
	}
	if got := ccInt(t, db, "SELECT bal FROM acct WHERE id = 2"); got != 100 {
		t.Errorf("the loser's row = %d, want 100", got)
	}
}

// TestConcurrentUniqueConstraint checks that a unique value inserted by two
// transactions fails the second commit with the constraint error, not a
// conflict, and that unique values swapped inside one transaction commit.
func TestConcurrentUniqueConstraint(t *testing.T) {
	db, _ := ccOpen(t, "",
		"CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)",
		"INSERT INTO users VALUES (1, 'a@x'), (2, 'b@x')")

	t1, t2 := ccBegin(t, db), ccBegin(t, db)
	ccExec(t, t1, "INSERT INTO users VALUES (10, 'new@x')")
	ccExec(t, t2, "INSERT INTO users VALUES (11, 'new@x')")
	if err := t1.Commit(); err != nil {
		t.Fatal(err)
	}
	err := t2.Commit()
	if !errors.Is(err, turso.ErrConstraintUnique) || errors.Is(err, turso.ErrConflict) {
		t.Fatalf("second commit: %v, want a UNIQUE constraint error", err)
	}
	if got := ccInt(t, db, "SELECT count(*) FROM users"); got != 3 {
		t.Errorf("%d users, want 3", got)
	}

	// Against the snapshot, the statement itself fails.
	tx := ccBegin(t, db)
	if _, err := tx.Exec("INSERT INTO users VALUES (12, 'a@x')"); !errors.Is(err, turso.ErrConstraintUnique) {
		t.Errorf("duplicate in the snapshot: %v, want a UNIQUE constraint error", err)
	}
	// Swapping two unique values applies whatever the order of rows.
	ccExec(t, tx, "UPDATE users SET email = 'tmp' WHERE id = 1")
	ccExec(t, tx, "UPDATE users SET email = 'a@x' WHERE id = 2")
	ccExec(t, tx, "UPDATE users SET email = 'b@x' WHERE id = 1")
	if err := tx.Commit(); err != nil {
		t.Fatalf("swap: %v", err)
	}
	if got := ccInt(t, db, "SELECT count(*) FROM users WHERE (id, email) IN (VALUES (1, 'b@x'), (2, 'a@x'))"); got != 2 {
		t.Errorf("swap not applied")
	}
}

// TestConcurrentForeignKeys checks that a child inserted by one
// transaction and its parent deleted by another cannot both commit.
func TestConcurrentForeignKeys(t *testing.T) {
	db, _ := ccOpen(t, "_foreign_keys=1",
		"CREATE TABLE parent(id INTEGER PRIMARY KEY)",
		"CREATE TABLE child(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES parent(id))",
		"INSERT INTO parent VALUES (1), (2)")
	t1, t2 := ccBegin(t, db), ccBegin(t, db)
	ccExec(t, t1, "DELETE FROM parent WHERE id = 1")
	ccExec(t, t2, "INSERT INTO child VALUES (1, 1)")
	if err := t2.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := t1.Commit(); !errors.Is(err, turso.ErrConstraintForeignKey) {
		t.Fatalf("deleting a parent that a child now refers to: %v, want a FOREIGN KEY constraint error", err)
	}
	if got := ccInt(t, db, "SELECT count(*) FROM parent"); got != 2 {
		t.Errorf("%d parents, want 2", got)
	}
	// Inside the transaction, foreign keys are enforced as usual.
	tx := ccBegin(t, db)
	defer tx.Rollback()
	if _, err := tx.Exec("INSERT INTO child VALUES (2, 99)"); !errors.Is(err, turso.ErrConstraintForeignKey) {
		t.Errorf("orphan insert: %v, want a FOREIGN KEY constraint error", err)
	}
}

// TestConcurrentRefused checks that what the mechanism cannot track is
// refused with an error that says so, and leaves the transaction usable.
func TestConcurrentRefused(t *testing.T) {
	db, _ := ccOpen(t, "", append(accountsSetup,
		"CREATE TABLE kv(k TEXT PRIMARY KEY, v) WITHOUT ROWID",
		"CREATE VIRTUAL TABLE docs USING fts5(body)",
		"CREATE TABLE rep(id INTEGER PRIMARY KEY, u TEXT UNIQUE ON CONFLICT REPLACE)",
	)...)
	tx := ccBegin(t, db)
	defer tx.Rollback()
	for _, tc := range []struct{ sql, want string }{
		{"CREATE TABLE t2(x)", "schema changes"},
		{"DROP TABLE acct", "schema changes"},
		{"CREATE INDEX acct_bal ON acct(bal)", "schema changes"},
		{"ALTER TABLE acct ADD COLUMN y", "schema changes"},
		{"INSERT INTO kv VALUES ('a', 1)", "WITHOUT ROWID"},
		{"INSERT INTO docs VALUES ('hello')", "virtual table"},
		{"INSERT INTO rep VALUES (1, 'x')", "ON CONFLICT REPLACE"},
		{"INSERT OR REPLACE INTO acct VALUES (1, 5)", "REPLACE"},
		{"REPLACE INTO acct VALUES (1, 5)", "REPLACE"},
		{"COMMIT", "Commit or Rollback"},
		{"PRAGMA user_version = 3", "user_version"},
		{"ATTACH ':memory:' AS aux", "ATTACH"},
	} {
		_, err := tx.Exec(tc.sql)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error mentioning %q", tc.sql, err, tc.want)
		}
	}
	// The replace() function, reads of those tables and savepoints work.
	ccExec(t, tx, "UPDATE acct SET bal = length(replace('aaa', 'a', 'bb')) WHERE id = 1")
	if got := ccInt(t, tx, "SELECT count(*) FROM kv"); got != 0 {
		t.Errorf("kv count = %d", got)
	}
	ccExec(t, tx, "SAVEPOINT s1")
	ccExec(t, tx, "UPDATE acct SET bal = 0 WHERE id = 2")
	ccExec(t, tx, "ROLLBACK TO s1")
	ccExec(t, tx, "RELEASE s1")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := ccInt(t, db, "SELECT bal FROM acct WHERE id = 1"); got != 6 {
		t.Errorf("row 1 = %d, want 6", got)
	}
	if got := ccInt(t, db, "SELECT bal FROM acct WHERE id = 2"); got != 100 {
		t.Errorf("row 2 = %d, want 100 (rolled back to the savepoint)", got)
	}
}

// TestConcurrentSavepointWriteIsNoConflict checks that a row written and
// then rolled back to a savepoint is not part of the transaction's writes.
func TestConcurrentSavepointWriteIsNoConflict(t *testing.T) {
	db, _ := ccOpen(t, "", accountsSetup...)
	tx := ccBegin(t, db)
	ccExec(t, tx, "SAVEPOINT s")
	ccExec(t, tx, "UPDATE acct SET bal = 0 WHERE id = 3")
	ccExec(t, tx, "ROLLBACK TO s")
	ccExec(t, tx, "UPDATE acct SET bal = 1 WHERE id = 4")
	ccExec(t, db, "UPDATE acct SET bal = 42 WHERE id = 3")
	if err := tx.Commit(); err != nil {
		t.Fatalf("commit: %v", err)
	}
	if got := ccInt(t, db, "SELECT bal FROM acct WHERE id = 3"); got != 42 {
		t.Errorf("row 3 = %d, want 42", got)
	}
}

// TestConcurrentTableShapes commits rows of tables with AUTOINCREMENT,
// generated columns, blobs, NULLs and floats, and deletes many rows at
// once (which SQLite would otherwise do with the truncate optimization).
func TestConcurrentTableShapes(t *testing.T) {
	db, _ := ccOpen(t, "",
		"CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, x REAL, b BLOB, n TEXT, twice REAL GENERATED ALWAYS AS (x * 2) STORED, v GENERATED ALWAYS AS (x + 1))",
		"CREATE TABLE wide(c1, c2, c3)",
		"INSERT INTO wide VALUES (1, 2, 3), (4, 5, 6), (7, 8, 9)")
	tx := ccBegin(t, db)
	ccExec(t, tx, "INSERT INTO a(x, b, n) VALUES (1.5, x'00ff', NULL)")
	ccExec(t, tx, "INSERT INTO a(id, x, b, n) VALUES (100, -2.25, x'', 'text')")
	ccExec(t, tx, "DELETE FROM wide")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var got []string
	rows, err := db.Query("SELECT id, x, hex(b), quote(n), twice, v FROM a ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var x, twice, v float64
		var b, n string
		if err := rows.Scan(&id, &x, &b, &n, &twice, &v); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%v|%v|%v|%v|%v|%v", id, x, b, n, twice, v))
	}
	rows.Close()
	want := []string{"1|1.5|00FF|NULL|3|2.5", "100|-2.25||'text'|-4.5|-1.25"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rows = %q, want %q", got, want)
	}
	if got := ccInt(t, db, "SELECT seq FROM sqlite_sequence WHERE name = 'a'"); got != 100 {
		t.Errorf("sqlite_sequence = %d, want 100", got)
	}
	if got := ccInt(t, db, "SELECT count(*) FROM wide"); got != 0 {
		t.Errorf("wide has %d rows, want 0", got)
	}
}

// TestConcurrentPoolModes checks _txlock=concurrent and WithBeginConcurrent:
// a default BeginTx is concurrent (two of them write at once), and a
// statement prepared on the pool runs inside the transaction.
func TestConcurrentPoolModes(t *testing.T) {
	_, dsn := ccOpen(t, "", accountsSetup...)
	c, err := turso.NewConnector(dsn, turso.WithBeginConcurrent())
	if err != nil {
		t.Fatal(err)
	}
	viaOption := sql.OpenDB(c)
	defer viaOption.Close()
	viaDSN, err := sql.Open("turso", dsn+"&_txlock=concurrent")
	if err != nil {
		t.Fatal(err)
	}
	defer viaDSN.Close()
	for name, db := range map[string]*sql.DB{"option": viaOption, "dsn": viaDSN} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			upd, err := db.Prepare("UPDATE acct SET bal = bal + 1 WHERE id = ?")
			if err != nil {
				t.Fatal(err)
			}
			defer upd.Close()
			before := ccInt(t, db, "SELECT sum(bal) FROM acct")
			t1, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			t2, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := t1.Stmt(upd).Exec(1); err != nil {
				t.Fatal(err)
			}
			if _, err := t2.Stmt(upd).Exec(2); err != nil {
				t.Fatal(err)
			}
			if got := ccInt(t, db, "SELECT sum(bal) FROM acct"); got != before {
				t.Errorf("uncommitted writes visible: sum %d, want %d", got, before)
			}
			if err := t1.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := t2.Commit(); err != nil {
				t.Fatal(err)
			}
			if got := ccInt(t, db, "SELECT sum(bal) FROM acct"); got != before+2 {
				t.Errorf("sum %d, want %d", got, before+2)
			}
			// Serializable asks for an ordinary transaction.
			tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
			if err != nil {
				t.Fatal(err)
			}
			ccExec(t, tx, "CREATE TABLE IF NOT EXISTS ddl_ok(x)")
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestConcurrentSchemaChangeConflicts checks that a schema change committed
// after a transaction's snapshot makes the transaction conflict.
func TestConcurrentSchemaChangeConflicts(t *testing.T) {
	db, _ := ccOpen(t, "", accountsSetup...)
	tx := ccBegin(t, db)
	ccExec(t, tx, "UPDATE acct SET bal = 1 WHERE id = 1")
	ccExec(t, db, "CREATE INDEX acct_bal ON acct(bal)")
	var ce *turso.ConflictError
	if err := tx.Commit(); !errors.As(err, &ce) || ce.Table != "" {
		t.Fatalf("commit after a schema change: %v, want a schema conflict", err)
	}
	// The next transaction works on the new schema.
	err := turso.RunConcurrent(context.Background(), db, func(tx *sql.Tx) error {
		_, err := tx.Exec("UPDATE acct SET bal = 1 WHERE id = 1")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := ccInt(t, db, "SELECT count(*) FROM acct INDEXED BY acct_bal WHERE bal = 1"); got != 1 {
		t.Errorf("index finds %d rows, want 1", got)
	}
}

// TestRunConcurrentStopsWithContext checks that RunConcurrent retries a
// conflicting function until the context ends, and returns other errors at
// once.
func TestRunConcurrentStopsWithContext(t *testing.T) {
	db, _ := ccOpen(t, "", accountsSetup...)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	calls := 0
	err := turso.RunConcurrent(ctx, db, func(tx *sql.Tx) error {
		calls++
		if _, err := tx.Exec("UPDATE acct SET bal = bal + 1 WHERE id = 1"); err != nil {
			return err
		}
		// Another writer changes the row before every commit.
		_, err := db.Exec("UPDATE acct SET bal = bal + 100 WHERE id = 1")
		return err
	})
	if !errors.Is(err, turso.ErrConflict) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want ErrConflict and DeadlineExceeded", err)
	}
	if calls < 2 {
		t.Errorf("fn ran %d times, want retries", calls)
	}
	if got := ccInt(t, db, "SELECT bal FROM acct WHERE id = 1"); (got-100)%100 != 0 || got > int64(100+100*calls) {
		t.Errorf("bal = %d after %d attempts: no attempt may commit", got, calls)
	}
	boom := errors.New("boom")
	calls = 0
	err = turso.RunConcurrent(context.Background(), db, func(tx *sql.Tx) error { calls++; return boom })
	if !errors.Is(err, boom) || calls != 1 {
		t.Errorf("got %v after %d calls, want boom after 1", err, calls)
	}
}

// TestConcurrentForeignKeyActionsAndUpsert checks that rows changed by
// foreign key actions (ON DELETE CASCADE, ON UPDATE SET NULL) and by
// upserts are part of the committed transaction.
func TestConcurrentForeignKeyActionsAndUpsert(t *testing.T) {
	db, _ := ccOpen(t, "_foreign_keys=1",
		"CREATE TABLE parent(id INTEGER PRIMARY KEY, code TEXT UNIQUE)",
		"CREATE TABLE child(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES parent(id) ON DELETE CASCADE)",
		"CREATE TABLE tag(id INTEGER PRIMARY KEY, pcode TEXT REFERENCES parent(code) ON UPDATE SET NULL)",
		"CREATE TABLE counter(name TEXT PRIMARY KEY, n INTEGER)",
		"INSERT INTO parent VALUES (1, 'a'), (2, 'b')",
		"INSERT INTO child VALUES (10, 1), (11, 1), (12, 2)",
		"INSERT INTO tag VALUES (20, 'b')",
		"INSERT INTO counter VALUES ('x', 1)")
	tx := ccBegin(t, db)
	ccExec(t, tx, "DELETE FROM parent WHERE id = 1")
	ccExec(t, tx, "UPDATE parent SET code = 'B' WHERE id = 2")
	ccExec(t, tx, "INSERT INTO counter VALUES ('x', 1), ('y', 1) ON CONFLICT(name) DO UPDATE SET n = n + excluded.n")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := ccInt(t, db, "SELECT count(*) FROM child"); got != 1 {
		t.Errorf("%d children left, want 1 (cascade)", got)
	}
	if got := ccInt(t, db, "SELECT count(*) FROM tag WHERE pcode IS NULL"); got != 1 {
		t.Errorf("tag not set to NULL by ON UPDATE SET NULL")
	}
	if got := ccInt(t, db, "SELECT sum(n) FROM counter"); got != 3 {
		t.Errorf("counter sum = %d, want 3 (upsert)", got)
	}
	var check string
	if err := db.QueryRow("PRAGMA foreign_key_check").Scan(&check); err != sql.ErrNoRows {
		t.Errorf("foreign_key_check: %q, %v", check, err)
	}
}

// TestConcurrentEncrypted runs concurrent transactions on an encrypted
// database: the reader, the writer and the overlay see its plaintext pages.
func TestConcurrentEncrypted(t *testing.T) {
	for _, cipher := range []string{"", "&_cipher=aes256cbc"} {
		t.Run("cipher"+cipher, func(t *testing.T) {
			db, dsn := ccOpen(t, "_key=s3cret"+cipher, accountsSetup...)
			t1, t2 := ccBegin(t, db), ccBegin(t, db)
			ccExec(t, t1, "UPDATE acct SET bal = bal + 1 WHERE id = 1")
			ccExec(t, t2, "UPDATE acct SET bal = bal + 1 WHERE id = 1")
			if got := ccInt(t, t2, "SELECT count(*) FROM acct"); got != 50 {
				t.Errorf("t2 reads %d rows", got)
			}
			if err := t1.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := t2.Commit(); !errors.Is(err, turso.ErrConflict) {
				t.Fatalf("second commit: %v, want ErrConflict", err)
			}
			if got := ccInt(t, db, "SELECT sum(bal) FROM acct"); got != 5001 {
				t.Errorf("sum = %d, want 5001", got)
			}
			// Without the key, the file is unreadable.
			plain, err := sql.Open("turso", strings.Replace(dsn, "_key=s3cret", "_key=wrong", 1))
			if err != nil {
				t.Fatal(err)
			}
			defer plain.Close()
			if _, err := plain.Exec("SELECT count(*) FROM acct"); err == nil {
				t.Error("read with a wrong key")
			}
		})
	}
}

// TestConcurrentContextInterrupts checks that a context ending during a
// statement of a concurrent transaction interrupts it (on the overlay),
// and that the transaction can still commit what it wrote before.
func TestConcurrentContextInterrupts(t *testing.T) {
	db, _ := ccOpen(t, "", accountsSetup...)
	tx := ccBegin(t, db)
	ccExec(t, tx, "UPDATE acct SET bal = 1 WHERE id = 1")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var n int64
	err := tx.QueryRowContext(ctx, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) SELECT count(*) FROM c").Scan(&n)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("endless query: %v, want DeadlineExceeded", err)
	}
	if got := ccInt(t, tx, "SELECT bal FROM acct WHERE id = 1"); got != 1 {
		t.Errorf("tx reads %d after the interrupt, want 1", got)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := ccInt(t, db, "SELECT bal FROM acct WHERE id = 1"); got != 1 {
		t.Errorf("committed %d, want 1", got)
	}
}

// TestConcurrentInterrupter checks that turso.Interrupter stops a statement
// of a concurrent transaction begun on the same *sql.Conn.
func TestConcurrentInterrupter(t *testing.T) {
	db, _ := ccOpen(t, "", accountsSetup...)
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
	tx, err := turso.BeginConcurrent(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
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
	db, _ := ccOpen(t, "", accountsSetup...)
	tx := ccBegin(t, db)
	ccExec(t, tx, `UPDATE acct SET bal = length("abcd") WHERE id = 3`)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := ccInt(t, db, "SELECT bal FROM acct WHERE id = 3"); got != 4 {
		t.Errorf("bal = %d, want 4", got)
	}
}
