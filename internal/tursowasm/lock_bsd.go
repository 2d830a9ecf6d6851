//go:build unix && !linux

package tursowasm

import (
	"os"

	"golang.org/x/sys/unix"
)

const lockSupported = true

// tryLock takes flock(2) lock on f without waiting: it belongs to f's
// open file, so closing another descriptor of the same file does not
// release it.
func tryLock(f *os.File, exclusive bool) error {
	how := unix.LOCK_SH | unix.LOCK_NB
	if exclusive {
		how = unix.LOCK_EX | unix.LOCK_NB
	}
	err := unix.Flock(int(f.Fd()), how)
	if err == unix.EWOULDBLOCK {
		return errWouldBlock
	}
	return err
}
