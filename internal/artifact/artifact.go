// Package artifact ships the prebuilt engine files that the driver embeds
// (Turso's wasm module; its native addon): gzip-compressed inside the
// binary, decompressed only when an engine first needs them, and checked
// against the sha256 of the original file every time they are handed out.
//
// A File gives its content two ways. Bytes decompresses it into memory
// (the wasm engine compiles it from there, once per process). Open
// materializes it once per user in a private cache directory and returns
// it open, its content verified over the returned descriptor right before
// Open returns, so that a loader that needs a file (dlopen of
// /proc/self/fd/N) uses exactly the bytes that were checked: a planted,
// damaged or truncated cached file is refused with an error matching
// ErrChecksum and never used.
//
// # Cache directory
//
// The cache directory is $TURSO_CACHE_DIR, or "turso-go" under
// os.UserCacheDir ($XDG_CACHE_HOME or ~/.cache on Linux). It is created
// with mode 0700; a directory the driver uses in it must belong to the
// current user and be writable by no one else, else the driver refuses it
// with an error saying why. TURSO_CACHE_DIR=off turns every cache off:
// Open then writes the file to an unnamed temporary file, removed as soon
// as it is open, and wazero compiles the wasm module anew in each process.
package artifact

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// CacheDirEnv names the environment variable that sets the cache
// directory; the value CacheOff turns caching off.
const (
	CacheDirEnv = "TURSO_CACHE_DIR"
	CacheOff    = "off"
)

// ErrCacheOff is returned by CacheDir and PrivateDir when TURSO_CACHE_DIR
// is "off".
var ErrCacheOff = errors.New("turso: the cache directory is off (" + CacheDirEnv + "=" + CacheOff + ")")

// ErrChecksum is matched by the error of content whose sha256 is not the
// artifact's: a damaged embedded file, or a cached file that something
// other than this package wrote or truncated.
var ErrChecksum = errors.New("sha256 mismatch")

// File is one embedded artifact.
type File struct {
	name string
	sum  string // hex sha256 of the uncompressed file
	gz   string // the gzip-compressed file, as embedded

	// mu serializes this process's materializations of the file.
	mu sync.Mutex
}

// New describes the artifact called name (the file name it is
// materialized under) whose uncompressed content has the hex sha256 sum,
// embedded gzip-compressed as gz. It neither decompresses nor copies gz.
func New(name, sum string, gz string) *File {
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		panic(fmt.Sprintf("artifact.New: bad file name %q", name))
	}
	if b, err := hex.DecodeString(sum); err != nil || len(b) != sha256.Size {
		panic(fmt.Sprintf("artifact.New(%q): %q is not a hex sha256", name, sum))
	}
	return &File{name: name, sum: strings.ToLower(sum), gz: gz}
}

// Name returns the artifact's file name.
func (f *File) Name() string { return f.name }

// SHA256 returns the hex sha256 of the artifact's uncompressed content.
func (f *File) SHA256() string { return f.sum }

// Embedded reports whether the binary holds the artifact's content (an
// artifact built from an empty string has none).
func (f *File) Embedded() bool { return f.gz != "" }

// Bytes returns the artifact's content, decompressed and verified. Each
// call decompresses anew into a slice the caller owns, and nothing is
// kept: an engine calls it once, when it starts, and drops the slice once
// it has compiled or loaded it.
func (f *File) Bytes() ([]byte, error) {
	w := &appender{b: make([]byte, 0, gzipSize(f.gz))}
	if err := f.decompress(w); err != nil {
		return nil, err
	}
	return w.b, nil
}

// appender is an io.Writer that appends to b.
type appender struct{ b []byte }

func (a *appender) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}

// gzipSize returns the size of the uncompressed content that a gzip
// stream's trailer records (modulo 4 GiB), or 0.
func gzipSize(gz string) int {
	if len(gz) < 18 {
		return 0
	}
	return int(binary.LittleEndian.Uint32([]byte(gz[len(gz)-4:])))
}

