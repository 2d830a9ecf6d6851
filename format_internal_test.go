package turso

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/turso-go/turso/internal/engine"
)

// TestRedactKeySQL checks that an error of SQL that sets a key keeps the
// key out of its SQL and message, and that other SQL stays as it is.
func TestRedactKeySQL(t *testing.T) {
	const key = "s3cret-key-material"
	tests := []struct {
		sql    string
		redact bool
	}{
		{"PRAGMA key = '" + key + "'", true},
		{"PRAGMA main.hexkey='" + key, true},
		{`PRAGMA rekey("` + key + `")`, true},
		{"pragma textkey = " + key + ";", true},
		{"PRAGMA hexrekey = x'" + key + "'", true},
		{"ATTACH DATABASE 'other.db' AS o KEY '" + key + "'", true},
		{"SELECT '" + key + "'", false},
		{"INSERT INTO keys (key) VALUES ('" + key + "')", false},
	}
	for _, tt := range tests {
		e := wrapErr(&engine.Error{Code: CodeError, ExtendedCode: CodeError, Message: `near "` + key + `": syntax error`}, tt.sql).(*Error)
		leaked := strings.Contains(e.SQL, key) || strings.Contains(e.Message, key) || strings.Contains(fmt.Sprintf("%#v", e), key)
		if leaked == tt.redact {
			t.Errorf("%q: SQL %q, message %q; redacted %v, want %v", tt.sql, e.SQL, e.Message, !leaked, tt.redact)
		}
	}
}

// TestCorruptionSentinels checks which codes ErrCorrupt, ErrFull, ErrIO
// and ErrInternal match.
func TestCorruptionSentinels(t *testing.T) {
	tests := []struct {
		code int
		is   []error
		not  []error
	}{
		{CodeCorrupt, []error{ErrCorrupt}, []error{ErrNotADatabase, ErrFull}},
		{CodeNotADB, []error{ErrCorrupt, ErrNotADatabase}, []error{ErrIO}},
		{CodeFull, []error{ErrFull}, []error{ErrCorrupt, ErrIO}},
		{CodeIOErr, []error{ErrIO}, []error{ErrFull, ErrCorrupt}},
		{CodeInternal, []error{ErrInternal}, []error{ErrIO, ErrCorrupt}},
	}
	for _, tt := range tests {
		err := wrapErr(&engine.Error{Code: tt.code, ExtendedCode: tt.code | 3<<8, Message: "m"}, "")
		for _, s := range tt.is {
			if !errors.Is(err, s) {
				t.Errorf("code %d does not match %v", tt.code, s)
			}
		}
		for _, s := range tt.not {
			if errors.Is(err, s) {
				t.Errorf("code %d matches %v", tt.code, s)
			}
		}
	}
}

// TestConfigFormat checks that a configuration prints its settings, and
// its key only as [redacted].
func TestConfigFormat(t *testing.T) {
	c, err := NewConnector("app.db?_key=hunter2-secret&_busy_timeout=100", WithPragma("key", "'hunter2-secret'"))
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%s", "%v", "%+v", "%#v", "%q", "%x"} {
		for _, v := range []any{c, *c, c.cfg, *c.cfg} {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, "hunter2") || strings.Contains(out, fmt.Sprintf("%x", "hunter2")) {
				t.Errorf("%s of %T shows the key: %s", verb, v, out)
			}
		}
	}
	got := fmt.Sprint(c)
	for _, want := range []string{`path: "app.db"`, "busy_timeout: 100ms", "key: [redacted]", "key=[redacted]"} {
		if !strings.Contains(got, want) {
			t.Errorf("%s lacks %q", got, want)
		}
	}
}
