package drivertest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/turso-go/turso"
)

// hostileCase is SQL text or an argument holding a NUL byte or invalid
// UTF-8.
type hostileCase struct {
	name string
	sql  string
	args []any
	// want is the value the query yields as SQLite gives it, or nil when
	// SQLite fails it too.
	want any
	// utf8 marks a case an engine with the InvalidUTF8 gap refuses.
	utf8 bool
}

var hostileCases = []hostileCase{
	// SQLite reads SQL text up to the first NUL: the literal is cut short.
	{"NULInLiteral", "SELECT 'a\x00b'", nil, nil, false},
	{"NULAfterStatement", "SELECT 7\x00 DROP TABLE t", nil, int64(7), false},
	{"InvalidUTF8AfterNUL", "SELECT 8\x00\xff\xfe", nil, int64(8), false},
	{"NULInTextArgument", "SELECT ?", []any{"a\x00b"}, "a\x00b", false},
	{"NULInBlobArgument", "SELECT ?", []any{[]byte("a\x00b")}, []byte("a\x00b"), false},
	{"InvalidUTF8Literal", "SELECT 'a\xffb'", nil, "a\xffb", true},
	{"InvalidUTF8Identifier", "SELECT 1 AS \"a\xffb\"", nil, int64(1), true},
	{"InvalidUTF8TextArgument", "SELECT ?", []any{"a\xffb"}, "a\xffb", true},
	{"InvalidUTF8BlobArgument", "SELECT ?", []any{[]byte("a\xffb")}, []byte("a\xffb"), false},
}

// testHostileText runs SQL text and arguments holding NUL bytes and
// invalid UTF-8 on one connection: each gives what SQLite gives (SQL text
// ends at a NUL), or, where the engine stores text as UTF-8 only
// (InvalidUTF8 gap), a typed error; the connection stays usable
// throughout, and nothing hangs.
func testHostileText(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	MustExec(t, db, "CREATE TABLE t (v)")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, tc := range hostileCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := withDeadline(t, func() (any, error) {
				var v any
				err := conn.QueryRowContext(ctx, tc.sql, tc.args...).Scan(&v)
				return v, err
			})
			switch {
			case tc.utf8 && e.lacks(InvalidUTF8):
				var te *turso.Error
				if !errors.As(err, &te) || errors.Is(err, turso.ErrInternal) {
					t.Errorf("%q %q: %v, %v; want a typed error (%s)", tc.sql, tc.args, got, err, e.Gaps[InvalidUTF8])
				}
			case tc.want == nil:
				var te *turso.Error
				if !errors.As(err, &te) || te.Code != turso.CodeError {
					t.Errorf("%q: %v, %v; want an SQL error, as SQLite gives", tc.sql, got, err)
				}
			case err != nil || !reflect.DeepEqual(got, tc.want):
				t.Errorf("%q %q = %s, %v; want %s", tc.sql, tc.args, describe(got), err, describe(tc.want))
			}
			var one int64
			if err := conn.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
				t.Fatalf("the connection after %q: %v", tc.sql, err)
			}
		})
	}
	t.Run("ExecStopsAtNUL", func(t *testing.T) {
		_, err := withDeadline(t, func() (any, error) {
			return conn.ExecContext(ctx, "INSERT INTO t VALUES (1)\x00INSERT INTO t VALUES (2)")
		})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 1 {
			t.Errorf("rows after a script with a NUL = %d, %v; want 1 (SQL text ends at the NUL)", n, err)
		}
	})
}

// withDeadline runs f, failing t if it does not return within a minute
// (a statement that loops forever).
func withDeadline(t *testing.T, f func() (any, error)) (any, error) {
	t.Helper()
	type result struct {
		v   any
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-time.After(time.Minute):
		t.Fatal("the statement did not return within a minute")
		return nil, nil
	}
}

// testKey and otherKey are encryption keys every engine takes: 64 hex
// digits are a passphrase to libSQL and a 256-bit key to Turso.
const (
	testKey  = "00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0"
	otherKey = "ffeeddccbbaa99887766554433221100f0e1d2c3b4a5968778695a4b3c2d1e0f"
)

