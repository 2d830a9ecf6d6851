package main

import (
	"runtime"
	"testing"
	"time"

	"github.com/turso-go/turso/examples/integrations/internal/engines"
)

// TestGormLeakedRows: gorm's Rows() whose result is never closed, as
// gorm's own tests do (query_test.go), does not keep the database locked
// for the writes that follow: unread, it holds no lock at all; read from
// and dropped, it is released when the garbage collector finds it. The
// database is in the default (rollback journal) mode, where a reader
// blocks writers.
func TestGormLeakedRows(t *testing.T) {
	engines.Run(t, func(t *testing.T, e engines.Engine) {
		params := "_busy_timeout=10000"
		if e.Params != "" {
			params = e.Params + "&" + params
		}
		db := openGorm(t, params, &User{})
		create := func(name string) {
			t.Helper()
			start := time.Now()
			if err := db.Create(&User{Name: name, Email: name + "@example.org"}).Error; err != nil {
				t.Fatalf("create %s: %v", name, err)
			}
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("create %s waited %v for a leaked result", name, el)
			}
		}
		create("a")
		create("b")

		// gorm's TestSelect: Rows() dropped unread.
		if _, err := db.Table("users").Select("COALESCE(name, ?)", "x").Rows(); err != nil {
			t.Fatal(err)
		}
		create("c")

		// Read from, then dropped: released by the garbage collector.
		func() {
			rows, err := db.Table("users").Select("name").Rows()
			if err != nil {
				t.Fatal(err)
			}
			if !rows.Next() {
				t.Fatal("no row")
			}
		}()
		var n int64
		if err := db.Model(&User{}).Count(&n).Error; err != nil || n != 3 {
			t.Fatalf("count %d, %v", n, err)
		}
		runtime.GC()
		create("d")
	})
}
