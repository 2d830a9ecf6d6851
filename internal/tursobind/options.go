package tursobind

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/turso-go/turso/internal/engine"
)

// Options are the binding's Database options (DatabaseOpts of
// @tursodatabase/database-common), plus the path to open.
type Options struct {
	// Path is ":memory:" or an absolute file name: the binding takes no
	// URIs.
	Path string
	// ReadOnly opens the database without write access; FileMustExist
	// fails the open of a file that does not exist.
	ReadOnly      bool
	FileMustExist bool
	// Timeout is the busy timeout.
	Timeout time.Duration
	// Experimental lists the experimental features to turn on (the
	// binding's ExperimentalFeature names).
	Experimental []string
	// Encryption, when set, encrypts the database.
	Encryption *Encryption
}

// Encryption is the binding's EncryptionOpts.
type Encryption struct {
	// Cipher is one of Ciphers. The binding takes it as its
	// EncryptionCipher enum, whose member CipherMember names.
	Cipher string
	// HexKey is the key in hex digits; no fmt verb prints it.
	HexKey engine.Secret
}

// DefaultCipher is the cipher of an encrypted database when the
// configuration names none: AEGIS-256, Turso's recommended AEAD.
const DefaultCipher = "aegis256"

// ciphers are the engine's ciphers, with their key sizes in bytes and the
// names of their members in the binding's EncryptionCipher enum.
var ciphers = []struct {
	name, member string
	keySize      int
}{
	{"aegis256", "Aegis256", 32},
	{"aegis256x2", "Aegis256x2", 32},
	{"aegis128l", "Aegis128l", 16},
	{"aegis128x2", "Aegis128x2", 16},
	{"aegis128x4", "Aegis128x4", 16},
	{"aes256gcm", "Aes256Gcm", 32},
	{"aes128gcm", "Aes128Gcm", 16},
}

// Ciphers returns the names of the engine's ciphers, the default first.
func Ciphers() []string {
	names := make([]string, len(ciphers))
	for i, c := range ciphers {
		names[i] = c.name
	}
	return names
}

// CipherMember returns the name of cipher's member in the binding's
// EncryptionCipher enum ("Aegis256"), or "" for an unknown cipher.
func CipherMember(cipher string) string {
	for _, c := range ciphers {
		if c.name == cipher {
			return c.member
		}
	}
	return ""
}

// keySize returns the key size of cipher, or 0 for an unknown one.
func keySize(cipher string) int {
	for _, c := range ciphers {
		if c.name == cipher {
			return c.keySize
		}
	}
	return 0
}

// NewOptions checks cfg (see CheckConfig) and maps it to the binding's
// options. name is the engine's name for error messages ("turso").
func NewOptions(name string, cfg engine.Config) (Options, error) {
	if err := CheckConfig(name, cfg); err != nil {
		return Options{}, err
	}
	t, err := target(name, cfg.Path)
	if err != nil {
		return Options{}, &engine.Error{Code: engine.CodeCantOpen, ExtendedCode: engine.CodeCantOpen, Message: fmt.Sprintf("%s engine: bad path %q: %v", name, cfg.Path, err)}
	}
	o := Options{Path: t.path, ReadOnly: cfg.ReadOnly || t.readOnly, Timeout: cfg.BusyTimeout}
	o.FileMustExist = (!cfg.Create || t.mustExist) && !o.ReadOnly && t.path != ":memory:"
	switch {
	case len(cfg.Key) > 0:
		cipher := cipherOrDefault(cfg.Cipher)
		hexKey, err := hexKey(name, cipher, cfg.Key)
		if err != nil {
			return Options{}, err
		}
		o.Encryption = &Encryption{Cipher: cipher, HexKey: hexKey}
		o.Experimental = append(o.Experimental, "encryption")
	case cfg.Cipher != "":
		return Options{}, &engine.Error{Code: engine.CodeMisuse, ExtendedCode: engine.CodeMisuse, Message: "a cipher needs an encryption key"}
	}
	return o, nil
}

