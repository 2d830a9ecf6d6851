package turso

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/turso-go/turso/internal/engine"
)

// ErrNotSupported is returned by the engine-feature helpers (Backup,
// Serialize, SetUpdateHook, ...) when the connection's engine lacks the
// feature.
var ErrNotSupported = errors.New("turso: not supported by this connection's engine")

// ErrNotTurso is returned by the engine-feature helpers when the *sql.Conn
// they are given does not belong to this driver.
var ErrNotTurso = errors.New("turso: not a connection of the turso driver")

// withConn runs fn with the driver connection beneath c, which
// database/sql keeps for fn's exclusive use until it returns.
func withConn(ctx context.Context, c *sql.Conn, fn func(tc *conn) error) error {
	if c == nil {
		return fmt.Errorf("turso: nil *sql.Conn")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return c.Raw(func(dc any) error {
		tc, ok := dc.(*conn)
		if !ok {
			return fmt.Errorf("%w (driver connection is %T)", ErrNotTurso, dc)
		}
		if tc.closed {
			return errClosed
		}
		tc.enter()
		defer tc.leave()
		return fn(tc)
	})
}

// engineFeature returns c's engine connection as the optional interface T,
// or an error wrapping ErrNotSupported that names the feature. While a
// concurrent transaction runs on c, only its hooks may be set: the other
// features act on the database outside the transaction.
func engineFeature[T any](c *conn, feature string) (T, error) {
	f, ok := c.ec.(T)
	if !ok {
		return f, fmt.Errorf("%w: %s", ErrNotSupported, feature)
	}
	if _, hooks := any((*T)(nil)).(*engine.Hooker); c.concurrentTx != nil && !hooks {
		var zero T
		return zero, fmt.Errorf("%w: %s while a concurrent transaction runs on the connection", ErrNotSupported, feature)
	}
	return f, nil
}
