package drivertest

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// journalShapes are the DSN shapes that ask for WAL mode, as the README
// tells users to for concurrent transactions: with concurrent transactions
// on request (BeginConcurrent) or by default, on a plain path and on a
// "file:" URI.
var journalShapes = []struct {
	name   string
	uri    bool
	params string
}{
	{"wal", false, "_journal_mode=WAL"},
	{"wal-txlock-concurrent", false, "_journal_mode=WAL&_txlock=concurrent"},
	{"uri-wal", true, "_journal=wal"},
}

// testCCNewConnectionsWhileOpen opens new connections, whose setup asks
// for WAL mode, while concurrent transactions are open on others: each
// opens at once, reads and writes, and no transaction's commit is lost.
// Asking for WAL never takes the database out of the mode its concurrent
// transactions run in (Turso's engine: MVCC, which journals through a WAL
// too), neither while transactions are open nor between them, nor when
// the database is opened again.
func testCCNewConnectionsWhileOpen(t *testing.T, e Engine) {
	for _, shape := range journalShapes {
		t.Run(shape.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cc.db")
			if shape.uri {
				path = "file:" + path + "?mode=rwc"
			}
			dsn := e.dsn(path, shape.params)
			db := open(t, dsn)
			MustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, conn INTEGER NOT NULL)")
			ctx := context.Background()

			t1 := BeginConcurrent(t, db)
			MustExec(t, t1, "INSERT INTO t VALUES (1, 1)")
			mode := QueryString(t, db, "PRAGMA journal_mode") // on a new connection
			t2 := BeginConcurrent(t, db)
			MustExec(t, t2, "INSERT INTO t VALUES (2, 2)")

			// Connections opened while t1 and t2 are open, all held at
			// once: each reads the committed state, one commits a write of
			// its own, one runs a concurrent transaction.
			const extra = 3
			conns := make([]*sql.Conn, extra)
			for i := range conns {
				c, err := db.Conn(ctx)
				if err != nil {
					t.Fatalf("a new connection while two concurrent transactions are open: %v", err)
				}
				defer c.Close()
				conns[i] = c
				if got := queryConnString(t, c, "PRAGMA journal_mode"); got != mode {
					t.Errorf("connection %d: journal_mode %q, want %q (as when the first transaction ran)", i, got, mode)
				}
				if n := queryConnInt(t, c, "SELECT count(*) FROM t"); n != 0 {
					t.Errorf("connection %d sees %d uncommitted rows", i, n)
				}
			}
			t3, err := conns[0].BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSnapshot})
			if err != nil {
				t.Fatalf("a concurrent transaction on a connection opened while two were open: %v", err)
			}
			MustExec(t, t3, "INSERT INTO t VALUES (3, 3)")
			MustExec(t, conns[1], "INSERT INTO t VALUES (4, 4)")
			for i, tx := range []*sql.Tx{t1, t2, t3} {
				if err := tx.Commit(); err != nil {
					t.Fatalf("commit of transaction %d: %v", i+1, err)
				}
			}
			for _, c := range conns {
				c.Close()
			}
			if got := rowsOfT(t, db); got != "1 2 3 4" {
				t.Errorf("rows %q, want 1 2 3 4", got)
			}

			// No transaction open: a new connection's setup leaves the
			// mode as it is, and two transactions still write at once.
			db.SetMaxIdleConns(0)
			if got := QueryString(t, db, "PRAGMA journal_mode"); got != mode {
				t.Errorf("journal_mode %q after a new connection with no transaction open, want %q", got, mode)
			}
			ccWriteTwoAtOnce(t, db, 5)
			db.Close()

			// Opened again, as the next run of the program does.
			db = open(t, dsn)
			if got := QueryString(t, db, "PRAGMA journal_mode"); got != mode {
				t.Errorf("journal_mode %q after reopening, want %q", got, mode)
			}
			ccWriteTwoAtOnce(t, db, 7)
			if got := rowsOfT(t, db); got != "1 2 3 4 5 6 7 8" {
				t.Errorf("rows %q, want 1 to 8", got)
			}
			integrityOK(t, db)
		})
	}
}

// ccWriteTwoAtOnce inserts rows id and id+1 into t from two concurrent
// transactions open at the same time.
func ccWriteTwoAtOnce(t *testing.T, db *sql.DB, id int) {
	t.Helper()
	a, b := BeginConcurrent(t, db), BeginConcurrent(t, db)
	MustExec(t, a, "INSERT INTO t VALUES (?, 1)", id)
	MustExec(t, b, "INSERT INTO t VALUES (?, 2)", id+1)
	if err := a.Commit(); err != nil {
		t.Fatalf("commit: %v", err)
	}
	if err := b.Commit(); err != nil {
		t.Fatalf("commit: %v", err)
	}
}

// rowsOfT lists the ids of table t in order, separated by spaces.
func rowsOfT(t *testing.T, db *sql.DB) string {
	t.Helper()
	return strings.Join(RowsOf(t, db, "SELECT id FROM t ORDER BY id"), " ")
}

// queryConnString returns the text a query on connection c yields.
func queryConnString(t *testing.T, c *sql.Conn, query string) string {
	t.Helper()
	var s string
	if err := c.QueryRowContext(context.Background(), query).Scan(&s); err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
	return s
}

// queryConnInt returns the integer a query on connection c yields.
func queryConnInt(t *testing.T, c *sql.Conn, query string) int64 {
	t.Helper()
	var n int64
	if err := c.QueryRowContext(context.Background(), query).Scan(&n); err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
	return n
}
