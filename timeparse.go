package turso

import "time"

// parseTimeFast parses the shapes that nearly all stored times take,
// "YYYY-MM-DD", and "YYYY-MM-DD HH:MM[:SS[.fraction]][±HH:MM]" with a space
// or a "T" before the time, without the allocations of trying each layout
// with time.ParseInLocation. It accepts only input that some layout of
// timestampFormats parses, and returns what that layout gives; it reports
// false for anything else, which the caller then parses the slow way.
func parseTimeFast(s string) (time.Time, bool) {
	year, ok1 := digits(s, 0, 4)
	month, ok2 := digits(s, 5, 2)
	day, ok3 := digits(s, 8, 2)
	if !ok1 || !ok2 || !ok3 || s[4] != '-' || s[7] != '-' || month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) {
		return time.Time{}, false
	}
	if len(s) == 10 {
		return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), true
	}
	hour, ok1 := digits(s, 11, 2)
	minute, ok2 := digits(s, 14, 2)
	if !ok1 || !ok2 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || hour > 23 || minute > 59 {
		return time.Time{}, false
	}
	rest := s[16:]
	sec, nsec := 0, 0
	if rest != "" {
		// Seconds are required before a fraction or a zone.
		v, ok := digits(rest, 1, 2)
		if !ok || rest[0] != ':' || v > 59 {
			return time.Time{}, false
		}
		sec, rest = v, rest[3:]
		if len(rest) >= 2 && (rest[0] == '.' || rest[0] == ',') && isDigit(rest[1]) {
			n := 1
			for n < len(rest) && isDigit(rest[n]) {
				n++
			}
			if n > 10 { // more than nine digits: leave it to the slow path
				return time.Time{}, false
			}
			for i := 1; i < 10; i++ {
				nsec *= 10
				if i < n {
					nsec += int(rest[i] - '0')
				}
			}
			rest = rest[n:]
		}
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if rest == "" {
		return t, true
	}
	// A zone offset is only allowed after seconds, as "±HH:MM".
	if len(s) < 19 || len(rest) != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':' {
		return time.Time{}, false
	}
	oh, ok1 := digits(rest, 1, 2)
	om, ok2 := digits(rest, 4, 2)
	if !ok1 || !ok2 || oh > 23 || om > 59 {
		return time.Time{}, false
	}
	offset := (oh*60 + om) * 60
	if rest[0] == '-' {
		offset = -offset
	}
	if offset == 0 {
		return t, true
	}
	return t.Add(-time.Duration(offset) * time.Second).In(time.FixedZone("", offset)), true
}

// digits reads the n-digit decimal number at s[at:].
func digits(s string, at, n int) (int, bool) {
	if at+n > len(s) {
		return 0, false
	}
	v := 0
	for i := at; i < at+n; i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// daysIn returns the number of days of month m of year.
func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + int((0b1010110101010>>m)&1)
}
