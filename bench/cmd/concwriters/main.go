// Command concwriters compares the commit throughput of concurrent
// transactions (turso.RunConcurrent) with that of _txlock=immediate
// transactions, side by side in one run: 8 goroutines each run short
// read-modify-write transactions on rows of their own, with about 1 ms of
// think time inside each transaction. Rounds alternate between the two
// modes, and the medians are compared.
//
//	go run ./cmd/concwriters -rounds 5 -duration 2s
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/turso-go/turso"
)

func main() {
	rounds := flag.Int("rounds", 5, "rounds per mode (alternating)")
	duration := flag.Duration("duration", 2*time.Second, "length of a round")
	workers := flag.Int("workers", 8, "goroutines")
	think := flag.Duration("think", time.Millisecond, "think time inside each transaction")
	rowsPer := flag.Int("rows", 100, "rows of each goroutine")
	only := flag.String("only", "", "run only this mode")
	shared := flag.Bool("shared", false, "pick rows from all goroutines' rows (conflicts possible)")
	flag.Parse()

	dir, err := os.MkdirTemp("", "concwriters")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "w.db")
	setup, err := sql.Open("turso", path+"?_journal_mode=WAL")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := setup.Exec("CREATE TABLE item(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, note TEXT)"); err != nil {
		log.Fatal(err)
	}
	if _, err := setup.Exec("WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM s WHERE i < ?) INSERT INTO item SELECT i, 0, 'x' FROM s", *workers**rowsPer-1); err != nil {
		log.Fatal(err)
	}
	setup.Close()

	modes := []string{"immediate", "concurrent"}
	if *only != "" {
		modes = []string{*only}
	}
	var imm, conc []float64
	var attempts, commits int64
	for r := range *rounds {
		for _, mode := range modes {
			rate, a, c := round(path, mode, *workers, *rowsPer, *think, *duration, *shared)
			if mode == "immediate" {
				imm = append(imm, rate)
			} else {
				conc = append(conc, rate)
				attempts += a
				commits += c
			}
			fmt.Printf("round %d %-10s %8.0f commits/s\n", r+1, mode, rate)
		}
	}
	mi, mc := median(imm), median(conc)
	fmt.Printf("median immediate  %8.0f commits/s\n", mi)
	fmt.Printf("median concurrent %8.0f commits/s\n", mc)
	fmt.Printf("ratio concurrent/immediate: %.2fx\n", mc/mi)
	fmt.Printf("concurrent: %d commits, %d attempts, %.2f%% of attempts retried on conflict\n",
		commits, attempts, 100*float64(attempts-commits)/float64(max(attempts, 1)))
}

// round runs the workers for d in one mode and returns the commits per
// second, and for concurrent mode the attempts and commits.
func round(path, mode string, workers, rowsPer int, think, d time.Duration, shared bool) (rate float64, attemptsN, commitsN int64) {
	dsn := path + "?_journal_mode=WAL&_busy_timeout=30000&_txlock=" + mode
	db, err := sql.Open("turso", dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(workers)
	db.SetMaxIdleConns(workers)
	ctx := context.Background()
	var commits, attempts atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			body := func(tx *sql.Tx) error {
				attempts.Add(1)
				id := w*rowsPer + rng.IntN(rowsPer)
				if shared {
					id = rng.IntN(workers * rowsPer)
				}
				var n int64
				if err := tx.QueryRow("SELECT n FROM item WHERE id = ?", id).Scan(&n); err != nil {
					return err
				}
				time.Sleep(think)
				_, err := tx.Exec("UPDATE item SET n = ? WHERE id = ?", n+1, id)
				return err
			}
			for time.Now().Before(deadline) {
				var err error
				if mode == "concurrent" {
					err = turso.RunConcurrent(ctx, db, body)
				} else {
					err = runTx(ctx, db, body)
				}
				if err != nil {
					log.Fatalf("%s: %v", mode, err)
				}
				commits.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	return float64(commits.Load()) / elapsed.Seconds(), attempts.Load(), commits.Load()
}

func runTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
