package tursowasm

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turso-go/turso/internal/artifact"
	"github.com/turso-go/turso/internal/artifact/artifacttest"
	"github.com/turso-go/turso/internal/engine"
)

// gzArtifact returns an artifact of data.
func gzArtifact(t testing.TB, name string, data []byte) *artifact.File {
	t.Helper()
	sum := sha256.Sum256(data)
	return artifact.New(name, hex.EncodeToString(sum[:]), artifacttest.Gzip(t, data))
}

// TestEmbeddedWasmMatchesSource checks the embedded module against
// wasm/SOURCE: the committed file's digest, the npm file's digest (which
// the artifact verifies after decompressing), the version.
func TestEmbeddedWasmMatchesSource(t *testing.T) {
	artifacttest.CheckSource(t, "wasm", wasmGz, Wasm, "NPM_FILE_SHA256", "@tursodatabase/database-wasm", Version)
	if WasmSHA256 != Wasm.SHA256() {
		t.Errorf("WasmSHA256 is %s, Wasm verifies %s", WasmSHA256, Wasm.SHA256())
	}
	wasm, err := Wasm.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(wasm, []byte("\x00asm")) {
		t.Errorf("Wasm decompresses to %q..., not a wasm module", wasm[:8])
	}
}

// TestWazeroVersion checks that the version naming the compilation
// cache's directory is the one go.mod requires.
func TestWazeroVersion(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	want := "github.com/tetratelabs/wazero " + wazeroVersion
	for line := range strings.Lines(string(mod)) {
		if f := strings.Fields(line); len(f) >= 2 && strings.Join(f[:2], " ") == want {
			return
		}
	}
	t.Errorf("go.mod does not require %s: update wazeroVersion", want)
}

// TestCompilationCache checks where the compiled module goes: the
// "wazero" directory of TURSO_CACHE_DIR, nowhere with the cache off, and
// an error naming the variable for a directory it names that is unusable.
func TestCompilationCache(t *testing.T) {
	t.Run("in TURSO_CACHE_DIR", func(t *testing.T) {
		dir := t.TempDir()
		t.Setenv(artifact.CacheDirEnv, dir)
		cache, err := compilationCache()
		if err != nil || cache == nil {
			t.Fatalf("compilationCache() = %v, %v", cache, err)
		}
		fi, err := os.Stat(filepath.Join(dir, "wazero-"+wazeroVersion))
		if err != nil || fi.Mode().Perm() != 0o700 {
			t.Fatalf("wazero cache directory: %v, %v", fi, err)
		}
	})
	t.Run("off", func(t *testing.T) {
		t.Setenv(artifact.CacheDirEnv, "off")
		if cache, err := compilationCache(); cache != nil || err != nil {
			t.Errorf("compilationCache() with the cache off = %v, %v", cache, err)
		}
	})
	t.Run("unusable", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		os.WriteFile(file, nil, 0o600)
		t.Setenv(artifact.CacheDirEnv, filepath.Join(file, "cache"))
		if _, err := compilationCache(); err == nil || !strings.Contains(err.Error(), artifact.CacheDirEnv) {
			t.Errorf("compilationCache() in an unusable directory: %v", err)
		}
		// An engine fails its connections with that error.
		_, err := New(Wasm).Open(engine.Config{Path: ":memory:"})
		if err == nil || !strings.Contains(err.Error(), artifact.CacheDirEnv) {
			t.Errorf("Open with an unusable cache directory: %v", err)
		}
	})
	t.Run("default unusable", func(t *testing.T) {
		// Without a home for the default directory, the module is
		// compiled without the cache.
		t.Setenv(artifact.CacheDirEnv, "")
		t.Setenv("XDG_CACHE_HOME", "")
		t.Setenv("HOME", "")
		if cache, err := compilationCache(); cache != nil || err != nil {
			t.Errorf("compilationCache() without a default directory = %v, %v", cache, err)
		}
	})
}

// TestDamagedModule: a module that is missing, or whose content is not
// what its digest says, is refused before anything compiles it.
func TestDamagedModule(t *testing.T) {
	missing := artifact.New("x.wasm", strings.Repeat("0", 64), "")
	if _, err := New(missing).Open(engine.Config{Path: ":memory:"}); err == nil || !strings.Contains(err.Error(), "not embedded") {
		t.Errorf("Open with a missing module: %v", err)
	}
	wrong := artifact.New("x.wasm", strings.Repeat("0", 64), artifacttest.Gzip(t, []byte("\x00asm\x01\x00\x00\x00")))
	if _, err := New(wrong).Open(engine.Config{Path: ":memory:"}); !errors.Is(err, artifact.ErrChecksum) {
		t.Errorf("Open with a module of the wrong digest: %v, want ErrChecksum", err)
	}
}
