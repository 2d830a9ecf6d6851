package turso

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/tursobind"
)

// DefaultCipher is the cipher scheme the libSQL engine uses when none is
// chosen: AES-256 in CBC mode, the scheme libSQL's own encryption uses.
// Turso's engine defaults to AEGIS-256 ("aegis256").
const DefaultCipher = "aes256cbc"

// ciphers are the cipher schemes of SQLite3 Multiple Ciphers that libSQL's
// build of it includes; tursoCiphers are Turso's.
var (
	ciphers      = []string{"aes256cbc"}
	tursoCiphers = tursobind.Ciphers()
)

// Ciphers returns the names the libSQL engine accepts in _cipher and
// WithCipher. Turso's engine has aegis256 (its default), aegis256x2,
// aegis128l, aegis128x2, aegis128x4, aes256gcm and aes128gcm; an engine
// refuses a cipher it lacks when the Connector is made.
func Ciphers() []string { return append([]string(nil), ciphers...) }

// ErrNotADatabase matches the error of reading a file that is not a
// database: a file of another kind, or an encrypted database opened
// without its key, with another key or with another cipher.
var ErrNotADatabase error = &sentinel{code: CodeNotADB, text: "turso: file is not a database, or the encryption key is wrong"}

// WithEncryptionKey encrypts the database with key (DSN: _key), which
// keeps the key out of connection strings. On libSQL the key is a
// passphrase from which the cipher derives its key; on Turso's engine it
// is the cipher's key itself: 32 bytes for aegis256 (the default) and the
// other 256-bit ciphers, 16 for the 128-bit ones, as raw bytes or twice as
// many hex digits (in a DSN, _key takes the hex digits), as Turso's own
// tools take it. It must not be empty. The Connector keeps its own copy,
// and no fmt verb prints it.
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
// _cipher; default: the engine's, DefaultCipher on libSQL, aegis256 on
// Turso's engine). It takes effect only with a key. A cipher the engine
// lacks fails NewConnector (and sql.Open) with an error naming the
// engine.
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

// setCipher records the cipher scheme, which must be a cipher of one of
// the engines (ciphers or tursoCiphers); the engine, once the Connector
// knows it, refuses one it lacks (engine.ConfigChecker).
func (c *config) setCipher(name string) error {
	name = strings.ToLower(name)
	if !slices.Contains(ciphers, name) && !slices.Contains(tursoCiphers, name) {
		return fmt.Errorf("unknown cipher (want one of %s on libsql, %s on turso)", strings.Join(ciphers, ", "), strings.Join(tursoCiphers, ", "))
	}
	c.cipher = name
	return nil
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
