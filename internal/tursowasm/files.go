package tursowasm

import (
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// files serves the engine's file-I/O hooks (lookup_file, read, write,
// sync, truncate, size; env module) from real files. The engine names a
// file by path and then uses the handle lookup_file returned. Handles are
// never reused, so a handle kept past Close fails instead of reaching
// another file.
type files struct {
	mu       sync.Mutex
	readOnly map[string]bool
	byPath   map[string]int32
	byHandle map[int32]*os.File
	last     int32
	// ops counts the I/O operations served, so that a caller can tell an
	// I/O round of the engine that did file work from one that only
	// yielded (a busy wait).
	ops atomic.Uint64
}

func newFiles() *files {
	return &files{readOnly: map[string]bool{}, byPath: map[string]int32{}, byHandle: map[int32]*os.File{}}
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
// returns its handle.
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
	file, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return errno(err)
	}
	f.last++
	f.byPath[path] = f.last
	f.byHandle[f.last] = file
	return f.last
}

// file returns the file of handle h, counting one I/O operation.
func (f *files) file(h int32) *os.File {
	f.ops.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.byHandle[h]
}

func (f *files) read(h int32, buf []byte, off int64) int32 {
	file := f.file(h)
	if file == nil {
		return -int32(syscall.EBADF)
	}
	n, err := file.ReadAt(buf, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return errno(err)
	}
	return int32(n)
}

func (f *files) write(h int32, buf []byte, off int64) int32 {
	file := f.file(h)
	if file == nil {
		return -int32(syscall.EBADF)
	}
	n, err := file.WriteAt(buf, off)
	if err != nil {
		return errno(err)
	}
	return int32(n)
}

func (f *files) sync(h int32) int32 {
	file := f.file(h)
	if file == nil {
		return -int32(syscall.EBADF)
	}
	if err := file.Sync(); err != nil {
		return errno(err)
	}
	return 0
}

func (f *files) truncate(h int32, size int64) int32 {
	file := f.file(h)
	if file == nil {
		return -int32(syscall.EBADF)
	}
	if err := file.Truncate(size); err != nil {
		return errno(err)
	}
	return 0
}

func (f *files) size(h int32) int32 {
	file := f.file(h)
	if file == nil {
		return -int32(syscall.EBADF)
	}
	st, err := file.Stat()
	if err != nil {
		return errno(err)
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
