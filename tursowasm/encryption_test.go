//go:build !turso_libsql_only

package tursowasm_test

import (
	"bytes"
	"database/sql"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/tursowasm"
)

// TestEncryptionCiphers writes and reads back a database with each of the
// engine's ciphers, with a key of the cipher's size in hex digits, and
// checks that the files hold no plain text.
func TestEncryptionCiphers(t *testing.T) {
	if !tursowasm.Available() {
		t.Skip("the Turso wasm is not built in: run sh tursowasm/fetch.sh")
	}
	keys := map[int]string{16: strings.Repeat("a1", 16), 32: strings.Repeat("b2", 32)}
	for cipher, size := range map[string]int{"aegis256": 32, "aegis256x2": 32, "aegis128l": 16, "aegis128x2": 16, "aegis128x4": 16, "aes256gcm": 32, "aes128gcm": 16} {
		t.Run(cipher, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "enc.db")
			dsn := path + "?_engine=turso-wasm&_cipher=" + cipher + "&_key=" + keys[size]
			db, err := sql.Open("turso", dsn)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec("CREATE TABLE s (v); INSERT INTO s VALUES ('clear-text-marker')"); err != nil {
				t.Fatal(err)
			}
			db.Close()
			for _, f := range []string{path, path + "-wal"} {
				if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, []byte("clear-text-marker")) {
					t.Errorf("%s holds the text in the clear", filepath.Base(f))
				}
			}
			db, err = sql.Open("turso", dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var v string
			if err := db.QueryRow("SELECT v FROM s").Scan(&v); err != nil || v != "clear-text-marker" {
				t.Errorf("read back: %q, %v", v, err)
			}
		})
	}
}

// TestEncryptionKeyForms checks the forms a key takes on Turso's engine:
// hex digits in the DSN or raw bytes through WithEncryptionKey open the
// same database; a key of the wrong size, or a passphrase, fails sql.Open
// with an error that names the engine and does not show the key; and a
// cipher of libSQL's is refused.
func TestEncryptionKeyForms(t *testing.T) {
	if !tursowasm.Available() {
		t.Skip("the Turso wasm is not built in: run sh tursowasm/fetch.sh")
	}
	raw := []byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f")
	path := filepath.Join(t.TempDir(), "forms.db")
	db, err := sql.Open("turso", path+"?_engine=turso-wasm&_key="+hex.EncodeToString(raw))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE s (v); INSERT INTO s VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	c, err := turso.NewConnector(path+"?_engine=turso-wasm", turso.WithEncryptionKey(raw))
	if err != nil {
		t.Fatal(err)
	}
	db = sql.OpenDB(c)
	var n int
	if err := db.QueryRow("SELECT count(*) FROM s").Scan(&n); err != nil || n != 1 {
		t.Errorf("read with the raw key: %d, %v", n, err)
	}
	db.Close()

	for name, key := range map[string]string{
		"128-bit key for aegis256": strings.Repeat("c3", 16),
		"passphrase":               "correct-horse-battery",
		"odd hex":                  strings.Repeat("d", 63),
	} {
		_, err := sql.Open("turso", path+"?_engine=turso-wasm&_key="+key)
		if err == nil || !strings.Contains(err.Error(), tursowasm.EngineName+" engine") || strings.Contains(err.Error(), key) {
			t.Errorf("%s: %v; want an error naming the engine without the key", name, err)
		}
	}
	_, err = sql.Open("turso", path+"?_engine=turso-wasm&_key="+hex.EncodeToString(raw)+"&_cipher=aes256cbc")
	if !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("libSQL's cipher on Turso's engine: %v; want it unsupported", err)
	}
}

// TestEncryptionWithMVCC checks that an encrypted database takes
// concurrent transactions (MVCC) and reads back.
func TestEncryptionWithMVCC(t *testing.T) {
	key := strings.Repeat("e4", 32)
	db, path := openDB(t, "&_txlock=concurrent&_key="+key)
	if _, err := db.Exec("CREATE TABLE s (v); INSERT INTO s VALUES ('mvcc-marker')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err := sql.Open("turso", path+"?_engine=turso-wasm&_txlock=concurrent&_key="+key)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRow("SELECT v FROM s").Scan(&v); err != nil || v != "mvcc-marker" {
		t.Errorf("read back: %q, %v", v, err)
	}
	for _, f := range []string{path, path + "-wal", path + "-log"} {
		if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, []byte("mvcc-marker")) {
			t.Errorf("%s holds the text in the clear", filepath.Base(f))
		}
	}
}
