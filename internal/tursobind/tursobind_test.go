package tursobind

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/turso-go/turso/internal/engine"
)

const hex64 = "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff"

func TestNewOptions(t *testing.T) {
	raw32 := []byte("0123456789abcdefghijklmnopqrstuv") // not all hex digits
	tests := []struct {
		name string
		cfg  engine.Config
		want Options
	}{
		{"memory", engine.Config{Path: ":memory:", Create: true, BusyTimeout: time.Second},
			Options{Path: ":memory:", Timeout: time.Second}},
		{"file must exist", engine.Config{Path: "/d/x.db"}, Options{Path: "/d/x.db", FileMustExist: true}},
		{"read-only URI", engine.Config{Path: "file:/d/x.db?mode=ro"}, Options{Path: "/d/x.db", ReadOnly: true}},
		{"hex key, default cipher", engine.Config{Path: "/d/x.db", Create: true, Key: engine.Secret(hex64)},
			Options{Path: "/d/x.db", Experimental: []string{"encryption"}, Encryption: &Encryption{Cipher: "aegis256", HexKey: engine.Secret(strings.ToLower(hex64))}}},
		{"raw key", engine.Config{Path: "/d/x.db", Create: true, Key: raw32, Cipher: "AES256GCM"},
			Options{Path: "/d/x.db", Experimental: []string{"encryption"}, Encryption: &Encryption{Cipher: "aes256gcm", HexKey: engine.Secret(fmt.Sprintf("%x", raw32))}}},
		{"128-bit key", engine.Config{Path: "/d/x.db", Create: true, Key: engine.Secret(hex64[:32]), Cipher: "aegis128l"},
			Options{Path: "/d/x.db", Experimental: []string{"encryption"}, Encryption: &Encryption{Cipher: "aegis128l", HexKey: engine.Secret(strings.ToLower(hex64[:32]))}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewOptions("turso", tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("NewOptions = %+v %+v, want %+v %+v", got, got.Encryption, tt.want, tt.want.Encryption)
			}
		})
	}
}

func TestCheckConfigRefuses(t *testing.T) {
	tests := []struct {
		name        string
		cfg         engine.Config
		unsupported bool   // matches errors.ErrUnsupported
		want        string // in the message
	}{
		{"journal mode", engine.Config{Pragmas: []engine.Pragma{{Name: "journal_mode", Value: "DELETE"}}}, true, "PRAGMA journal_mode = DELETE"},
		{"quoted journal mode", engine.Config{Pragmas: []engine.Pragma{{Name: "journal_mode", Value: "'truncate'"}}}, true, "WAL"},
		{"synchronous extra", engine.Config{Pragmas: []engine.Pragma{{Name: "synchronous", Value: "3"}}}, true, "EXTRA"},
		{"locking normal", engine.Config{Pragmas: []engine.Pragma{{Name: "locking_mode", Value: "NORMAL"}}}, true, "exclusively"},
		{"auto_vacuum", engine.Config{Pragmas: []engine.Pragma{{Name: "auto_vacuum", Value: "NONE"}}}, true, "auto-vacuum"},
		{"unknown pragma", engine.Config{Pragmas: []engine.Pragma{{Name: "recursive_triggers", Value: "1"}}}, true, "would ignore it"},
		{"hexkey pragma", engine.Config{Pragmas: []engine.Pragma{{Name: "hexkey", Value: "'00'"}}}, true, "_key"},
		{"encoding", engine.Config{Pragmas: []engine.Pragma{{Name: "encoding", Value: "'UTF-16le'"}}}, true, "UTF-8"},
		{"unknown cipher", engine.Config{Key: engine.Secret(hex64), Cipher: "aes256cbc"}, true, "aegis256"},
		{"short hex key", engine.Config{Key: engine.Secret(hex64[:32])}, false, "64 hex digits"},
		{"passphrase", engine.Config{Key: engine.Secret("s3cret")}, false, "not a passphrase"},
		{"long raw key", engine.Config{Key: engine.Secret(strings.Repeat("z", 33))}, false, "33 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckConfig("turso", tt.cfg)
			if err == nil {
				t.Fatal("CheckConfig accepted it")
			}
			if errors.Is(err, errors.ErrUnsupported) != tt.unsupported || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "turso engine") {
				t.Errorf("CheckConfig = %v; want an error naming the turso engine, with %q, unsupported %v", err, tt.want, tt.unsupported)
			}
			if tt.cfg.Key != nil && strings.Contains(err.Error(), string(tt.cfg.Key)) {
				t.Errorf("the error shows the key: %v", err)
			}
		})
	}
}

func TestCheckConfigAccepts(t *testing.T) {
	pragmas := []engine.Pragma{{Name: "synchronous", Value: "NORMAL"}, {Name: "foreign_keys", Value: "0"}, {Name: "journal_mode", Value: "WAL"}, {Name: "journal_mode", Value: "mvcc"},
		{Name: "locking_mode", Value: "EXCLUSIVE"}, {Name: "cache_size", Value: "-4000"}, {Name: "busy_timeout", Value: "10"}, {Name: "query_only", Value: "1"}, {Name: "encoding", Value: "'UTF-8'"}, {Name: "user_version", Value: "3"}}
	if err := CheckConfig("turso", engine.Config{Pragmas: pragmas, Key: engine.Secret(hex64)}); err != nil {
		t.Fatal(err)
	}
	for _, c := range Ciphers() {
		key := hex64[:2*keySize(c)]
		if err := CheckConfig("turso", engine.Config{Key: engine.Secret(key), Cipher: c}); err != nil {
			t.Errorf("cipher %s: %v", c, err)
		}
		if CipherMember(c) == "" {
			t.Errorf("cipher %s has no enum member", c)
		}
	}
}

