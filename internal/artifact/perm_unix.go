//go:build unix

package artifact

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// checkPrivate refuses a directory of the cache that another user owns or
// may write: what it holds is loaded as code.
func checkPrivate(dir string, fi fs.FileInfo) error {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("turso: cache directory %s belongs to uid %d, not to this user (uid %d): it is not used (set %s to a private directory)", dir, st.Uid, os.Geteuid(), CacheDirEnv)
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("turso: cache directory %s is writable by other users (mode %#o): it is not used (chmod 700 it, or set %s to a private directory)", dir, perm, CacheDirEnv)
	}
	return nil
}

// checkBase refuses a base cache directory in which another user could
// replace the private directories: one owned by another user than this
// one or root, or writable by others without the sticky bit.
func checkBase(dir string, fi fs.FileInfo) error {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("turso: cache directory %s belongs to uid %d, not to this user (uid %d): it is not used (set %s to a private directory)", dir, st.Uid, os.Geteuid(), CacheDirEnv)
	}
	if fi.Mode().Perm()&0o022 != 0 && fi.Mode()&fs.ModeSticky == 0 {
		return fmt.Errorf("turso: cache directory %s is writable by other users (mode %#o): it is not used (chmod 700 it, or set %s to a private directory)", dir, fi.Mode().Perm(), CacheDirEnv)
	}
	return nil
}
