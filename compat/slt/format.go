package slt

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// TimeFormat is the text form used for time.Time values that a driver
// produced from a DATE/DATETIME/TIMESTAMP column. It is the format
// mattn/go-sqlite3 writes time.Time values with; the original SQLite text
// cannot be recovered exactly, and the corpus has no such columns.
const TimeFormat = "2006-01-02 15:04:05.999999999-07:00"

// FormatValue renders one result value for a column of type typ ('I', 'R'
// or 'T') exactly as SQLite's reference harness does:
//
//   - NULL is "NULL" whatever the type;
//   - 'I' is sqlite3_column_int printed with "%d": reals are truncated
//     toward zero (saturating at the int64 range), text and blobs are read
//     as their leading integer prefix (0 when there is none), and the
//     result is truncated to a 32-bit C int;
//   - 'R' is sqlite3_column_double printed with SQLite's "%.3f" (at most
//     16 significant digits); text is read as its leading real prefix;
//   - 'T' is sqlite3_column_text: integers in decimal, reals as SQLite's
//     "%!.15g", text and blobs up to their first NUL byte; an empty string
//     is "(empty)" and every byte below ' ' or above '~' becomes '@'.
//
// v is the dynamic value a database/sql driver returned (int64, float64,
// string, []byte, nil, and also bool or time.Time, which drivers return for
// BOOLEAN and date-declared columns; those are rendered as SQLite stored
// them as far as that can be recovered: bool as 1 or 0, time.Time as Unix
// seconds for 'I'/'R' and [TimeFormat] for 'T').
func FormatValue(v any, typ byte) string {
	if v == nil {
		return "NULL"
	}
	switch typ {
	case 'I':
		return strconv.FormatInt(int64(int32(valueInt64(v))), 10)
	case 'R':
		return formatFixed3(valueFloat64(v))
	default:
		return textOut(valueText(v))
	}
}

// textOut applies the reference harness's rendering of a 'T' value.
func textOut(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 { // C strings end at NUL
		s = s[:i]
	}
	if s == "" {
		return "(empty)"
	}
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] < ' ' || b[j] > '~' {
					b[j] = '@'
				}
			}
			return string(b)
		}
	}
	return s
}

// valueInt64 is sqlite3_value_int64 on a Go driver value.
func valueInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case uint64:
		return int64(x)
	case float64:
		return realToInt64(x)
	case float32:
		return realToInt64(float64(x))
	case bool:
		if x {
			return 1
		}
		return 0
	case string:
		return atoi64Prefix(x)
	case []byte:
		return atoi64Prefix(string(x))
	case time.Time:
		return x.Unix()
	}
	return atoi64Prefix(fmt.Sprint(v))
}

// valueFloat64 is sqlite3_value_double on a Go driver value.
func valueFloat64(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case int:
		return float64(x)
	case int32:
		return float64(x)
	case uint64:
		return float64(x)
	case float64:
		return x
	case float32:
		return float64(x)
	case bool:
		if x {
			return 1
		}
		return 0
	case string:
		return atofPrefix(x)
	case []byte:
		return atofPrefix(string(x))
	case time.Time:
		return float64(x.Unix())
	}
	return atofPrefix(fmt.Sprint(v))
}

// valueText is sqlite3_value_text on a Go driver value.
func valueText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return FormatReal(x)
	case float32:
		return FormatReal(float64(x))
	case bool:
		if x {
			return "1"
		}
		return "0"
	case time.Time:
		return x.Format(TimeFormat)
	}
	return fmt.Sprint(v)
}

// realToInt64 converts like sqlite3RealToI64: truncation toward zero,
// saturating at the bounds of int64 (NaN gives 0).
func realToInt64(r float64) int64 {
	switch {
	case math.IsNaN(r):
		return 0
	case r <= math.MinInt64:
		return math.MinInt64
	case r >= math.MaxInt64:
		return math.MaxInt64
	}
	return int64(r)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// atoi64Prefix reads the leading integer of s like sqlite3Atoi64: leading
// spaces, an optional sign, digits; anything after is ignored, no digits
// gives 0, and overflow saturates.
func atoi64Prefix(s string) int64 {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	var u uint64
	overflow := false
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		d := uint64(s[i] - '0')
		if u > (math.MaxUint64-d)/10 {
			overflow = true
			continue
		}
		u = u*10 + d
	}
	switch {
	case neg && (overflow || u > 1<<63):
		return math.MinInt64
	case neg:
		return -int64(u)
	case overflow || u > math.MaxInt64:
		return math.MaxInt64
	}
	return int64(u)
}

// atofPrefix reads the leading real number of s like sqlite3AtoF; no
// number gives 0.
func atofPrefix(s string) float64 {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	start := i
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return 0
	}
	end := i
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '-' || s[j] == '+') {
			j++
		}
		k := j
		for ; k < len(s) && s[k] >= '0' && s[k] <= '9'; k++ {
		}
		if k > j {
			end = k
		}
	}
	f, _ := strconv.ParseFloat(s[start:end], 64) // range errors give ±Inf/0, as SQLite
	return f
}

// formatFixed3 is SQLite's printf("%.3f"): correctly rounded, but with no
// more than 16 significant digits (further digits print as 0), no negative
// zero, and "Inf"/"-Inf" for infinities.
func formatFixed3(r float64) string {
	switch {
	case math.IsInf(r, 1):
		return "Inf"
	case math.IsInf(r, -1):
		return "-Inf"
	case math.IsNaN(r):
		return "NaN"
	case r == 0:
		return "0.000"
	}
	e := strconv.FormatFloat(math.Abs(r), 'e', 15, 64) // 16 significant digits
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	if exp+1+3 <= 16 {
		return strconv.FormatFloat(r, 'f', 3, 64)
	}
	digits := strings.Replace(mant, ".", "", 1) // 16 digits
	var b strings.Builder
	if r < 0 {
		b.WriteByte('-')
	}
	b.WriteString(digits[:min(len(digits), exp+1)])
	for k := len(digits); k < exp+1; k++ {
		b.WriteByte('0')
	}
	b.WriteString(".")
	// Remaining fractional digits (only when exp+1 < 16, which cannot
	// happen here since exp+4 > 16 means exp >= 13).
	frac := ""
	if exp+1 < len(digits) {
		frac = digits[exp+1:]
	}
	for len(frac) < 3 {
		frac += "0"
	}
	b.WriteString(frac[:3])
	return b.String()
}

// FormatReal renders a REAL as SQLite's text conversion does ("%!.15g"):
// 15 significant digits, always with a decimal point ("1.0", "1.0e+20"),
// "Inf" and "-Inf" for infinities.
func FormatReal(r float64) string {
	switch {
	case math.IsInf(r, 1):
		return "Inf"
	case math.IsInf(r, -1):
		return "-Inf"
	case math.IsNaN(r):
		return "NaN"
	}
	s := strconv.FormatFloat(r, 'g', 15, 64)
	mant, exp, hasExp := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	if hasExp {
		return mant + "e" + exp
	}
	return mant
}

// HashValues returns the reference harness's hash line for values (already
// sorted): "N values hashing to <md5>", where the md5 is over every value
// followed by a newline.
func HashValues(values []string) string {
	return fmt.Sprintf("%d values hashing to %s", len(values), md5Values(values))
}

func md5Values(values []string) string {
	h := md5.New()
	for _, v := range values {
		h.Write([]byte(v))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}