// decompress writes the artifact's content to w and verifies its sha256.
func (f *File) decompress(w io.Writer) error {
	if f.gz == "" {
		return fmt.Errorf("turso: artifact %s is not embedded in this binary", f.name)
	}
	zr, err := gzip.NewReader(strings.NewReader(f.gz))
	if err != nil {
		return fmt.Errorf("turso: artifact %s: embedded data: %w", f.name, err)
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(w, h), zr); err != nil {
		return fmt.Errorf("turso: artifact %s: embedded data: %w", f.name, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != f.sum {
		return fmt.Errorf("turso: artifact %s: the embedded data decompresses to sha256 %s, want %s (the binary is damaged): %w", f.name, got, f.sum, ErrChecksum)
	}
	return nil
}

// Open returns the artifact as a file open for reading, positioned at its
// start. The file is <cache>/<sha256>/<name>, written on first use (to a
// temporary file renamed into place, so concurrent first uses by several
// goroutines or processes are safe); its whole content is verified
// through the returned descriptor before Open returns. With the cache off
// (TURSO_CACHE_DIR=off), the file is an unnamed temporary file instead.
// The caller closes the file.
func (f *File) Open() (*os.File, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	dir, err := PrivateDir(f.sum)
	if errors.Is(err, ErrCacheOff) {
		return f.openUnnamed()
	}
	if err != nil {
		return nil, fmt.Errorf("turso: artifact %s: %w", f.name, err)
	}
	path := filepath.Join(dir, f.name)
	file, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := f.write(dir, path); err != nil {
			return nil, err
		}
		file, err = os.Open(path)
	}
	if err != nil {
		return nil, fmt.Errorf("turso: artifact %s: %w", f.name, err)
	}
	if err := f.verify(file); err != nil {
		file.Close()
		return nil, err
	}
	return file, nil
}

// write materializes the artifact at path, in dir.
func (f *File) write(dir, path string) error {
	tmp, err := os.CreateTemp(dir, f.name+".*.tmp")
	if err != nil {
		return fmt.Errorf("turso: artifact %s: cannot write the cache directory: %w", f.name, err)
	}
	err = f.decompress(tmp)
	if err == nil {
		// Read-only: nothing is meant to change it once written.
		err = tmp.Chmod(0o500)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		if errors.Is(err, ErrChecksum) {
			return err
		}
		return fmt.Errorf("turso: artifact %s: writing %s: %w", f.name, path, err)
	}
	return nil
}

// openUnnamed writes the artifact to a temporary file, opens it for
// reading, removes its name and verifies it.
func (f *File) openUnnamed() (*os.File, error) {
	tmp, err := os.CreateTemp("", "turso-"+f.name+".*")
	if err != nil {
		return nil, fmt.Errorf("turso: artifact %s: %w", f.name, err)
	}
	defer os.Remove(tmp.Name())
	err = f.decompress(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if errors.Is(err, ErrChecksum) {
			return nil, err
		}
		return nil, fmt.Errorf("turso: artifact %s: writing %s: %w", f.name, tmp.Name(), err)
	}
	file, err := os.Open(tmp.Name())
	if err != nil {
		return nil, fmt.Errorf("turso: artifact %s: %w", f.name, err)
	}
	// On Unix the open descriptor outlives the name removed on return.
	if err := f.verify(file); err != nil {
		file.Close()
		return nil, err
	}
	return file, nil
}

// verify checks that file, read through its descriptor, is a regular file
// with the artifact's content, and leaves it positioned at its start.
func (f *File) verify(file *os.File) error {
	fi, err := file.Stat()
	if err != nil {
		return fmt.Errorf("turso: artifact %s: %w", f.name, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("turso: artifact %s: %s is not a regular file (%v): %w", f.name, file.Name(), fi.Mode().Type(), ErrChecksum)
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(file, 0, fi.Size())); err != nil {
		return fmt.Errorf("turso: artifact %s: reading %s: %w", f.name, file.Name(), err)
	}
	if err := f.check(h, file.Name()); err != nil {
		return err
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("turso: artifact %s: %w", f.name, err)
	}
	return nil
}

// check compares the digest in h with the artifact's.
func (f *File) check(h hash.Hash, path string) error {
	if got := hex.EncodeToString(h.Sum(nil)); got != f.sum {
		return fmt.Errorf("turso: artifact %s: the cached file %s has sha256 %s, want %s: it was changed or truncated after the driver wrote it; it is not used (delete it to have it written again): %w",
			f.name, path, got, f.sum, ErrChecksum)
	}
	return nil
}

// CacheDir returns the base cache directory, creating it with mode 0700
// when it does not exist: $TURSO_CACHE_DIR (made absolute), or "turso-go"
// under os.UserCacheDir. With TURSO_CACHE_DIR=off it returns ErrCacheOff.
func CacheDir() (string, error) {
	dir := os.Getenv(CacheDirEnv)
	switch {
	case strings.EqualFold(dir, CacheOff):
		return "", ErrCacheOff
	case dir != "":
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", fmt.Errorf("turso: %s=%q: %w", CacheDirEnv, dir, err)
		}
		dir = abs
	default:
		user, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("turso: no cache directory (set %s to a private directory, or to %q): %w", CacheDirEnv, CacheOff, err)
		}
		dir = filepath.Join(user, "turso-go")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("turso: cannot create the cache directory (set %s to a private writable directory, or to %q): %w", CacheDirEnv, CacheOff, err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("turso: cache directory: %w", err)
	}
	if err := checkBase(dir, fi); err != nil {
		return "", err
	}
	return dir, nil
}

// PrivateDir returns the directory called name in the cache directory,
// created with mode 0700 when it does not exist, after checking that it is
// a directory (not a link) that belongs to the current user and that no
// one else can write.
func PrivateDir(name string) (string, error) {
	base, err := CacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(base, name)
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("turso: cannot create a directory in the cache directory (set %s to a private writable directory, or to %q): %w", CacheDirEnv, CacheOff, err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return "", fmt.Errorf("turso: cache directory: %w", err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("turso: cache directory %s is not a directory (%v)", dir, fi.Mode().Type())
	}
	if err := checkPrivate(dir, fi); err != nil {
		return "", err
	}
	return dir, nil
}

// ReadSource reads the KEY=value lines of an artifact's SOURCE file
// (where it comes from, with its digests: see scripts/artifacts/reproduce),
// skipping comments.
func ReadSource(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	keys := map[string]string{}
	for line := range strings.Lines(string(b)) {
		line = strings.TrimRight(line, "\r\n")
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			keys[k] = v
		}
	}
	return keys, nil
}
