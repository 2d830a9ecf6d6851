package tursowasm

import (
	"os"

	"golang.org/x/sys/unix"
)

const lockSupported = true

// tryLock takes a whole-file open file description lock on f without
// waiting: it belongs to f alone, so that closing another descriptor of
// the same file (the engine's own) does not release it, and it conflicts
// with the process-wide fcntl locks of other processes.
func tryLock(f *os.File, exclusive bool) error {
	lk := unix.Flock_t{Type: unix.F_RDLCK, Whence: 0, Start: 0, Len: 0}
	if exclusive {
		lk.Type = unix.F_WRLCK
	}
	err := unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLK, &lk)
	if err == unix.EAGAIN || err == unix.EACCES {
		return errWouldBlock
	}
	return err
}
