package tursowasm

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/turso-go/turso/internal/engine"
)

// files serves the engine's file-I/O hooks (lookup_file, read, write,
// sync, truncate, size; env module) from real files. The engine names a
// file by path and then uses the handle lookup_file returned. Handles are
// never reused, so a handle kept past Close fails instead of reaching
// another file.
//
// The binding cannot report an I/O error to the engine: it completes
// every operation with the hook's result as a byte count, and a negative
// or short count makes the engine trap or read garbage. So files does
// what a crash would: at the first failure of a read, write, sync,
// truncate or size it records the failure and stops touching the files
// (later writes, syncs and truncates report success and do nothing), and
// the instance is discarded as soon as the call into it returns, with the
// failure as the call's error. The files then hold what they would after
// the process died at that moment, which the engine's WAL recovers from:
// a transaction whose commit had not reached the file is rolled back, and
// everything committed before stays.
type files struct {
	mu       sync.Mutex
	readOnly map[string]bool
	byPath   map[string]int32
	byHandle map[int32]*file
	last     int32
	// failed is the first I/O failure, nil while there is none.
	failed *ioFailure
	// fault, when set, can fail an operation (see Engine.SetFault).
	fault Fault
	// ops counts the I/O operations served, so that a caller can tell an
	// I/O round of the engine that did file work from one that only
	// yielded (a busy wait).
	ops atomic.Uint64
}

// file is one open file of the engine.
type file struct {
	*os.File
	path string
}

// Op names a file operation of the engine, for a Fault.
type Op string

// The operations a Fault sees.
const (
	OpRead     Op = "read"
	OpWrite    Op = "write"
	OpSync     Op = "sync"
	OpTruncate Op = "truncate"
	OpSize     Op = "size"
)

// Fault decides, before each file operation of the engine, whether it
// fails: it returns nil to let it run, or the error it fails with (a
// syscall.Errno such as ENOSPC, EIO or EACCES). io.ErrShortWrite makes a
// write store half its bytes and then fail, as a torn write does;
// ErrTrap makes the host function panic, which traps the engine.
type Fault func(op Op, path string) error

// ErrTrap, returned by a Fault, makes the file hook panic: the engine
// traps as it does on its own failures (tests use it).
var ErrTrap = errors.New("tursowasm: injected trap")

// ioFailure is a failed file operation.
type ioFailure struct {
	op   Op
	path string
	err  error
}

func newFiles() *files {
	return &files{readOnly: map[string]bool{}, byPath: map[string]int32{}, byHandle: map[int32]*file{}}
}

// errno turns err into the negative result the engine expects on failure.
func errno(err error) int32 {
	var e syscall.Errno
	if errors.As(err, &e) {
		return -int32(e)
	}
	return -int32(syscall.EIO)
}

// setReadOnly makes later lookups of path (and its companion files) open
// without write access.
func (f *files) setReadOnly(path string, ro bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.readOnly[path] = ro
}

// lookup opens path, creating it unless the database is read-only, and
// returns its handle. A failure here reaches the engine, which reports it
// as an error of the open.
func (f *files) lookup(path string) int32 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if h, ok := f.byPath[path]; ok {
		return h
	}
	flag := os.O_RDWR | os.O_CREATE
	for db, ro := range f.readOnly {
		if ro && (path == db || strings.HasPrefix(path, db+"-")) {
			flag = os.O_RDONLY
		}
	}
	osf, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return errno(err)
	}
	f.last++
	f.byPath[path] = f.last
	f.byHandle[f.last] = &file{File: osf, path: path}
	return f.last
}

// start begins operation op on handle h: it returns the file, or nil when
// the operation must not touch it (no such handle, or an earlier
// failure), with the result to give the engine instead. A fault injected
// for the operation is recorded as its failure.
func (f *files) start(op Op, h int32) (fl *file, skip bool, res int32) {
	f.ops.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	fl = f.byHandle[h]
	if fl == nil {
		return nil, true, -int32(syscall.EBADF)
	}
	if f.failed != nil && op != OpRead && op != OpSize {
		return nil, true, 0 // the crash already happened: touch nothing
	}
	if f.fault != nil {
		if err := f.fault(op, fl.path); err != nil {
			if err == ErrTrap {
				panic(fmt.Sprintf("%v (%s %s)", ErrTrap, op, fl.path))
			}
			if !(op == OpWrite && err == io.ErrShortWrite) {
				f.failLocked(op, fl.path, err)
				return nil, true, 0
			}
			// A torn write: the caller writes half, then fails.
			return fl, false, -1
		}
	}
	return fl, false, 0
}

