package turso_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/internal/drivertest"
)

// TestEngineOf checks that a pool reports the engine it runs on, for
// every engine of the build and for the alias "turso".
func TestEngineOf(t *testing.T) {
	builds := map[string]string{"libsql": "cgo", "turso-native": "native", "turso-wasm": "wasm"}
	drivertest.ForEach(t, func(t *testing.T, e drivertest.Engine) {
		db, err := sql.Open("turso", filepath.Join(t.TempDir(), "e.db")+"?"+e.Params)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		info, err := turso.EngineOf(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		if info.Name != e.Name || info.Build != builds[e.Name] || info.Version == "" {
			t.Errorf("EngineOf = %+v, want %s (%s)", info, e.Name, builds[e.Name])
		}
		if want := info.Name + " " + info.Version + " (" + info.Build + ")"; info.String() != want {
			t.Errorf("String() = %q, want %q", info.String(), want)
		}
	})
	t.Run("turso", func(t *testing.T) {
		db, err := sql.Open("turso", filepath.Join(t.TempDir(), "t.db")+"?_engine=turso")
		if err != nil {
			t.Skipf("not in this build: %v", err)
		}
		defer db.Close()
		info, err := turso.EngineOf(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		want := "turso-wasm"
		if nativeBuild {
			want = "turso-native"
		}
		if info.Name != want || info.Version != "0.7.2" {
			t.Errorf("_engine=turso runs on %+v, want %s 0.7.2", info, want)
		}
	})
	t.Run("closed pool", func(t *testing.T) {
		db, _ := sql.Open("turso", ":memory:")
		db.Close()
		if _, err := turso.EngineOf(context.Background(), db); err == nil || !strings.Contains(err.Error(), "closed") {
			t.Errorf("EngineOf a closed pool: %v", err)
		}
	})
}
