package napi

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"
)

// fakeMemory is linear memory backed by a byte slice.
type fakeMemory []byte

func (m fakeMemory) Read(off, n uint32) ([]byte, bool) {
	if uint64(off)+uint64(n) > uint64(len(m)) {
		return nil, false
	}
	return m[off : off+n], true
}

func (m fakeMemory) Write(off uint32, v []byte) bool {
	if uint64(off)+uint64(len(v)) > uint64(len(m)) {
		return false
	}
	copy(m[off:], v)
	return true
}

func (m fakeMemory) ReadUint32Le(off uint32) (uint32, bool) {
	b, ok := m.Read(off, 4)
	if !ok {
		return 0, false
	}
	return binary.LittleEndian.Uint32(b), true
}

func (m fakeMemory) WriteUint32Le(off, v uint32) bool {
	return m.Write(off, binary.LittleEndian.AppendUint32(nil, v))
}

func (m fakeMemory) WriteUint64Le(off uint32, v uint64) bool {
	return m.Write(off, binary.LittleEndian.AppendUint64(nil, v))
}

// fakeModule has a fake memory and a function table of Go functions that
// call back into the host as a wasm module would.
type fakeModule struct {
	mem   fakeMemory
	table map[uint32]func(args ...uint64) uint64
	// bump is the next free address of a trivial allocator.
	bump uint32
}

func (m *fakeModule) Memory() Memory { return m.mem }

func (m *fakeModule) CallTable(_ Signature, index uint32, args ...uint64) (uint64, error) {
	f, ok := m.table[index]
	if !ok {
		return 0, errors.New("no such table entry")
	}
	return f(args...), nil
}

// alloc reserves n bytes and returns their address.
func (m *fakeModule) alloc(n uint32) uint32 {
	p := m.bump
	m.bump += (n + 7) &^ 7
	return p
}

// cstr stores a NUL-terminated string.
func (m *fakeModule) cstr(s string) uint32 {
	p := m.alloc(uint32(len(s) + 1))
	m.mem.Write(p, append([]byte(s), 0))
	return p
}

func (m *fakeModule) u32(p uint32) uint32 { v, _ := m.mem.ReadUint32Le(p); return v }

func newFake() (*Env, *fakeModule) {
	m := &fakeModule{mem: make(fakeMemory, 1<<16), table: map[uint32]func(...uint64) uint64{}, bump: 16}
	return NewEnv(m), m
}

// invoke calls napi function name and fails the test on a bad status.
func invoke(t *testing.T, e *Env, name string, args ...uint64) {
	t.Helper()
	if st := e.Invoke(name, append([]uint64{EnvHandle}, args...)); st != StatusOK {
		t.Fatalf("%s: status %d", name, st)
	}
}

// make runs a napi function that writes a napi_value to its last
// argument and returns that value.
func makeValue(t *testing.T, e *Env, m *fakeModule, name string, args ...uint64) Value {
	t.Helper()
	out := m.alloc(4)
	invoke(t, e, name, append(args, uint64(out))...)
	v, ok := e.value(m.u32(out))
	if !ok {
		t.Fatalf("%s: no value", name)
	}
	return v
}

