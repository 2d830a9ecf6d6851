package tursowasm

import (
	"errors"
	"strings"
	"testing"

	"github.com/turso-go/turso/internal/engine"
)

// openPair opens two connections to a new database holding acct(id, bal)
// with rows 1 and 2, in the default (WAL) journal mode.
func openPair(t *testing.T) (c1, c2 engine.Conn) {
	t.Helper()
	c1, path := openConn(t)
	if err := c1.Exec("CREATE TABLE acct (id INTEGER PRIMARY KEY, bal INTEGER); INSERT INTO acct VALUES (1, 100), (2, 100)"); err != nil {
		t.Fatal(err)
	}
	c2, err := testEngine(t).Open(engine.Config{Path: path, Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c2.Close() })
	return c1, c2
}

func beginConcurrent(t *testing.T, c engine.Conn) engine.ConcurrentTx {
	t.Helper()
	tx, err := testEngine(t).NewConcurrentPool(engine.PoolConfig{}).Begin(c)
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

// TestConcurrentSwitchesToMVCC checks that the first concurrent
// transaction switches a WAL database to the MVCC journal mode, which the
// engine's BEGIN CONCURRENT needs, for every connection; and that the
// switch fails, with the engine's busy error, while another connection
// has a transaction open.
func TestConcurrentSwitchesToMVCC(t *testing.T) {
	c1, c2 := openPair(t)
	if rows := queryAll(t, c1, "PRAGMA journal_mode"); rows[0][0].Data != "wal" {
		t.Fatalf("journal_mode = %v, want wal before", rows)
	}
	if err := c2.Exec("BEGIN; UPDATE acct SET bal = 0 WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	_, err := testEngine(t).NewConcurrentPool(engine.PoolConfig{}).Begin(c1)
	var ee *engine.Error
	if !errors.As(err, &ee) || ee.Code != engine.CodeBusy || !strings.Contains(err.Error(), "MVCC") {
		t.Fatalf("Begin while another transaction is open: %v, want a busy error about switching to MVCC", err)
	}
	if err := c2.Exec("COMMIT"); err != nil {
		t.Fatal(err)
	}
	tx := beginConcurrent(t, c1)
	if err := c1.Exec("UPDATE acct SET bal = 1 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []engine.Conn{c1, c2} {
		if rows := queryAll(t, c, "PRAGMA journal_mode"); rows[0][0].Data != "mvcc" {
			t.Errorf("journal_mode = %v, want mvcc after", rows)
		}
	}
	if rows := queryAll(t, c2, "SELECT bal FROM acct ORDER BY id"); rows[0][0].Int != 1 || rows[1][0].Int != 0 {
		t.Errorf("balances %v, want 1 and 0", rows)
	}
	if err := tx.Commit(); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("second Commit: %v, want ErrClosed", err)
	}
}

// TestConcurrentConflicts checks the engine's own conflict detection: of
// two transactions that write the same row, the second writer fails with
// an *engine.ConflictError wrapping the engine's busy-class error, at the
// write (rows the MVCC store holds) or at COMMIT (rows still only in the
// database file, as here: written before the switch to MVCC), and its
// transaction is rolled back whole; disjoint rows commit; a schema change
// on another connection fails a concurrent transaction's COMMIT with a
// conflict.
func TestConcurrentConflicts(t *testing.T) {
	for _, mvccFirst := range []bool{false, true} {
		c1, c2 := openPair(t)
		if mvccFirst {
			if err := c1.Exec("PRAGMA journal_mode = mvcc; UPDATE acct SET bal = 100"); err != nil {
				t.Fatal(err)
			}
		}
		t1, t2 := beginConcurrent(t, c1), beginConcurrent(t, c2)
		if err := c2.Exec("UPDATE acct SET bal = 0 WHERE id = 2"); err != nil {
			t.Fatal(err)
		}
		if err := c1.Exec("UPDATE acct SET bal = bal - 10 WHERE id = 1"); err != nil {
			t.Fatal(err)
		}
		err := c2.Exec("UPDATE acct SET bal = bal + 10 WHERE id = 1")
		if err == nil {
			if err := t1.Commit(); err != nil {
				t.Fatal(err)
			}
			err = t2.Commit()
		} else {
			if !c2.Autocommit() {
				t.Error("the loser's transaction is still open after the conflict")
			}
			if err := t2.Rollback(); err != nil {
				t.Errorf("Rollback of the loser: %v", err)
			}
			if err := t1.Commit(); err != nil {
				t.Fatal(err)
			}
		}
		var ce *engine.ConflictError
		var ee *engine.Error
		if !errors.As(err, &ce) || !errors.As(err, &ee) || ee.Code != engine.CodeBusy {
			t.Fatalf("conflicting write: %v, want an *engine.ConflictError wrapping a busy error", err)
		}
		if rows := queryAll(t, c2, "SELECT bal FROM acct ORDER BY id"); rows[0][0].Int != 90 || rows[1][0].Int != 100 {
			t.Errorf("balances %v, want 90 and 100 (the loser leaves no trace)", rows)
		}
	}
	c1, c2 := openPair(t)
	var ce *engine.ConflictError

	// Disjoint rows do not conflict.
	t1, t2 := beginConcurrent(t, c1), beginConcurrent(t, c2)
	if err := c1.Exec("UPDATE acct SET bal = 1 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if err := c2.Exec("UPDATE acct SET bal = 2 WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	if err := t1.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := t2.Commit(); err != nil {
		t.Fatal(err)
	}

	// A schema change on another connection.
	t1 = beginConcurrent(t, c1)
	if err := c1.Exec("UPDATE acct SET bal = 3 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if err := c2.Exec("CREATE TABLE other (x)"); err != nil {
		t.Fatal(err)
	}
	if err := t1.Commit(); !errors.As(err, &ce) {
		t.Fatalf("COMMIT after a schema change: %v, want an *engine.ConflictError", err)
	}
	if !c1.Autocommit() {
		t.Error("the transaction is still open after its failed COMMIT")
	}
	if rows := queryAll(t, c2, "SELECT bal FROM acct WHERE id = 1"); rows[0][0].Int != 1 {
		t.Errorf("balance %v, want 1", rows)
	}
}
