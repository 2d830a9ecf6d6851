package turso_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/internal/drivertest"
)

// fillTable creates table t with n rows of 200 bytes on db.
func fillTable(t *testing.T, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, n int) {
	t.Helper()
	mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, payload BLOB)")
	mustExec(t, db, "INSERT INTO t(payload) SELECT randomblob(200) FROM generate_series(1, ?)", n)
}

// tableDigest summarizes table t of q: row count and a checksum.
func tableDigest(t *testing.T, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) string {
	t.Helper()
	var n int
	var sum string
	err := q.QueryRowContext(context.Background(), "SELECT count(*), coalesce(hex(sum(length(payload) * id)), '') || group_concat(hex(substr(payload, 1, 4)), '') FROM t").Scan(&n, &sum)
	if err != nil {
		t.Fatalf("digest: %v", err)
	}
	return fmt.Sprint(n, ":", sum)
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		pages int
		dst   string // DSN of the destination, "" for a file
	}{
		{"default steps to file", 0, ""},
		{"one page per step", 1, ""},
		{"all at once to memory", -1, ":memory:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			src := drivertest.OpenConnector(t, filepath.Join(dir, "src.db"))
			fillTable(t, src, 500)
			want := tableDigest(t, src)

			dstDSN := tc.dst
			if dstDSN == "" {
				dstDSN = filepath.Join(dir, "dst.db")
			}
			dst := drivertest.OpenConnector(t, dstDSN)
			dc, sc := drivertest.Conn(t, dst), drivertest.Conn(t, src)
			var calls, lastRemaining, total int
			err := turso.Backup(ctx, dc, sc, &turso.BackupOptions{PagesPerStep: tc.pages, Progress: func(remaining, pages int) {
				calls++
				lastRemaining, total = remaining, pages
			}})
			if err != nil {
				t.Fatalf("Backup: %v", err)
			}
			if calls == 0 || lastRemaining != 0 || total < 20 {
				t.Fatalf("progress: %d calls, last remaining %d of %d", calls, lastRemaining, total)
			}
			if tc.pages == 1 && calls < total {
				t.Fatalf("one page per step: %d progress calls for %d pages", calls, total)
			}
			if got := tableDigest(t, dc); got != want {
				t.Fatalf("copy differs: %s, want %s", got, want)
			}
			// Both connections remain usable.
			mustExec(t, sc, "INSERT INTO t(payload) VALUES (x'00')")
			mustExec(t, dc, "DELETE FROM t WHERE id = 1")
		})
	}
}

func TestBackupWhileSourceWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := drivertest.OpenConnector(t, filepath.Join(dir, "src.db?_journal_mode=WAL"))
	fillTable(t, src, 300)
	dst := drivertest.OpenConnector(t, filepath.Join(dir, "dst.db"))
	dc, sc := drivertest.Conn(t, dst), drivertest.Conn(t, src)
	writer := drivertest.Conn(t, src)
	steps := 0
	err := turso.Backup(ctx, dc, sc, &turso.BackupOptions{PagesPerStep: 5, Progress: func(remaining, total int) {
		steps++
		if steps == 2 {
			// Another connection writes between steps: the backup starts over
			// and still ends with a consistent copy.
			if _, err := writer.ExecContext(ctx, "INSERT INTO t(payload) VALUES (randomblob(200))"); err != nil {
				t.Errorf("write during backup: %v", err)
			}
		}
	}})
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if got, want := tableDigest(t, dc), tableDigest(t, sc); got != want {
		t.Fatalf("copy %s, source %s", got, want)
	}
}

func TestBackupFailures(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := drivertest.OpenConnector(t, filepath.Join(dir, "src.db"))
	fillTable(t, src, 200)
	want := tableDigest(t, src)
	dst := drivertest.OpenConnector(t, filepath.Join(dir, "dst.db"))
	dc, sc := drivertest.Conn(t, dst), drivertest.Conn(t, src)

	t.Run("unknown schema", func(t *testing.T) {
		var e *turso.Error
		if err := turso.Backup(ctx, dc, sc, &turso.BackupOptions{SrcSchema: "nosuch"}); !errors.As(err, &e) {
			t.Fatalf("got %v, want an *Error", err)
		}
	})
	t.Run("same connection", func(t *testing.T) {
		if err := turso.Backup(ctx, sc, sc, nil); err == nil {
			t.Fatal("backup onto itself succeeded")
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		err := turso.Backup(cctx, dc, sc, &turso.BackupOptions{PagesPerStep: 1, Progress: func(int, int) { cancel() }})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
	})
	t.Run("destination in a transaction", func(t *testing.T) {
		mustExec(t, dc, "BEGIN; CREATE TABLE IF NOT EXISTS x(y)")
		var e *turso.Error
		if err := turso.Backup(ctx, dc, sc, nil); !errors.As(err, &e) {
			t.Fatalf("got %v, want an *Error", err)
		}
		mustExec(t, dc, "ROLLBACK")
	})
	t.Run("nil conn", func(t *testing.T) {
		if err := turso.Backup(ctx, nil, sc, nil); err == nil {
			t.Fatal("nil destination accepted")
		}
	})
	// The source is intact, and a retry completes.
	if got := tableDigest(t, sc); got != want {
		t.Fatalf("source changed: %s, want %s", got, want)
	}
	if err := turso.Backup(ctx, dc, sc, nil); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got := tableDigest(t, dc); got != want {
		t.Fatalf("copy %s, want %s", got, want)
	}
}
