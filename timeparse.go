package turso

import "time"

// parseTimeFast parses the shapes that nearly all stored times take,
// "YYYY-MM-DD", and "YYYY-MM-DD HH:MM[:SS[.fraction]][±HH:MM]" with a space
// or a "T" before the time, without the allocations of trying each layout
// with time.ParseInLocation. It accepts only input that some layout of
// timestampFormats parses, and returns what that layout gives; it reports
// false for anything else, which the caller then parses the slow way.
func parseTimeFast(s string) (time.Time, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	y1, ok1 := two(s, 0)
	y2, ok2 := two(s, 2)
	month, ok3 := two(s, 5)
	day, ok4 := two(s, 8)
	year := y1*100 + y2
	if !(ok1 && ok2 && ok3 && ok4) || month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) {
		return time.Time{}, false
	}
	if len(s) == 10 {
		return utcTime(year, month, day, 0, 0, 0, 0), true
	}
	if len(s) < 16 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' {
		return time.Time{}, false
	}
	hour, ok1 := two(s, 11)
	minute, ok2 := two(s, 14)
	if !ok1 || !ok2 || hour > 23 || minute > 59 {
		return time.Time{}, false
	}
	rest := s[16:]
	sec, nsec := 0, 0
	if rest != "" {
		// Seconds are required before a fraction or a zone.
		v, ok := two(rest, 1)
		if !ok || rest[0] != ':' || v > 59 {
			return time.Time{}, false
		}
		sec, rest = v, rest[3:]
		if len(rest) >= 2 && (rest[0] == '.' || rest[0] == ',') && isDigit(rest[1]) {
			n := 1
			for n < len(rest) && isDigit(rest[n]) {
				nsec = nsec*10 + int(rest[n]-'0')
				n++
			}
			if n > 10 { // more than nine digits: leave it to the slow path
				return time.Time{}, false
			}
			nsec *= pow10[10-n]
			rest = rest[n:]
		}
	}
	t := utcTime(year, month, day, hour, minute, sec, nsec)
	if rest == "" {
		return t, true
	}
	// A zone offset is only allowed after seconds, as "±HH:MM".
	if len(s) < 19 || len(rest) != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':' {
		return time.Time{}, false
	}
	oh, ok1 := two(rest, 1)
	om, ok2 := two(rest, 4)
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

// pow10[n] is 10**n, for scaling a fraction of 9-n digits to nanoseconds.
var pow10 = [...]int{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000}

// two reads the two-digit decimal number at s[at:].
func two(s string, at int) (int, bool) {
	if at+2 > len(s) {
		return 0, false
	}
	a, b := s[at]-'0', s[at+1]-'0'
	return int(a)*10 + int(b), a <= 9 && b <= 9
}

// utcTime is time.Date(year, month, day, hour, minute, sec, nsec,
// time.UTC) for valid fields, without its normalization: the days since
// the epoch by the civil-from-days algorithm (H. Hinnant).
func utcTime(year, month, day, hour, minute, sec, nsec int) time.Time {
	y := year
	if month <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (month + 9) % 12 // March is 0
	doy := (153*mp+2)/5 + day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := int64(era)*146097 + int64(doe) - 719468
	return time.Unix(days*86400+int64(hour*3600+minute*60+sec), int64(nsec)).UTC()
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
