package turso_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/internal/drivertest"
)

func TestInterrupter(t *testing.T) {
	ctx := context.Background()
	c := drivertest.Conn(t, drivertest.OpenConnector(t, ":memory:"))
	interrupt, err := turso.Interrupter(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for !stop.Load() {
			interrupt()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	start := time.Now()
	_, err = c.ExecContext(ctx, "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r")
	stop.Store(true)
	<-done
	if !errors.Is(err, turso.ErrInterrupt) {
		t.Fatalf("endless query: %v, want ErrInterrupt", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("interrupt took %v", d)
	}
	// The connection is still usable.
	var x int
	if err := c.QueryRowContext(ctx, "SELECT 7").Scan(&x); err != nil || x != 7 {
		t.Fatalf("after interrupt: %d, %v", x, err)
	}
}
