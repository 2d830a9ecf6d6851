//go:build linux && amd64 && cgo

package tursonative

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turso-go/turso/internal/artifact"
	"github.com/turso-go/turso/internal/artifact/artifacttest"
	"github.com/turso-go/turso/internal/engine"
)

// TestEmbeddedAddonMatchesSource checks the embedded addon against
// addon/SOURCE: the committed file's digest, the stripped file's digest
// (which the artifact verifies), the package and version.
func TestEmbeddedAddonMatchesSource(t *testing.T) {
	artifacttest.CheckSource(t, "addon", addonGz, Addon, "STRIPPED_SHA256", "@tursodatabase/sync-linux-x64-gnu", Version)
	if AddonSHA256 != Addon.SHA256() {
		t.Errorf("AddonSHA256 is %s, Addon verifies %s", AddonSHA256, Addon.SHA256())
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
	wrong := artifact.New("x.node", strings.Repeat("0", 64), artifacttest.Gzip(t, []byte("\x7fELF not really")))
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
