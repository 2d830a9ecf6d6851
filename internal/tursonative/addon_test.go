//go:build linux && amd64 && cgo

package tursonative

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turso-go/turso/internal/artifact"
	"github.com/turso-go/turso/internal/engine"
)

// readSource reads addon/SOURCE.
func readSource(t *testing.T) map[string]string {
	t.Helper()
	keys, err := artifact.ReadSource("addon/SOURCE")
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestEmbeddedAddonMatchesSource checks the embedded addon against
// addon/SOURCE: the committed file's digest, the stripped file's digest
// (which the artifact verifies), the package and version.
func TestEmbeddedAddonMatchesSource(t *testing.T) {
	src := readSource(t)
	if got := sha256.Sum256([]byte(addonGz)); hex.EncodeToString(got[:]) != src["COMMITTED_SHA256"] {
		t.Errorf("embedded file has sha256 %x, SOURCE says %s", got, src["COMMITTED_SHA256"])
	}
	committed, err := os.ReadFile(filepath.Join("addon", src["COMMITTED_FILE"]))
	if err != nil || string(committed) != addonGz {
		t.Errorf("the embedded file is not addon/%s: %v", src["COMMITTED_FILE"], err)
	}
	if Addon.SHA256() != src["STRIPPED_SHA256"] || AddonSHA256 != src["STRIPPED_SHA256"] {
		t.Errorf("Addon verifies sha256 %s, SOURCE says %s", Addon.SHA256(), src["STRIPPED_SHA256"])
	}
	if src["NPM_VERSION"] != Version || src["NPM_PACKAGE"] != "@tursodatabase/sync-linux-x64-gnu" {
		t.Errorf("SOURCE names %s@%s, the engine reports version %s", src["NPM_PACKAGE"], src["NPM_VERSION"], Version)
	}
	zr, err := gzip.NewReader(strings.NewReader(addonGz))
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 4)
	if _, err := io.ReadFull(zr, head); err != nil || !bytes.Equal(head, []byte("\x7fELF")) {
		t.Errorf("the addon decompresses to %q, not an ELF file (%v)", head, err)
	}
}

// TestDamagedAddon: an addon that is missing, or whose content is not
// what its digest says, is refused before anything loads it.
func TestDamagedAddon(t *testing.T) {
	t.Setenv(artifact.CacheDirEnv, t.TempDir())
	missing := artifact.New("x.node", strings.Repeat("0", 64), "")
	if _, err := New(missing).Open(engine.Config{Path: ":memory:"}); err == nil || !strings.Contains(err.Error(), "not embedded") {
		t.Errorf("Open with a missing addon: %v", err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("\x7fELF not really"))
	zw.Close()
	wrong := artifact.New("x.node", strings.Repeat("0", 64), buf.String())
	if _, err := New(wrong).Open(engine.Config{Path: ":memory:"}); !errors.Is(err, artifact.ErrChecksum) {
		t.Errorf("Open with an addon of the wrong digest: %v, want ErrChecksum", err)
	}
	// A file planted where the addon is cached is refused, not loaded.
	dir, err := artifact.PrivateDir(AddonSHA256)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, Addon.Name()), []byte("\x7fELF planted"), 0o500); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Addon).Open(engine.Config{Path: ":memory:"}); !errors.Is(err, artifact.ErrChecksum) {
		t.Errorf("Open with a planted addon: %v, want ErrChecksum", err)
	}
}
