package turso

import (
	"database/sql/driver"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/turso-go/turso/internal/engine"
)

// TestArenaConvertRow checks every kind of value the arena boxes.
func TestArenaConvertRow(t *testing.T) {
	big := strings.Repeat("b", bigText+1)
	when := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)
	row := []engine.Value{
		{Kind: engine.KindInteger, Int: 7},
		{Kind: engine.KindInteger, Int: -1 << 40},
		{Kind: engine.KindFloat, Float: 2.5},
		{Kind: engine.KindFloat, Float: math.Inf(-1)},
		{Kind: engine.KindText, Data: "text"},
		{Kind: engine.KindText, Data: ""},
		{Kind: engine.KindText, Data: big},
		{Kind: engine.KindBlob, Data: "\x00\x01"},
		{Kind: engine.KindBlob, Data: ""},
		{Kind: engine.KindNull},
		{Kind: engine.KindText, Data: "2026-01-02 03:04:05.123456789+00:00"},
		{Kind: engine.KindInteger, Int: when.Unix()},
		{Kind: engine.KindInteger, Int: 2},
		{Kind: engine.KindInteger, Int: 0},
	}
	kinds := make([]columnKind, len(row))
	kinds[10], kinds[11] = columnTime, columnTime
	kinds[12], kinds[13] = columnBool, columnBool
	want := []driver.Value{
		int64(7), int64(-1 << 40), 2.5, math.Inf(-1), "text", "", big, []byte{0, 1}, []byte{}, nil,
		when, when.Truncate(time.Second), true, false,
	}
	var a rowArena
	dest := make([]driver.Value, len(row))
	a.convertRow(dest, row, kinds, nil)
	for i := range want {
		if !reflect.DeepEqual(dest[i], want[i]) {
			t.Errorf("column %d: %#v (%T), want %#v (%T)", i, dest[i], dest[i], want[i], want[i])
		}
	}
	// Text is copied, not viewed.
	if s := dest[6].(string); strings.Clone(s) != big || &[]byte(s)[0] == &[]byte(big)[0] {
		t.Error("big text not copied")
	}
}

// TestArenaValuesOutliveRows keeps values of many rows while more rows
// are converted and the collector runs: none may change, and blobs are
// copies of their own (database/sql lets callers write into RawBytes).
func TestArenaValuesOutliveRows(t *testing.T) {
	var a rowArena
	kinds := []columnKind{columnPlain, columnPlain, columnPlain, columnTime, columnPlain}
	rowOf := func(i int) []engine.Value {
		return []engine.Value{
			{Kind: engine.KindInteger, Int: int64(i) * 1000},
			{Kind: engine.KindFloat, Float: float64(i) / 3},
			{Kind: engine.KindText, Data: fmt.Sprintf("row %d %s", i, strings.Repeat("x", i%300))},
			{Kind: engine.KindInteger, Int: int64(i)},
			{Kind: engine.KindBlob, Data: fmt.Sprint(i)},
		}
	}
	var kept [][]driver.Value
	for i := range 5000 {
		dest := make([]driver.Value, 5)
		a.convertRow(dest, rowOf(i), kinds, nil)
		if i%7 == 0 {
			kept = append(kept, dest)
			dest[4].([]byte)[0] = 'X' // a caller writing into a blob
		}
		if i%1000 == 0 {
			runtime.GC()
		}
	}
	runtime.GC()
	for k, dest := range kept {
		i := k * 7
		want := []driver.Value{int64(i) * 1000, float64(i) / 3, fmt.Sprintf("row %d %s", i, strings.Repeat("x", i%300)),
			time.Unix(int64(i), 0).UTC(), append([]byte("X"), fmt.Sprint(i)[1:]...)}
		if !reflect.DeepEqual(dest, want) {
			t.Fatalf("row %d changed: %#v, want %#v", i, dest, want)
		}
	}
}

// TestArenaAllocations checks that rows share chunks: a long run of rows
// allocates a few times per hundred rows (blobs aside, whose bytes are
// copied each), and a one-row read allocates one chunk per kind.
func TestArenaAllocations(t *testing.T) {
	row := []engine.Value{
		{Kind: engine.KindInteger, Int: 1 << 20},
		{Kind: engine.KindFloat, Float: 0.5},
		{Kind: engine.KindText, Data: "user12345@example.com"},
		{Kind: engine.KindText, Data: "2026-01-02 03:04:05"},
	}
	kinds := []columnKind{columnPlain, columnPlain, columnPlain, columnTime}
	dest := make([]driver.Value, len(row))
	var a rowArena
	a.convertRow(dest, row, kinds, nil)
	perRow := testing.AllocsPerRun(10000, func() { a.convertRow(dest, row, kinds, nil) })
	if perRow > 0.05 {
		t.Errorf("%.3f allocations per row, want at most 0.05", perRow)
	}
	one := testing.AllocsPerRun(100, func() {
		var a rowArena
		a.convertRow(dest, row, kinds, nil)
	})
	// words, strings, text and times: one chunk each.
	if one > 4 {
		t.Errorf("%.0f allocations for a first row, want 4", one)
	}
}

// TestArenaDoesNotRetainBigValues converts rows of big text and blobs and
// drops them: the arena must not keep them alive (a chunk of string
// boxes would keep every string it points to).
func TestArenaDoesNotRetainBigValues(t *testing.T) {
	big := strings.Repeat("x", 100_000)
	row := []engine.Value{{Kind: engine.KindText, Data: big}, {Kind: engine.KindBlob, Data: big}, {Kind: engine.KindText, Data: "small"}}
	kinds := make([]columnKind, len(row))
	var a rowArena
	dest := make([]driver.Value, len(row))
	for range 200 {
		a.convertRow(dest, row, kinds, nil)
	}
	clear(dest)
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	before := m.HeapAlloc
	for range 200 {
		a.convertRow(dest, row, kinds, nil)
	}
	clear(dest)
	runtime.GC()
	runtime.ReadMemStats(&m)
	// 400 values of 100 KB went through; a few chunks may stay.
	if grew := int64(m.HeapAlloc) - int64(before); grew > 1<<20 {
		t.Errorf("the heap grew by %d bytes after 40 MB of values were dropped", grew)
	}
	runtime.KeepAlive(&a)
}
