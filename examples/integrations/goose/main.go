// Command goose shows github.com/pressly/goose/v3 managing the schema of
// a turso database: it migrates up, one migration down and up again,
// printing the version after each step.
//
//	go run ./goose                      # from examples/integrations; database in the temp dir
//	go run ./goose -db app.db
//	go run ./goose -engine turso        # on Turso's own engine
//
// goose's package imports no SQLite driver (its cmd/goose binary does,
// mattn/go-sqlite3 or modernc.org/sqlite by build tag, so use goose as a
// library, not that binary): goose.SetDialect("sqlite3") and an *sql.DB
// opened with "turso" is all it takes. goose's "turso" dialect is the same
// SQL and works as well. The migrations are embedded
// (migrations/*.sql).
package main

import (
	"context"
	"database/sql"
	"embed"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"path/filepath"

	"github.com/pressly/goose/v3"
	_ "github.com/turso-go/turso" // registers the "turso" driver and its engines
)

//go:embed migrations/*.sql
var migrations embed.FS

// Setup points goose at the migrations in fsys, on SQLite's dialect.
// goose keeps both in package variables: set them once, before
// migrating.
func Setup(fsys fs.FS) error {
	goose.SetBaseFS(fsys)
	goose.SetLogger(goose.NopLogger())
	return goose.SetDialect("sqlite3")
}

// Open opens the database at path, on engine ("" for libSQL, "turso" for
// Turso's engine), with foreign keys on.
func Open(path, engine string) (*sql.DB, error) {
	dsn := path + "?_foreign_keys=1"
	if engine != "" {
		dsn += "&_engine=" + engine
	}
	return sql.Open("turso", dsn)
}

// run migrates the database at path up, one step down and up again.
func run(ctx context.Context, w io.Writer, path, engine string) error {
	if err := Setup(migrations); err != nil {
		return err
	}
	db, err := Open(path, engine)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(w, "database: %s\n", path)
	for _, step := range []struct {
		name string
		f    func(context.Context, *sql.DB, string, ...goose.OptionsFunc) error
	}{
		{"up", goose.UpContext},
		{"down", goose.DownContext},
		{"up", goose.UpContext},
	} {
		if err := step.f(ctx, db, "migrations"); err != nil {
			return fmt.Errorf("%s: %w", step.name, err)
		}
		version, err := goose.GetDBVersionContext(ctx, db)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-5s version %d\n", step.name, version)
	}
	return nil
}

func main() {
	path := flag.String("db", filepath.Join(os.TempDir(), "turso-goose-example.db"), "database file")
	engine := flag.String("engine", "", `engine: "" for libSQL, "turso" for Turso's engine`)
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *path, *engine); err != nil {
		log.Fatal(err)
	}
}
