package napi

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"
)

// desc is one napi_property_descriptor to write.
type desc struct {
	name                               string
	method, getter, value, attrs, data uint32
}

// descriptors writes an array of napi_property_descriptors and returns
// its address.
func descriptors(m *fakeModule, ds ...desc) uint32 {
	names := make([]uint32, len(ds))
	for i, d := range ds {
		names[i] = m.cstr(d.name)
	}
	p := m.alloc(sizeofPropertyDescriptor * uint32(len(ds)))
	for i, d := range ds {
		at := p + sizeofPropertyDescriptor*uint32(i)
		for j, f := range []uint32{names[i], 0, d.method, d.getter, 0, d.value, d.attrs, d.data} {
			binary.LittleEndian.PutUint32(m.mem[at+4*uint32(j):], f)
		}
	}
	return p
}

// cbInfo reads this and the first argument of the running callback.
func cbInfo(t *testing.T, e *Env, m *fakeModule, info uint64) (this, arg0 Value, argc, data uint32) {
	t.Helper()
	argcP, argv, thisP, dataP := m.alloc(4), m.alloc(8), m.alloc(4), m.alloc(4)
	m.mem.WriteUint32Le(argcP, 2)
	invoke(t, e, "napi_get_cb_info", info, uint64(argcP), uint64(argv), uint64(thisP), uint64(dataP))
	this, _ = e.value(m.u32(thisP))
	arg0, _ = e.value(m.u32(argv))
	return this, arg0, m.u32(argcP), m.u32(dataP)
}

// TestClass defines a class as napi-rs does (constructor wrapping a
// native pointer, a method unwrapping it, a getter, a static value) and
// drives it from Go.
func TestClass(t *testing.T) {
	e, m := newFake()
	const (
		ctorIdx, methodIdx, getterIdx, finIdx, throwIdx = 1, 2, 3, 4, 5
		native                                          = 0x1234
	)
	finalized := 0
	m.table[ctorIdx] = func(a ...uint64) uint64 {
		this, arg0, argc, data := cbInfo(t, e, m, a[1])
		if argc != 1 || arg0 != "db.file" || data != 77 {
			t.Errorf("constructor got argc=%d arg0=%#v data=%d", argc, arg0, data)
		}
		invoke(t, e, "napi_wrap", uint64(e.handle(this)), native, finIdx, 0, 0)
		return 0
	}
	m.table[methodIdx] = func(a ...uint64) uint64 {
		this, arg0, _, _ := cbInfo(t, e, m, a[1])
		out := m.alloc(4)
		invoke(t, e, "napi_unwrap", uint64(e.handle(this)), uint64(out))
		if m.u32(out) != native {
			t.Errorf("unwrap = %#x", m.u32(out))
		}
		f, _ := arg0.(float64)
		res := m.alloc(4)
		invoke(t, e, "napi_create_double", math.Float64bits(f*2), uint64(res))
		return uint64(m.u32(res))
	}
	m.table[getterIdx] = func(a ...uint64) uint64 {
		res := m.alloc(4)
		invoke(t, e, "napi_get_boolean", 1, uint64(res))
		return uint64(m.u32(res))
	}
	m.table[finIdx] = func(a ...uint64) uint64 {
		if a[1] != native {
			t.Errorf("finalizer data %#x", a[1])
		}
		finalized++
		return 0
	}
	m.table[throwIdx] = func(a ...uint64) uint64 {
		invoke(t, e, "napi_throw_error", uint64(m.cstr("GenericFailure")), uint64(m.cstr("step failed: boom")))
		return 0
	}

	e.enter()
	static := e.handle(3.0)
	props := descriptors(m,
		desc{name: "double", method: methodIdx},
		desc{name: "open", getter: getterIdx},
		desc{name: "VERSION", value: static, attrs: propertyStatic},
		desc{name: "fail", method: throwIdx})
	cls := makeValue(t, e, m, "napi_define_class", uint64(m.cstr("Database")), autoLength, ctorIdx, 77, 4, uint64(props)).(*Function)
	if err := e.leave(); err != nil {
		t.Fatal(err)
	}
	if cls.Name != "Database" || cls.Get("VERSION") != 3.0 || cls.Prototype.Get("VERSION") != (Undefined{}) {
		t.Fatalf("class %q, static %#v", cls.Name, cls.Get("VERSION"))
	}

	obj, err := e.New(cls, "db.file")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.CallMethod(obj, "double", 21.0); err != nil || got != 42.0 {
		t.Errorf("double(21) = %#v, %v", got, err)
	}
	if got, err := e.Get(obj, "open"); err != nil || got != true {
		t.Errorf("open = %#v, %v", got, err)
	}
	_, err = e.CallMethod(obj, "fail")
	var x *Exception
	if !errors.As(err, &x) || x.Message() != "step failed: boom" || x.Code() != "GenericFailure" {
		t.Errorf("fail() = %v", err)
	}
	if _, err := e.CallMethod(obj, "absent"); err == nil {
		t.Error("calling a missing method succeeded")
	}
	if e.hasPending {
		t.Error("exception still pending")
	}
	if err := e.Release(obj); err != nil || finalized != 1 {
		t.Errorf("Release: %v, finalized %d", err, finalized)
	}
	if err := e.Release(obj); err != nil || finalized != 1 {
		t.Errorf("second Release: %v, finalized %d", err, finalized)
	}
}

