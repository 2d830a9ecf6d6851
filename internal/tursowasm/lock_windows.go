package tursowasm

import (
	"os"

	"golang.org/x/sys/windows"
)

const lockSupported = true

// lockOffset is where the lock lies: far past the data, since Windows
// locks are mandatory and a lock over the data would fail the engine's
// own reads and writes through its other handle.
const lockOffset = 1 << 62

// tryLock locks one byte at lockOffset of f without waiting.
func tryLock(f *os.File, exclusive bool) error {
	flags := uint32(windows.LOCKFILE_FAIL_IMMEDIATELY)
	if exclusive {
		flags |= windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	ol := windows.Overlapped{Offset: uint32(lockOffset & 0xffffffff), OffsetHigh: uint32(lockOffset >> 32)}
	err := windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, &ol)
	if err == windows.ERROR_LOCK_VIOLATION || err == windows.ERROR_IO_PENDING {
		return errWouldBlock
	}
	return err
}
