//go:build linux && amd64 && cgo

package tursonative

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fakeAddonEnv names the variable that tells a test process to load the
// fake addon (testdata/fakeaddon.c) instead of Turso's: a process loads
// one addon.
const fakeAddonEnv = "TURSONATIVE_FAKE_ADDON"

// TestHostFunctions checks the N-API functions of the host through a fake
// addon that calls each of them, in a test process of its own.
func TestHostFunctions(t *testing.T) {
	if os.Getenv(fakeAddonEnv) == "" {
		so := filepath.Join(t.TempDir(), "fakeaddon.so")
		out, err := exec.Command("gcc", "-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o", so, "testdata/fakeaddon.c", "-lpthread").CombinedOutput()
		if err != nil {
			t.Fatalf("building the fake addon: %v\n%s", err, out)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestHostFunctions$", "-test.v")
		cmd.Env = append(os.Environ(), fakeAddonEnv+"="+so)
		out, err = cmd.CombinedOutput()
		t.Logf("%s", out)
		if err != nil {
			t.Fatalf("test process: %v", err)
		}
		return
	}
	if err := loadAddon(os.Getenv(fakeAddonEnv)); err != nil {
		t.Fatal(err)
	}
	exports := handle{}
	call := func(t *testing.T, name string, args ...any) any {
		t.Helper()
		v, err := exports.call(name, args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return v
	}

	t.Run("values round trip", func(t *testing.T) {
		for _, v := range []any{nil, jsNull{}, true, false, 2.5, int64(-7), bigInt(-9), bigInt(math.MaxInt64), "héllo", "", []byte{0, 255},
			[]any{1.5, "x", []any{jsNull{}}}, map[string]any{"a": "b", "n": 1.5}} {
			got := call(t, "echo", v)
			want := v
			if n, ok := v.(int64); ok {
				want = float64(n) // a number within 2^53 comes back as a float64
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("echo(%#v) = %#v", v, got)
			}
		}
	})

	t.Run("napi_typeof", func(t *testing.T) {
		for v, want := range map[any]string{nil: "undefined", true: "boolean", 1.5: "number", "s": "string", bigInt(1): "bigint"} {
			if got := call(t, "typeOf", v); got != want {
				t.Errorf("typeof %#v = %v, want %s", v, got, want)
			}
		}
		for name, v := range map[string]any{"null": jsNull{}, "object": map[string]any{}, "object ": []any{}, "object  ": []byte{1}} {
			if got := call(t, "typeOf", v); got != strings.TrimSpace(name) {
				t.Errorf("typeof %#v = %v, want %s", v, got, name)
			}
		}
		f := call(t, "makeAdder", 1.0).(handle)
		defer f.release()
		if got := call(t, "typeOf", f); got != "function" {
			t.Errorf("typeof a function = %v", got)
		}
	})

	t.Run("numbers", func(t *testing.T) {
		got := call(t, "numbers")
		want := []any{-5.0, 4000000000.0, int64(9007199254740993), 2.5, bigInt(-7), bigInt(-1), math.Copysign(0, -1)}
		// 2^64-1 does not fit an int64: the decoder gives its two's complement.
		if !reflect.DeepEqual(got, want) {
			t.Errorf("numbers() = %#v\nwant %#v", got, want)
		}
		if neg := got.([]any)[6].(float64); !math.Signbit(neg) {
			t.Error("-0 lost its sign")
		}
	})

	t.Run("get_value of numbers", func(t *testing.T) {
		tests := []struct {
			in   any
			want map[string]any
		}{
			{2.7, map[string]any{"i32": 2.0, "u32": 2.0, "i64": 2.0, "d": 2.7, "boolStatus": 7.0}},
			{-1.0, map[string]any{"i32": -1.0, "u32": 4294967295.0, "i64": -1.0, "d": -1.0, "boolStatus": 7.0}},
			{4294967301.0, map[string]any{"i32": 5.0, "u32": 5.0, "i64": 4294967301.0, "d": 4294967301.0, "boolStatus": 7.0}},
			{math.NaN(), map[string]any{"i32": 0.0, "u32": 0.0, "i64": 0.0, "boolStatus": 7.0}},
			{1e300, map[string]any{"i32": 0.0, "u32": 0.0, "i64": int64(math.MaxInt64), "d": 1e300, "boolStatus": 7.0}},
			{int64(math.MinInt64 + 1), map[string]any{"i32": 1.0, "u32": 1.0, "i64": int64(math.MinInt64 + 1), "d": float64(math.MinInt64 + 1), "boolStatus": 7.0}},
			{"7", map[string]any{"i32": -6.0, "u32": 0.0, "i64": 0.0, "d": 0.0, "boolStatus": 7.0}},
			{true, map[string]any{"i32": -6.0, "u32": 0.0, "i64": 0.0, "d": 0.0, "boolStatus": 0.0}},
		}
		for _, tt := range tests {
			got := call(t, "readNumber", tt.in).(map[string]any)
			if _, nan := tt.in.(float64); nan && math.IsNaN(tt.in.(float64)) {
				delete(got, "d")
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("readNumber(%v) = %v, want %v", tt.in, got, tt.want)
			}
		}
		if got := call(t, "readBool", true); got != false {
			t.Errorf("readBool(true) = %v", got)
		}
		if _, err := exports.call("readBool", 1.0); err == nil || !strings.Contains(err.Error(), "status 7") {
			t.Errorf("readBool(1): %v, want boolean expected (7)", err)
		}
	})

	t.Run("napi_get_value_string_utf8", func(t *testing.T) {
		tests := []struct {
			s      string
			size   float64
			copied string
		}{
			{"hello", 64, "hello"},
			{"hello", 3, "he"},
			{"héllo", 3, "h"}, // never half of é
			{"héllo", 4, "hé"},
			{"x", 0, ""},
			{"a\x00b", 64, "a\x00b"},
		}
		for _, tt := range tests {
			got := call(t, "readString", tt.s, tt.size).([]any)
			if got[0] != float64(len(tt.s)) || got[1] != tt.copied || got[2] != float64(len(tt.copied)) {
				t.Errorf("readString(%q, %v) = %q, want [%d %q %d]", tt.s, tt.size, got, len(tt.s), tt.copied, len(tt.copied))
			}
		}
	})

	t.Run("napi_create_string_utf8 replaces invalid UTF-8", func(t *testing.T) {
		tests := map[string]string{
			"plain":             "plain",
			"a\xffb":            "a\uFFFDb",
			"\xe2\x82":          "\uFFFD",             // a truncated sequence is one replacement
			"\xed\xa0\x80":      "\uFFFD\uFFFD\uFFFD", // a surrogate is three
			"\xf0\x9f\x98\x80!": "😀!",
			"\xc0\xaf":          "\uFFFD\uFFFD", // overlong
		}
		for in, want := range tests {
			if got := call(t, "fromBytes", []byte(in)); got != want {
				t.Errorf("string of %q = %q, want %q", in, got, want)
			}
		}
	})

	t.Run("napi_coerce_to_string and to_object", func(t *testing.T) {
		tests := []struct {
			in       any
			str, obj string
		}{
			{1.5, "1.5", "object"},
			{1e21, "1e+21", "object"},
			{1e-7, "1e-7", "object"},
			{123456789012.0, "123456789012", "object"},
			{0.000001, "0.000001", "object"},
			{int64(-42), "-42", "object"},
			{bigInt(-9007199254740993), "-9007199254740993", "object"},
			{true, "true", "object"},
			{jsNull{}, "null", "threw"},
			{nil, "undefined", "threw"},
			{[]any{1.0, "a", jsNull{}}, "1,a,", "object"},
			{map[string]any{}, "[object Object]", "object"},
			{[]byte{1, 2}, "1,2", "object"},
		}
		for _, tt := range tests {
			got := call(t, "coerce", tt.in).([]any)
			if got[0] != tt.str || got[1] != tt.obj {
				t.Errorf("coerce(%#v) = %q, want [%q %q]", tt.in, got, tt.str, tt.obj)
			}
		}
	})

	t.Run("properties", func(t *testing.T) {
		got := call(t, "objects")
		want := map[string]any{"a": 1.0, "b": "two", "c": "three", "viaGetter": 1.0, "missingIsUndefined": 1.0}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("objects() = %#v, want %#v", got, want)
		}
	})

	t.Run("arrays", func(t *testing.T) {
		got := call(t, "arrays", 3.0)
		if !reflect.DeepEqual(got, []any{0.0, 1.0, 2.0}) {
			t.Errorf("arrays(3) = %#v", got)
		}
	})

	t.Run("functions", func(t *testing.T) {
		f := call(t, "makeAdder", 10.0).(handle)
		defer f.release()
		if got := call(t, "apply", f, 5.0); got != 15.0 {
			t.Errorf("apply(adder, 5) = %#v, want 15", got)
		}
		if _, err := exports.call("apply", "not a function", 1.0); err == nil {
			t.Error("calling a string did not fail")
		}
		// An exception thrown inside a nested call reaches the caller.
		thrower := call(t, "makeAdder", 1.0).(handle)
		defer thrower.release()
		if _, err := exports.call("apply", thrower, "x"); err == nil || !strings.Contains(err.Error(), "status 6") {
			t.Errorf("adder with a string: %v, want number expected (6)", err)
		}
	})

	t.Run("classes, wrap and finalizers", func(t *testing.T) {
		before := call(t, "countersFinalized").(float64)
		c, err := construct("Counter", 5.0)
		if err != nil {
			t.Fatal(err)
		}
		h := c.(handle)
		if got, _ := h.call("inc"); got != 6.0 {
			t.Errorf("inc() = %#v", got)
		}
		if got, _ := h.get("value"); got != 6.0 {
			t.Errorf("value = %#v", got)
		}
		n := call(t, "newCounter", 40.0).(handle)
		if got, _ := n.call("inc"); got != 41.0 {
			t.Errorf("new_instance counter inc() = %#v", got)
		}
		if got := call(t, "countersFinalized"); got != before {
			t.Errorf("finalized %v counters while held", got.(float64)-before)
		}
		h.release()
		n.release()
		if got := call(t, "countersFinalized"); got != before+2 {
			t.Errorf("finalized %v counters after release, want 2", got.(float64)-before)
		}
		// A counter nobody holds is finalized when the call returns.
		call(t, "newCounter", 1.0).(handle).release()
		if got := call(t, "countersFinalized"); got != before+3 {
			t.Errorf("finalized %v counters, want 3", got.(float64)-before)
		}
	})

	t.Run("errors", func(t *testing.T) {
		_, err := exports.call("throwError", "E_CODE", "boom")
		x, ok := err.(*exception)
		if !ok || x.message() != "boom" || x.code() != "E_CODE" {
			t.Errorf("throwError: %#v", err)
		}
		_, err = exports.call("throwValue", "just text")
		if x, ok := err.(*exception); !ok || x.message() != "just text" {
			t.Errorf("throwValue: %#v", err)
		}
		got := call(t, "makeError", "C", "made")
		if e, ok := got.(jsError); !ok || e["message"] != "made" || e["code"] != "C" {
			t.Errorf("makeError = %#v", got)
		}
		// After an exception the next call runs normally.
		if got := call(t, "echo", 1.0); got != 1.0 {
			t.Errorf("echo after an exception = %#v", got)
		}
	})

	t.Run("references", func(t *testing.T) {
		got := call(t, "refs", map[string]any{"k": "v"})
		if !reflect.DeepEqual(got, map[string]any{"k": "v"}) {
			t.Errorf("refs = %#v", got)
		}
		before := call(t, "finalizers").(float64)
		call(t, "makeWeak")
		if call(t, "weakAlive") != false {
			t.Error("a weak reference still holds an object nothing holds")
		}
		if got := call(t, "finalizers"); got != before+1 {
			t.Errorf("add_finalizer ran %v times, want 1", got.(float64)-before)
		}
	})

	t.Run("buffers", func(t *testing.T) {
		freed := call(t, "externalsFreed").(float64)
		got := call(t, "buffers")
		want := []any{[]byte("abc"), []byte{0, 255}, []byte("wxyz")}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("buffers() = %#v", got)
		}
		if got := call(t, "externalsFreed"); got != freed+1 {
			t.Errorf("external buffer finalized %v times, want 1", got.(float64)-freed)
		}
		info := call(t, "bufferInfo", []byte{1, 2, 3})
		if !reflect.DeepEqual(info, []any{true, true, 3.0, 6.0, 3.0, 2.0}) {
			t.Errorf("bufferInfo = %#v", info)
		}
		if info := call(t, "bufferInfo", "s"); !reflect.DeepEqual(info, []any{false, false}) {
			t.Errorf("bufferInfo(string) = %#v", info)
		}
	})

	t.Run("promises and async work", func(t *testing.T) {
		p := call(t, "promise", true, "yes").(*promise)
		if p.state != 1 || p.result != "yes" {
			t.Errorf("resolved promise = %#v", p)
		}
		p = call(t, "promise", false, "no").(*promise)
		if p.state != 2 || p.result != "no" {
			t.Errorf("rejected promise = %#v", p)
		}
		p = call(t, "double", 21.0).(*promise)
		if p.state != 1 || p.result != 42.0 {
			t.Errorf("async work promise = %#v", p)
		}
		for range 2 {
			if got := call(t, "cancelledWork"); got != 0.0 {
				t.Errorf("deleted work ran")
			}
		}
	})

	t.Run("threadsafe functions", func(t *testing.T) {
		call(t, "threadsafe")
		if got := call(t, "tsfnCalls"); got != 6.0 {
			t.Errorf("threadsafe calls = %v, want 1+2+3", got)
		}
	})

	t.Run("global object", func(t *testing.T) {
		if got := call(t, "globals"); got != "ok" {
			t.Error(got)
		}
	})

	t.Run("calls from other threads", func(t *testing.T) {
		// Every goroutine may run on its own thread, where the module
		// registers again.
		done := make(chan any)
		for i := range 8 {
			go func() {
				c, err := construct("Counter", float64(i))
				if err != nil {
					done <- err
					return
				}
				h := c.(handle)
				for range 100 {
					h.call("inc")
				}
				v, _ := h.get("value")
				h.release()
				done <- v
			}()
		}
		for range 8 {
			if v := <-done; v == nil {
				t.Error("no value")
			} else if err, ok := v.(error); ok {
				t.Error(err)
			}
		}
	})
}
