package turso

import (
	"strings"
	"testing"
	"time"
)

var timeSamples = []string{
	"2024-03-01", "2024-02-29", "2023-02-29", "2024-13-01", "2024-00-10", "2024-01-32",
	"2024-03-01 10:20", "2024-03-01T10:20", "2024-03-01 24:00", "2024-03-01 10:60",
	"2024-03-01 10:20:30", "2024-03-01T10:20:30", "2024-03-01 10:20:60",
	"2024-03-01 10:20:30.5", "2024-03-01 10:20:30,5", "2024-03-01 10:20:30.123456789",
	"2024-03-01 10:20:30.1234567891", "2024-03-01 10:20:30.", "2024-03-01 10:20:30.x",
	"2024-03-01 10:20:30+02:00", "2024-03-01 10:20:30-07:30", "2024-03-01T10:20:30.25+00:00",
	"2024-03-01 10:20:30-00:00", "2024-03-01 10:20:30+24:00", "2024-03-01 10:20:30+02:60",
	"2024-03-01 10:20+02:00", "2024-03-01 10:20:30+0200", "2024-03-01 10:20:30 +02:00",
	"2024-03-01 10:20:30.5+02:00", "0000-01-01 00:00:00", "9999-12-31 23:59:59.999999999",
	"2024-3-1", "24-03-01", "", "x", "2024-03-01 ", "2024-03-01X10:20:30", "2024/03/01",
	"2024-03-01 10:20:30Z", "1970-01-01 00:00:00.000+00:00", "2024-03-01 10:20:3",
}

// TestParseTimeFastMatchesLayouts checks that the fast path either declines
// or returns exactly what trying the layouts returns.
func TestParseTimeFastMatchesLayouts(t *testing.T) {
	accepted := 0
	for _, s := range timeSamples {
		checkFastParse(t, s)
		if _, ok := parseTimeFast(strings.TrimSuffix(s, "Z")); ok {
			accepted++
		}
	}
	if accepted < 15 {
		t.Errorf("fast path accepted only %d samples", accepted)
	}
}

func FuzzParseTimeFast(f *testing.F) {
	for _, s := range timeSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkFastParse(t, s) })
}

func checkFastParse(t *testing.T, s string) {
	t.Helper()
	for _, loc := range []*time.Location{nil, time.UTC, time.FixedZone("X", 3600)} {
		got := parseTime(s, loc)
		want := parseTimeSlow(strings.TrimSuffix(s, "Z"), loc)
		if !got.Equal(want) || got.Location().String() != want.Location().String() || got.String() != want.String() {
			t.Errorf("parseTime(%q, %v) = %v, layouts give %v", s, loc, got, want)
		}
	}
}
