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
// or database/sql's default converter, for binding.
func toEngineValue(v driver.Value) (engine.Value, bool) {
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
		return engine.Value{Kind: engine.KindText, Text: v}, true
	case []byte:
		if v == nil {
			return engine.Value{}, true
		}
		return engine.Value{Kind: engine.KindBlob, Blob: v}, true
	case time.Time:
		var buf [64]byte
		b := v.AppendFormat(buf[:0], TimestampFormat)
		return engine.Value{Kind: engine.KindText, Text: string(b)}, true
	}
	return engine.Value{}, false
}

// convertRow copies the engine's row into dest as driver values. The text
// and blob bytes of the whole row are copied into one allocation, which the
// strings and byte slices of the row share.
func convertRow(dest []driver.Value, row []engine.Value, kinds []columnKind, loc *time.Location) {
	size := 0
	for i := range row {
		if k := row[i].Kind; k == engine.KindText || k == engine.KindBlob {
			size += len(row[i].Bytes)
		}
	}
	var buf []byte
	if size > 0 {
		buf = make([]byte, size)
	}
	off := 0
	// take copies b into buf and returns the copy.
	take := func(b []byte) []byte {
		n := copy(buf[off:], b)
		c := buf[off : off+n : off+n]
		off += n
		return c
	}
	for i := range dest {
		v := &row[i]
		switch v.Kind {
		case engine.KindInteger:
			switch kinds[i] {
			case columnTime:
				dest[i] = unixTime(v.Int, loc)
			case columnBool:
				dest[i] = v.Int > 0
			default:
				dest[i] = v.Int
			}
		case engine.KindFloat:
			dest[i] = v.Float
		case engine.KindText:
			b := take(v.Bytes)
			s := unsafe.String(unsafe.SliceData(b), len(b))
			if kinds[i] == columnTime {
				dest[i] = parseTime(s, loc)
			} else {
				dest[i] = s
			}
		case engine.KindBlob:
			b := take(v.Bytes)
			if b == nil {
				b = []byte{}
			}
			dest[i] = b
		default:
			dest[i] = nil
		}
	}
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
// them. It reports false for anything else.
func checkValue(nv *driver.NamedValue) bool {
	switch v := nv.Value.(type) {
	case nil, int64, float64, bool, []byte, string, time.Time:
	case int:
		nv.Value = int64(v)
	case int32:
		nv.Value = int64(v)
	case int16:
		nv.Value = int64(v)
	case int8:
		nv.Value = int64(v)
	case uint32:
		nv.Value = int64(v)
	case uint16:
		nv.Value = int64(v)
	case uint8:
		nv.Value = int64(v)
	case uint:
		if uint64(v) > math.MaxInt64 {
			return false
		}
		nv.Value = int64(v)
	case uint64:
		if v > math.MaxInt64 {
			return false
		}
		nv.Value = int64(v)
	case float32:
		nv.Value = float64(v)
	default:
		return false
	}
	return true
}