// testEncryption writes an encrypted database (_key): no file holds its
// text in the clear, the key reads it back (from the DSN and from
// WithEncryptionKey), a wrong key and no key fail with ErrNotADatabase,
// an unknown cipher fails sql.Open, and the cipher of the other engine
// fails it with an error naming the engine.
func testEncryption(t *testing.T, e Engine) {
	const marker = "plaintext-marker-3c9d1e"
	path := filepath.Join(t.TempDir(), "secret.db")
	db := open(t, e.dsn(path, "_key="+testKey))
	MustExec(t, db, "CREATE TABLE s (v TEXT)")
	for range 50 {
		MustExec(t, db, "INSERT INTO s VALUES (?)", marker)
	}
	// Look at the files while the pool still has them open (the WAL
	// holds the data), and again once it closed.
	checkNoPlaintext(t, path, marker)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	checkNoPlaintext(t, path, marker)

	read := func(db *sql.DB) (int64, error) {
		var n int64
		err := db.QueryRow("SELECT count(*) FROM s WHERE v = ?", marker).Scan(&n)
		return n, err
	}
	if n, err := read(open(t, e.dsn(path, "_key="+testKey))); err != nil || n != 50 {
		t.Errorf("read with the key: %d, %v; want 50", n, err)
	}
	if n, err := read(sql.OpenDB(connector(t, e.dsn(path, ""), turso.WithEncryptionKey([]byte(testKey))))); err != nil || n != 50 {
		t.Errorf("read with WithEncryptionKey: %d, %v; want 50", n, err)
	}
	for name, params := range map[string]string{"wrong key": "_key=" + otherKey, "no key": ""} {
		_, err := read(open(t, e.dsn(path, params)))
		var te *turso.Error
		if !errors.As(err, &te) || !errors.Is(err, turso.ErrNotADatabase) {
			t.Errorf("read with %s: %v; want a *turso.Error matching ErrNotADatabase", name, err)
		}
	}
	if db, err := sql.Open("turso", e.dsn(path, "_key="+testKey+"&_cipher=rot13")); err == nil {
		db.Close()
		t.Error("sql.Open with an unknown cipher succeeded")
	}
	// libSQL's cipher and Turso's default: the engine lacks one of them.
	refused := 0
	for _, cipher := range []string{"aes256cbc", "aegis256"} {
		db, err := sql.Open("turso", e.dsn(path, "_key="+testKey+"&_cipher="+cipher))
		if err == nil {
			db.Close()
			continue
		}
		refused++
		if !errors.Is(err, errors.ErrUnsupported) || !strings.Contains(err.Error(), e.Name+" engine") {
			t.Errorf("sql.Open with cipher %s: %v; want an error naming the %s engine", cipher, err, e.Name)
		}
	}
	if refused != 1 {
		t.Errorf("the %s engine refused %d of the ciphers aes256cbc and aegis256, want 1", e.Name, refused)
	}
}

// checkNoPlaintext fails t if the database at path or a file beside it
// holds marker.
func checkNoPlaintext(t *testing.T, path, marker string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal", "-journal", "-log", "-shm"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil {
			continue
		}
		if bytes.Contains(b, []byte(marker)) {
			t.Errorf("%s holds the text in the clear", filepath.Base(path+suffix))
		}
	}
}

// corruptions damage a database file of several pages.
var corruptions = []struct {
	name   string
	damage func(b []byte) []byte
}{
	{"TruncatedFile", func(b []byte) []byte { return b[:len(b)/2] }},
	{"GarbageHeader", func(b []byte) []byte {
		for i := 16; i < 100; i++ {
			b[i] = byte(i * 7)
		}
		return b
	}},
	{"FlippedPageBytes", func(b []byte) []byte {
		for i := 4096; i < 4096+16; i++ { // the header of page 2, the table's root
			b[i] ^= 0xff
		}
		return b
	}},
}

