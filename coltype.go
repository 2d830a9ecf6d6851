package turso

import (
	"database/sql"
	"reflect"
	"strconv"
	"strings"

	"github.com/turso-go/turso/internal/engine"
)

// Scan types by declared column type, as mattn/go-sqlite3 reports them.
var (
	scanNullInt64   = reflect.TypeFor[sql.NullInt64]()
	scanNullString  = reflect.TypeFor[sql.NullString]()
	scanRawBytes    = reflect.TypeFor[sql.RawBytes]()
	scanNullFloat64 = reflect.TypeFor[sql.NullFloat64]()
	scanNullBool    = reflect.TypeFor[sql.NullBool]()
	scanNullTime    = reflect.TypeFor[sql.NullTime]()
	scanAny         = reflect.TypeFor[*any]()
)

// scanType follows SQLite's type affinity rules loosely, exactly as
// mattn/go-sqlite3 does, so that tools that build scan targets from
// ColumnTypes see the same types.
// declType returns the declared type of result column i of s, or "" when
// the engine does not know declared types.
func declType(s engine.Stmt, i int) string {
	if d, ok := s.(engine.ColumnDeclTyper); ok {
		return d.ColumnDeclType(i)
	}
	return ""
}

// columnTypeName returns the declared type of result column i of s or,
// from an engine that knows only affinities, its affinity.
func columnTypeName(s engine.Stmt, i int) string {
	if d, ok := s.(engine.ColumnDeclTyper); ok {
		return d.ColumnDeclType(i)
	}
	if a, ok := s.(engine.ColumnAffinityer); ok {
		return a.ColumnAffinity(i)
	}
	return ""
}

func scanType(decl string) reflect.Type {
	t := strings.ToUpper(decl)
	switch {
	case strings.Contains(t, "INT"):
		return scanNullInt64
	case t == "CLOB" || t == "TEXT" || strings.Contains(t, "CHAR"):
		return scanNullString
	case t == "BLOB":
		return scanRawBytes
	case t == "REAL" || t == "FLOAT" || strings.Contains(t, "DOUBLE"):
		return scanNullFloat64
	case t == "DATE" || t == "DATETIME" || t == "TIMESTAMP":
		return scanNullTime
	case t == "NUMERIC" || strings.Contains(t, "DECIMAL"):
		return scanNullFloat64
	case t == "BOOLEAN":
		return scanNullBool
	}
	return scanAny
}

// declArgs splits a declared type "NAME(a, b)" into its upper-cased name
// and its numeric arguments.
func declArgs(decl string) (name string, args []int64) {
	name, rest, ok := strings.Cut(decl, "(")
	name = strings.ToUpper(strings.TrimSpace(name))
	if !ok {
		return name, nil
	}
	rest, _, _ = strings.Cut(rest, ")")
	for _, f := range strings.Split(rest, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil {
			return name, nil
		}
		args = append(args, n)
	}
	return name, args
}

// declLength reads the length declared for a character or binary column
// type, "VARCHAR(255)". A type without one (TEXT, BLOB) reports no length,
// as mattn/go-sqlite3 reports none for any column: database/sql suggests
// math.MaxInt64 for unbounded types, but gorm's migrator compares the
// length with the model's size, and a length it sees change makes
// AutoMigrate rebuild the table.
func declLength(decl string) (int64, bool) {
	name, args := declArgs(decl)
	isText := strings.Contains(name, "CHAR") || strings.Contains(name, "CLOB") || strings.Contains(name, "TEXT")
	isBlob := strings.Contains(name, "BLOB") || strings.Contains(name, "BINARY")
	if (isText || isBlob) && len(args) == 1 {
		return args[0], true
	}
	return 0, false
}

// declPrecisionScale reads the precision and scale of a decimal type.
func declPrecisionScale(decl string) (precision, scale int64, ok bool) {
	name, args := declArgs(decl)
	if !strings.Contains(name, "DECIMAL") && !strings.Contains(name, "NUMERIC") {
		return 0, 0, false
	}
	switch len(args) {
	case 1:
		return args[0], 0, true
	case 2:
		return args[0], args[1], true
	}
	return 0, 0, false
}
