package turso_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/turso-go/turso"
)

func ExampleWithEncryptionKey() {
	dir, err := os.MkdirTemp("", "encryption-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "secret.db")

	// The key would come from a secret store, not from the source.
	key := []byte("correct horse battery staple")
	c, err := turso.NewConnector(path, turso.WithEncryptionKey(key))
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c)
	if _, err := db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES ('hidden')"); err != nil {
		log.Fatal(err)
	}
	db.Close()

	raw, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("plain SQLite header:", bytes.HasPrefix(raw, []byte("SQLite format 3\x00")))

	// Without the key, the file is not a database.
	plain, err := sql.Open("turso", path)
	if err != nil {
		log.Fatal(err)
	}
	defer plain.Close()
	var x string
	err = plain.QueryRow("SELECT x FROM t").Scan(&x)
	fmt.Println("without key:", errors.Is(err, turso.ErrNotADatabase))

	// The DSN form of the key (URL-escaped).
	keyed, err := sql.Open("turso", path+"?_key=correct+horse+battery+staple")
	if err != nil {
		log.Fatal(err)
	}
	defer keyed.Close()
	if err := keyed.QueryRow("SELECT x FROM t").Scan(&x); err != nil {
		log.Fatal(err)
	}
	fmt.Println("with key:", x)
	// Output:
	// plain SQLite header: false
	// without key: true
	// with key: hidden
}

func ExampleRekey() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "rekey-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "app.db")

	// Encrypt a plain database in place.
	db, err := sql.Open("turso", path)
	if err != nil {
		log.Fatal(err)
	}
	c, err := db.Conn(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, "CREATE TABLE t(x); INSERT INTO t VALUES (1)"); err != nil {
		log.Fatal(err)
	}
	if err := turso.Rekey(ctx, c, []byte("new key")); err != nil {
		log.Fatal(err)
	}
	c.Close()
	db.Close()

	conn, err := turso.NewConnector(path, turso.WithEncryptionKey([]byte("new key")))
	if err != nil {
		log.Fatal(err)
	}
	db = sql.OpenDB(conn)
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
		log.Fatal(err)
	}
	fmt.Println(n)
	// Output: 1
}