// TestNewInstanceAndFunctions creates an instance from inside a callback
// (as napi-rs returns class instances) and calls functions both ways.
func TestNewInstanceAndFunctions(t *testing.T) {
	e, m := newFake()
	ctor := &Function{Name: "Stmt", Prototype: NewObject(), Go: func(this Value, args []Value) (Value, error) {
		this.(*Object).Set("arg", args[0])
		return Undefined{}, nil
	}}
	failing := &Function{Name: "f", Go: func(Value, []Value) (Value, error) { return nil, errors.New("go failure") }}
	m.table[1] = func(a ...uint64) uint64 {
		argv := m.alloc(4)
		m.mem.WriteUint32Le(argv, e.handle("sql"))
		out := m.alloc(4)
		invoke(t, e, "napi_new_instance", uint64(e.handle(ctor)), 1, uint64(argv), uint64(out))
		inst, _ := e.value(m.u32(out))
		if o, ok := inst.(*Object); !ok || o.Proto != ctor.Prototype || o.Get("arg") != "sql" {
			t.Errorf("instance %#v", inst)
		}
		st := e.Invoke("napi_call_function", []uint64{EnvHandle, uint64(e.handle(Undefined{})), uint64(e.handle(failing)), 0, 0, uint64(out)})
		if st != StatusPendingException {
			t.Errorf("call of failing function: %d", st)
		}
		pending := m.alloc(4)
		invoke(t, e, "napi_is_exception_pending", uint64(pending))
		if m.u32(pending) != 1 {
			t.Error("no pending exception")
		}
		invoke(t, e, "napi_get_and_clear_last_exception", uint64(out))
		if v, _ := e.value(m.u32(out)); coerceToString(v) != "Error: go failure" {
			t.Errorf("exception %#v", v)
		}
		return uint64(e.handle("done"))
	}
	fnv := Value(nil)
	e.enter()
	fnv = makeValue(t, e, m, "napi_create_function", uint64(m.cstr("run")), autoLength, 1, 0)
	e.leave()
	if got, err := e.Call(fnv.(*Function), Undefined{}); err != nil || got != "done" {
		t.Errorf("run() = %#v, %v", got, err)
	}
}

func TestReferencesAndErrors(t *testing.T) {
	e, m := newFake()
	e.enter()
	defer e.leave()
	obj := NewObject()
	out := m.alloc(4)
	invoke(t, e, "napi_create_reference", uint64(e.handle(obj)), 1, uint64(out))
	ref := m.u32(out)
	invoke(t, e, "napi_reference_unref", uint64(ref), uint64(out))
	if m.u32(out) != 0 {
		t.Errorf("count = %d", m.u32(out))
	}
	if st := e.Invoke("napi_reference_unref", []uint64{EnvHandle, uint64(ref), uint64(out)}); st != StatusGenericFailure {
		t.Errorf("unref below zero: %d", st)
	}
	if got := makeValue(t, e, m, "napi_get_reference_value", uint64(ref)); got != obj {
		t.Error("reference lost its value")
	}
	invoke(t, e, "napi_delete_reference", uint64(ref))
	if st := e.Invoke("napi_get_reference_value", []uint64{EnvHandle, uint64(ref), uint64(out)}); st != StatusInvalidArg {
		t.Errorf("deleted reference: %d", st)
	}

	errv := makeValue(t, e, m, "napi_create_error", uint64(e.handle("E_CODE")), uint64(e.handle("bad")))
	invoke(t, e, "napi_is_error", uint64(e.handle(errv)), uint64(out))
	if m.u32(out) != 1 {
		t.Error("created error is not an error")
	}
	invoke(t, e, "napi_throw", uint64(e.handle(errv)))
	x, ok := e.takeException().(*Exception)
	if !ok || x.Error() != "bad (E_CODE)" {
		t.Errorf("thrown %v", x)
	}
	if st := e.Invoke("napi_create_error", []uint64{EnvHandle, 0, uint64(e.handle(1.0)), uint64(out)}); st != StatusStringExpected {
		t.Errorf("error with number message: %d", st)
	}
	// An object's finalizer from napi_add_finalizer runs on Release.
	ran := false
	m.table[7] = func(...uint64) uint64 { ran = true; return 0 }
	invoke(t, e, "napi_add_finalizer", uint64(e.handle(obj)), 5, 7, 0, 0)
	// Missing functions are reported, not run.
	if st := e.Invoke("napi_open_handle_scope", nil); st != StatusGenericFailure || e.Missing()["napi_open_handle_scope"] != 1 {
		t.Errorf("missing function: %d %v", st, e.Missing())
	}
	e.leave()
	e.Release(obj)
	e.enter()
	if !ran {
		t.Error("finalizer did not run")
	}
}