// setFault sets the Fault the files consult.
func (f *files) setFault(fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault = fault
}

// fail records the failure of op on path, if it is the first.
func (f *files) fail(op Op, path string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failLocked(op, path, err)
}

func (f *files) failLocked(op Op, path string, err error) {
	if f.failed == nil {
		f.failed = &ioFailure{op: op, path: path, err: err}
	}
}

// failure returns the first I/O failure as the error the engine's call
// fails with, or nil.
func (f *files) failure() *engine.Error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failed == nil {
		return nil
	}
	return f.failed.engineError()
}

// engineError describes the failure as SQLite would: a full disk or quota
// as SQLITE_FULL, anything else as SQLITE_IOERR with the extended code of
// the operation.
func (x *ioFailure) engineError() *engine.Error {
	e := &engine.Error{Code: engine.CodeIOErr}
	switch x.op {
	case OpRead:
		e.ExtendedCode = engine.CodeIOErr | 1<<8
	case OpWrite:
		e.ExtendedCode = engine.CodeIOErr | 3<<8
	case OpSync:
		e.ExtendedCode = engine.CodeIOErr | 4<<8
	case OpTruncate:
		e.ExtendedCode = engine.CodeIOErr | 6<<8
	case OpSize:
		e.ExtendedCode = engine.CodeIOErr | 7<<8
	}
	what := "disk I/O error"
	var errno syscall.Errno
	if errors.As(x.err, &errno) {
		e.SystemErrno = errno
		if errno == syscall.ENOSPC || errno == syscall.EDQUOT || errno == syscall.EFBIG {
			e.Code, e.ExtendedCode = engine.CodeFull, engine.CodeFull
			what = "database or disk is full"
		}
	}
	if x.err == io.ErrShortWrite {
		e.ExtendedCode, e.SystemErrno = engine.CodeIOErr|3<<8, syscall.EIO
		what = "disk I/O error: short write"
	}
	e.Message = fmt.Sprintf("%s (%s of %s failed; the statement did not complete and the engine instance was discarded: nothing committed before is lost)", what, x.op, x.path)
	return e
}

func (f *files) read(h int32, buf []byte, off int64) int32 {
	fl, skip, res := f.start(OpRead, h)
	if skip {
		return res
	}
	n, err := fl.ReadAt(buf, off)
	if err != nil && !errors.Is(err, io.EOF) {
		// A short count makes the engine fail the read cleanly ("short
		// read"); the recorded failure then becomes the error.
		f.fail(OpRead, fl.path, err)
		return 0
	}
	return int32(n)
}

func (f *files) write(h int32, buf []byte, off int64) int32 {
	fl, skip, res := f.start(OpWrite, h)
	if skip {
		return int32(len(buf))
	}
	if res < 0 {
		fl.WriteAt(buf[:len(buf)/2], off)
		f.fail(OpWrite, fl.path, io.ErrShortWrite)
		return int32(len(buf))
	}
	if _, err := fl.WriteAt(buf, off); err != nil {
		f.fail(OpWrite, fl.path, err)
	}
	return int32(len(buf))
}

func (f *files) sync(h int32) int32 {
	fl, skip, res := f.start(OpSync, h)
	if skip {
		return max(res, 0)
	}
	if err := fl.Sync(); err != nil {
		f.fail(OpSync, fl.path, err)
	}
	return 0
}

func (f *files) truncate(h int32, size int64) int32 {
	fl, skip, res := f.start(OpTruncate, h)
	if skip {
		return max(res, 0)
	}
	if err := fl.Truncate(size); err != nil {
		f.fail(OpTruncate, fl.path, err)
	}
	return 0
}

func (f *files) size(h int32) int32 {
	fl, skip, res := f.start(OpSize, h)
	if skip {
		return res
	}
	st, err := fl.Stat()
	if err != nil {
		f.fail(OpSize, fl.path, err)
		return 0
	}
	return int32(st.Size())
}

// closeUnder closes every open file of database path: the file itself
// and its companions (path-wal, path-log, ...).
func (f *files) closeUnder(path string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var errs []error
	for p, h := range f.byPath {
		if p == path || strings.HasPrefix(p, path+"-") {
			errs = append(errs, f.byHandle[h].Close())
			delete(f.byHandle, h)
			delete(f.byPath, p)
		}
	}
	delete(f.readOnly, path)
	return errors.Join(errs...)
}

// closeAll closes every file, for an instance that is discarded: later
// operations fail with EBADF.
func (f *files) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for h, fl := range f.byHandle {
		fl.Close()
		delete(f.byHandle, h)
	}
	clear(f.byPath)
}
