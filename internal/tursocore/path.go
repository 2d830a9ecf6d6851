package tursocore

import (
	"net/url"
	"path/filepath"
	"strings"
)

// DBPath is what Turso's engine opens for a driver path: ":memory:", or an
// absolute file name (the engine takes no URIs; mode=ro or immutable=1
// from one makes the connection read-only).
func DBPath(p string) (path string, readOnly bool, err error) {
	if rest, ok := strings.CutPrefix(p, "file:"); ok {
		name, query, _ := strings.Cut(rest, "?")
		params, err := url.ParseQuery(query)
		if err != nil {
			return "", false, err
		}
		if name, err = url.PathUnescape(name); err != nil {
			return "", false, err
		}
		// immutable=1 promises that nothing changes the file: SQLite then
		// refuses writes too.
		readOnly = params.Get("mode") == "ro" || uriBool(params.Get("immutable"))
		if params.Get("mode") == "memory" || name == ":memory:" {
			return ":memory:", readOnly, nil
		}
		p = name
	}
	if p == ":memory:" || p == "" {
		return ":memory:", readOnly, nil
	}
	abs, err := filepath.Abs(p)
	return abs, readOnly, err
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
