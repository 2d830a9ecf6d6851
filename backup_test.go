package turso

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
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
			src := openFeatureDB(t, filepath.Join(dir, "src.db"))
			fillTable(t, src, 500)
			want := tableDigest(t, src)

			dstDSN := tc.dst
			if dstDSN == "" {
				dstDSN = filepath.Join(dir, "dst.db")
			}
			dst := openFeatureDB(t, dstDSN)
			dc, sc := featureConn(t, dst), featureConn(t, src)
			var calls, lastRemaining, total int
			err := Backup(ctx, dc, sc, &BackupOptions{PagesPerStep: tc.pages, Progress: func(remaining, pages int) {
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
	src := openFeatureDB(t, filepath.Join(dir, "src.db?_journal_mode=WAL"))
	fillTable(t, src, 300)
	dst := openFeatureDB(t, filepath.Join(dir, "dst.db"))
	dc, sc := featureConn(t, dst), featureConn(t, src)
	writer := featureConn(t, src)
	steps := 0
	err := Backup(ctx, dc, sc, &BackupOptions{PagesPerStep: 5, Progress: func(remaining, total int) {
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
	src := openFeatureDB(t, filepath.Join(dir, "src.db"))
	fillTable(t, src, 200)
	want := tableDigest(t, src)
	dst := openFeatureDB(t, filepath.Join(dir, "dst.db"))
	dc, sc := featureConn(t, dst), featureConn(t, src)

	t.Run("unknown schema", func(t *testing.T) {
		var e *Error
		if err := Backup(ctx, dc, sc, &BackupOptions{SrcSchema: "nosuch"}); !errors.As(err, &e) {
			t.Fatalf("got %v, want an *Error", err)
		}
	})
	t.Run("same connection", func(t *testing.T) {
		if err := Backup(ctx, sc, sc, nil); err == nil {
			t.Fatal("backup onto itself succeeded")
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		err := Backup(cctx, dc, sc, &BackupOptions{PagesPerStep: 1, Progress: func(int, int) { cancel() }})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
	})
	t.Run("destination in a transaction", func(t *testing.T) {
		mustExec(t, dc, "BEGIN; CREATE TABLE IF NOT EXISTS x(y)")
		var e *Error
		if err := Backup(ctx, dc, sc, nil); !errors.As(err, &e) {
			t.Fatalf("got %v, want an *Error", err)
		}
		mustExec(t, dc, "ROLLBACK")
	})
	t.Run("nil conn", func(t *testing.T) {
		if err := Backup(ctx, nil, sc, nil); err == nil {
			t.Fatal("nil destination accepted")
		}
	})
	// The source is intact, and a retry completes.
	if got := tableDigest(t, sc); got != want {
		t.Fatalf("source changed: %s, want %s", got, want)
	}
	if err := Backup(ctx, dc, sc, nil); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got := tableDigest(t, dc); got != want {
		t.Fatalf("copy %s, want %s", got, want)
	}
}

func TestSerializeDeserialize(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "src.db")
	src := openFeatureDB(t, path)
	fillTable(t, src, 300)
	sc := featureConn(t, src)
	want := tableDigest(t, sc)

	image, err := Serialize(ctx, sc, "")
	if err != nil {
		t.Fatalf("Serialize: %v", err)
	}
	if !bytes.HasPrefix(image, sqliteHeader) {
		t.Fatalf("image starts with %q", image[:16])
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(image) != len(file) {
		t.Fatalf("image of %d bytes, file of %d", len(image), len(file))
	}

	mem := openFeatureDB(t, ":memory:")
	mc := featureConn(t, mem)
	// A statement cached before the switch re-prepares on the new schema.
	var n int
	if err := mc.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil || n != 0 {
		t.Fatalf("empty database: %d tables, %v", n, err)
	}
	if err := Deserialize(ctx, mc, "main", image); err != nil {
		t.Fatalf("Deserialize: %v", err)
	}
	if err := mc.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil || n != 1 {
		t.Fatalf("after Deserialize: %d tables, %v", n, err)
	}
	if got := tableDigest(t, mc); got != want {
		t.Fatalf("deserialized %s, want %s", got, want)
	}
	// The copy is writable and independent of the image and the source.
	mustExec(t, mc, "INSERT INTO t(payload) SELECT randomblob(200) FROM generate_series(1, 100)")
	if got := tableDigest(t, sc); got != want {
		t.Fatalf("source changed: %s", got)
	}
	// Serializing an attached database and the temp schema works too.
	mustExec(t, mc, "CREATE TEMP TABLE tt(x); INSERT INTO tt VALUES (1)")
	if temp, err := Serialize(ctx, mc, "temp"); err != nil || !bytes.HasPrefix(temp, sqliteHeader) {
		t.Fatalf("Serialize(temp): %d bytes, %v", len(temp), err)
	}
}

func TestSerializeDeserializeFailures(t *testing.T) {
	ctx := context.Background()
	db := openFeatureDB(t, ":memory:")
	c := featureConn(t, db)
	mustExec(t, c, "CREATE TABLE keep(x); INSERT INTO keep VALUES (42)")

	var e *Error
	if _, err := Serialize(ctx, c, "nosuch"); !errors.As(err, &e) {
		t.Fatalf("Serialize(nosuch): %v, want an *Error", err)
	}
	if err := Deserialize(ctx, c, "nosuch", []byte("whatever")); !errors.As(err, &e) {
		t.Fatalf("Deserialize(nosuch): %v, want an *Error", err)
	}
	var x int
	if err := c.QueryRowContext(ctx, "SELECT x FROM keep").Scan(&x); err != nil || x != 42 {
		t.Fatalf("after failures: %d, %v", x, err)
	}

	// Bytes that are not a database: the first read says so.
	other := featureConn(t, openFeatureDB(t, ":memory:"))
	if err := Deserialize(ctx, other, "", bytes.Repeat([]byte("not a database "), 512)); err != nil {
		t.Fatalf("Deserialize(garbage): %v", err)
	}
	if err := other.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&x); !errors.Is(err, ErrNotADatabase) {
		t.Fatalf("reading garbage: %v, want ErrNotADatabase", err)
	}
}
