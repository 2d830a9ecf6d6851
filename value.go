package turso

import (
	"database/sql/driver"
	"math"
	"strings"
	"time"
	"unsafe"

	"github.com/turso-go/turso/internal/engine"
)

// TimestampFormat is the layout in which a time.Time argument is stored,
// the first of the layouts in which text from DATE, DATETIME and TIMESTAMP
// columns is parsed. Both match mattn/go-sqlite3.
const TimestampFormat = "2006-01-02 15:04:05.999999999-07:00"

// timestampFormats are the layouts tried, in order, when reading text from
// a DATE, DATETIME or TIMESTAMP column (after a trailing "Z" is removed).
var timestampFormats = [...]string{
	TimestampFormat,
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// TimestampFormats returns the layouts in which text read from DATE,
// DATETIME and TIMESTAMP columns is parsed, in the order they are tried.
func TimestampFormats() []string { return append([]string(nil), timestampFormats[:]...) }

// columnKind is how the driver converts a column's values, decided by the
// column's declared type as mattn/go-sqlite3 decides it.
type columnKind uint8

const (
	columnPlain columnKind = iota
	columnTime             // declared DATE, DATETIME or TIMESTAMP
	columnBool             // declared BOOLEAN
)

func kindOfDeclType(decl string) columnKind {
	switch strings.ToLower(decl) {
	case "date", "datetime", "timestamp":
		return columnTime
	case "boolean":
		return columnBool
	}
	return columnPlain
}

// toEngineValue converts an argument, already checked by CheckNamedValue
// or database/sql's default converter, for binding. A time.Time is
// formatted into *scratch, which the returned value then views: it is
// valid until scratch is next reused.
func toEngineValue(v driver.Value, scratch *[]byte) (engine.Value, bool) {
	switch v := v.(type) {
	case nil:
		return engine.Value{}, true
	case int64:
		return engine.Value{Kind: engine.KindInteger, Int: v}, true
	case float64:
		return engine.Value{Kind: engine.KindFloat, Float: v}, true
	case bool:
		return engine.Value{Kind: engine.KindInteger, Int: int64(b2i(v))}, true
	case string:
		return engine.Value{Kind: engine.KindText, Data: v}, true
	case []byte:
		if v == nil {
			return engine.Value{}, true
		}
		return engine.Value{Kind: engine.KindBlob, Data: unsafe.String(unsafe.SliceData(v), len(v))}, true
	case time.Time:
		start := len(*scratch)
		*scratch = appendTimestamp(*scratch, v)
		b := (*scratch)[start:]
		return engine.Value{Kind: engine.KindText, Data: unsafe.String(unsafe.SliceData(b), len(b))}, true
	}
	return engine.Value{}, false
}

// unixTime reads an integer in a time column as unix seconds, or as unix
// milliseconds when it is too large to be a reasonable number of seconds.
func unixTime(v int64, loc *time.Location) time.Time {
	var t time.Time
	if v > 1e12 || v < -1e12 {
		t = time.Unix(0, v*int64(time.Millisecond))
	} else {
		t = time.Unix(v, 0)
	}
	t = t.UTC()
	if loc != nil {
		t = t.In(loc)
	}
	return t
}

// parseTime reads text in a time column; text in no known layout reads as
// the zero time, as mattn/go-sqlite3 reads it.
func parseTime(s string, loc *time.Location) time.Time {
	s = strings.TrimSuffix(s, "Z")
	t, ok := parseTimeFast(s)
	if ok {
		if loc != nil {
			t = t.In(loc)
		}
		return t
	}
	return parseTimeSlow(s, loc)
}

// parseTimeSlow tries each layout in turn, as mattn/go-sqlite3 does.
func parseTimeSlow(s string, loc *time.Location) time.Time {
	var t time.Time
	for _, layout := range timestampFormats {
		if parsed, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			t = parsed
			break
		}
	}
	if loc != nil {
		t = t.In(loc)
	}
	return t
}

// checkValue converts the argument types the engine binds directly, so
// that database/sql skips its reflection-based default conversion for
// them, boxing converted numbers in a (database/sql calls it under the
// connection's lock). It reports false for anything else.
func checkValue(nv *driver.NamedValue, a *rowArena) bool {
	switch v := nv.Value.(type) {
	case nil, int64, float64, bool, []byte, string, time.Time:
	case int:
		nv.Value = a.int64(int64(v))
	case int32:
		nv.Value = a.int64(int64(v))
	case int16:
		nv.Value = int64(v)
	case int8:
		nv.Value = int64(v)
	case uint32:
		nv.Value = a.int64(int64(v))
	case uint16:
		nv.Value = a.int64(int64(v))
	case uint8:
		nv.Value = int64(v)
	case uint:
		if uint64(v) > math.MaxInt64 {
			return false
		}
		nv.Value = a.int64(int64(v))
	case uint64:
		if v > math.MaxInt64 {
			return false
		}
		nv.Value = a.int64(int64(v))
	case float32:
		nv.Value = a.float64(float64(v))
	default:
		return false
	}
	return true
}
