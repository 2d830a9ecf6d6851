package turso_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/internal/drivertest"
)

func TestSerializeDeserialize(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "src.db")
	src := drivertest.OpenConnector(t, path)
	fillTable(t, src, 300)
	sc := drivertest.Conn(t, src)
	want := tableDigest(t, sc)

	image, err := turso.Serialize(ctx, sc, "")
	if err != nil {
		t.Fatalf("Serialize: %v", err)
	}
	if !bytes.HasPrefix(image, sqliteHeader) {
		t.Fatalf("image starts with %q", image[:16])
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(image) != len(file) {
		t.Fatalf("image of %d bytes, file of %d", len(image), len(file))
	}

	mem := drivertest.OpenConnector(t, ":memory:")
	mc := drivertest.Conn(t, mem)
	// A statement cached before the switch re-prepares on the new schema.
	var n int
	if err := mc.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil || n != 0 {
		t.Fatalf("empty database: %d tables, %v", n, err)
	}
	if err := turso.Deserialize(ctx, mc, "main", image); err != nil {
		t.Fatalf("Deserialize: %v", err)
	}
	if err := mc.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil || n != 1 {
		t.Fatalf("after Deserialize: %d tables, %v", n, err)
	}
	if got := tableDigest(t, mc); got != want {
		t.Fatalf("deserialized %s, want %s", got, want)
	}
	// The copy is writable and independent of the image and the source.
	mustExec(t, mc, "INSERT INTO t(payload) SELECT randomblob(200) FROM generate_series(1, 100)")
	if got := tableDigest(t, sc); got != want {
		t.Fatalf("source changed: %s", got)
	}
	// Serializing an attached database and the temp schema works too.
	mustExec(t, mc, "CREATE TEMP TABLE tt(x); INSERT INTO tt VALUES (1)")
	if temp, err := turso.Serialize(ctx, mc, "temp"); err != nil || !bytes.HasPrefix(temp, sqliteHeader) {
		t.Fatalf("Serialize(temp): %d bytes, %v", len(temp), err)
	}
}

func TestSerializeDeserializeFailures(t *testing.T) {
	ctx := context.Background()
	db := drivertest.OpenConnector(t, ":memory:")
	c := drivertest.Conn(t, db)
	mustExec(t, c, "CREATE TABLE keep(x); INSERT INTO keep VALUES (42)")

	var e *turso.Error
	if _, err := turso.Serialize(ctx, c, "nosuch"); !errors.As(err, &e) {
		t.Fatalf("Serialize(nosuch): %v, want an *Error", err)
	}
	if err := turso.Deserialize(ctx, c, "nosuch", []byte("whatever")); !errors.As(err, &e) || e.Code != turso.CodeError || !strings.Contains(e.Message, "no such database") {
		t.Fatalf("Deserialize(nosuch): %v, want a no-such-database *Error", err)
	}
	image, err := turso.Serialize(ctx, c, "main")
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, c, "BEGIN; INSERT INTO keep VALUES (43)")
	if err := turso.Deserialize(ctx, c, "main", image); err == nil || !strings.Contains(err.Error(), "transaction is open") {
		t.Fatalf("Deserialize in a transaction: %v, want a refusal", err)
	}
	mustExec(t, c, "ROLLBACK")
	var x int
	if err := c.QueryRowContext(ctx, "SELECT x FROM keep").Scan(&x); err != nil || x != 42 {
		t.Fatalf("after failures: %d, %v", x, err)
	}

	// Bytes that are not a database: the first read says so.
	other := drivertest.Conn(t, drivertest.OpenConnector(t, ":memory:"))
	if err := turso.Deserialize(ctx, other, "", bytes.Repeat([]byte("not a database "), 512)); err != nil {
		t.Fatalf("Deserialize(garbage): %v", err)
	}
	if err := other.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&x); !errors.Is(err, turso.ErrNotADatabase) {
		t.Fatalf("reading garbage: %v, want ErrNotADatabase", err)
	}
}
