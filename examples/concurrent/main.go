// Command concurrent shows several writers committing at the same time with
// turso's concurrent transactions: each runs on its own snapshot without
// taking the database's write lock, and only transactions that wrote the
// same rows conflict, at commit. turso.RunConcurrent retries the loser.
//
//	go run ./examples/concurrent
//	go run ./examples/concurrent -writers 8 -transfers 500 -db /tmp/bank.db
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/turso-go/turso"
)

func main() {
	path := flag.String("db", filepath.Join(os.TempDir(), "turso-concurrent.db"), "database file (recreated)")
	writers := flag.Int("writers", 4, "goroutines writing at once")
	transfers := flag.Int("transfers", 200, "transfers per writer")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *path, *writers, *transfers); err != nil {
		log.Fatal(err)
	}
}

const accounts = 20

// run moves money between accounts from several goroutines at once and
// checks that no money was made or lost.
func run(ctx context.Context, out io.Writer, path string, writers, transfers int) error {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	// Concurrent transactions need WAL; _txlock=concurrent makes every
	// db.BeginTx of this pool a concurrent one.
	db, err := sql.Open("turso", path+"?_journal_mode=WAL&_txlock=concurrent")
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(out, "database: %s\n", path)

	if _, err := db.ExecContext(ctx, `
		CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0));
		CREATE TABLE transfers(id INTEGER PRIMARY KEY, src INTEGER NOT NULL, dst INTEGER NOT NULL, amount INTEGER NOT NULL)`); err != nil {
		return err
	}
	for id := 1; id <= accounts; id++ {
		if _, err := db.ExecContext(ctx, "INSERT INTO accounts VALUES (?, 100)", id); err != nil {
			return err
		}
	}

	var attempts, done, refused atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 42))
			for i := range transfers {
				src, dst := 1+r.IntN(accounts), 1+r.IntN(accounts)
				if src == dst {
					continue
				}
				amount := 1 + r.IntN(10)
				// Each transfer logs itself with its own key: rows inserted
				// without one would all get the snapshot's next rowid and
				// conflict with each other.
				logID := int64(w)*int64(transfers) + int64(i) + 1
				err := turso.RunConcurrent(ctx, db, func(tx *sql.Tx) error {
					attempts.Add(1)
					return transfer(ctx, tx, logID, src, dst, amount)
				})
				switch {
				case errors.Is(err, errInsufficient):
					// Not enough money: the transaction rolled back.
					refused.Add(1)
				case err != nil:
					errs <- err
					return
				default:
					done.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	elapsed := time.Since(start)

	var total, logged int64
	if err := db.QueryRowContext(ctx, "SELECT sum(balance), (SELECT count(*) FROM transfers) FROM accounts").Scan(&total, &logged); err != nil {
		return err
	}
	fmt.Fprintf(out, "%d writers committed %d transfers in %v (%d refused for lack of funds; %d attempts retried after a conflict)\n",
		writers, done.Load(), elapsed.Round(time.Millisecond), refused.Load(), attempts.Load()-done.Load()-refused.Load())
	fmt.Fprintf(out, "total balance %d (started with %d), %d transfers logged\n", total, accounts*100, logged)
	if total != accounts*100 || logged != done.Load() {
		return fmt.Errorf("invariant broken: total %d, logged %d of %d transfers", total, logged, done.Load())
	}
	return nil
}

var errInsufficient = errors.New("insufficient funds")

// transfer moves amount from src to dst inside tx, and logs it.
func transfer(ctx context.Context, tx *sql.Tx, logID int64, src, dst, amount int) error {
	var balance int
	if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = ?", src).Scan(&balance); err != nil {
		return err
	}
	if balance < amount {
		return errInsufficient
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, src); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, dst); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO transfers(id, src, dst, amount) VALUES (?, ?, ?, ?)", logID, src, dst, amount)
	return err
}