func TestPrimitives(t *testing.T) {
	e, m := newFake()
	e.enter()
	defer e.leave()
	s := m.cstr("héllo")
	tests := []struct {
		name string
		fn   string
		args []uint64
		want Value
	}{
		{"undefined", "napi_get_undefined", nil, Undefined{}},
		{"null", "napi_get_null", nil, Null{}},
		{"true", "napi_get_boolean", []uint64{1}, true},
		{"int32", "napi_create_int32", []uint64{uint64(uint32(0xFFFFFFFF))}, float64(-1)},
		{"uint32", "napi_create_uint32", []uint64{0xFFFFFFFF}, float64(4294967295)},
		{"int64", "napi_create_int64", []uint64{uint64(1 << 40)}, float64(1 << 40)},
		{"double", "napi_create_double", []uint64{math.Float64bits(2.5)}, 2.5},
		{"string auto length", "napi_create_string_utf8", []uint64{uint64(s), autoLength}, "héllo"},
		{"string length", "napi_create_string_utf8", []uint64{uint64(s), 2}, "h\xc3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := makeValue(t, e, m, tt.fn, tt.args...); got != tt.want {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
	// A missing result pointer is an invalid argument.
	if st := e.Invoke("napi_get_null", []uint64{EnvHandle, 0}); st != StatusInvalidArg {
		t.Errorf("napi_get_null(NULL) = %d, want invalid arg", st)
	}
}

func TestGetValues(t *testing.T) {
	e, m := newFake()
	e.enter()
	defer e.leave()
	num := e.handle(-7.9)
	str := e.handle("abcdef")
	out := m.alloc(8)

	invoke(t, e, "napi_get_value_double", uint64(num), uint64(out))
	if f := math.Float64frombits(binary.LittleEndian.Uint64(m.mem[out:])); f != -7.9 {
		t.Errorf("double = %v", f)
	}
	invoke(t, e, "napi_get_value_int32", uint64(num), uint64(out))
	if v := int32(m.u32(out)); v != -7 {
		t.Errorf("int32 = %d", v)
	}
	invoke(t, e, "napi_get_value_bool", uint64(e.handle(true)), uint64(out))
	if m.u32(out) != 1 {
		t.Errorf("bool = %d", m.u32(out))
	}
	// Type mismatches fail with the matching status.
	if st := e.Invoke("napi_get_value_double", []uint64{EnvHandle, uint64(str), uint64(out)}); st != StatusNumberExpected {
		t.Errorf("double of string: %d", st)
	}
	if st := e.Invoke("napi_get_value_bool", []uint64{EnvHandle, uint64(num), uint64(out)}); st != StatusBooleanExpected {
		t.Errorf("bool of number: %d", st)
	}
	if st := e.Invoke("napi_get_value_string_utf8", []uint64{EnvHandle, uint64(num), 0, 0, uint64(out)}); st != StatusStringExpected {
		t.Errorf("string of number: %d", st)
	}

	// The string protocol: length query, then a copy truncated to fit.
	invoke(t, e, "napi_get_value_string_utf8", uint64(str), 0, 0, uint64(out))
	if m.u32(out) != 6 {
		t.Errorf("length = %d", m.u32(out))
	}
	buf := m.alloc(4)
	invoke(t, e, "napi_get_value_string_utf8", uint64(str), uint64(buf), 4, uint64(out))
	if got := string(m.mem[buf : buf+4]); m.u32(out) != 3 || got != "abc\x00" {
		t.Errorf("copy = %q (%d)", got, m.u32(out))
	}

	// typeof and coercion.
	for v, want := range map[Value]ValueType{Undefined{}: TypeUndefined, Null{}: TypeNull, true: TypeBoolean, 1.0: TypeNumber, "s": TypeString, BigInt{1}: TypeBigInt} {
		invoke(t, e, "napi_typeof", uint64(e.handle(v)), uint64(out))
		if ValueType(m.u32(out)) != want {
			t.Errorf("typeof %#v = %d, want %d", v, m.u32(out), want)
		}
	}
	for v, want := range map[Value]string{BigInt{-12}: "-12", 3.0: "3", 0.5: "0.5", true: "true", Null{}: "null"} {
		if got := makeValue(t, e, m, "napi_coerce_to_string", uint64(e.handle(v))); got != want {
			t.Errorf("String(%#v) = %#v, want %q", v, got, want)
		}
	}
}

func TestBigIntWords(t *testing.T) {
	e, m := newFake()
	e.enter()
	defer e.leave()
	words := m.alloc(16)
	tests := []struct {
		sign  uint64
		words []uint64
		want  int64
		ok    bool
	}{
		{0, []uint64{42}, 42, true},
		{1, []uint64{42}, -42, true},
		{1, []uint64{1 << 63}, math.MinInt64, true},
		{0, nil, 0, true},
		{0, []uint64{1 << 63}, 0, false}, // beyond int64
		{0, []uint64{1, 1}, 0, false},    // two significant words
		{0, []uint64{5, 0}, 5, true},     // a zero high word
	}
	for _, tt := range tests {
		for i, w := range tt.words {
			binary.LittleEndian.PutUint64(m.mem[words+8*uint32(i):], w)
		}
		out := m.alloc(4)
		st := e.Invoke("napi_create_bigint_words", []uint64{EnvHandle, tt.sign, uint64(len(tt.words)), uint64(words), uint64(out)})
		if (st == StatusOK) != tt.ok {
			t.Errorf("%v: status %d", tt, st)
			continue
		}
		if v, _ := e.value(m.u32(out)); tt.ok && v != (BigInt{tt.want}) {
			t.Errorf("%v: got %#v", tt, v)
		}
	}
}

func TestObjectsAndArrays(t *testing.T) {
	e, m := newFake()
	e.enter()
	defer e.leave()
	obj := makeValue(t, e, m, "napi_create_object").(*Object)
	oh := e.handle(obj)
	invoke(t, e, "napi_set_named_property", uint64(oh), uint64(m.cstr("name")), uint64(e.handle("x")))
	if got := makeValue(t, e, m, "napi_get_named_property", uint64(oh), uint64(m.cstr("name"))); got != "x" {
		t.Errorf("name = %#v", got)
	}
	key := e.handle("k")
	invoke(t, e, "napi_set_property", uint64(oh), uint64(key), uint64(e.handle(1.0)))
	if got := makeValue(t, e, m, "napi_get_property", uint64(oh), uint64(key)); got != 1.0 {
		t.Errorf("k = %#v", got)
	}
	if got := makeValue(t, e, m, "napi_get_named_property", uint64(oh), uint64(m.cstr("absent"))); got != (Undefined{}) {
		t.Errorf("absent = %#v", got)
	}
	if st := e.Invoke("napi_set_named_property", []uint64{EnvHandle, uint64(e.handle(1.0)), uint64(m.cstr("a")), uint64(key)}); st != StatusObjectExpected {
		t.Errorf("set on number: %d", st)
	}

	arr := makeValue(t, e, m, "napi_create_array_with_length", 2).(*Object)
	ah := e.handle(arr)
	invoke(t, e, "napi_set_element", uint64(ah), 3, uint64(e.handle("d")))
	out := m.alloc(4)
	invoke(t, e, "napi_get_array_length", uint64(ah), uint64(out))
	if m.u32(out) != 4 {
		t.Errorf("length = %d", m.u32(out))
	}
	if got := makeValue(t, e, m, "napi_get_element", uint64(ah), 3); got != "d" {
		t.Errorf("arr[3] = %#v", got)
	}
	invoke(t, e, "napi_is_array", uint64(ah), uint64(out))
	if m.u32(out) != 1 {
		t.Error("array is not an array")
	}
	invoke(t, e, "napi_is_array", uint64(oh), uint64(out))
	if m.u32(out) != 0 {
		t.Error("object is an array")
	}
	if st := e.Invoke("napi_get_array_length", []uint64{EnvHandle, uint64(oh), uint64(out)}); st != StatusArrayExpected {
		t.Errorf("length of object: %d", st)
	}
	if got := makeValue(t, e, m, "napi_coerce_to_object", uint64(oh)); got != obj {
		t.Error("coerce_to_object changed an object")
	}
	if g := makeValue(t, e, m, "napi_get_global"); g != e.Global() {
		t.Error("global")
	}
}

func TestBuffers(t *testing.T) {
	e, m := newFake()
	data := m.alloc(3)
	m.mem.Write(data, []byte{1, 2, 250})
	freed := 0
	m.table[9] = func(args ...uint64) uint64 {
		if uint32(args[1]) != data {
			t.Errorf("finalizer data = %d, want %d", args[1], data)
		}
		freed++
		return 0
	}
	e.enter()
	ab := makeValue(t, e, m, "napi_create_external_arraybuffer", uint64(data), 3, 9, 0).(*ArrayBuffer)
	ta := makeValue(t, e, m, "napi_create_typedarray", uint64(Uint8Array), 2, uint64(e.handle(ab)), 1).(*TypedArray)
	if got := ta.Bytes(); len(got) != 2 || got[0] != 2 || got[1] != 250 {
		t.Errorf("bytes = %v", got)
	}
	th := e.handle(ta)
	if got := makeValue(t, e, m, "napi_get_named_property", uint64(th), uint64(m.cstr("length"))); got != 2.0 {
		t.Errorf("length = %#v", got)
	}
	if got := makeValue(t, e, m, "napi_get_element", uint64(th), 1); got != 250.0 {
		t.Errorf("[1] = %#v", got)
	}
	out := m.alloc(4)
	for _, fn := range []string{"napi_is_typedarray", "napi_is_buffer"} {
		invoke(t, e, fn, uint64(th), uint64(out))
		if m.u32(out) != 1 {
			t.Errorf("%s = 0", fn)
		}
		invoke(t, e, fn, uint64(e.handle(NewObject())), uint64(out))
		if m.u32(out) != 0 {
			t.Errorf("%s(object) = 1", fn)
		}
	}
	if st := e.Invoke("napi_create_typedarray", []uint64{EnvHandle, uint64(Uint8Array), 5, uint64(e.handle(ab)), 0, uint64(out)}); st != StatusPendingException {
		t.Errorf("overlong typed array: %d", st)
	}
	e.takeException()
	plain := makeValue(t, e, m, "napi_create_arraybuffer", 4, 0).(*ArrayBuffer)
	if len(plain.Data) != 4 {
		t.Errorf("arraybuffer length %d", len(plain.Data))
	}
	if st := e.Invoke("napi_create_arraybuffer", []uint64{EnvHandle, 4, uint64(out), uint64(out)}); st != StatusGenericFailure {
		t.Errorf("arraybuffer with data pointer: %d", st)
	}
	if freed != 0 {
		t.Error("finalizer ran during the call")
	}
	if err := e.leave(); err != nil {
		t.Fatal(err)
	}
	if freed != 1 {
		t.Errorf("finalizer ran %d times, want 1", freed)
	}
}
