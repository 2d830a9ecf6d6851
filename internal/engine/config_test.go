package engine

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestSecretNeverPrints(t *testing.T) {
	key := Secret("hunter2-key")
	cfg := Config{Path: "x.db", Key: key, Cipher: "aegis256"}
	for _, v := range []any{key, cfg, &cfg, []any{cfg}} {
		for _, verb := range []string{"%s", "%v", "%+v", "%#v", "%q", "%x", "%X", "%d"} {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, "hunter2") || strings.Contains(out, fmt.Sprintf("%x", []byte(key))) || strings.Contains(out, "104 117 110") {
				t.Errorf("%s of %T shows the key: %s", verb, v, out)
			}
		}
	}
	if got := fmt.Sprint(Secret(nil)); got != "[]" {
		t.Errorf("empty Secret prints %q", got)
	}
}

func TestUnsupported(t *testing.T) {
	err := Unsupported("turso", "PRAGMA journal_mode = DELETE", "WAL only")
	if !errors.Is(err, errors.ErrUnsupported) || err.Error() != "the turso engine does not support PRAGMA journal_mode = DELETE: WAL only" {
		t.Errorf("Unsupported = %v", err)
	}
}
