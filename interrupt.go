package turso

import (
	"context"
	"database/sql"
)

// Interrupter returns a function that interrupts the statement running
// on c, if any: it fails with an error matching ErrInterrupt, and c stays
// usable. The function may be called from any goroutine, any number of
// times, while c is held; after c.Close it must not be called, since the
// connection may then serve someone else. (A statement also stops when
// the context it runs with ends.)
func Interrupter(ctx context.Context, c *sql.Conn) (interrupt func(), err error) {
	err = withConn(ctx, c, func(tc *conn) error {
		interrupt = tc.interrupt
		return nil
	})
	return interrupt, err
}
