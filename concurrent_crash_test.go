package turso_test

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/turso-go/turso"
)

const crashEnv = "TURSO_CONCURRENT_CRASH_DB"

// TestConcurrentCrashConsistency kills (SIGKILL) a process that commits
// concurrent transfers from 4 goroutines, at a random moment, three times
// over, and checks after each kill that the database is intact, that money
// is conserved, and that the balances agree with the transfer log: every
// committed transaction is whole, the others are absent.
func TestConcurrentCrashConsistency(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		return
	}
	if testing.Short() {
		t.Skip("starts subprocesses; skipped with -short")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	db, err := sql.Open("turso", path+"?_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mustExec(t, db, "CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER NOT NULL)")
	mustExec(t, db, "CREATE TABLE xfer(id INTEGER PRIMARY KEY, src INTEGER, dst INTEGER, amount INTEGER)")
	mustExec(t, db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 20) INSERT INTO acct SELECT i, 1000 FROM n")
	db.Close()
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentCrashConsistency$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+path)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(300+rand.IntN(400)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()

		db, err := sql.Open("turso", path+"?_journal_mode=WAL")
		if err != nil {
			t.Fatal(err)
		}
		var check string
		if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
			t.Fatalf("round %d: integrity_check = %q, %v", round, check, err)
		}
		if got := queryInt(t, db, "SELECT sum(bal) FROM acct"); got != 20000 {
			t.Errorf("round %d: total = %d, want 20000", round, got)
		}
		if got := queryInt(t, db, `SELECT count(*) FROM acct a WHERE a.bal != 1000
			- coalesce((SELECT sum(amount) FROM xfer WHERE src = a.id), 0)
			+ coalesce((SELECT sum(amount) FROM xfer WHERE dst = a.id), 0)`); got != 0 {
			t.Errorf("round %d: %d accounts disagree with the log", round, got)
		}
		t.Logf("round %d: %d transfers committed before the kill", round, queryInt(t, db, "SELECT count(*) FROM xfer"))
		db.Close()
	}
}

// crashChild commits transfers until it is killed.
func crashChild(path string) {
	db, err := sql.Open("turso", path+"?_journal_mode=WAL&_busy_timeout=10000")
	if err != nil {
		os.Exit(2)
	}
	base := time.Now().UnixNano() % 1_000_000_000 * 1000
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				src, dst := rand.IntN(20)+1, rand.IntN(20)+1
				id := base + int64(w)*100_000_000 + int64(i)
				turso.RunConcurrent(context.Background(), db, func(tx *sql.Tx) error {
					if _, err := tx.Exec("UPDATE acct SET bal = bal - 7 WHERE id = ?", src); err != nil {
						return err
					}
					if _, err := tx.Exec("UPDATE acct SET bal = bal + 7 WHERE id = ?", dst); err != nil {
						return err
					}
					_, err := tx.Exec("INSERT INTO xfer VALUES (?, ?, ?, 7)", id, src, dst)
					return err
				})
			}
		}()
	}
	wg.Wait()
}
