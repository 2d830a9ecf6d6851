package turso

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/turso-go/turso/internal/engine"
)

// Serialize returns the image of database schema ("main" when empty,
// "temp", or an attached database) of c: the bytes its file would hold, a
// consistent snapshot. Deserialize, or writing the bytes to a file, makes
// a database of them.
func Serialize(ctx context.Context, c *sql.Conn, schema string) ([]byte, error) {
	if schema == "" {
		schema = "main"
	}
	var data []byte
	err := withConn(ctx, c, func(tc *conn) error {
		s, err := engineFeature[engine.Serializer](tc, "serialize")
		if err != nil {
			return err
		}
		data, err = s.Serialize(schema)
		return wrapErr(err, "")
	})
	return data, err
}

// Deserialize replaces database schema ("main" when empty) of c with an
// in-memory database holding a copy of data, an image Serialize made (or a
// database file's bytes). The database is writable and grows as needed;
// its changes stay in memory, on this connection only: other connections
// of the pool do not see it. Data that is not a database image fails the
// first statement that reads it with an error matching ErrNotADatabase.
//
// The connection must have no transaction open. Its cached prepared
// statements re-prepare themselves on the new schema.
func Deserialize(ctx context.Context, c *sql.Conn, schema string, data []byte) error {
	if schema == "" {
		schema = "main"
	}
	return withConn(ctx, c, func(tc *conn) error {
		s, err := engineFeature[engine.Serializer](tc, "deserialize")
		if err != nil {
			return err
		}
		if !tc.ec.Autocommit() {
			return fmt.Errorf("turso: Deserialize: a transaction is open on the connection")
		}
		return wrapErr(s.Deserialize(schema, data), "")
	})
}
