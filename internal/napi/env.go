package napi

import (
	"errors"
	"fmt"
	"strconv"
)

// Memory is the module's linear memory, as much of it as the host needs
// (wazero's api.Memory satisfies it).
type Memory interface {
	Read(offset, byteCount uint32) ([]byte, bool)
	Write(offset uint32, v []byte) bool
	ReadUint32Le(offset uint32) (uint32, bool)
	WriteUint32Le(offset, v uint32) bool
	WriteUint64Le(offset uint32, v uint64) bool
}

// Signature is the type of a function-table entry the host calls.
type Signature int

// The signatures of the callbacks Node-API passes around.
const (
	// SigCallback is napi_callback: (env, cbinfo) -> napi_value.
	SigCallback Signature = iota
	// SigFinalize is napi_finalize: (env, data, hint).
	SigFinalize
	// SigCallJS is napi_threadsafe_function_call_js: (env, js_cb, context, data).
	SigCallJS
	// SigExecute is napi_async_execute_callback: (env, data).
	SigExecute
	// SigComplete is napi_async_complete_callback: (env, status, data).
	SigComplete
)

// Module is the instantiated wasm module, as the host sees it.
type Module interface {
	// Memory is the module's linear memory.
	Memory() Memory
	// CallTable calls entry index of the module's function table, which
	// has signature sig, and returns its result (0 for none). args are
	// valid until the call calls back into the host: the host reuses
	// them.
	CallTable(sig Signature, index uint32, args ...uint64) (uint64, error)
}

// Status is napi_status.
type Status uint32

// The napi_status values the host returns.
const (
	StatusOK                  Status = 0
	StatusInvalidArg          Status = 1
	StatusObjectExpected      Status = 2
	StatusStringExpected      Status = 3
	StatusNameExpected        Status = 4
	StatusFunctionExpected    Status = 5
	StatusNumberExpected      Status = 6
	StatusBooleanExpected     Status = 7
	StatusArrayExpected       Status = 8
	StatusGenericFailure      Status = 9
	StatusPendingException    Status = 10
	StatusBigIntExpected      Status = 17
	StatusArrayBufferExpected Status = 19
)

// EnvHandle is the napi_env the host hands the module: an opaque non-zero
// token.
const EnvHandle = 1

// Env is one Node-API environment: the values, references and pending
// exception of one module instance. It is not safe for concurrent use:
// callers serialize every call into the module.
type Env struct {
	mod Module

	// handles are the napi_values live in the current top-level call;
	// handle 0 is NULL. They are dropped when the call returns.
	handles []Value
	// refs are the napi_refs, which outlive calls.
	refs    map[uint32]*reference
	nextRef uint32
	// args holds the arguments of the callback being called (see call).
	args [2]uint64
	// frames are the callbacks running, innermost last; a napi_callback_info
	// is an index into it plus one.
	frames []frame
	depth  int

	pending    Value
	hasPending bool

	global  *Object
	exports *Object

	// later is work queued for when the outermost call returns:
	// finalizers, thread-safe function calls and async work.
	later []func() error
	tsfns map[uint32]*threadsafeFunction
	works map[uint32]*asyncWork
	next  uint32
	// missing counts the calls of functions the host does not provide.
	missing map[string]int
}

// reference is a napi_ref.
type reference struct {
	value Value
	count uint32
}

// frame is one running callback: what napi_get_cb_info reports.
type frame struct {
	this      Value
	args      []Value
	data      uint32
	newTarget Value
}

// finalizer is a napi_finalize queued on an object.
type finalizer struct{ cb, data, hint uint32 }

// NewEnv returns an environment for mod; Bind may supply mod later.
func NewEnv(mod Module) *Env {
	return &Env{
		mod:     mod,
		handles: []Value{nil},
		refs:    map[uint32]*reference{},
		global:  NewObject(),
		exports: NewObject(),
		tsfns:   map[uint32]*threadsafeFunction{},
		works:   map[uint32]*asyncWork{},
		missing: map[string]int{},
	}
}

// Bind sets the module the environment calls into.
func (e *Env) Bind(mod Module) { e.mod = mod }

