//go:build cgo

package turso_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"

	_ "github.com/turso-go/turso"

	"github.com/turso-go/turso"
)

// EngineOf tells which engine, version and build a pool runs on: with
// _engine=turso, Turso's native build on linux/amd64 with cgo, its
// WebAssembly build elsewhere.
func ExampleEngineOf() {
	db, err := sql.Open("turso", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	info, err := turso.EngineOf(context.Background(), db)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Name, info.Build)
	// Output: libsql cgo
}
