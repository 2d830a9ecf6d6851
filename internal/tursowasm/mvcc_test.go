package tursowasm

import (
	"errors"
	"testing"

	"github.com/turso-go/turso/internal/engine"
)

// TestBeginConcurrent checks the engine's own MVCC: with journal_mode
// mvcc, two BEGIN CONCURRENT transactions that write the same row
// conflict, and the loser fails with a busy-class error marked Conflict,
// its transaction rolled back whole.
func TestBeginConcurrent(t *testing.T) {
	e := testEngine(t)
	c1, path := openConn(t)
	if rows := queryAll(t, c1, "PRAGMA journal_mode = mvcc"); len(rows) != 1 || rows[0][0].Data != "mvcc" {
		t.Fatalf("journal_mode = %v", rows)
	}
	if err := c1.Exec("CREATE TABLE acct (id INTEGER PRIMARY KEY, bal INTEGER); INSERT INTO acct VALUES (1, 100), (2, 100)"); err != nil {
		t.Fatal(err)
	}
	c2, err := e.Open(engine.Config{Path: path, Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	for _, c := range []engine.Conn{c1, c2} {
		if err := c.Exec("BEGIN CONCURRENT"); err != nil {
			t.Fatal(err)
		}
	}
	if err := c1.Exec("UPDATE acct SET bal = bal - 10 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	err = c2.Exec("UPDATE acct SET bal = bal + 10 WHERE id = 1")
	if err == nil {
		if err = c1.Exec("COMMIT"); err != nil {
			t.Fatalf("first COMMIT: %v", err)
		}
		err = c2.Exec("COMMIT")
	}
	var ee *engine.Error
	if !errors.As(err, &ee) || ee.Code != engine.CodeBusy || !ee.Conflict {
		t.Fatalf("conflicting write: %v, want a busy-class error marked Conflict", err)
	}
	t.Logf("conflict: %s", ee.Message)
	if !c2.Autocommit() {
		t.Error("the loser's transaction is still open after the conflict")
	}
	if !c1.Autocommit() {
		c1.Exec("COMMIT")
	}
	// Disjoint rows do not conflict.
	for _, c := range []engine.Conn{c1, c2} {
		if err := c.Exec("BEGIN CONCURRENT"); err != nil {
			t.Fatal(err)
		}
	}
	if err := c1.Exec("UPDATE acct SET bal = 1 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if err := c2.Exec("UPDATE acct SET bal = 2 WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	if err := c1.Exec("COMMIT"); err != nil {
		t.Fatal(err)
	}
	if err := c2.Exec("COMMIT"); err != nil {
		t.Fatal(err)
	}
	rows := queryAll(t, c1, "SELECT bal FROM acct ORDER BY id")
	if len(rows) != 2 || rows[0][0].Int != 1 || rows[1][0].Int != 2 {
		t.Errorf("balances %v", rows)
	}
}
