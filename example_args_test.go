package turso_test

import (
	"database/sql"
	"errors"
	"fmt"
	"log"

	"github.com/turso-go/turso"
)

// A missing argument fails with mattn/go-sqlite3's message; the
// *turso.ArgError tells which parameter and statement. Named arguments a
// statement does not use are ignored, so one set can serve several
// statements.
func ExampleArgError() {
	db, err := sql.Open("turso", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one in-memory database

	_, err = db.Exec("SELECT :id, :name", sql.Named("id", 1))
	fmt.Println(err)
	var ae *turso.ArgError
	if errors.As(err, &ae) {
		fmt.Println(ae.Param, errors.Is(err, turso.ErrMissingArgument))
	}

	args := []any{sql.Named("id", 7), sql.Named("name", "ada"), sql.Named("unused", true)}
	if _, err := db.Exec("CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT)"); err != nil {
		log.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO users VALUES (:id, :name)", args...); err != nil {
		log.Fatal(err)
	}
	var name string
	if err := db.QueryRow("SELECT name FROM users WHERE id = @id", args...).Scan(&name); err != nil {
		log.Fatal(err)
	}
	fmt.Println(name)
	// Output:
	// not enough args to execute query: want 2 got 1
	// :name true
	// ada
}
