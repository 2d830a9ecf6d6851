package turso

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestParamErrorsReadWell gives every driver parameter a bad value, in a
// DSN and as an option: each error names the parameter, shows the value
// (never for a secret one, not even empty), says what is wanted, and
// carries the "turso:" prefix once.
func TestParamErrorsReadWell(t *testing.T) {
	tests := []struct {
		name, value, want string
	}{
		{"_loc", "Mars/Olympus", "unknown time zone"},
		{"_mutex", "some", "want no or full"},
		{"_txlock", "eventually", "want deferred, immediate, exclusive or concurrent"},
		{"_busy_timeout", "soon", "want milliseconds"},
		{"_timeout", "-5", "want milliseconds"},
		{"_stmt_cache", "-1", "want a non-negative integer"},
		{"_stmt_cache_size", "many", "want a non-negative integer"},
		{"_key", "", "empty encryption key"},
		{"_cipher", "des", "unknown cipher (want one of aes256cbc on libsql, aegis256, "},
		{"_engine", "oracle", "unknown engine (this build has: "},
		{"_auto_vacuum", "sometimes", "want one of none, full, incremental"},
		{"_vacuum", "x", "want one of none"},
		{"_case_sensitive_like", "2", "want a boolean"},
		{"_cslike", "maybe", "want a boolean"},
		{"_defer_foreign_keys", "2", "want a boolean"},
		{"_defer_fk", "2", "want a boolean"},
		{"_foreign_keys", "2", "want a boolean"},
		{"_fk", "2", "want a boolean"},
		{"_ignore_check_constraints", "2", "want a boolean"},
		{"_journal_mode", "sideways", "want one of delete, truncate, persist, memory, wal, off"},
		{"_journal", "x", "want one of delete"},
		{"_locking_mode", "shared", "want one of normal, exclusive"},
		{"_locking", "x", "want one of normal"},
		{"_query_only", "2", "want a boolean"},
		{"_recursive_triggers", "2", "want a boolean"},
		{"_rt", "2", "want a boolean"},
		{"_secure_delete", "slow", "want a boolean or FAST"},
		{"_synchronous", "maybe", "want one of off, normal, full, extra"},
		{"_sync", "x", "want one of off"},
		{"_writable_schema", "2", "want a boolean"},
		{"_cache_size", "big", "want an integer"},
		{"_sync_url", "ftp://x", "want a URL with scheme https, http, libsql or turso"},
		{"_auth_token", "", "empty auth token"},
		{"_sync_interval", "-1s", "want a non-negative duration"},
	}
	tested := map[string]bool{}
	for _, tt := range tests {
		tested[tt.name] = true
		secret := tt.name == "_key" || tt.name == "_auth_token"
		check := func(kind string, err error) {
			t.Helper()
			if err == nil {
				t.Errorf("%s %s=%q accepted", kind, tt.name, tt.value)
				return
			}
			msg := err.Error()
			prefix := "turso: invalid " + kind + " " + tt.name
			if !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, tt.want) || strings.Count(msg, "turso:") != 1 {
				t.Errorf("%s %s=%q: %q, want %q... saying %q, with one turso: prefix", kind, tt.name, tt.value, msg, prefix, tt.want)
			}
			if shown := strings.Contains(msg, tt.name+"="); shown == secret {
				t.Errorf("%s %s: %q: the value is shown: %v, want %v", kind, tt.name, msg, shown, !secret)
			}
			var pe *paramError
			if !errors.As(err, &pe) {
				t.Errorf("%s %s: %T is not a *paramError", kind, tt.name, err)
			}
		}
		check("DSN parameter", parseDSN(defaultConfig(), "x.db?"+tt.name+"="+tt.value))
		check("option", paramOption(tt.name, tt.value)(defaultConfig()))
	}
	for _, p := range dsnParams {
		for _, name := range p.names {
			if !tested[name] {
				t.Errorf("parameter %s has no bad-value case here", name)
			}
		}
	}
}

// TestKeyNeverShown sends keys through every error path that sees them.
func TestKeyNeverShown(t *testing.T) {
	const key = "s3cr3t-Key"
	for _, dsn := range []string{
		"x.db?_key=" + key + "&_fk=%zz",
		"x.db?_key=" + key + "%zz",
		"x.db?_key=" + key + ";x",
		"x.db?_key=" + key + "&_cipher=des",
		"x.db?_key=" + key + "&_bogus=1",
		"x.db?_fk=2&_key=" + key,
	} {
		err := parseDSN(defaultConfig(), dsn)
		if err == nil {
			t.Errorf("%s accepted", dsn)
			continue
		}
		if strings.Contains(err.Error(), key) || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: %q shows the key", dsn, err)
		}
		if strings.Count(err.Error(), "turso:") != 1 {
			t.Errorf("%s: %q", dsn, err)
		}
	}
	if err := parseDSN(defaultConfig(), "x.db?_key=a%zz"); err == nil || !strings.Contains(err.Error(), `malformed DSN parameter "_key"`) {
		t.Errorf("malformed key: %v, want an error naming _key", err)
	}
	for _, c := range []struct {
		opt  Option
		want string
	}{
		{WithEncryptionKey(nil), "turso: WithEncryptionKey: empty encryption key"},
		{WithEncryptionKey([]byte{}), "turso: WithEncryptionKey: empty encryption key"},
		{WithCipher("des"), `turso: WithCipher("des"): unknown cipher (want one of aes256cbc on libsql, aegis256, aegis256x2, aegis128l, aegis128x2, aegis128x4, aes256gcm, aes128gcm on turso)`},
	} {
		if err := c.opt(defaultConfig()); err == nil || err.Error() != c.want {
			t.Errorf("option error %v, want %q", err, c.want)
		}
	}
}

// TestParseQueryMatchesURL checks that the DSN's query parser reads what
// url.ParseQuery reads.
func TestParseQueryMatchesURL(t *testing.T) {
	for _, q := range []string{"", "a=1", "a=1&b=2&a=3", "a", "a=", "=x", "a=%20b+c", "&&a=1&", "k%5Fx=v%26w"} {
		got, err := parseQuery(q)
		want, werr := url.ParseQuery(q)
		if err != nil || werr != nil || len(got) != len(want) {
			t.Errorf("parseQuery(%q) = %v, %v; url: %v, %v", q, got, err, want, werr)
			continue
		}
		for k, v := range want {
			if strings.Join(got[k], "\x00") != strings.Join(v, "\x00") {
				t.Errorf("parseQuery(%q)[%q] = %q, want %q", q, k, got[k], v)
			}
		}
	}
}

// TestSyncIntervalValues: _sync_interval takes a Go duration or, as
// libSQL's clients take syncInterval, a number of seconds.
func TestSyncIntervalValues(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  time.Duration
	}{
		{"30s", 30 * time.Second},
		{"250ms", 250 * time.Millisecond},
		{"5m", 5 * time.Minute},
		{"60", time.Minute},
		{"0", 0},
		{"0s", 0},
	} {
		c := defaultConfig()
		if err := parseDSN(c, "file.db?_sync_interval="+tt.value); err != nil || c.syncInterval != tt.want {
			t.Errorf("_sync_interval=%s: %v, %v; want %v", tt.value, c.syncInterval, err, tt.want)
		}
	}
	for _, bad := range []string{"-1s", "-5", "soon", "1.5", "99999999999"} {
		if err := parseDSN(defaultConfig(), "file.db?_sync_interval="+bad); err == nil {
			t.Errorf("_sync_interval=%s accepted", bad)
		}
	}
}