// testCorruption damages a database file and reads it: a query over the
// damage fails with ErrCorrupt (a typed error, never an engine failure),
// and never returns the rows as if nothing had happened.
func testCorruption(t *testing.T, e Engine) {
	for _, c := range corruptions {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "corrupt.db")
			db := open(t, e.dsn(path, ""))
			MustExec(t, db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
			MustExec(t, db, "CREATE INDEX tv ON t (v)")
			var b strings.Builder
			b.WriteString("INSERT INTO t VALUES ")
			for i := 1; i <= 2000; i++ {
				if i > 1 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "(%d, 'value-%08d-padding-padding')", i, i)
			}
			MustExec(t, db, b.String())
			MustExec(t, db, "PRAGMA wal_checkpoint(TRUNCATE)")
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(data) < 8*4096 {
				t.Fatalf("the database has %d bytes, want several pages", len(data))
			}
			if err := os.WriteFile(path, c.damage(data), 0o644); err != nil {
				t.Fatal(err)
			}
			db = open(t, e.dsn(path, ""))
			var n, sum int64
			err = db.QueryRow("SELECT count(*), sum(length(v)) FROM t").Scan(&n, &sum)
			var te *turso.Error
			if !errors.As(err, &te) || !errors.Is(err, turso.ErrCorrupt) || errors.Is(err, turso.ErrInternal) {
				t.Errorf("query of a damaged file: %d rows, %v; want a *turso.Error matching ErrCorrupt", n, err)
			}
		})
	}
}

// testSecretsNeverPrinted formats connectors, pools, configurations and
// errors that involve a key with every verb: none prints the key, in
// any form.
func testSecretsNeverPrinted(t *testing.T, e Engine) {
	dir := t.TempDir()
	path := filepath.Join(dir, "secret.db")
	withKey := connector(t, e.dsn(path, "_key="+testKey))
	withOption := connector(t, e.dsn(path, ""), turso.WithEncryptionKey([]byte(testKey)))
	db := sql.OpenDB(withKey)
	defer db.Close()
	MustExec(t, db, "CREATE TABLE s (v)")

	values := map[string]any{
		"Connector (DSN key)":    withKey,
		"Connector (option key)": withOption,
		"Connector value":        *withOption,
		"*sql.DB":                db,
		"DB.Driver()":            db.Driver(),
	}
	_, err := open(t, e.dsn(path, "_key="+otherKey)).Exec("SELECT * FROM s")
	values["wrong-key error"] = err
	_, err = sql.Open("turso", e.dsn(path, "_key="+testKey+"&_no_such_parameter=1"))
	values["DSN error"] = err
	_, err = sql.Open("turso", e.dsn(path, "_key="+testKey+"&_cipher=rot13"))
	values["cipher error"] = err
	_, err = db.Exec("PRAGMA hexkey = '" + testKey)
	values["key statement error"] = err
	for name, v := range values {
		if v == nil || reflect.ValueOf(v).IsZero() {
			t.Errorf("%s: nothing to print", name)
			continue
		}
		for _, verb := range []string{"%s", "%v", "%+v", "%#v", "%q", "%x", "%X", "%d"} {
			out := fmt.Sprintf(verb, v)
			if leak := leaked(out, testKey); leak != "" {
				t.Errorf("%s printed with %s shows the key (%s): %s", name, verb, leak, out)
			}
		}
		if err, ok := v.(error); ok {
			if leak := leaked(err.Error(), testKey); leak != "" {
				t.Errorf("%s: Error() shows the key (%s)", name, leak)
			}
		}
	}
}

// leaked names the form in which out shows key, or returns "".
func leaked(out, key string) string {
	forms := map[string]string{
		"text":           key,
		"hex":            hex.EncodeToString([]byte(key)),
		"HEX":            strings.ToUpper(hex.EncodeToString([]byte(key))),
		"decimal bytes":  strings.Trim(fmt.Sprint([]byte(key)), "[]"),
		"half the text":  key[:len(key)/2],
		"hex-key prefix": key[:16],
	}
	for form, s := range forms {
		if strings.Contains(out, s) {
			return form
		}
	}
	return ""
}
