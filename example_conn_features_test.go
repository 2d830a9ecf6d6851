package turso_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/turso-go/turso"
)

func ExampleBackup() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "backup-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	src, err := sql.Open("turso", filepath.Join(dir, "live.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer src.Close()
	if _, err := src.Exec("CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('kept')"); err != nil {
		log.Fatal(err)
	}
	dst, err := sql.Open("turso", filepath.Join(dir, "copy.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer dst.Close()

	// Backup works on two held connections.
	sc, err := src.Conn(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer sc.Close()
	dc, err := dst.Conn(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer dc.Close()
	err = turso.Backup(ctx, dc, sc, &turso.BackupOptions{
		PagesPerStep: 1,
		Progress: func(remaining, total int) {
			if remaining == 0 {
				fmt.Println("copied", total, "pages")
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	var body string
	if err := dc.QueryRowContext(ctx, "SELECT body FROM notes").Scan(&body); err != nil {
		log.Fatal(err)
	}
	fmt.Println(body)
	// Output:
	// copied 2 pages
	// kept
}

func ExampleSerialize() {
	ctx := context.Background()
	db, err := sql.Open("turso", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "CREATE TABLE kv(k, v); INSERT INTO kv VALUES ('a', 1)"); err != nil {
		log.Fatal(err)
	}
	image, err := turso.Serialize(ctx, c, "main")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", image[:15])

	// Load the image into another in-memory database.
	other, err := db.Conn(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer other.Close()
	if err := turso.Deserialize(ctx, other, "main", image); err != nil {
		log.Fatal(err)
	}
	var v int
	if err := other.QueryRowContext(ctx, "SELECT v FROM kv WHERE k = 'a'").Scan(&v); err != nil {
		log.Fatal(err)
	}
	fmt.Println(v)
	// Output:
	// "SQLite format 3"
	// 1
}

func ExampleSetUpdateHook() {
	ctx := context.Background()
	db, err := sql.Open("turso", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	err = turso.SetUpdateHook(ctx, c, func(e turso.UpdateEvent) {
		fmt.Println(e.Op, e.Table, e.RowID)
	})
	if err != nil {
		log.Fatal(err)
	}
	err = turso.SetCommitHook(ctx, c, func() error {
		fmt.Println("commit")
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, "CREATE TABLE t(x); INSERT INTO t VALUES ('a'), ('b'); DELETE FROM t WHERE x = 'a'"); err != nil {
		log.Fatal(err)
	}
	// Output:
	// commit
	// INSERT t 1
	// INSERT t 2
	// commit
	// DELETE t 1
	// commit
}

func ExampleCheckpoint() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "checkpoint-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("turso", filepath.Join(dir, "app.db")+"?_journal_mode=WAL")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "CREATE TABLE t(x); INSERT INTO t VALUES (1)"); err != nil {
		log.Fatal(err)
	}
	res, err := turso.Checkpoint(ctx, c, turso.CheckpointTruncate)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+v\n", res)
	// Output: {LogFrames:0 Checkpointed:0}
}

func ExampleInterrupter() {
	ctx := context.Background()
	db, err := sql.Open("turso", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	interrupt, err := turso.Interrupter(ctx, c)
	if err != nil {
		log.Fatal(err)
	}
	// Another goroutine stops the endless query below. (An interrupt that
	// arrives while no statement runs is lost, so it keeps trying.)
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
				interrupt()
			}
		}
	}()
	_, err = c.ExecContext(ctx, "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r")
	close(stop)
	fmt.Println(errors.Is(err, turso.ErrInterrupt))
	// Output: true
}