// Exports is the exports object handed to napi_register_module_v1.
func (e *Env) Exports() *Object { return e.exports }

// Global is the global object.
func (e *Env) Global() *Object { return e.global }

// handle stores v and returns its napi_value.
func (e *Env) handle(v Value) uint32 {
	if v == nil {
		v = Undefined{}
	}
	e.handles = append(e.handles, v)
	return uint32(len(e.handles) - 1)
}

// value returns the value of napi_value h.
func (e *Env) value(h uint32) (Value, bool) {
	if h == 0 || int(h) >= len(e.handles) {
		return nil, false
	}
	return e.handles[h], true
}

// Exception is a JavaScript exception that reached Go: thrown by the
// module (napi_throw, napi_throw_error) and not caught.
type Exception struct {
	Value Value
}

// Error returns the exception's message (and code, if it has one).
func (x *Exception) Error() string {
	msg, code := x.Message(), x.Code()
	if code != "" {
		return fmt.Sprintf("%s (%s)", msg, code)
	}
	return msg
}

// Message is the error's message property, or the thrown value as text.
func (x *Exception) Message() string {
	if o, ok := x.Value.(*Object); ok && o.IsError {
		return coerceToString(o.Get("message"))
	}
	return coerceToString(x.Value)
}

// Code is the error's code property, or "".
func (x *Exception) Code() string {
	if o, ok := x.Value.(*Object); ok {
		if s, ok := o.Get("code").(string); ok {
			return s
		}
	}
	return ""
}

// NewError returns an Error object with a message and, unless code is
// "", a code.
func NewError(code, message string) *Object {
	o := &Object{IsError: true}
	o.Set("message", message)
	if code != "" {
		o.Set("code", code)
	}
	return o
}

// throw makes v the pending exception.
func (e *Env) throw(v Value) {
	e.pending, e.hasPending = v, true
}

// takeException clears and returns the pending exception, if any.
func (e *Env) takeException() error {
	if !e.hasPending {
		return nil
	}
	v := e.pending
	e.pending, e.hasPending = nil, false
	return &Exception{Value: v}
}

// enter and leave bracket every call from Go into the module; the
// outermost leave drops the call's handles and runs the queued work.
func (e *Env) enter() { e.depth++ }

