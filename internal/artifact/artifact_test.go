package artifact

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// content is what the test artifacts hold: big enough to span several
// gzip blocks.
var content = bytes.Repeat([]byte("turso artifact test content 0123456789\n"), 50_000)

// testFile returns an artifact of data, gzip-compressed, under name, with
// the given digest ("" for data's own).
func testFile(t testing.TB, name string, data []byte, sum string) *File {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if sum == "" {
		sum = sha256hex(data)
	}
	return New(name, sum, buf.String())
}

func sha256hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// cacheDir points TURSO_CACHE_DIR at a fresh directory for the test.
func cacheDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "cache")
	t.Setenv(CacheDirEnv, dir)
	return dir
}

func TestBytes(t *testing.T) {
	f := testFile(t, "a.bin", content, "")
	if !f.Embedded() || f.Name() != "a.bin" || f.SHA256() != sha256hex(content) {
		t.Fatalf("Embedded %v, Name %q, SHA256 %q", f.Embedded(), f.Name(), f.SHA256())
	}
	b, err := f.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, content) {
		t.Fatalf("Bytes: %d bytes, want the %d of the content", len(b), len(content))
	}
	if cap(b) > len(content)+64<<10 {
		t.Errorf("Bytes has capacity %d for %d bytes: the size hint was not used", cap(b), len(content))
	}
	// The caller owns the slice: changing it changes no later result.
	b[0] = 'X'
	if again, err := f.Bytes(); err != nil || !bytes.Equal(again, content) {
		t.Errorf("Bytes after a change to an earlier result: %v", err)
	}
	// Decompressing keeps nothing: a File is as small as its fields.
	if allocs := testing.AllocsPerRun(1, func() { f.Embedded() }); allocs != 0 {
		t.Errorf("Embedded allocates %v times", allocs)
	}
}

func TestBytesRefusesWrongContent(t *testing.T) {
	f := testFile(t, "a.bin", content, sha256hex([]byte("something else")))
	if _, err := f.Bytes(); !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("Bytes of mismatched content: %v, want ErrChecksum", err)
	}
	bad := New("b.bin", sha256hex(content), "not gzip at all")
	if _, err := bad.Bytes(); err == nil || !strings.Contains(err.Error(), "embedded data") {
		t.Errorf("Bytes of non-gzip data: %v", err)
	}
	missing := New("c.bin", sha256hex(content), "")
	if missing.Embedded() {
		t.Error("an empty artifact reports itself embedded")
	}
	if _, err := missing.Bytes(); err == nil || !strings.Contains(err.Error(), "not embedded") {
		t.Errorf("Bytes of an empty artifact: %v", err)
	}
}

func TestNewPanicsOnBadArguments(t *testing.T) {
	for _, c := range []struct{ name, sum string }{
		{"", sha256hex(nil)}, {"a/b", sha256hex(nil)}, {"..", sha256hex(nil)},
		{"a", "abc"}, {"a", strings.Repeat("z", 64)},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%q, %q) did not panic", c.name, c.sum)
				}
			}()
			New(c.name, c.sum, "")
		}()
	}
}

// readAll reads an open artifact and closes it.
func readAll(t *testing.T, f *os.File) []byte {
	t.Helper()
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOpenMaterializesOnce(t *testing.T) {
	base := cacheDir(t)
	f := testFile(t, "lib.so", content, "")
	file, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(base, f.SHA256(), "lib.so")
	if file.Name() != want {
		t.Errorf("Open gave %s, want %s", file.Name(), want)
	}
	if got := readAll(t, file); !bytes.Equal(got, content) {
		t.Fatalf("content differs: %d bytes", len(got))
	}
	for _, dir := range []string{base, filepath.Dir(want)} {
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
			t.Errorf("%s has mode %#o, want 0700", dir, fi.Mode().Perm())
		}
	}
	fi, err := os.Stat(want)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o222 != 0 {
		t.Errorf("cached file has mode %#o, want read-only", fi.Mode().Perm())
	}
	// No temporary file is left behind.
	entries, _ := os.ReadDir(filepath.Dir(want))
	if len(entries) != 1 {
		t.Errorf("cache directory holds %d entries, want 1", len(entries))
	}
	// A second Open (as by another process) uses the cached file.
	again := testFile(t, "lib.so", content, "")
	file, err = again.Open()
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, file); !bytes.Equal(got, content) {
		t.Fatal("second Open: content differs")
	}
	fi2, _ := os.Stat(want)
	if !os.SameFile(fi, fi2) {
		t.Error("second Open wrote the file again")
	}
}

