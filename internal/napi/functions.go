package napi

import (
	"math"
	"strconv"
)

// hostFunc is one napi_* function: it reads its arguments from the raw
// wasm stack and returns a napi_status.
type hostFunc func(e *Env, a []uint64) Status

// autoLength is NAPI_AUTO_LENGTH on wasm32: the string is NUL-terminated.
const autoLength = 0xFFFFFFFF

// propertyStatic is napi_static in napi_property_attributes.
const propertyStatic = 1 << 10

// sizeofPropertyDescriptor is sizeof(napi_property_descriptor) on wasm32:
// utf8name, name, method, getter, setter, value, attributes, data.
const sizeofPropertyDescriptor = 32

// Functions maps each Node-API function the host provides to its
// implementation.
var functions = map[string]hostFunc{
	// Singletons and primitives.
	"napi_get_undefined": func(e *Env, a []uint64) Status { return e.setResult(a[1], Undefined{}) },
	"napi_get_null":      func(e *Env, a []uint64) Status { return e.setResult(a[1], Null{}) },
	"napi_get_global":    func(e *Env, a []uint64) Status { return e.setResult(a[1], e.global) },
	"napi_get_boolean":   func(e *Env, a []uint64) Status { return e.setResult(a[2], uint32(a[1]) != 0) },
	"napi_create_int32":  func(e *Env, a []uint64) Status { return e.setResult(a[2], number(float64(int32(a[1])))) },
	"napi_create_uint32": func(e *Env, a []uint64) Status { return e.setResult(a[2], number(float64(uint32(a[1])))) },
	"napi_create_int64":  func(e *Env, a []uint64) Status { return e.setResult(a[2], number(float64(int64(a[1])))) },
	"napi_create_double": func(e *Env, a []uint64) Status { return e.setResult(a[2], number(math.Float64frombits(a[1]))) },
	"napi_create_bigint_words": func(e *Env, a []uint64) Status {
		return e.createBigIntWords(uint32(a[1]), uint32(a[2]), uint32(a[3]), a[4])
	},
	"napi_create_string_utf8": func(e *Env, a []uint64) Status {
		s, ok := e.readString(uint32(a[1]), uint32(a[2]))
		if !ok {
			return StatusInvalidArg
		}
		return e.setResult(a[3], s)
	},
	"napi_get_value_bool": func(e *Env, a []uint64) Status {
		v, ok := e.value(uint32(a[1]))
		b, isBool := v.(bool)
		if !ok || !isBool {
			return StatusBooleanExpected
		}
		return e.writeU32(a[2], uint32(b2u(b)))
	},
	"napi_get_value_double": func(e *Env, a []uint64) Status {
		f, st := e.number(a[1])
		if st != StatusOK {
			return st
		}
		return e.writeU64(a[2], math.Float64bits(f))
	},
	"napi_get_value_int32": func(e *Env, a []uint64) Status {
		f, st := e.number(a[1])
		if st != StatusOK {
			return st
		}
		return e.writeU32(a[2], uint32(toInt32(f)))
	},
	"napi_get_value_uint32": func(e *Env, a []uint64) Status {
		f, st := e.number(a[1])
		if st != StatusOK {
			return st
		}
		return e.writeU32(a[2], uint32(toInt32(f)))
	},
	"napi_get_value_string_utf8": func(e *Env, a []uint64) Status {
		v, ok := e.value(uint32(a[1]))
		s, isStr := v.(string)
		if !ok || !isStr {
			return StatusStringExpected
		}
		return e.copyString(s, uint32(a[2]), uint32(a[3]), uint32(a[4]))
	},
	"napi_typeof": func(e *Env, a []uint64) Status {
		v, ok := e.value(uint32(a[1]))
		if !ok {
			return StatusInvalidArg
		}
		return e.writeU32(a[2], uint32(TypeOf(v)))
	},
	"napi_coerce_to_string": func(e *Env, a []uint64) Status {
		v, ok := e.value(uint32(a[1]))
		if !ok {
			return StatusInvalidArg
		}
		return e.setResult(a[2], coerceToString(v))
	},
	"napi_coerce_to_object": func(e *Env, a []uint64) Status {
		v, ok := e.value(uint32(a[1]))
		if !ok {
			return StatusInvalidArg
		}
		if _, isObj := v.(object); isObj {
			return e.setResult(a[2], v)
		}
		switch v.(type) {
		case nil, Undefined, Null:
			e.throw(NewError("", "Cannot convert undefined or null to object"))
			return StatusPendingException
		}
		box := NewObject()
		box.Set("valueOf", v)
		return e.setResult(a[2], box)
	},

	// Objects and properties.
	"napi_create_object": func(e *Env, a []uint64) Status { return e.setResult(a[1], NewObject()) },
	"napi_set_named_property": func(e *Env, a []uint64) Status {
		name, ok := e.readString(uint32(a[2]), autoLength)
		if !ok {
			return StatusInvalidArg
		}
		return e.setProperty(a[1], name, a[3])
	},
	"napi_get_named_property": func(e *Env, a []uint64) Status {
		name, ok := e.readString(uint32(a[2]), autoLength)
		if !ok {
			return StatusInvalidArg
		}
		return e.getPropertyInto(a[1], name, a[3])
	},
	"napi_set_property": func(e *Env, a []uint64) Status {
		key, ok := e.value(uint32(a[2]))
		if !ok {
			return StatusInvalidArg
		}
		return e.setProperty(a[1], coerceToString(key), a[3])
	},
	"napi_get_property": func(e *Env, a []uint64) Status {
		key, ok := e.value(uint32(a[2]))
		if !ok {
			return StatusInvalidArg
		}
		return e.getPropertyInto(a[1], coerceToString(key), a[3])
	},
	"napi_set_element": func(e *Env, a []uint64) Status {
		// An array's elements, as a row's, without a property name.
		if o, ok := e.array(a[1]); ok {
			v, vok := e.value(uint32(a[3]))
			if !vok {
				return StatusObjectExpected
			}
			o.SetElement(int(uint32(a[2])), v)
			return StatusOK
		}
		return e.setProperty(a[1], strconv.FormatUint(uint64(uint32(a[2])), 10), a[3])
	},
	"napi_get_element": func(e *Env, a []uint64) Status {
		// A typed array directly: the module binds a blob one element at
		// a time.
		v, _ := e.value(uint32(a[1]))
		if t, ok := v.(*TypedArray); ok {
			return e.setResult(a[3], t.Element(int(uint32(a[2]))))
		}
		if o, ok := e.array(a[1]); ok {
			return e.setResult(a[3], o.Element(int(uint32(a[2]))))
		}
		return e.getPropertyInto(a[1], strconv.FormatUint(uint64(uint32(a[2])), 10), a[3])
	},
	"napi_define_properties": func(e *Env, a []uint64) Status {
		v, ok := e.value(uint32(a[1]))
		o, isObj := v.(object)
		if !ok || !isObj {
			return StatusObjectExpected
		}
		return e.defineProperties(o.base(), nil, uint32(a[2]), uint32(a[3]))
	},

	// Arrays.
	"napi_create_array_with_length": func(e *Env, a []uint64) Status {
		return e.setResult(a[2], newArray(int(uint32(a[1]))))
	},
	"napi_is_array": func(e *Env, a []uint64) Status {
		v, ok := e.value(uint32(a[1]))
		if !ok {
			return StatusInvalidArg
		}
		o, isObj := v.(*Object)
		return e.writeU32(a[2], uint32(b2u(isObj && o.IsArray)))
	},
	"napi_get_array_length": func(e *Env, a []uint64) Status {
		v, ok := e.value(uint32(a[1]))
		o, isObj := v.(*Object)
		if !ok || !isObj || !o.IsArray {
			return StatusArrayExpected
		}
		return e.writeU32(a[2], uint32(len(o.Elements)))
	},

	// Buffers.
	"napi_create_arraybuffer": func(e *Env, a []uint64) Status {
		// Handing the module a pointer into an ArrayBuffer would need the
		// buffer to live in wasm memory; napi-rs asks for one only when
		// external buffers are refused, which this host never does.
		if uint32(a[2]) != 0 {
			return StatusGenericFailure
		}
		return e.setResult(a[3], &ArrayBuffer{Data: make([]byte, int(uint32(a[1])))})
	},
	"napi_create_external_arraybuffer": func(e *Env, a []uint64) Status {
		return e.createExternalArrayBuffer(uint32(a[1]), uint32(a[2]), uint32(a[3]), uint32(a[4]), a[5])
	},
	"napi_create_typedarray": func(e *Env, a []uint64) Status {
		return e.createTypedArray(TypedArrayType(uint32(a[1])), int(uint32(a[2])), a[3], int(uint32(a[4])), a[5])
	},
	"napi_is_typedarray": func(e *Env, a []uint64) Status {
		v, ok := e.value(uint32(a[1]))
		if !ok {
			return StatusInvalidArg
		}
		_, is := v.(*TypedArray)
		return e.writeU32(a[2], uint32(b2u(is)))
	},
	// A Buffer is a Uint8Array in Node.js; emnapi without a Buffer
	// polyfill, like this host, reports Uint8Arrays as buffers.
	"napi_is_buffer": func(e *Env, a []uint64) Status {
		v, ok := e.value(uint32(a[1]))
		if !ok {
			return StatusInvalidArg
		}
		t, is := v.(*TypedArray)
		return e.writeU32(a[2], uint32(b2u(is && t.Type == Uint8Array)))
	},

	// Functions and classes.
	"napi_create_function": func(e *Env, a []uint64) Status {
		name, ok := e.readString(uint32(a[1]), uint32(a[2]))
		if !ok {
			return StatusInvalidArg
		}
		return e.setResult(a[5], &Function{Name: name, Callback: uint32(a[3]), Data: uint32(a[4])})
	},
	"napi_define_class": func(e *Env, a []uint64) Status {
		return e.defineClass(uint32(a[1]), uint32(a[2]), uint32(a[3]), uint32(a[4]), uint32(a[5]), uint32(a[6]), a[7])
	},
	"napi_get_cb_info": func(e *Env, a []uint64) Status {
		return e.getCbInfo(uint32(a[1]), uint32(a[2]), uint32(a[3]), uint32(a[4]), uint32(a[5]))
	},
	"napi_call_function": func(e *Env, a []uint64) Status {
		return e.callFunction(a[1], a[2], uint32(a[3]), uint32(a[4]), a[5])
	},
	"napi_new_instance": func(e *Env, a []uint64) Status {
		return e.newInstance(a[1], uint32(a[2]), uint32(a[3]), a[4])
	},
	"napi_wrap": func(e *Env, a []uint64) Status {
		return e.wrap(a[1], uint32(a[2]), uint32(a[3]), uint32(a[4]), uint32(a[5]))
	},
	"napi_unwrap": func(e *Env, a []uint64) Status {
		v, ok := e.value(uint32(a[1]))
		o, isObj := v.(object)
		if !ok || !isObj {
			return StatusObjectExpected
		}
		ptr, wrapped := o.base().Native()
		if !wrapped {
			return StatusInvalidArg
		}
		return e.writeU32(a[2], ptr)
	},
	"napi_add_finalizer": func(e *Env, a []uint64) Status {
		v, ok := e.value(uint32(a[1]))
		o, isObj := v.(object)
		if !ok || !isObj {
			return StatusObjectExpected
		}
		b := o.base()
		b.finalizers = append(b.finalizers, finalizer{cb: uint32(a[3]), data: uint32(a[2]), hint: uint32(a[4])})
		if uint32(a[5]) != 0 {
			return e.writeU32(a[5], e.newRef(v, 0))
		}
		return StatusOK
	},

	// References.
	"napi_create_reference": func(e *Env, a []uint64) Status {
		v, ok := e.value(uint32(a[1]))
		if !ok {
			return StatusInvalidArg
		}
		return e.writeU32(a[3], e.newRef(v, uint32(a[2])))
	},
	"napi_delete_reference": func(e *Env, a []uint64) Status {
		if _, ok := e.refs[uint32(a[1])]; !ok {
			return StatusInvalidArg
		}
		delete(e.refs, uint32(a[1]))
		return StatusOK
	},
	"napi_reference_unref": func(e *Env, a []uint64) Status {
		r, ok := e.refs[uint32(a[1])]
		if !ok || r.count == 0 {
			return StatusGenericFailure
		}
		r.count--
		if uint32(a[2]) != 0 {
			return e.writeU32(a[2], r.count)
		}
		return StatusOK
	},
	"napi_get_reference_value": func(e *Env, a []uint64) Status {
		r, ok := e.refs[uint32(a[1])]
		if !ok {
			return StatusInvalidArg
		}
		return e.setResult(a[2], r.value)
	},

	// Errors and exceptions.
	"napi_create_error": func(e *Env, a []uint64) Status {
		code, _ := e.value(uint32(a[1]))
		msg, ok := e.value(uint32(a[2]))
		s, isStr := msg.(string)
		if !ok || !isStr {
			return StatusStringExpected
		}
		o := NewError("", s)
		if c, isStr := code.(string); isStr {
			o.Set("code", c)
		}
		return e.setResult(a[3], o)
	},
	"napi_throw_error": func(e *Env, a []uint64) Status {
		msg, ok := e.readString(uint32(a[2]), autoLength)
		if !ok {
			return StatusInvalidArg
		}
		code := ""
		if uint32(a[1]) != 0 {
			code, _ = e.readString(uint32(a[1]), autoLength)
		}
		e.throw(NewError(code, msg))
		return StatusOK
	},
	"napi_throw": func(e *Env, a []uint64) Status {
		v, ok := e.value(uint32(a[1]))
		if !ok {
			return StatusInvalidArg
		}
		e.throw(v)
		return StatusOK
	},
	"napi_is_error": func(e *Env, a []uint64) Status {
		v, ok := e.value(uint32(a[1]))
		if !ok {
			return StatusInvalidArg
		}
		o, isObj := v.(*Object)
		return e.writeU32(a[2], uint32(b2u(isObj && o.IsError)))
	},
	"napi_is_exception_pending": func(e *Env, a []uint64) Status {
		return e.writeU32(a[1], uint32(b2u(e.hasPending)))
	},
	"napi_get_and_clear_last_exception": func(e *Env, a []uint64) Status {
		v := Value(Undefined{})
		if e.hasPending {
			v = e.pending
			e.pending, e.hasPending = nil, false
		}
		return e.setResult(a[1], v)
	},

	// Promises, async work and thread-safe functions.
	"napi_create_promise": func(e *Env, a []uint64) Status {
		p := &Promise{}
		if st := e.writeU32(a[1], e.newRef(p, 1)); st != StatusOK {
			return st
		}
		return e.setResult(a[2], p)
	},
	"napi_resolve_deferred": func(e *Env, a []uint64) Status { return e.settle(uint32(a[1]), a[2], false) },
	"napi_reject_deferred":  func(e *Env, a []uint64) Status { return e.settle(uint32(a[1]), a[2], true) },
	"napi_create_async_work": func(e *Env, a []uint64) Status {
		return e.createAsyncWork(uint32(a[3]), uint32(a[4]), uint32(a[5]), uint32(a[6]))
	},
	"napi_queue_async_work":  func(e *Env, a []uint64) Status { return e.queueAsyncWork(uint32(a[1])) },
	"napi_delete_async_work": func(e *Env, a []uint64) Status { return e.deleteAsyncWork(uint32(a[1])) },
	"napi_create_threadsafe_function": func(e *Env, a []uint64) Status {
		return e.createThreadsafeFunction(a[1], uint32(a[7]), uint32(a[8]), uint32(a[9]), uint32(a[10]))
	},
	"napi_call_threadsafe_function": func(e *Env, a []uint64) Status {
		return e.callThreadsafeFunction(uint32(a[0]), uint32(a[1]))
	},
	"napi_unref_threadsafe_function": func(e *Env, a []uint64) Status {
		if _, ok := e.tsfns[uint32(a[1])]; !ok {
			return StatusInvalidArg
		}
		return StatusOK
	},
}