func (e *Env) leave() error {
	e.depth--
	if e.depth > 0 {
		return nil
	}
	e.handles = e.handles[:1]
	var errs []error
	for len(e.later) > 0 {
		work := e.later[0]
		e.later = e.later[1:]
		e.depth++
		err := work()
		e.depth--
		e.handles = e.handles[:1]
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Call calls fn with this and args and returns its result or the
// exception it threw.
func (e *Env) Call(fn *Function, this Value, args ...Value) (Value, error) {
	e.enter()
	v, err := e.call(fn, this, args, nil)
	if lerr := e.leave(); err == nil {
		err = lerr
	}
	return v, err
}

// call runs fn; on the wasm side through the function table.
func (e *Env) call(fn *Function, this Value, args []Value, newTarget Value) (Value, error) {
	if fn.Go != nil {
		return fn.Go(this, args)
	}
	if e.mod == nil {
		return nil, errors.New("napi: no module bound")
	}
	e.frames = append(e.frames, frame{this: this, args: args, data: fn.Data, newTarget: newTarget})
	info := uint32(len(e.frames))
	// The arguments go in a buffer of the Env: a variadic call through
	// the Module interface would allocate them on every call.
	e.args[0], e.args[1] = EnvHandle, uint64(info)
	r, err := e.mod.CallTable(SigCallback, fn.Callback, e.args[:2]...)
	e.frames[len(e.frames)-1] = frame{} // drop its values
	e.frames = e.frames[:len(e.frames)-1]
	if err != nil {
		return nil, err
	}
	if err := e.takeException(); err != nil {
		return nil, err
	}
	v, ok := e.value(uint32(r))
	if !ok {
		v = Undefined{}
	}
	return v, nil
}

// New constructs an instance of class ctor, as JavaScript's new does.
func (e *Env) New(ctor *Function, args ...Value) (Value, error) {
	e.enter()
	v, err := e.construct(ctor, args)
	if lerr := e.leave(); err == nil {
		err = lerr
	}
	return v, err
}

func (e *Env) construct(ctor *Function, args []Value) (Value, error) {
	this := &Object{Proto: ctor.Prototype}
	r, err := e.call(ctor, this, args, ctor)
	if err != nil {
		return nil, err
	}
	switch r.(type) {
	case *Object, *Function, *ArrayBuffer, *TypedArray, *Promise:
		return r, nil
	}
	return this, nil
}

// Get reads property name of obj, running a getter if it is an accessor.
func (e *Env) Get(obj Value, name string) (Value, error) {
	o, ok := obj.(object)
	if !ok {
		return nil, fmt.Errorf("napi: cannot read property %q of %s", name, coerceToString(obj))
	}
	if p := o.base().lookup(name); p != nil && p.getter != nil {
		return e.Call(p.getter, obj)
	}
	return e.getProperty(obj, name), nil
}

// CallMethod calls method name of obj with args.
func (e *Env) CallMethod(obj Value, name string, args ...Value) (Value, error) {
	m, err := e.Get(obj, name)
	if err != nil {
		return nil, err
	}
	fn, ok := m.(*Function)
	if !ok {
		return nil, fmt.Errorf("napi: %s is not a function", name)
	}
	return e.Call(fn, obj, args...)
}

// Release runs the finalizers napi_wrap and napi_add_finalizer attached to
// obj: the host's stand-in for garbage collection, for an object the Go
// side will not use again.
func (e *Env) Release(obj Value) error {
	o, ok := obj.(object)
	if !ok {
		return nil
	}
	b := o.base()
	fins := b.finalizers
	b.finalizers = nil
	if len(fins) == 0 {
		return nil
	}
	e.enter()
	for _, f := range fins {
		e.later = append(e.later, e.finalizeLater(f))
	}
	return e.leave()
}

// finalizeLater returns queued work that runs finalizer f.
func (e *Env) finalizeLater(f finalizer) func() error {
	return func() error {
		if f.cb == 0 || e.mod == nil {
			return nil
		}
		_, err := e.mod.CallTable(SigFinalize, f.cb, EnvHandle, uint64(f.data), uint64(f.hint))
		return err
	}
}

// Missing reports the Node-API functions the module called that the host
// does not provide, with how often each was called.
func (e *Env) Missing() map[string]int {
	out := map[string]int{}
	for k, v := range e.missing {
		out[k] = v
	}
	return out
}

// getProperty reads a data property, with the special properties of
// arrays and typed arrays.
func (e *Env) getProperty(obj Value, name string) Value {
	switch o := obj.(type) {
	case *TypedArray:
		switch name {
		case "length":
			return float64(o.Length)
		case "byteLength":
			return float64(o.Length)
		case "byteOffset":
			return float64(o.Offset)
		case "buffer":
			return o.Buffer
		}
		if i, err := strconv.Atoi(name); err == nil && i >= 0 {
			return o.Element(i)
		}
	case *ArrayBuffer:
		if name == "byteLength" {
			return float64(len(o.Data))
		}
	case *Function:
		switch name {
		case "prototype":
			if o.Prototype != nil {
				return o.Prototype
			}
		case "name":
			return o.Name
		}
	}
	if o, ok := obj.(object); ok {
		return o.base().Get(name)
	}
	return Undefined{}
}

// Init runs the module's registration function (napi_register_module_v1)
// with the environment and the exports object's napi_value.
func (e *Env) Init(register func(env, exports uint32) error) error {
	e.enter()
	err := register(EnvHandle, e.handle(e.exports))
	if err == nil {
		err = e.takeException()
	}
	if lerr := e.leave(); err == nil {
		err = lerr
	}
	return err
}

// Later queues work to run when the outermost call into the module
// returns (at once, when none is running).
func (e *Env) Later(work func() error) {
	if e.depth == 0 {
		e.enter()
		e.later = append(e.later, work)
		e.leave()
		return
	}
	e.later = append(e.later, work)
}
