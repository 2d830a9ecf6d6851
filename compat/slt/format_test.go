package slt

import (
	"math"
	"testing"
	"time"
)

func TestFormatValue(t *testing.T) {
	tests := []struct {
		v    any
		typ  byte
		want string
	}{
		{nil, 'I', "NULL"},
		{nil, 'R', "NULL"},
		{nil, 'T', "NULL"},
		{int64(42), 'I', "42"},
		{int64(-7), 'I', "-7"},
		{int64(1) << 32, 'I', "0"}, // sqlite3_column_int is 32-bit
		{int64(math.MaxInt32) + 1, 'I', "-2147483648"},
		{3.9, 'I', "3"}, // reals truncate toward zero
		{-3.9, 'I', "-3"},
		{1e300, 'I', "-1"}, // saturates at MaxInt64, whose low 32 bits are -1
		{"12abc", 'I', "12"},
		{"  -5", 'I', "-5"},
		{"abc", 'I', "0"},
		{"1.9e3", 'I', "1"},
		{[]byte("77"), 'I', "77"},
		{true, 'I', "1"},
		{int64(3), 'R', "3.000"},
		{1.0 / 3, 'R', "0.333"},
		{-0.0005, 'R', "-0.001"},
		{math.Copysign(0, -1), 'R', "0.000"},
		{-9223372036854775808.0, 'R', "-9223372036854776000.000"}, // 16 significant digits
		{-18446744073709551616.0, 'R', "-18446744073709550000.000"},
		{123456789012.3456, 'R', "123456789012.346"},
		{"2.5x", 'R', "2.500"},
		{"x", 'R', "0.000"},
		{math.Inf(1), 'R', "Inf"},
		{int64(12), 'T', "12"},
		{1.0, 'T', "1.0"},
		{0.1, 'T', "0.1"},
		{1e20, 'T', "1.0e+20"},
		{1.5e-7, 'T', "1.5e-07"},
		{123456.789, 'T', "123456.789"},
		{"", 'T', "(empty)"},
		{[]byte{}, 'T', "(empty)"},
		{"a\tb\x7fé", 'T', "a@b@@@"},
		{"ab\x00cd", 'T', "ab"},
		{"table t1 row 3", 'T', "table t1 row 3"},
		{false, 'T', "0"},
		{time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), 'T', "2024-01-02 03:04:05+00:00"},
	}
	for _, tt := range tests {
		if got := FormatValue(tt.v, tt.typ); got != tt.want {
			t.Errorf("FormatValue(%#v, %c) = %q, want %q", tt.v, tt.typ, got, tt.want)
		}
	}
}

func TestHashValues(t *testing.T) {
	// md5("1\n2\n3\n")
	if got, want := HashValues([]string{"1", "2", "3"}), "3 values hashing to c0710d6b4f15dfa88f600b0e6b624077"; got != want {
		t.Errorf("HashValues = %q, want %q", got, want)
	}
}
