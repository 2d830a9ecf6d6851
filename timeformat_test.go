package turso

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestAppendTimestampMatchesAppendFormat(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	zones := []*time.Location{time.UTC, tokyo, time.FixedZone("", -(9*3600 + 30*60)), time.FixedZone("sec", 3600+59), time.FixedZone("neg", -59)}
	times := []time.Time{
		{}, time.Unix(0, 0), time.Unix(0, 1), time.Unix(1700000000, 120000000),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(5, 6, 7, 8, 9, 10, 100, time.UTC),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		times = append(times, time.Unix(r.Int64N(400*365*86400)-200*365*86400, r.Int64N(1e9)))
	}
	for _, tm := range times {
		for _, z := range zones {
			tz := tm.In(z)
			if got, want := string(appendTimestamp(nil, tz)), tz.Format(TimestampFormat); got != want {
				t.Fatalf("appendTimestamp(%v) = %q, AppendFormat gives %q", tz, got, want)
			}
		}
	}
}
