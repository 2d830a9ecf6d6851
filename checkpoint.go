package turso

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/turso-go/turso/internal/engine"
)

// CheckpointMode says how much a WAL checkpoint does and waits for
// (https://sqlite.org/c3ref/wal_checkpoint_v2.html).
type CheckpointMode int

// The checkpoint modes.
const (
	// CheckpointPassive copies as many frames as it can without waiting
	// for readers or writers.
	CheckpointPassive CheckpointMode = iota
	// CheckpointFull waits for writers (the busy timeout) and then copies
	// every frame.
	CheckpointFull
	// CheckpointRestart is CheckpointFull, then waits for readers so that
	// the next writer starts the log over.
	CheckpointRestart
	// CheckpointTruncate is CheckpointRestart and truncates the log file to
	// zero bytes.
	CheckpointTruncate
)

// String returns the mode's name as PRAGMA wal_checkpoint spells it.
func (m CheckpointMode) String() string {
	switch m {
	case CheckpointPassive:
		return "PASSIVE"
	case CheckpointFull:
		return "FULL"
	case CheckpointRestart:
		return "RESTART"
	case CheckpointTruncate:
		return "TRUNCATE"
	}
	return fmt.Sprintf("CheckpointMode(%d)", int(m))
}

// CheckpointResult reports what a checkpoint found and did.
type CheckpointResult struct {
	// LogFrames is the number of frames in the write-ahead log,
	// Checkpointed the number of them now copied into the database. Both
	// are -1 when the database is not in WAL mode.
	LogFrames, Checkpointed int
}

// Checkpoint checkpoints the write-ahead log of every database of c (a
// WAL-mode database: others report -1 frames). When readers or writers
// keep a full, restart or truncate checkpoint from completing, it returns
// the partial result and an error matching ErrBusy.
func Checkpoint(ctx context.Context, c *sql.Conn, mode CheckpointMode) (CheckpointResult, error) {
	if mode < CheckpointPassive || mode > CheckpointTruncate {
		return CheckpointResult{}, fmt.Errorf("turso: Checkpoint: unknown mode %v", mode)
	}
	var res CheckpointResult
	err := withConn(ctx, c, func(tc *conn) error {
		cp, err := engineFeature[engine.Checkpointer](tc, "WAL checkpoints")
		if err != nil {
			return err
		}
		res.LogFrames, res.Checkpointed, err = cp.Checkpoint("", int(mode))
		return wrapErr(err, "")
	})
	return res, err
}
