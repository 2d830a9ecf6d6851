// Package artifacttest holds the checks the engine packages run on the
// engine files they embed with package artifact.
package artifacttest

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/turso-go/turso/internal/artifact"
)

// CheckSource checks the embedded compressed file gz, served by f,
// against dir/SOURCE: the committed file's digest and bytes, the digest f
// verifies (SOURCE's key verifiedKey), and the npm package and version. It
// returns SOURCE's keys.
func CheckSource(t *testing.T, dir, gz string, f *artifact.File, verifiedKey, pkg, version string) map[string]string {
	t.Helper()
	src, err := artifact.ReadSource(filepath.Join(dir, "SOURCE"))
	if err != nil {
		t.Fatal(err)
	}
	if got := sha256.Sum256([]byte(gz)); hex.EncodeToString(got[:]) != src["COMMITTED_SHA256"] {
		t.Errorf("embedded file has sha256 %x, SOURCE says %s", got, src["COMMITTED_SHA256"])
	}
	committed, err := os.ReadFile(filepath.Join(dir, src["COMMITTED_FILE"]))
	if err != nil || string(committed) != gz {
		t.Errorf("the embedded file is not %s/%s: %v", dir, src["COMMITTED_FILE"], err)
	}
	if f.SHA256() != src[verifiedKey] {
		t.Errorf("%s verifies sha256 %s, SOURCE's %s is %s", f.Name(), f.SHA256(), verifiedKey, src[verifiedKey])
	}
	if src["NPM_PACKAGE"] != pkg || src["NPM_VERSION"] != version {
		t.Errorf("SOURCE names %s@%s, want %s@%s", src["NPM_PACKAGE"], src["NPM_VERSION"], pkg, version)
	}
	return src
}

// Gzip returns data gzip-compressed.
func Gzip(t testing.TB, data []byte) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}