// Imports lists the Node-API functions the host provides.
func Imports() []string {
	names := make([]string, 0, len(functions))
	for n := range functions {
		names = append(names, n)
	}
	return names
}

// number returns f as a Value, without allocating for a small one (see
// smallNumber): step results, lengths and small values are these.
func number(f float64) Value {
	if f >= 0 && f < 256 && f == math.Trunc(f) && !(f == 0 && math.Signbit(f)) {
		return smallNumber(uint8(f))
	}
	return f
}

// smallArray is an array with room for its elements in one allocation:
// the arrays of a result row are short.
type smallArray struct {
	Object
	buf [8]Value
}

// newArray returns an array of n elements (undefined).
func newArray(n int) *Object {
	if n <= len(smallArray{}.buf) {
		a := &smallArray{}
		a.IsArray = true
		a.Elements = a.buf[:n]
		return &a.Object
	}
	return &Object{IsArray: true, Elements: make([]Value, n)}
}

// array returns the array napi_value h holds.
func (e *Env) array(h uint64) (*Object, bool) {
	v, _ := e.value(uint32(h))
	o, ok := v.(*Object)
	return o, ok && o.IsArray
}

// Function returns Node-API function name bound to e: what Invoke(name,
// args) does, looked up once, for a host module to call per import.
func (e *Env) Function(name string) func(args []uint64) Status {
	f, ok := functions[name]
	if !ok {
		return func([]uint64) Status {
			e.missing[name]++
			return StatusGenericFailure
		}
	}
	return func(args []uint64) Status { return f(e, args) }
}

// Invoke runs Node-API function name with the raw wasm arguments args
// and returns its napi_status: the entry point of the host module. An
// unknown name fails with napi_generic_failure and is counted (Missing).
func (e *Env) Invoke(name string, args []uint64) Status {
	f, ok := functions[name]
	if !ok {
		e.missing[name]++
		return StatusGenericFailure
	}
	return f(e, args)
}

func b2u(b bool) int {
	if b {
		return 1
	}
	return 0
}

// toInt32 converts a number as JavaScript's ToInt32 does.
func toInt32(f float64) int32 {
	// Integers that fit need no modulo (the bytes of a blob, indexes).
	if f >= 0 && f < 4294967296 && f == math.Trunc(f) {
		return int32(uint32(f))
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return int32(uint32(int64(math.Mod(math.Trunc(f), 4294967296))))
}
