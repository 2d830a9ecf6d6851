package napi

import (
	"math"
	"testing"
)

// TestToInt32 checks the conversion of napi_get_value_int32 and _uint32
// (JavaScript's ToInt32: truncate, modulo 2^32) on both of its paths.
func TestToInt32(t *testing.T) {
	tests := []struct {
		in   float64
		want int32
	}{
		{0, 0},
		{math.Copysign(0, -1), 0},
		{255, 255},
		{1.5, 1},
		{-1.5, -1},
		{-1, -1},
		{2147483647, math.MaxInt32},
		{2147483648, math.MinInt32},
		{4294967295, -1},
		{4294967295.5, -1},
		{4294967296, 0},
		{4294967297, 1},
		{-4294967297, -1},
		{1e20, int32(uint32(int64(math.Mod(1e20, 4294967296))))},
		{math.NaN(), 0},
		{math.Inf(1), 0},
		{math.Inf(-1), 0},
	}
	for _, tt := range tests {
		if got := toInt32(tt.in); got != tt.want {
			t.Errorf("toInt32(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// TestTypedArrayElement reads elements of byte arrays, past their end and
// through an offset.
func TestTypedArrayElement(t *testing.T) {
	buf := &ArrayBuffer{Data: []byte{0, 1, 0x7f, 0x80, 0xff}}
	u := &TypedArray{Type: Uint8Array, Buffer: buf, Offset: 1, Length: 4}
	s := &TypedArray{Type: Int8Array, Buffer: buf, Offset: 1, Length: 4}
	for i, want := range []Value{1.0, 127.0, 128.0, 255.0, Undefined{}} {
		if got := u.Element(i); got != want {
			t.Errorf("Uint8Array element %d = %v, want %v", i, got, want)
		}
	}
	for i, want := range []Value{1.0, 127.0, -128.0, -1.0, Undefined{}} {
		if got := s.Element(i); got != want {
			t.Errorf("Int8Array element %d = %v, want %v", i, got, want)
		}
	}
	if got := u.Element(-1); got != (Undefined{}) {
		t.Errorf("element -1 = %v, want undefined", got)
	}
}

// TestNumberBoxing checks number and Element on the numbers boxed without
// an allocation (0 to 255) and around them: each is a float64 Value equal
// to the number, -0 keeps its sign, and the small ones cost nothing.
func TestNumberBoxing(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1, 2.5, 127, 255, 255.5, 256, -1, 1e300, math.Inf(1)} {
		v := number(f)
		got, ok := v.(float64)
		if !ok || got != f || math.Signbit(got) != math.Signbit(f) {
			t.Errorf("number(%v) = %#v, want float64 %v", f, v, f)
		}
	}
	data := make([]byte, 256)
	for i := range data {
		data[i] = byte(i)
	}
	u := &TypedArray{Type: Uint8Array, Buffer: &ArrayBuffer{Data: data}, Length: 256}
	for i := range 256 {
		if v := number(float64(i)); v != Value(float64(i)) {
			t.Errorf("number(%d) = %#v", i, v)
		}
		if v := u.Element(i); v != Value(float64(i)) {
			t.Errorf("Uint8Array element %d = %#v", i, v)
		}
	}
	var sink Value
	if n := testing.AllocsPerRun(100, func() {
		for i := range 256 {
			sink = number(float64(i))
			sink = u.Element(i)
		}
	}); n != 0 {
		t.Errorf("boxing 0..255 allocates %v times, want 0", n)
	}
	_ = sink
}