// TestOpenRefusesChangedFile plants and truncates the cached file: Open
// refuses it with ErrChecksum and returns no file.
func TestOpenRefusesChangedFile(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(path string) error
	}{
		{"planted", func(path string) error {
			os.Remove(path)
			return os.WriteFile(path, []byte("#!/bin/sh\necho planted\n"), 0o500)
		}},
		{"truncated", func(path string) error { return os.Truncate(path, int64(len(content)/2)) }},
		{"same size, one byte changed", func(path string) error {
			os.Chmod(path, 0o600)
			w, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer w.Close()
			_, err = w.WriteAt([]byte{'X'}, int64(len(content)-1))
			return err
		}},
		{"directory", func(path string) error {
			os.Remove(path)
			return os.Mkdir(path, 0o700)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cacheDir(t)
			f := testFile(t, "lib.so", content, "")
			file, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			path := file.Name()
			file.Close()
			if err := c.change(path); err != nil {
				t.Fatal(err)
			}
			file, err = f.Open()
			if err == nil {
				file.Close()
				t.Fatal("Open used a changed cached file")
			}
			if !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), path) {
				t.Errorf("Open: %v, want ErrChecksum naming %s", err, path)
			}
		})
	}
}

func TestOpenRefusesUnsafeDirectories(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	f := testFile(t, "lib.so", content, "")

	t.Run("artifact directory writable by others", func(t *testing.T) {
		base := cacheDir(t)
		dir := filepath.Join(base, f.SHA256())
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		os.Chmod(dir, 0o777)
		if _, err := f.Open(); err == nil || !strings.Contains(err.Error(), "writable by other users") {
			t.Errorf("Open in a 0777 directory: %v", err)
		}
	})
	t.Run("base writable by others", func(t *testing.T) {
		base := cacheDir(t)
		if err := os.MkdirAll(base, 0o700); err != nil {
			t.Fatal(err)
		}
		os.Chmod(base, 0o777)
		if _, err := f.Open(); err == nil || !strings.Contains(err.Error(), "writable by other users") {
			t.Errorf("Open under a 0777 base: %v", err)
		}
		// With the sticky bit (as /tmp), others cannot replace what is in it.
		os.Chmod(base, 0o777|os.ModeSticky)
		file, err := f.Open()
		if err != nil {
			t.Fatalf("Open under a sticky 1777 base: %v", err)
		}
		file.Close()
	})
	t.Run("artifact directory owned by another user", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("chown needs root")
		}
		base := cacheDir(t)
		dir := filepath.Join(base, f.SHA256())
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(dir, 12345, 12345); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Open(); err == nil || !strings.Contains(err.Error(), "belongs to uid 12345") {
			t.Errorf("Open in another user's directory: %v", err)
		}
	})
	t.Run("artifact directory is a symlink", func(t *testing.T) {
		base := cacheDir(t)
		os.MkdirAll(base, 0o700)
		if err := os.Symlink(t.TempDir(), filepath.Join(base, f.SHA256())); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Open(); err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("Open through a symlinked directory: %v", err)
		}
	})
	t.Run("not writable", func(t *testing.T) {
		// A path under a regular file cannot be created, even by root.
		file := filepath.Join(t.TempDir(), "file")
		os.WriteFile(file, nil, 0o600)
		t.Setenv(CacheDirEnv, filepath.Join(file, "cache"))
		_, err := f.Open()
		if err == nil || !strings.Contains(err.Error(), "cannot create the cache directory") || !strings.Contains(err.Error(), CacheDirEnv) {
			t.Errorf("Open with an unusable cache directory: %v", err)
		}
	})
	t.Run("read-only artifact directory", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root writes read-only directories")
		}
		base := cacheDir(t)
		dir := filepath.Join(base, f.SHA256())
		os.MkdirAll(dir, 0o700)
		os.Chmod(dir, 0o500)
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		if _, err := f.Open(); err == nil || !strings.Contains(err.Error(), "cannot write the cache directory") {
			t.Errorf("Open in a read-only directory: %v", err)
		}
	})
}

func TestOpenConcurrentFirstUse(t *testing.T) {
	cacheDir(t)
	var wg sync.WaitGroup
	for range 8 {
		// Separate Files, as separate packages or processes would have.
		f := testFile(t, "lib.so", content, "")
		wg.Go(func() {
			for range 3 {
				file, err := f.Open()
				if err != nil {
					t.Error(err)
					return
				}
				if got := readAll(t, file); !bytes.Equal(got, content) {
					t.Error("content differs")
				}
			}
		})
	}
	wg.Wait()
}

