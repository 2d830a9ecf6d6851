//go:build linux && amd64 && cgo

package tursonative

import (
	_ "embed"

	"github.com/turso-go/turso/internal/artifact"
)

// AddonSHA256 is the sha256 of the addon the engine loads: npm
// @tursodatabase/sync-linux-x64-gnu 0.7.2's sync.linux-x64-gnu.node
// stripped of its debug sections (addon/SOURCE).
const AddonSHA256 = "3022fbbcae94afe7a7e97f78ef470a3d4a4cfdf45fce0ee250a334a9c6bf294a"

// addonGz is the addon, compressed with gzip -9 -n as addon/SOURCE says.
// Embedded as a string, it stays in the binary's read-only data until the
// engine writes it to the cache directory.
//
//go:embed addon/sync.linux-x64-gnu.node.gz
var addonGz string

// Addon is the engine's addon as the driver ships it: the sync package's
// build, which exports the Database class the engine uses and the
// SyncEngine class of embedded replicas.
var Addon = artifact.New("sync.linux-x64-gnu.node", AddonSHA256, addonGz)
