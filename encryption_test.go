package turso_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/internal/drivertest"
)

var sqliteHeader = []byte("SQLite format 3\x00")

// fileHeader returns the first 16 bytes of the file at path.
func fileHeader(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 16 {
		t.Fatalf("%s holds %d bytes", path, len(b))
	}
	return b[:16]
}

// countRows returns the rows of table t, or the error of reading them.
func countRows(db *sql.DB) (int, error) {
	var n int
	err := db.QueryRow("SELECT count(*) FROM t").Scan(&n)
	return n, err
}

// wantNotADatabase fails the test unless err is the typed error of a file
// that cannot be read as a database.
func wantNotADatabase(t *testing.T, what string, err error) {
	t.Helper()
	var e *turso.Error
	if !errors.Is(err, turso.ErrNotADatabase) || !errors.As(err, &e) || e.Code != turso.CodeNotADB {
		t.Fatalf("%s: got %v (%T), want an *Error matching ErrNotADatabase", what, err, err)
	}
}

func TestEncryptionAtRest(t *testing.T) {
	for _, tc := range []struct {
		name    string
		dsn     string // appended to the path
		opts    []turso.Option
		journal string
	}{
		{"dsn key, rollback journal", "?_key=s3cr%26t&_journal_mode=DELETE", nil, "DELETE"},
		{"dsn key and cipher, WAL", "?_key=s3cr%26t&_cipher=aes256cbc&_journal_mode=WAL", nil, "WAL"},
		{"option key, WAL", "?_journal_mode=WAL", []turso.Option{turso.WithEncryptionKey([]byte("s3cr&t")), turso.WithCipher("AES256CBC")}, "WAL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "enc.db")
			db := drivertest.OpenConnector(t, path+tc.dsn, tc.opts...)
			mustExec(t, db, "CREATE TABLE t(x TEXT)")
			for i := 0; i < 100; i++ {
				mustExec(t, db, "INSERT INTO t VALUES (?)", "secret row payload")
			}
			var mode string
			if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || !strings.EqualFold(mode, tc.journal) {
				t.Fatalf("journal_mode = %q, %v; want %s", mode, err, tc.journal)
			}
			db.Close()

			if h := fileHeader(t, path); bytes.Equal(h, sqliteHeader) {
				t.Fatalf("encrypted file starts with the plain SQLite header %q", h)
			}
			if raw, _ := os.ReadFile(path); bytes.Contains(raw, []byte("secret row payload")) {
				t.Fatal("plain text of a row found in the encrypted file")
			}

			// No key: the first statement fails with a typed error.
			_, err := countRows(drivertest.OpenConnector(t, path))
			wantNotADatabase(t, "no key", err)
			// Wrong key: connecting fails.
			wrong := drivertest.OpenConnector(t, path, turso.WithEncryptionKey([]byte("wrong")))
			wantNotADatabase(t, "wrong key", wrong.Ping())
			// The failed attempts left the file intact: the right key reads
			// every row.
			right := drivertest.OpenConnector(t, path+tc.dsn, tc.opts...)
			if n, err := countRows(right); err != nil || n != 100 {
				t.Fatalf("right key: %d rows, %v; want 100", n, err)
			}
		})
	}
}

func TestEncryptionPlainFileWithKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plain.db")
	plain := drivertest.OpenConnector(t, path)
	mustExec(t, plain, "CREATE TABLE t(x); INSERT INTO t VALUES (1)")
	plain.Close()
	wantNotADatabase(t, "plain file, key given", drivertest.OpenConnector(t, path, turso.WithEncryptionKey([]byte("k"))).Ping())
	if n, err := countRows(drivertest.OpenConnector(t, path)); err != nil || n != 1 {
		t.Fatalf("plain file after a keyed attempt: %d rows, %v", n, err)
	}
}

func TestRekey(t *testing.T) {
	ctx := context.Background()
	for _, journal := range []string{"DELETE", "TRUNCATE"} {
		t.Run(journal, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "rekey.db")
			db := drivertest.OpenConnector(t, path+"?_journal_mode="+journal)
			mustExec(t, db, "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)")
			db.SetMaxOpenConns(1)

			steps := []struct {
				key       string // "" decrypts
				encrypted bool
			}{{"first", true}, {"second", true}, {"", false}}
			prev := ""
			for _, step := range steps {
				c := drivertest.Conn(t, db)
				if err := turso.Rekey(ctx, c, []byte(step.key)); err != nil {
					t.Fatalf("Rekey(%q): %v", step.key, err)
				}
				c.Close()
				if h := fileHeader(t, path); bytes.Equal(h, sqliteHeader) == step.encrypted {
					t.Fatalf("after Rekey(%q) the header is %q", step.key, h)
				}
				var opts []turso.Option
				if step.key != "" {
					opts = append(opts, turso.WithEncryptionKey([]byte(step.key)))
				}
				if n, err := countRows(drivertest.OpenConnector(t, path, opts...)); err != nil || n != 3 {
					t.Fatalf("after Rekey(%q): %d rows, %v", step.key, n, err)
				}
				if prev != "" {
					_, err := countRows(drivertest.OpenConnector(t, path, turso.WithEncryptionKey([]byte(prev))))
					wantNotADatabase(t, "old key after rekey", err)
				}
				prev = step.key
			}
		})
	}
}

func TestRekeyRefusedInWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wal.db")
	db := drivertest.OpenConnector(t, path+"?_journal_mode=WAL")
	db.SetMaxIdleConns(1)
	c := drivertest.Conn(t, db)
	mustExec(t, c, "CREATE TABLE t(x); INSERT INTO t VALUES (1)")
	var e *turso.Error
	if err := turso.Rekey(ctx, c, []byte("k")); !errors.As(err, &e) || e.Code != turso.CodeError {
		t.Fatalf("Rekey in WAL mode: %v, want an *Error", err)
	}
	// The database is untouched and the connection still works.
	var n int
	if err := c.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 1 {
		t.Fatalf("after refused rekey: %d rows, %v", n, err)
	}
	// Leaving WAL mode makes rekeying possible.
	mustExec(t, c, "PRAGMA journal_mode = DELETE")
	if err := turso.Rekey(ctx, c, []byte("k")); err != nil {
		t.Fatalf("Rekey after leaving WAL: %v", err)
	}
	c.Close()
	db.Close()
	if n, err := countRows(drivertest.OpenConnector(t, path, turso.WithEncryptionKey([]byte("k")))); err != nil || n != 1 {
		t.Fatalf("after rekey: %d rows, %v", n, err)
	}
}

func TestEncryptionBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		dsn  string
		opts []turso.Option
	}{
		{"empty dsn key", "x.db?_key=", nil},
		{"unknown dsn cipher", "x.db?_key=k&_cipher=rot13", nil},
		{"empty option key", "x.db", []turso.Option{turso.WithEncryptionKey(nil)}},
		{"unknown option cipher", "x.db", []turso.Option{turso.WithEncryptionKey([]byte("k")), turso.WithCipher("des")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := turso.NewConnector(filepath.Join(t.TempDir(), tc.dsn), tc.opts...); err == nil {
				t.Fatal("NewConnector succeeded; want an error")
			}
		})
	}
	// A cipher without a key is refused when connecting, and no file is made.
	path := filepath.Join(t.TempDir(), "nokey.db")
	var e *turso.Error
	if err := drivertest.OpenConnector(t, path, turso.WithCipher(turso.DefaultCipher)).Ping(); !errors.As(err, &e) || e.Code != turso.CodeMisuse {
		t.Fatalf("cipher without key: %v, want a misuse *Error", err)
	}
}
