package turso

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/turso-go/turso/internal/engine"
)

// DefaultCipher is the cipher scheme used when none is chosen: AES-256 in
// CBC mode, the scheme libSQL's own encryption uses.
const DefaultCipher = "aes256cbc"

// ciphers are the cipher schemes of SQLite3 Multiple Ciphers that libSQL's
// build of it includes, and so that _cipher accepts.
var ciphers = []string{"aes256cbc"}

// Ciphers returns the names accepted by _cipher and WithCipher.
func Ciphers() []string { return append([]string(nil), ciphers...) }

// ErrNotADatabase matches the error of reading a file that is not a
// database: a file of another kind, or an encrypted database opened
// without its key, with another key or with another cipher.
var ErrNotADatabase error = &sentinel{code: CodeNotADB, text: "turso: file is not a database, or the encryption key is wrong"}

// WithEncryptionKey encrypts the database with key (DSN: _key), which
// keeps the key out of connection strings. The key is a passphrase from
// which the cipher derives its key; it must not be empty. The Connector
// keeps its own copy.
//
// Every connection applies the key right after opening the file, before
// anything reads it, and checks it by reading the schema: a wrong key fails
// Connect with an error matching ErrNotADatabase. A new file is created
// encrypted. An existing plain file stays plain (and unreadable with a
// key): encrypt it with Rekey. The journal and the WAL are encrypted too.
func WithEncryptionKey(key []byte) Option {
	return func(c *config) error {
		if err := c.setKey(key); err != nil {
			return fmt.Errorf("turso: WithEncryptionKey: %w", err)
		}
		return nil
	}
}

// WithCipher chooses the cipher scheme of an encrypted database (DSN:
// _cipher; default DefaultCipher). It takes effect only with a key.
func WithCipher(name string) Option {
	return func(c *config) error {
		if err := c.setCipher(name); err != nil {
			return fmt.Errorf("turso: WithCipher(%q): %w", name, err)
		}
		return nil
	}
}

// setKey records the encryption key.
func (c *config) setKey(key []byte) error {
	if len(key) == 0 {
		return errors.New("empty encryption key")
	}
	c.key = append([]byte(nil), key...)
	return nil
}

// setCipher records the cipher scheme, which must be one of ciphers.
func (c *config) setCipher(name string) error {
	for _, known := range ciphers {
		if strings.EqualFold(name, known) {
			c.cipher = known
			return nil
		}
	}
	return fmt.Errorf("unknown cipher (want one of %s)", strings.Join(ciphers, ", "))
}

// Rekey re-encrypts the main database of c with newKey, or decrypts it when
// newKey is empty; a plain database gets encrypted. Other connections must
// be closed first, and new ones need the new key: make a new Connector.
// A database in WAL mode must be switched to another journal mode first
// (the cipher cannot rewrite the log).
func Rekey(ctx context.Context, c *sql.Conn, newKey []byte) error {
	return withConn(ctx, c, func(tc *conn) error {
		k, err := engineFeature[engine.Keyer](tc, "encryption")
		if err != nil {
			return err
		}
		return wrapErr(k.Rekey("main", newKey), "")
	})
}
