package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"
	"github.com/turso-go/turso"
	"github.com/turso-go/turso/examples/integrations/internal/engines"
)

// The tests run one after the other: goose keeps its settings (Setup) in
// package variables.

func TestRun(t *testing.T) {
	engines.Run(t, func(t *testing.T, e engines.Engine) {
		path := filepath.Join(t.TempDir(), "app.db")
		engine := strings.TrimPrefix(e.Params, "_engine=")
		want := "database: " + path + "\nup    version 3\ndown  version 2\nup    version 3\n"
		// Twice: the second run starts from version 3.
		for i := range 2 {
			var out bytes.Buffer
			if err := run(context.Background(), &out, path, engine); err != nil {
				t.Fatalf("run %d: %v", i+1, err)
			}
			if out.String() != want {
				t.Errorf("run %d printed\n%s\nwant\n%s", i+1, out.String(), want)
			}
		}
	})
}

// open opens a fresh database on e, closed when the test ends.
func open(t *testing.T, e engines.Engine) *sql.DB {
	t.Helper()
	db, err := sql.Open("turso", e.DSN(filepath.Join(t.TempDir(), "app.db"), "_foreign_keys=1"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// applied is a row of goose's version table.
type applied struct {
	Version int64
	Applied bool
}

// state reads goose's version table (without its timestamps) and the
// names of the tables.
func state(t *testing.T, db *sql.DB) (versions []applied, tables []string) {
	t.Helper()
	rows, err := db.Query("SELECT version_id, is_applied FROM goose_db_version ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a applied
		if err := rows.Scan(&a.Version, &a.Applied); err != nil {
			t.Fatal(err)
		}
		versions = append(versions, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return versions, engines.Tables(t, db)
}

// check fails the test unless goose's version table holds versions and
// the database has tables, and goose reports version.
func check(t *testing.T, db *sql.DB, when string, version int64, versions []applied, tables ...string) {
	t.Helper()
	gotV, gotT := state(t, db)
	if !reflect.DeepEqual(gotV, versions) || !reflect.DeepEqual(gotT, tables) {
		t.Errorf("%s: version table %v, tables %v; want %v, %v", when, gotV, gotT, versions, tables)
	}
	if v, err := goose.GetDBVersion(db); err != nil || v != version {
		t.Errorf("%s: goose reports version %d, %v; want %d", when, v, err, version)
	}
}

func TestUpDownReUp(t *testing.T) {
	engines.Run(t, func(t *testing.T, e engines.Engine) {
		if err := Setup(migrations); err != nil {
			t.Fatal(err)
		}
		db := open(t, e)
		const dir = "migrations"
		if err := goose.Up(db, dir); err != nil {
			t.Fatal(err)
		}
		up := []applied{{0, true}, {1, true}, {2, true}, {3, true}}
		check(t, db, "after up", 3, up, "goose_db_version", "posts", "users")
		// Migration 3's trigger fills bio.
		if _, err := db.Exec("INSERT INTO users(name, email) VALUES ('ada', 'ada@example.org')"); err != nil {
			t.Fatal(err)
		}
		var bio sql.NullString
		if err := db.QueryRow("SELECT bio FROM users").Scan(&bio); err != nil || !bio.Valid {
			t.Errorf("bio %v, %v; want '' from the trigger", bio, err)
		}

		if err := goose.Down(db, dir); err != nil {
			t.Fatal(err)
		}
		check(t, db, "after down", 2, up[:3], "goose_db_version", "posts", "users")
		if _, err := db.Exec("SELECT bio FROM users"); err == nil {
			t.Error("users.bio still exists after migration 3 went down")
		}
		if err := goose.DownTo(db, dir, 0); err != nil {
			t.Fatal(err)
		}
		check(t, db, "after down to 0", 0, up[:1], "goose_db_version")

		if err := goose.Up(db, dir); err != nil {
			t.Fatal(err)
		}
		check(t, db, "after up again", 3, up, "goose_db_version", "posts", "users")
		if err := goose.UpTo(db, dir, 3); err != nil {
			t.Errorf("up to the current version: %v", err)
		}
	})
}

func TestFailingMigration(t *testing.T) {
	engines.Run(t, func(t *testing.T, e engines.Engine) {
		// Migrations 1 and 2, and a migration 3 that fails.
		if err := Setup(engines.Overlay(t, migrations, "migrations/0000[12]_*.sql", "testdata/failing")); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { Setup(migrations) })
		db := open(t, e)
		err := goose.Up(db, ".")
		if err == nil {
			t.Fatal("up with a failing migration succeeded")
		}
		// Reported with the file, the statement and the engine's error.
		var te *turso.Error
		if !errors.As(err, &te) || !strings.Contains(te.Message, "no such table: tag") ||
			!strings.Contains(err.Error(), "00003_add_tags.sql") || !strings.Contains(err.Error(), "INSERT INTO tag(name)") {
			t.Errorf("error %q, want one naming 00003_add_tags.sql and its statement, wrapping the *turso.Error", err)
		}
		// Migration 3 rolled back whole: no table tags, no version 3.
		check(t, db, "after the failure", 2, []applied{{0, true}, {1, true}, {2, true}}, "goose_db_version", "posts", "users")
		if err := goose.Down(db, "."); err != nil {
			t.Fatal(err)
		}
		check(t, db, "after down", 1, []applied{{0, true}, {1, true}}, "goose_db_version", "users")
	})
}

// TestProvider: goose's Provider, which keeps no package state, on the
// same migrations.
func TestProvider(t *testing.T) {
	engines.Run(t, func(t *testing.T, e engines.Engine) {
		if err := Setup(migrations); err != nil { // for check's goose.GetDBVersion
			t.Fatal(err)
		}
		db := open(t, e)
		fsys, err := fs.Sub(migrations, "migrations")
		if err != nil {
			t.Fatal(err)
		}
		p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := p.Up(ctx); err != nil {
			t.Fatal(err)
		}
		if v, err := p.GetDBVersion(ctx); err != nil || v != 3 {
			t.Errorf("version after up: %d, %v; want 3", v, err)
		}
		if _, err := p.DownTo(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if v, err := p.GetDBVersion(ctx); err != nil || v != 1 {
			t.Errorf("version after down to 1: %d, %v; want 1", v, err)
		}
		check(t, db, "after the provider's down to 1", 1, []applied{{0, true}, {1, true}}, "goose_db_version", "users")
	})
}
