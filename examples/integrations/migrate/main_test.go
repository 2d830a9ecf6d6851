package main

import (
	"bytes"
	"database/sql"
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database"
	"github.com/turso-go/turso"
	"github.com/turso-go/turso/examples/integrations/internal/engines"
)

func TestRun(t *testing.T) {
	engines.Run(t, func(t *testing.T, e engines.Engine) {
		path := filepath.Join(t.TempDir(), "app.db")
		engine := strings.TrimPrefix(e.Params, "_engine=")
		// Twice: the second run finds the database up to date.
		for i := range 2 {
			var out bytes.Buffer
			if err := run(&out, path, engine); err != nil {
				t.Fatalf("run %d: %v", i+1, err)
			}
			want := "database: " + path + "\nup       version 3, dirty false\ndown 1   version 2, dirty false\nup       version 3, dirty false\n"
			if out.String() != want {
				t.Errorf("run %d printed\n%s\nwant\n%s", i+1, out.String(), want)
			}
		}
	})
}

// openMigrator opens a fresh database and a migrator of it to the
// migrations in dir of fsys, closed when the test ends, and a second
// handle on the database to look at it with.
func openMigrator(t *testing.T, e engines.Engine, fsys fs.FS, dir string) (*migrate.Migrate, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "app.db")
	db, err := sql.Open("turso", e.DSN(path, "_foreign_keys=1"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(db, fsys, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if serr, derr := m.Close(); serr != nil || derr != nil {
			t.Errorf("close: %v, %v", serr, derr)
		}
	})
	look, err := sql.Open("turso", e.DSN(path, ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { look.Close() })
	return m, look
}

// version is a row of migrate's version table.
type version struct {
	Version int64
	Dirty   bool
}

// state reads the version table and the names of the tables.
func state(t *testing.T, db *sql.DB) (versions []version, tables []string) {
	t.Helper()
	rows, err := db.Query("SELECT version, dirty FROM schema_migrations")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v version
		if err := rows.Scan(&v.Version, &v.Dirty); err != nil {
			t.Fatal(err)
		}
		versions = append(versions, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return versions, engines.Tables(t, db)
}

// checkState fails the test unless the database is at versions with
// tables.
func checkState(t *testing.T, db *sql.DB, when string, versions []version, tables ...string) {
	t.Helper()
	gotV, gotT := state(t, db)
	if !reflect.DeepEqual(gotV, versions) || !reflect.DeepEqual(gotT, tables) {
		t.Errorf("%s: versions %v, tables %v; want %v, %v", when, gotV, gotT, versions, tables)
	}
}

func TestUpDownReUp(t *testing.T) {
	engines.Run(t, func(t *testing.T, e engines.Engine) {
		m, db := openMigrator(t, e, migrations, "migrations")
		if err := m.Up(); err != nil {
			t.Fatal(err)
		}
		checkState(t, db, "after up", []version{{3, false}}, "posts", "schema_migrations", "users")
		if _, err := db.Exec("INSERT INTO users(name, email, bio) VALUES ('ada', 'ada@example.org', 'maths')"); err != nil {
			t.Fatalf("the migrated schema: %v", err)
		}
		if err := m.Up(); !errors.Is(err, migrate.ErrNoChange) {
			t.Errorf("second up: %v, want ErrNoChange", err)
		}

		// One step down drops the column of migration 3.
		if err := m.Steps(-1); err != nil {
			t.Fatal(err)
		}
		checkState(t, db, "after one step down", []version{{2, false}}, "posts", "schema_migrations", "users")
		if _, err := db.Exec("SELECT bio FROM users"); err == nil {
			t.Error("users.bio still exists after migration 3 went down")
		}

		if err := m.Down(); err != nil {
			t.Fatal(err)
		}
		checkState(t, db, "after down", nil, "schema_migrations")
		if v, _, err := m.Version(); !errors.Is(err, migrate.ErrNilVersion) {
			t.Errorf("version after down: %d, %v; want ErrNilVersion", v, err)
		}

		if err := m.Up(); err != nil {
			t.Fatal(err)
		}
		checkState(t, db, "after up again", []version{{3, false}}, "posts", "schema_migrations", "users")
		if err := m.Migrate(1); err != nil {
			t.Fatal(err)
		}
		checkState(t, db, "after migrating to 1", []version{{1, false}}, "schema_migrations", "users")
	})
}

func TestFailingMigration(t *testing.T) {
	engines.Run(t, func(t *testing.T, e engines.Engine) {
		// Migrations 1 and 2, and a migration 3 that fails.
		failing := engines.Overlay(t, migrations, "migrations/[12]_*.sql", "testdata/failing")
		m, db := openMigrator(t, e, failing, ".")
		err := m.Up()
		if err == nil {
			t.Fatal("up with a failing migration succeeded")
		}
		// The failure is reported with the engine's error and the SQL.
		var dbErr *database.Error
		var te *turso.Error
		if !errors.As(err, &dbErr) || !errors.As(dbErr.OrigErr, &te) ||
			!strings.Contains(te.Message, "no such table: tag") || !strings.Contains(string(dbErr.Query), "INSERT INTO tag(name)") {
			t.Errorf("error %q (%T), want a database.Error of the migration wrapping the *turso.Error for the missing table", err, err)
		}
		// Migration 3 rolled back whole (no table tags), and migrate
		// marks the database dirty at version 3, as it does on mattn.
		checkState(t, db, "after the failure", []version{{3, true}}, "posts", "schema_migrations", "users")
		if err := m.Up(); err == nil || !strings.Contains(err.Error(), "Dirty database version 3") {
			t.Errorf("up on the dirty database: %v, want migrate's dirty error", err)
		}
		// The operator's way out: force the last good version.
		if err := m.Force(2); err != nil {
			t.Fatal(err)
		}
		checkState(t, db, "after force 2", []version{{2, false}}, "posts", "schema_migrations", "users")
		if err := m.Down(); err != nil {
			t.Fatal(err)
		}
		checkState(t, db, "after down", nil, "schema_migrations")
	})
}
