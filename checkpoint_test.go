package turso_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/internal/drivertest"
)

func TestCheckpoint(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "wal.db")
	db := drivertest.OpenConnector(t, path+"?_journal_mode=WAL")
	c := drivertest.Conn(t, db)
	fillTable(t, c, 200)

	for _, mode := range []turso.CheckpointMode{turso.CheckpointPassive, turso.CheckpointFull, turso.CheckpointRestart, turso.CheckpointTruncate} {
		t.Run(mode.String(), func(t *testing.T) {
			mustExec(t, c, "INSERT INTO t(payload) SELECT randomblob(200) FROM generate_series(1, 50)")
			res, err := turso.Checkpoint(ctx, c, mode)
			if err != nil {
				t.Fatalf("Checkpoint: %v", err)
			}
			if mode == turso.CheckpointTruncate {
				if res.LogFrames != 0 || res.Checkpointed != 0 {
					t.Fatalf("truncate: %+v, want an empty log", res)
				}
				return
			}
			if res.LogFrames <= 0 || res.Checkpointed != res.LogFrames {
				t.Fatalf("%+v: want every frame checkpointed", res)
			}
		})
	}

	t.Run("reader blocks restart", func(t *testing.T) {
		mustExec(t, c, "INSERT INTO t(payload) VALUES (randomblob(200))")
		reader := drivertest.Conn(t, db)
		tx, err := reader.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil {
			t.Fatal(err)
		}
		mustExec(t, c, "INSERT INTO t(payload) VALUES (randomblob(200))")
		mustExec(t, c, "PRAGMA busy_timeout = 50")
		defer mustExec(t, c, "PRAGMA busy_timeout = 5000")
		res, err := turso.Checkpoint(ctx, c, turso.CheckpointRestart)
		if !errors.Is(err, turso.ErrBusy) {
			t.Fatalf("restart with a reader: %+v, %v; want ErrBusy", res, err)
		}
		if res.LogFrames <= 0 {
			t.Fatalf("partial result %+v", res)
		}
	})

	t.Run("not WAL", func(t *testing.T) {
		rc := drivertest.Conn(t, drivertest.OpenConnector(t, filepath.Join(dir, "rollback.db")))
		res, err := turso.Checkpoint(ctx, rc, turso.CheckpointFull)
		if err != nil || res.LogFrames != -1 || res.Checkpointed != -1 {
			t.Fatalf("rollback-journal database: %+v, %v", res, err)
		}
	})
	t.Run("bad mode", func(t *testing.T) {
		if _, err := turso.Checkpoint(ctx, c, turso.CheckpointMode(9)); err == nil || !strings.Contains(err.Error(), "CheckpointMode(9)") {
			t.Fatalf("bad mode: %v", err)
		}
	})
}
