// Package engines lists the turso engines the integration examples' tests
// run on: libSQL, the default, and Turso's own engine (_engine=turso),
// both registered by package turso.
package engines

import (
	"database/sql"
	"io/fs"
	"os"
	"path"
	"testing"
	"testing/fstest"

	"github.com/turso-go/turso/tursowasm"
)

// Engine is one engine: its name and the DSN parameters that select it.
type Engine struct {
	Name   string
	Params string // "" or "_engine=turso"
}

// DSN returns path with the engine's parameters and params (both without
// a leading '?', either may be empty).
func (e Engine) DSN(path, params string) string {
	switch {
	case e.Params != "" && params != "":
		return path + "?" + e.Params + "&" + params
	case e.Params != "":
		return path + "?" + e.Params
	case params != "":
		return path + "?" + params
	}
	return path
}

// All is every engine.
var All = []Engine{
	{Name: "libsql"},
	{Name: "turso", Params: "_engine=turso"},
}

// Run runs f as a subtest per engine. Turso's engine is skipped, saying
// why, in a build without it (-tags turso_libsql_only).
func Run(t *testing.T, f func(t *testing.T, e Engine)) {
	for _, e := range All {
		t.Run(e.Name, func(t *testing.T) {
			if e.Params != "" && !tursowasm.Available() {
				t.Skip("built with -tags turso_libsql_only: no Turso engine")
			}
			f(t, e)
		})
	}
}

// Tables returns the names of db's tables, in order, without SQLite's
// internal tables nor Turso's engine's (it keeps AUTOINCREMENT counters
// in tables of its own, listed in the schema).
func Tables(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_schema WHERE type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT LIKE '\_\_turso\_internal\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return tables
}

// Overlay returns the files that match pattern in base, with those of
// dir (a directory) added: a test's set of migrations made of the
// example's first ones and a test migration, without copying the former.
func Overlay(t *testing.T, base fs.FS, pattern, dir string) fs.FS {
	t.Helper()
	files := fstest.MapFS{}
	add := func(fsys fs.FS, pattern string) {
		names, err := fs.Glob(fsys, pattern)
		if err != nil || len(names) == 0 {
			t.Fatalf("no migrations match %s: %v", pattern, err)
		}
		for _, name := range names {
			data, err := fs.ReadFile(fsys, name)
			if err != nil {
				t.Fatal(err)
			}
			files[path.Base(name)] = &fstest.MapFile{Data: data}
		}
	}
	add(base, pattern)
	add(os.DirFS(dir), "*")
	return files
}