// TestAsync covers promises, async work and thread-safe functions: all
// complete after the call that started them returns.
func TestAsync(t *testing.T) {
	e, m := newFake()
	var order []string
	var deferred uint32
	m.table[1] = func(a ...uint64) uint64 { order = append(order, "execute"); return 0 }
	m.table[2] = func(a ...uint64) uint64 {
		order = append(order, "complete")
		invoke(t, e, "napi_resolve_deferred", uint64(deferred), uint64(e.handle("ok")))
		return 0
	}
	m.table[3] = func(a ...uint64) uint64 {
		order = append(order, "call_js")
		if a[3] != 99 {
			t.Errorf("tsfn data %d", a[3])
		}
		return 0
	}
	var promise *Promise
	m.table[4] = func(a ...uint64) uint64 {
		dp, out := m.alloc(4), m.alloc(4)
		invoke(t, e, "napi_create_promise", uint64(dp), uint64(out))
		deferred = m.u32(dp)
		v, _ := e.value(m.u32(out))
		promise = v.(*Promise)
		invoke(t, e, "napi_create_async_work", 0, 0, 1, 2, 0, uint64(out))
		work := m.u32(out)
		invoke(t, e, "napi_queue_async_work", uint64(work))
		invoke(t, e, "napi_create_threadsafe_function", 0, 0, 0, 0, 1, 0, 0, 0, 3, uint64(out))
		tsfn := m.u32(out)
		if st := e.Invoke("napi_call_threadsafe_function", []uint64{uint64(tsfn), 99, 0}); st != StatusOK {
			t.Errorf("call tsfn: %d", st)
		}
		invoke(t, e, "napi_unref_threadsafe_function", uint64(tsfn))
		invoke(t, e, "napi_delete_async_work", uint64(work))
		order = append(order, "returned")
		return uint64(e.handle(promise))
	}
	fn := &Function{Callback: 4}
	if _, err := e.Call(fn, Undefined{}); err != nil {
		t.Fatal(err)
	}
	want := []string{"returned", "execute", "complete", "call_js"}
	if len(order) != len(want) {
		t.Fatalf("order %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order %v, want %v", order, want)
		}
	}
	if !promise.Settled || promise.Rejected || promise.Result != "ok" {
		t.Errorf("promise %+v", promise)
	}
	e.enter()
	defer e.leave()
	if st := e.Invoke("napi_queue_async_work", []uint64{EnvHandle, 12345}); st != StatusInvalidArg {
		t.Errorf("queue unknown work: %d", st)
	}
	if st := e.Invoke("napi_reject_deferred", []uint64{EnvHandle, uint64(deferred), uint64(e.handle(1.0))}); st != StatusInvalidArg {
		t.Errorf("settling twice: %d", st)
	}
}

func TestDefinePropertiesOnObject(t *testing.T) {
	e, m := newFake()
	e.enter()
	defer e.leave()
	obj := NewObject()
	p := descriptors(m, desc{name: "0", value: e.handle("v")})
	invoke(t, e, "napi_define_properties", uint64(e.handle(obj)), 1, uint64(p))
	if obj.Get("0") != "v" {
		t.Errorf("property 0 = %#v", obj.Get("0"))
	}
	if st := e.Invoke("napi_define_properties", []uint64{EnvHandle, uint64(e.handle(1.0)), 1, uint64(p)}); st != StatusObjectExpected {
		t.Errorf("define on number: %d", st)
	}
}

// TestImportsCovered checks that every function the host provides is one
// the Turso module imports, and the reverse, so the list stays exact.
func TestImportsCovered(t *testing.T) {
	if got := len(Imports()); got != 61 {
		t.Errorf("host provides %d functions, the module imports 61", got)
	}
}
