// Package napi is a small Node-API host: it runs the napi_* functions a
// WebAssembly module built with napi-rs imports, keeping the JavaScript
// values those functions create (objects, classes, strings, numbers,
// bigints, typed arrays, errors) as Go values.
//
// It implements only the functions the Turso engine's wasm build imports
// (see Imports), with the semantics napi-rs relies on. There is no
// JavaScript engine: values are plain Go data, functions are either Go
// functions or callbacks into the module's function table, and the Go side
// drives the module by constructing classes and calling methods (New,
// CallMethod).
package napi

import (
	"math"
	"strconv"
	"unsafe"
)

// Value is a JavaScript value: Undefined, Null, bool, float64 (a number),
// string, BigInt, or a pointer to Object, Function, ArrayBuffer,
// TypedArray or Promise.
type Value any

// Undefined is JavaScript's undefined.
type Undefined struct{}

// Null is JavaScript's null.
type Null struct{}

// BigInt is a JavaScript BigInt within the signed 64-bit range (the range
// napi-rs creates and reads).
type BigInt struct{ Int int64 }

// ValueType is napi_valuetype, the result of typeof.
type ValueType uint32

// The napi_valuetype values.
const (
	TypeUndefined ValueType = 0
	TypeNull      ValueType = 1
	TypeBoolean   ValueType = 2
	TypeNumber    ValueType = 3
	TypeString    ValueType = 4
	TypeSymbol    ValueType = 5
	TypeObject    ValueType = 6
	TypeFunction  ValueType = 7
	TypeExternal  ValueType = 8
	TypeBigInt    ValueType = 9
)

// TypeOf returns the napi_valuetype of v.
func TypeOf(v Value) ValueType {
	switch v.(type) {
	case nil, Undefined:
		return TypeUndefined
	case Null:
		return TypeNull
	case bool:
		return TypeBoolean
	case float64:
		return TypeNumber
	case string:
		return TypeString
	case BigInt:
		return TypeBigInt
	case *Function:
		return TypeFunction
	}
	return TypeObject
}

// property is one own property of an object: a value, or accessors.
type property struct {
	value          Value
	getter, setter *Function
}

// Object is a JavaScript object. Arrays are objects with IsArray set and
// their elements in Elements; errors have IsError set.
type Object struct {
	props map[string]*property
	keys  []string
	// Proto is the prototype, consulted when a property is not own.
	Proto *Object
	// IsArray and Elements describe an array.
	IsArray  bool
	Elements []Value
	// IsError marks an Error object (napi_create_error, napi_throw_error).
	IsError bool
	// native is the pointer napi_wrap attached, valid when wrapped is set.
	native  uint32
	wrapped bool
	// finalizers run when the Go side releases the object (Env.Release).
	finalizers []finalizer
}

// NewObject returns an empty object.
func NewObject() *Object { return &Object{} }

// NewArray returns an array holding elems.
func NewArray(elems ...Value) *Object { return &Object{IsArray: true, Elements: elems} }

// object is implemented by every object-like value.
type object interface{ base() *Object }

func (o *Object) base() *Object { return o }

// own returns o's own property name, or nil.
func (o *Object) own(name string) *property {
	if o.props == nil {
		return nil
	}
	return o.props[name]
}

// lookup finds a property along the prototype chain.
func (o *Object) lookup(name string) *property {
	for p := o; p != nil; p = p.Proto {
		if prop := p.own(name); prop != nil {
			return prop
		}
	}
	return nil
}

// Set sets own property name to v.
func (o *Object) Set(name string, v Value) {
	if o.IsArray {
		if i, err := strconv.Atoi(name); err == nil && i >= 0 {
			o.SetElement(i, v)
			return
		}
	}
	if p := o.own(name); p != nil {
		p.value, p.getter, p.setter = v, nil, nil
		return
	}
	o.define(name, &property{value: v})
}

// define adds or replaces own property name.
func (o *Object) define(name string, p *property) {
	if o.props == nil {
		o.props = map[string]*property{}
	}
	if _, ok := o.props[name]; !ok {
		o.keys = append(o.keys, name)
	}
	o.props[name] = p
}

// Get returns the data property name (own or inherited), or Undefined. An
// accessor property yields its getter as a *Function in getter; callers
// that run code use Env.Get instead.
func (o *Object) Get(name string) Value {
	if o.IsArray {
		if name == "length" {
			return float64(len(o.Elements))
		}
		if i, err := strconv.Atoi(name); err == nil && i >= 0 {
			return o.Element(i)
		}
	}
	if p := o.lookup(name); p != nil && p.getter == nil {
		return p.value
	}
	return Undefined{}
}

// Keys returns the own property names in creation order.
func (o *Object) Keys() []string { return append([]string(nil), o.keys...) }