func TestCipherWithoutKey(t *testing.T) {
	var e *engine.Error
	if _, err := NewOptions("turso", engine.Config{Path: ":memory:", Cipher: "aegis256"}); !errors.As(err, &e) || e.Code != engine.CodeMisuse {
		t.Fatalf("cipher without a key: %v, want a misuse error", err)
	}
}

func TestPath(t *testing.T) {
	for _, bad := range []string{"/d/x\xff.db", "/d/x\x00.db"} {
		if _, _, err := Path(bad); err == nil {
			t.Errorf("Path(%q) accepted", bad)
		}
	}
	for in, want := range map[string]string{"": ":memory:", ":memory:": ":memory:", "file::memory:?cache=private": ":memory:",
		"file:x?mode=memory": ":memory:", "file:/d/a%20b.db": "/d/a b.db", "file:/d/x.db?psow=1&nolock=0": "/d/x.db"} {
		if got, _, err := Path(in); err != nil || got != want {
			t.Errorf("Path(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, uri := range []string{"file::memory:?cache=shared", "file:/d/x.db?vfs=unix-dotfile", "file:/d/x.db?nolock=1", "file:/d/x.db?modeof=/d/y.db", "file:/d/x.db?mode=bogus"} {
		if err := CheckConfig("turso", engine.Config{Path: uri}); !errors.Is(err, errors.ErrUnsupported) || !strings.Contains(err.Error(), "turso engine") {
			t.Errorf("CheckConfig(%q) = %v; want it unsupported", uri, err)
		}
	}
	o, err := NewOptions("turso", engine.Config{Path: "file:/d/x.db?mode=rw", Create: true})
	if err != nil || !o.FileMustExist {
		t.Errorf("mode=rw: %+v, %v; want the file to have to exist", o, err)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		msg            string
		code, extended int
	}{
		{"failed to open database /d/x.db: Decryption failed for page=1", engine.CodeNotADB, engine.CodeNotADB},
		{"failed to open database /d/x.db: File is not a database", engine.CodeNotADB, engine.CodeNotADB},
		{"Database is encrypted but no encryption options provided", engine.CodeNotADB, engine.CodeNotADB},
		{"step failed: I/O error: short read on page 23: expected 4096 bytes, got 0", engine.CodeCorrupt, engine.CodeCorrupt},
		{"failed to open database /d/x.db: Corrupt database: invalid page size in database header: 28791", engine.CodeNotADB, engine.CodeNotADB},
		{"Corrupt database: Invalid page type: 250", engine.CodeCorrupt, engine.CodeCorrupt},
		{"Locking error: Failed locking file '/d/x.db'. File is locked by another process", engine.CodeBusy, engine.CodeBusy},
		{"Locking error: Failed opening database '/d/x.db'. Database is already open without experimental multiprocess WAL in another process", engine.CodeBusy, engine.CodeBusy},
		{"I/O error: No space left on device (os error 28)", engine.CodeFull, engine.CodeFull},
		{"prepare failed: Parse error: unrecognized token: 'a", engine.CodeError, engine.CodeError},
	}
	for _, tt := range tests {
		var e *engine.Error
		if err := Classify(tt.msg); !errors.As(err, &e) || e.Code != tt.code || e.ExtendedCode != tt.extended {
			t.Errorf("Classify(%q) = %v, want codes %d/%d", tt.msg, err, tt.code, tt.extended)
		}
	}
	var ce *engine.ConflictError
	if err := Classify("step failed: Write-write conflict"); !errors.As(err, &ce) {
		t.Errorf("Classify of a conflict = %T, want an *engine.ConflictError", err)
	}
}

func TestSQL(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"SELECT 1", "SELECT 1", true},
		{"SELECT 1\x00 DROP TABLE t", "SELECT 1", true},
		{"SELECT 'a\x00b'", "SELECT 'a", true},
		{"SELECT 2\x00\xff", "SELECT 2", true},
		{"SELECT 'a\xffb'", "", false},
		{"SELECT 'é'", "SELECT 'é'", true},
	}
	for _, tt := range tests {
		got, err := SQL("turso", tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("SQL(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		var e *engine.Error
		if err != nil && (!errors.As(err, &e) || !strings.Contains(e.Message, "at byte 9")) {
			t.Errorf("SQL(%q): %v; want an *engine.Error giving the offset", tt.in, err)
		}
	}
	if err := Text("turso", 2, "ok\x00é"); err != nil {
		t.Errorf("Text of valid UTF-8: %v", err)
	}
	var e *engine.Error
	if err := Text("turso", 2, "ab\xc3"); !errors.As(err, &e) || e.Code != engine.CodeMismatch || !strings.Contains(e.Message, "argument 2") {
		t.Errorf("Text of invalid UTF-8: %v; want a mismatch error naming argument 2", err)
	}
}