// TestOpenConcurrentProcesses starts several processes that materialize
// the same artifact in one fresh cache directory at once.
func TestOpenConcurrentProcesses(t *testing.T) {
	if os.Getenv("ARTIFACT_TEST_CHILD") == "1" {
		return
	}
	dir := cacheDir(t)
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for range 4 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChildOpen$", "-test.count=1")
		cmd.Env = append(os.Environ(), "ARTIFACT_TEST_CHILD=1", CacheDirEnv+"="+dir)
		out := new(bytes.Buffer)
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("process %d: %v\n%s", i, err, outs[i])
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, sha256hex(content)))
	if err != nil || len(entries) != 1 {
		t.Errorf("cache directory after concurrent processes: %v, %v", entries, err)
	}
}

// TestChildOpen is the body of TestOpenConcurrentProcesses' processes.
func TestChildOpen(t *testing.T) {
	if os.Getenv("ARTIFACT_TEST_CHILD") != "1" {
		t.Skip("run by TestOpenConcurrentProcesses")
	}
	f := testFile(t, "lib.so", content, "")
	for range 5 {
		file, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if got := readAll(t, file); !bytes.Equal(got, content) {
			t.Fatal("content differs")
		}
	}
}

func TestCacheDirEnv(t *testing.T) {
	t.Run("override", func(t *testing.T) {
		want := cacheDir(t)
		got, err := CacheDir()
		if err != nil || got != want {
			t.Errorf("CacheDir() = %q, %v; want %q", got, err, want)
		}
	})
	t.Run("relative", func(t *testing.T) {
		t.Chdir(t.TempDir())
		t.Setenv(CacheDirEnv, "rel")
		got, err := CacheDir()
		if err != nil || !filepath.IsAbs(got) || filepath.Base(got) != "rel" {
			t.Errorf("CacheDir() = %q, %v; want an absolute path", got, err)
		}
	})
	t.Run("default", func(t *testing.T) {
		if runtime.GOOS != "linux" {
			t.Skip("os.UserCacheDir reads XDG_CACHE_HOME on Linux")
		}
		xdg := t.TempDir()
		t.Setenv(CacheDirEnv, "")
		t.Setenv("XDG_CACHE_HOME", xdg)
		got, err := CacheDir()
		if want := filepath.Join(xdg, "turso-go"); err != nil || got != want {
			t.Errorf("CacheDir() = %q, %v; want %q", got, err, want)
		}
		f := testFile(t, "lib.so", content, "")
		file, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		file.Close()
		if !strings.HasPrefix(file.Name(), filepath.Join(xdg, "turso-go")+string(filepath.Separator)) {
			t.Errorf("materialized at %s", file.Name())
		}
	})
	t.Run("off", func(t *testing.T) {
		for _, off := range []string{"off", "OFF"} {
			t.Setenv(CacheDirEnv, off)
			if _, err := CacheDir(); !errors.Is(err, ErrCacheOff) {
				t.Errorf("CacheDir() with %s=%s: %v", CacheDirEnv, off, err)
			}
			if _, err := PrivateDir("x"); !errors.Is(err, ErrCacheOff) {
				t.Errorf("PrivateDir() with %s=%s: %v", CacheDirEnv, off, err)
			}
		}
		f := testFile(t, "lib.so", content, "")
		file, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if runtime.GOOS != "windows" {
			if _, err := os.Stat(file.Name()); !os.IsNotExist(err) {
				t.Errorf("with the cache off, %s still has a name: %v", file.Name(), err)
			}
		}
		if got := readAll(t, file); !bytes.Equal(got, content) {
			t.Error("content differs")
		}
	})
}

// TestOpenRefusesDamagedEmbeddedData: a damaged embedded artifact is never
// materialized.
func TestOpenRefusesDamagedEmbeddedData(t *testing.T) {
	base := cacheDir(t)
	f := testFile(t, "lib.so", content, sha256hex([]byte("other")))
	if _, err := f.Open(); !errors.Is(err, ErrChecksum) {
		t.Errorf("Open: %v, want ErrChecksum", err)
	}
	entries, _ := os.ReadDir(filepath.Join(base, f.SHA256()))
	if len(entries) != 0 {
		t.Errorf("the damaged artifact left %d entries", len(entries))
	}
	t.Setenv(CacheDirEnv, CacheOff)
	if _, err := f.Open(); !errors.Is(err, ErrChecksum) {
		t.Errorf("Open with the cache off: %v, want ErrChecksum", err)
	}
}

func ExampleFile_Open() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	os.Setenv(CacheDirEnv, dir)
	defer os.Unsetenv(CacheDirEnv)

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("hello"))
	zw.Close()
	f := New("hello.txt", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", gz.String())

	file, err := f.Open()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer file.Close()
	b, _ := io.ReadAll(file)
	fmt.Println(filepath.Base(file.Name()), string(b))
	// Output: hello.txt hello
}