// Element returns element i of an array, or Undefined.
func (o *Object) Element(i int) Value {
	if i < len(o.Elements) && o.Elements[i] != nil {
		return o.Elements[i]
	}
	return Undefined{}
}

// SetElement sets element i, growing the array as needed.
func (o *Object) SetElement(i int, v Value) {
	for len(o.Elements) <= i {
		o.Elements = append(o.Elements, Undefined{})
	}
	o.Elements[i] = v
}

// Native returns the pointer napi_wrap attached to o.
func (o *Object) Native() (ptr uint32, ok bool) { return o.native, o.wrapped }

// GoFunc is a function implemented in Go, callable from the module.
type GoFunc func(this Value, args []Value) (Value, error)

// Function is a JavaScript function: a napi_callback in the module's
// function table (Callback, with Data passed back to it) or a Go function.
// A function made by napi_define_class is a class: Prototype holds its
// methods.
type Function struct {
	Object
	Name     string
	Callback uint32
	Data     uint32
	Go       GoFunc
	// Prototype is the prototype of the instances the function constructs.
	Prototype *Object
}

// ArrayBuffer is a JavaScript ArrayBuffer. Its bytes live in Go memory,
// or, while Ptr is non-zero, in the module's memory at Ptr (an
// ArrayBuffer whose data pointer the module was handed).
type ArrayBuffer struct {
	Object
	Data []byte
	Ptr  uint32
}

// TypedArrayType is napi_typedarray_type.
type TypedArrayType uint32

// The typed array types napi-rs uses.
const (
	Int8Array    TypedArrayType = 0
	Uint8Array   TypedArrayType = 1
	Uint8Clamped TypedArrayType = 2
)

// TypedArray is a view of an ArrayBuffer. Only byte-sized element types
// are supported (napi-rs creates Uint8Array for blobs).
type TypedArray struct {
	Object
	Type   TypedArrayType
	Buffer *ArrayBuffer
	Offset int
	Length int
}

// Bytes returns the bytes the array views.
func (t *TypedArray) Bytes() []byte { return t.Buffer.Data[t.Offset : t.Offset+t.Length] }

// smallFloats are the numbers 0 to 255, which smallNumber's Values point
// at.
var smallFloats = func() (f [256]float64) {
	for i := range f {
		f[i] = float64(i)
	}
	return f
}()

// float64Type is the type word of an interface holding a float64.
var float64Type = func() unsafe.Pointer {
	var v Value = float64(0)
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&v))[0]
}()

// smallNumber returns the number n as a Value without allocating:
// converting a float64 to an interface allocates its box, and a module
// reads a blob argument one element at a time. The Value points at n's
// element of smallFloats, as an interface points at the box the runtime
// allocates; nothing writes those elements. (A table of 256 boxed Values
// made at init would cost every program that imports the driver 256
// allocations, and the garbage collector a scan of the table in every
// cycle.)
func smallNumber(n uint8) (v Value) {
	e := (*[2]unsafe.Pointer)(unsafe.Pointer(&v))
	e[0], e[1] = float64Type, unsafe.Pointer(&smallFloats[n])
	return v
}

// Element returns element i (undefined past the end), as a number.
func (t *TypedArray) Element(i int) Value {
	if i < 0 || i >= t.Length {
		return Undefined{}
	}
	b := t.Buffer.Data[t.Offset+i]
	if t.Type == Int8Array && b >= 0x80 {
		return float64(int8(b))
	}
	return smallNumber(b)
}

// Promise is a JavaScript promise made by napi_create_promise.
type Promise struct {
	Object
	Settled, Rejected bool
	Result            Value
}

// coerceToString converts v to a string as JavaScript's String(v) does.
func coerceToString(v Value) string {
	switch x := v.(type) {
	case nil, Undefined:
		return "undefined"
	case Null:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return numberToString(x)
	case string:
		return x
	case BigInt:
		return strconv.FormatInt(x.Int, 10)
	case *TypedArray:
		s := ""
		for i, b := range x.Bytes() {
			if i > 0 {
				s += ","
			}
			s += strconv.Itoa(int(b))
		}
		return s
	case *Object:
		if x.IsArray {
			s := ""
			for i, e := range x.Elements {
				if i > 0 {
					s += ","
				}
				if _, null := e.(Null); e != nil && !null {
					if _, u := e.(Undefined); !u {
						s += coerceToString(e)
					}
				}
			}
			return s
		}
		if x.IsError {
			return "Error: " + coerceToString(x.Get("message"))
		}
	case *Function:
		return "function " + x.Name + "() { [native code] }"
	}
	return "[object Object]"
}

// numberToString formats a number as JavaScript does for the common cases.
func numberToString(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == math.Trunc(f) && math.Abs(f) < 1e21:
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