// cipherOrDefault returns cipher, or DefaultCipher when it is "".
func cipherOrDefault(cipher string) string {
	if cipher == "" {
		return DefaultCipher
	}
	return strings.ToLower(cipher)
}

// CheckConfig reports an error naming the engine for anything in cfg the
// engine cannot honour: it never silently ignores a setting. Such an
// error matches errors.ErrUnsupported; a key of the wrong size is a plain
// error.
//
// A key (cfg.Key) is the cipher's key itself: 32 bytes for the 256-bit
// ciphers (aegis256, the default), 16 for the 128-bit ones, given as
// twice as many hex digits (as Turso's own tools take it) or as the raw
// bytes. Unlike libSQL's, it is not a passphrase.
func CheckConfig(name string, cfg engine.Config) error {
	if _, err := target(name, cfg.Path); errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	if cfg.Cipher != "" && keySize(strings.ToLower(cfg.Cipher)) == 0 {
		return engine.Unsupported(name, fmt.Sprintf("cipher %q", cfg.Cipher), "its ciphers are "+strings.Join(Ciphers(), ", "))
	}
	if len(cfg.Key) > 0 {
		if _, err := hexKey(name, cipherOrDefault(cfg.Cipher), cfg.Key); err != nil {
			return err
		}
	}
	for _, p := range cfg.Pragmas {
		if err := checkPragma(name, p); err != nil {
			return err
		}
	}
	return nil
}

// hexKey returns key in hex digits, checking that it fits cipher: a key
// of hex digits only is taken as hex and needs twice the key size of them;
// any other key is the raw bytes and needs the key size. (A random raw
// key is all hex digits with a chance below 10^-30.) The error never
// shows the key.
func hexKey(name, cipher string, key []byte) (engine.Secret, error) {
	size := keySize(cipher)
	switch {
	case isHex(key) && len(key) == 2*size:
		return engine.Secret(strings.ToLower(string(key))), nil
	case !isHex(key) && len(key) == size:
		return engine.Secret(hex.AppendEncode(nil, key)), nil
	}
	given := fmt.Sprintf("%d bytes", len(key))
	if isHex(key) {
		given = fmt.Sprintf("%d hex digits", len(key))
	}
	return nil, fmt.Errorf("%s engine: cipher %s takes a %d-byte key, as %d hex digits or %d raw bytes; the key given is %s (it is the key itself, not a passphrase)",
		name, cipher, size, 2*size, size, given)
}

