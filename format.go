package turso

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// No fmt verb prints a key: a Connector and its configuration format as a
// description that shows whether there is a key, never the key.

// Format prints a description of the Connector's configuration for every
// verb (the verb applies to that text: %q quotes it, %x hex-encodes it).
// The encryption key is shown as [redacted].
func (c Connector) Format(f fmt.State, verb rune) {
	desc := "turso.Connector{<nil>}"
	if c.cfg != nil {
		desc = "turso.Connector" + c.cfg.describe()
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), desc)
}

// Format prints the configuration as Connector.Format does.
func (c config) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), "turso.config"+c.describe())
}

// describe lists the configuration's settings, the key and the sync
// token as [redacted].
func (c *config) describe() string {
	var b strings.Builder
	engine := c.engine
	if engine == "" {
		engine = "libsql"
	}
	fmt.Fprintf(&b, "{engine: %s, path: %q, busy_timeout: %v, txlock: %q", engine, c.path, c.busyTimeout, c.txLock)
	if c.loc != nil {
		fmt.Fprintf(&b, ", loc: %s", c.loc)
	}
	fmt.Fprintf(&b, ", stmt_cache: %d", c.stmtCacheSize)
	if c.mutex {
		b.WriteString(", mutex: full")
	}
	if len(c.key) > 0 {
		b.WriteString(", key: [redacted]")
	}
	if c.cipher != "" {
		fmt.Fprintf(&b, ", cipher: %s", c.cipher)
	}
	if c.sync.URL != "" {
		fmt.Fprintf(&b, ", sync_url: %q", c.sync.URL)
		if len(c.sync.AuthToken) > 0 {
			b.WriteString(", auth_token: [redacted]")
		}
		if c.syncInterval > 0 {
			fmt.Fprintf(&b, ", sync_interval: %v", c.syncInterval)
		}
	}
	b.WriteString(", pragmas: [")
	for i, p := range c.pragmas {
		if i > 0 {
			b.WriteString(" ")
		}
		value := p.value
		if isKeyPragma(p.name) {
			value = "[redacted]"
		}
		fmt.Fprintf(&b, "%s=%s", p.name, value)
	}
	b.WriteString("]")
	if n := len(c.funcs); n > 0 {
		fmt.Fprintf(&b, ", funcs: %d", n)
	}
	if n := len(c.connInit); n > 0 {
		fmt.Fprintf(&b, ", conn_init: %d", n)
	}
	b.WriteString("}")
	return b.String()
}

// redactPatterns are the expressions redactSQL uses, compiled on first
// use (only an error's message needs them): compiled at init they would
// cost every program that imports the driver their allocations, and the
// garbage collector a scan of them in every cycle.
var redactPatterns = sync.OnceValue(func() *redactREs {
	return &redactREs{
		keySQL:     regexp.MustCompile(`(?is)\bpragma\s+(?:\w+\s*\.\s*)?(?:hex|text)?(?:re)?key\b|\battach\b.*\bkey\b`),
		sqlLiteral: regexp.MustCompile(`'(?:[^']|'')*'?|"(?:[^"]|"")*"?`),
		keyValue:   regexp.MustCompile(`(?i)(\b(?:hex|text)?(?:re)?key\s*(?:=|\()\s*)([^\s;)'"]+)`),
	}
})

// redactREs are the expressions that find key material in SQL.
type redactREs struct {
	// keySQL matches SQL that carries key material: a key pragma
	// (PRAGMA key, hexkey, textkey, rekey, hexrekey, textrekey, any
	// schema) or an ATTACH with a KEY clause.
	keySQL *regexp.Regexp
	// sqlLiteral matches a string or quoted-identifier literal (x'..'
	// blobs included), also one left unterminated.
	sqlLiteral *regexp.Regexp
	// keyValue matches a bare value after a key pragma.
	keyValue *regexp.Regexp
}

// isKeyPragma reports whether the pragma name (maybe with a schema) sets
// a key.
func isKeyPragma(name string) bool {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "key", "hexkey", "textkey", "rekey", "hexrekey", "textrekey":
		return true
	}
	return false
}

// redactSQL returns sql with its literals and key values replaced by
// [redacted] when it carries key material (see redactREs.keySQL), and the
// values it replaced; other SQL comes back unchanged, with no values.
func redactSQL(sql string) (string, []string) {
	re := redactPatterns()
	if !re.keySQL.MatchString(sql) {
		return sql, nil
	}
	var secrets []string
	sql = re.keyValue.ReplaceAllStringFunc(sql, func(m string) string {
		sub := re.keyValue.FindStringSubmatch(m)
		secrets = append(secrets, sub[2])
		return sub[1] + "[redacted]"
	})
	sql = re.sqlLiteral.ReplaceAllStringFunc(sql, func(lit string) string {
		secrets = append(secrets, strings.Trim(lit, `'"`))
		return "'[redacted]'"
	})
	return sql, secrets
}

// redactError scrubs the key material of the SQL that failed out of the
// error's SQL and message.
func redactError(e *Error) {
	sql, secrets := redactSQL(e.SQL)
	if secrets == nil {
		return
	}
	e.SQL = sql
	for _, s := range secrets {
		if len(s) >= 4 {
			e.Message = strings.ReplaceAll(e.Message, s, "[redacted]")
		}
	}
}
