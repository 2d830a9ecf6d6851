package turso

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/turso-go/turso/internal/engine"
)

// BackupOptions tunes Backup. The zero value copies the main database in
// steps of DefaultBackupPages pages.
type BackupOptions struct {
	// SrcSchema and DstSchema name the databases to copy from and over:
	// "main" (when empty), "temp", or the name of an attached database.
	SrcSchema, DstSchema string
	// PagesPerStep is how many pages each step copies; the source is
	// locked only during a step, so other connections can use it between
	// steps. 0 means DefaultBackupPages, a negative number everything in
	// one step.
	PagesPerStep int
	// Progress, if not nil, is called after each step with the pages still
	// to copy and the source database's page count.
	Progress func(remaining, total int)
	// RetryDelay is how long to wait before retrying a step that found the
	// source or the destination locked (default 10 ms).
	RetryDelay time.Duration
}

// DefaultBackupPages is the number of pages each step of Backup copies
// unless BackupOptions.PagesPerStep says otherwise.
const DefaultBackupPages = 100

// Backup copies a database of src over a database of dst with SQLite's
// online backup API, step by step, while src stays usable. When another
// connection writes to the source between steps, the copy restarts; a
// write through src itself is carried over. Steps that find a database
// locked are retried until ctx ends. Both connections are held until the
// copy completes or fails, and are left usable; a failed or cancelled
// backup leaves the destination partly written.
//
// The destination's page size must match the source's unless the
// destination is an in-memory database; in WAL mode it cannot be changed
// by the backup.
func Backup(ctx context.Context, dst, src *sql.Conn, opts *BackupOptions) error {
	var o BackupOptions
	if opts != nil {
		o = *opts
	}
	if o.SrcSchema == "" {
		o.SrcSchema = "main"
	}
	if o.DstSchema == "" {
		o.DstSchema = "main"
	}
	if o.PagesPerStep == 0 {
		o.PagesPerStep = DefaultBackupPages
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = 10 * time.Millisecond
	}
	if dst == src {
		return fmt.Errorf("turso: Backup: source and destination are the same connection")
	}
	return withConn(ctx, dst, func(dc *conn) error {
		return withConn(ctx, src, func(sc *conn) error {
			return runBackup(ctx, dc, sc, &o)
		})
	})
}

// runBackup copies as Backup describes, between two driver connections.
func runBackup(ctx context.Context, dst, src *conn, o *BackupOptions) error {
	b, err := engineFeature[engine.Backuper](dst, "online backup")
	if err != nil {
		return err
	}
	bk, err := b.BackupFrom(o.DstSchema, src.ec, o.SrcSchema)
	if err != nil {
		return wrapErr(err, "")
	}
	for {
		done, err := bk.Step(o.PagesPerStep)
		if err != nil && !isTemporary(err) {
			bk.Close()
			return wrapErr(err, "")
		}
		if o.Progress != nil && err == nil {
			o.Progress(bk.Remaining(), bk.PageCount())
		}
		if done {
			return wrapErr(bk.Close(), "")
		}
		if cerr := ctx.Err(); cerr != nil {
			bk.Close()
			return cerr
		}
		if err != nil {
			if werr := sleepCtx(ctx, o.RetryDelay); werr != nil {
				bk.Close()
				return werr
			}
		}
	}
}

// isTemporary reports whether err is a busy or locked database, which a
// retry may get past.
func isTemporary(err error) bool {
	var e *engine.Error
	return errors.As(err, &e) && (e.Code == engine.CodeBusy || e.Code == engine.CodeLocked)
}

// sleepCtx waits for d or until ctx ends, returning ctx's error then.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