// isHex reports whether b is all hex digits.
func isHex(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// knownPragmas are the pragmas Turso 0.7.2 knows (its PRAGMA pragma_list).
// It ignores any other pragma without an error.
var knownPragmas = []string{
	"application_id", "auto_vacuum", "busy_timeout", "cache_size", "cache_spill", "capture_data_changes_conn",
	"cipher", "data_sync_retry", "database_list", "empty_result_callbacks", "encoding", "foreign_key_list",
	"foreign_keys", "freelist_count", "full_column_names", "function_list", "hexkey", "i_am_a_dummy",
	"ignore_check_constraints", "index_info", "index_list", "index_xinfo", "integrity_check", "journal_mode",
	"legacy_file_format", "list_types", "locking_mode", "max_page_count", "module_list", "mvcc_checkpoint_threshold",
	"mvcc_gc_threshold", "page_count", "page_size", "query_only", "quick_check", "require_where",
	"schema_version", "short_column_names", "synchronous", "table_info", "table_list", "table_xinfo",
	"temp_store", "unstable_capture_data_changes_conn", "user_version", "vdbe_trace", "wal_checkpoint",
}

// pragmaValues lists, for the pragmas the engine honours only with some
// values, those values (lower case) and why others fail. A nil list
// refuses every value.
var pragmaValues = map[string]struct {
	allowed []string
	reason  string
}{
	"journal_mode": {[]string{"wal", "mvcc"}, "it journals only in WAL mode, or MVCC (_txlock=concurrent); it would stay in WAL mode"},
	"locking_mode": {[]string{"exclusive"}, "it always locks the database exclusively"},
	"synchronous":  {[]string{"off", "normal", "full", "0", "1", "2"}, "its levels are OFF, NORMAL and FULL; it would use FULL for EXTRA"},
	"auto_vacuum":  {nil, "auto-vacuum is experimental and off in its build"},
	"encoding":     {[]string{"utf-8", "utf8"}, "it stores text as UTF-8 only"},
	"hexkey":       {nil, "set the key with _key or WithEncryptionKey"},
	"cipher":       {nil, "set the cipher with _cipher or WithCipher, and the key with _key or WithEncryptionKey"},
}

// checkPragma reports an error for a pragma the engine would not honour.
func checkPragma(name string, p engine.Pragma) error {
	pragma := strings.ToLower(strings.TrimSpace(p.Name))
	value := strings.ToLower(strings.Trim(strings.TrimSpace(p.Value), `'"`))
	setting := "PRAGMA " + p.Name + " = " + p.Value
	if !slices.Contains(knownPragmas, pragma) {
		return engine.Unsupported(name, setting, "it has no "+pragma+" pragma and would ignore it")
	}
	if rule, ok := pragmaValues[pragma]; ok && !slices.Contains(rule.allowed, value) {
		return engine.Unsupported(name, setting, rule.reason)
	}
	return nil
}

// Path maps a driver path to what the binding opens: ":memory:", or an
// absolute file name (the binding takes no URIs; mode=ro or immutable=1
// in one makes the connection read-only). The name must be UTF-8: the
// binding takes it as a Rust string.
func Path(p string) (path string, readOnly bool, err error) {
	t, err := target("turso", p)
	return t.path, t.readOnly, err
}

// opened is what a driver path opens.
type opened struct {
	path string
	// readOnly: mode=ro or immutable=1; mustExist: mode=rw.
	readOnly, mustExist bool
}

// target reads a driver path: a plain file name, ":memory:", or a "file:"
// URI whose parameters the engine honours (mode, immutable, cache=private,
// psow; others fail, naming the engine).
func target(name, p string) (opened, error) {
	var t opened
	if rest, ok := strings.CutPrefix(p, "file:"); ok {
		uriName, query, _ := strings.Cut(rest, "?")
		params, err := url.ParseQuery(query)
		if err != nil {
			return t, err
		}
		if uriName, err = url.PathUnescape(uriName); err != nil {
			return t, err
		}
		for param, values := range params {
			v := strings.ToLower(values[len(values)-1])
			switch {
			case param == "mode" && (v == "ro" || v == "rw" || v == "rwc" || v == "memory"):
				t.readOnly = t.readOnly || v == "ro"
				t.mustExist = v == "rw"
			case param == "immutable":
				// immutable=1 promises that nothing changes the file:
				// SQLite then refuses writes too.
				t.readOnly = t.readOnly || uriBool(v)
			case param == "cache" && v == "private", param == "psow",
				param == "nolock" && !uriBool(v):
			case param == "cache" && v == "shared":
				return t, engine.Unsupported(name, "cache=shared", "it has no shared cache: each connection to an in-memory database would have its own database")
			case param == "nolock":
				return t, engine.Unsupported(name, "nolock=1", "it locks the database file")
			default:
				return t, engine.Unsupported(name, "the URI parameter "+param+"="+v, "it would ignore it")
			}
		}
		if params.Get("mode") == "memory" || uriName == ":memory:" {
			t.path = ":memory:"
			return t, nil
		}
		p = uriName
	}
	if p == ":memory:" || p == "" {
		t.path = ":memory:"
		return t, nil
	}
	if !utf8.ValidString(p) || strings.IndexByte(p, 0) >= 0 {
		return t, fmt.Errorf("the file name is not valid UTF-8 or holds a NUL byte")
	}
	abs, err := filepath.Abs(p)
	t.path = abs
	return t, err
}

// uriBool reports whether a URI parameter is true, as
// sqlite3_uri_boolean reads it.
func uriBool(v string) bool {
	switch strings.ToLower(v) {
	case "1", "yes", "true", "on":
		return true
	}
	return false
}
