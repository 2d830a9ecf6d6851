// Command migrate shows github.com/golang-migrate/migrate/v4 managing the
// schema of a turso database: it migrates up, steps one migration down
// and up again, printing the version after each step.
//
//	go run ./migrate                      # from examples/integrations; database in the temp dir
//	go run ./migrate -db app.db
//	go run ./migrate -engine turso        # on Turso's own engine
//
// Which of migrate's packages: its database/sqlite3 driver imports
// mattn/go-sqlite3, which cannot be linked into one binary with turso's
// libSQL engine (both define SQLite's C symbols). Its database/sqlite
// driver is the same code (the same schema_migrations table, one
// transaction per migration) built on modernc.org/sqlite, a pure-Go
// SQLite that links fine next to turso. Give it the *sql.DB opened with
// "turso" through WithInstance: modernc's driver is linked in but never
// used.
//
// The migrations are embedded (migrations/*.sql) and read through
// migrate's source/iofs.
package main

import (
	"database/sql"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"path/filepath"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database/sqlite"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	_ "github.com/turso-go/turso" // registers the "turso" driver and its engines
)

//go:embed migrations/*.sql
var migrations embed.FS

// New returns a migrator of db, an *sql.DB opened with "turso", to the
// migrations in the directory dir of fsys. Closing the migrator closes
// db.
func New(db *sql.DB, fsys fs.FS, dir string) (*migrate.Migrate, error) {
	driver, err := sqlite.WithInstance(db, &sqlite.Config{})
	if err != nil {
		return nil, err
	}
	src, err := iofs.New(fsys, dir)
	if err != nil {
		return nil, err
	}
	return migrate.NewWithInstance("iofs", src, "sqlite", driver)
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
func run(w io.Writer, path, engine string) (err error) {
	db, err := Open(path, engine)
	if err != nil {
		return err
	}
	m, err := New(db, migrations, "migrations")
	if err != nil {
		db.Close()
		return err
	}
	defer func() {
		if serr, derr := m.Close(); err == nil {
			err = errors.Join(serr, derr)
		}
	}()
	fmt.Fprintf(w, "database: %s\n", path)
	step := func(name string, f func() error) error {
		if err := f(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
			return fmt.Errorf("%s: %w", name, err)
		}
		version, dirty, err := m.Version()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-8s version %d, dirty %v\n", name, version, dirty)
		return nil
	}
	if err := step("up", m.Up); err != nil {
		return err
	}
	if err := step("down 1", func() error { return m.Steps(-1) }); err != nil {
		return err
	}
	return step("up", m.Up)
}

func main() {
	path := flag.String("db", filepath.Join(os.TempDir(), "turso-migrate-example.db"), "database file")
	engine := flag.String("engine", "", `engine: "" for libSQL, "turso" for Turso's engine`)
	flag.Parse()
	if err := run(os.Stdout, *path, *engine); err != nil {
		log.Fatal(err)
	}
}
