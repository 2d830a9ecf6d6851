package tursowasm

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/turso-go/turso/internal/engine"
)

// The wasm build cannot coordinate with other processes: its file hooks
// have no shared memory and no locks, so the engine's multiprocess WAL
// (experimental multiprocess_wal) is not available to it, and two
// processes writing one file would overwrite each other's commits. The
// Engine therefore takes an OS lock on the database file while any of its
// connections has the file open: exclusive for a connection that may
// write, shared for read-only ones. A connection that cannot get it waits
// up to its busy timeout, then fails with a busy error saying that
// another process holds the file. The lock is the whole-file record lock
// Turso's native build takes (fcntl F_SETLK; here an open file description
// lock on Linux, so that closing another descriptor of the file does not
// drop it, and flock elsewhere), so the wasm and native builds exclude
// each other too. Two Engines of one process exclude each other likewise:
// each has its own engine state.

// fileLock is the lock on one database file and the number of the
// Engine's connections that hold it.
type fileLock struct {
	f         *os.File
	exclusive bool
	refs      int
}

// errWouldBlock is what tryLock returns when another process holds a
// conflicting lock.
var errWouldBlock = errors.New("locked by another process")

// lockFile takes the lock on database file path for one connection,
// waiting up to timeout for another process to release it. It creates
// the file when create is set; a file that does not exist is left to the
// engine to report.
func (e *Engine) lockFile(path string, exclusive, create bool, timeout time.Duration) error {
	if !lockSupported {
		return nil
	}
	deadline := time.Now().Add(timeout)
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		err := e.tryLockFile(path, exclusive, create)
		if err != errWouldBlock {
			return err
		}
		if time.Now().After(deadline) {
			return &engine.Error{Code: engine.CodeBusy, ExtendedCode: engine.CodeBusy,
				Message: fmt.Sprintf("database is locked: %s is open in another process (or another engine instance of this one); the wasm build of the turso engine cannot share a database file between processes", path)}
		}
		time.Sleep(min(wait, time.Until(deadline)+time.Millisecond))
	}
}

// tryLockFile takes the lock without waiting.
func (e *Engine) tryLockFile(path string, exclusive, create bool) error {
	e.lockMu.Lock()
	defer e.lockMu.Unlock()
	l := e.locks[path]
	if l != nil && (l.exclusive || !exclusive) {
		l.refs++
		return nil
	}
	if l != nil {
		// A read-only connection holds the file shared; upgrade.
		if err := tryLock(l.f, true); err != nil {
			return lockError(path, err)
		}
		l.exclusive = true
		l.refs++
		return nil
	}
	flag := os.O_RDWR
	if create {
		flag |= os.O_CREATE
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		// Not writable: a shared lock keeps writers out while this
		// connection, which cannot write, reads.
		f, err = os.Open(path)
		exclusive = false
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil // the engine reports the missing file
	}
	if err != nil {
		return lockError(path, err)
	}
	if err := tryLock(f, exclusive); err != nil {
		f.Close()
		return lockError(path, err)
	}
	e.locks[path] = &fileLock{f: f, exclusive: exclusive, refs: 1}
	return nil
}

// lockError passes errWouldBlock on and makes other failures I/O errors.
func lockError(path string, err error) error {
	if err == errWouldBlock {
		return err
	}
	e := &engine.Error{Code: engine.CodeIOErr, ExtendedCode: engine.CodeIOErr | 15<<8, // SQLITE_IOERR_LOCK
		Message: fmt.Sprintf("cannot lock database file %s against other processes", path)}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		e.SystemErrno = errno
	} else {
		e.Message += ": " + err.Error()
	}
	return e
}

// unlockFile releases one connection's hold on the lock of path.
func (e *Engine) unlockFile(path string) {
	e.lockMu.Lock()
	defer e.lockMu.Unlock()
	l := e.locks[path]
	if l == nil {
		return
	}
	if l.refs--; l.refs == 0 {
		l.f.Close() // releases the lock
		delete(e.locks, path)
	}
}
