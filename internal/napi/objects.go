package napi

// setProperty sets property name of the object at napi_value obj to the
// napi_value val.
func (e *Env) setProperty(obj uint64, name string, val uint64) Status {
	o, ok := e.value(uint32(obj))
	v, vok := e.value(uint32(val))
	target, isObj := o.(object)
	if !ok || !vok || !isObj {
		return StatusObjectExpected
	}
	b := target.base()
	if p := b.lookup(name); p != nil && p.setter != nil {
		if _, err := e.call(p.setter, o, []Value{v}, nil); err != nil {
			return e.pendingFrom(err)
		}
		return StatusOK
	}
	b.Set(name, v)
	return StatusOK
}

// getPropertyInto reads property name of napi_value obj into result.
func (e *Env) getPropertyInto(obj uint64, name string, result uint64) Status {
	o, ok := e.value(uint32(obj))
	target, isObj := o.(object)
	if !ok || !isObj {
		return StatusObjectExpected
	}
	if p := target.base().lookup(name); p != nil && p.getter != nil {
		v, err := e.call(p.getter, o, nil, nil)
		if err != nil {
			return e.pendingFrom(err)
		}
		return e.setResult(result, v)
	}
	return e.setResult(result, e.getProperty(o, name))
}

// pendingFrom turns the failure of a nested call into a pending exception.
func (e *Env) pendingFrom(err error) Status {
	if x, ok := err.(*Exception); ok {
		e.throw(x.Value)
	} else {
		e.throw(NewError("", err.Error()))
	}
	return StatusPendingException
}

// defineProperties reads count napi_property_descriptors at descs and
// defines them: on obj, or, for a class (static set), static ones on
// static and the others on obj (the prototype).
func (e *Env) defineProperties(obj *Object, static *Object, count, descs uint32) Status {
	mem := e.mod.Memory()
	for i := uint32(0); i < count; i++ {
		d, ok := mem.Read(descs+i*sizeofPropertyDescriptor, sizeofPropertyDescriptor)
		if !ok {
			return StatusInvalidArg
		}
		field := func(k int) uint32 {
			return uint32(d[4*k]) | uint32(d[4*k+1])<<8 | uint32(d[4*k+2])<<16 | uint32(d[4*k+3])<<24
		}
		utf8name, nameVal, method, getter, setter, value, attrs, data :=
			field(0), field(1), field(2), field(3), field(4), field(5), field(6), field(7)
		var name string
		if utf8name != 0 {
			if name, ok = e.readString(utf8name, autoLength); !ok {
				return StatusInvalidArg
			}
		} else {
			v, ok := e.value(nameVal)
			if !ok {
				return StatusNameExpected
			}
			name = coerceToString(v)
		}
		p := &property{}
		switch {
		case method != 0:
			p.value = &Function{Name: name, Callback: method, Data: data}
		case getter != 0 || setter != 0:
			if getter != 0 {
				p.getter = &Function{Name: name, Callback: getter, Data: data}
			}
			if setter != 0 {
				p.setter = &Function{Name: name, Callback: setter, Data: data}
			}
		default:
			v, ok := e.value(value)
			if !ok {
				v = Undefined{}
			}
			p.value = v
		}
		target := obj
		if static != nil && attrs&propertyStatic != 0 {
			target = static
		}
		target.define(name, p)
	}
	return StatusOK
}

// defineClass implements napi_define_class.
func (e *Env) defineClass(namePtr, nameLen, ctor, data, count, props uint32, result uint64) Status {
	name, ok := e.readString(namePtr, nameLen)
	if !ok || ctor == 0 {
		return StatusInvalidArg
	}
	cls := &Function{Name: name, Callback: ctor, Data: data, Prototype: NewObject()}
	cls.Prototype.define("constructor", &property{value: cls})
	if st := e.defineProperties(cls.Prototype, &cls.Object, count, props); st != StatusOK {
		return st
	}
	return e.setResult(result, cls)
}

// getCbInfo implements napi_get_cb_info.
func (e *Env) getCbInfo(info, argcPtr, argv, thisPtr, dataPtr uint32) Status {
	if info == 0 || int(info) > len(e.frames) {
		return StatusInvalidArg
	}
	f := &e.frames[info-1]
	mem := e.mod.Memory()
	if argcPtr != 0 {
		capacity, ok := mem.ReadUint32Le(argcPtr)
		if !ok {
			return StatusInvalidArg
		}
		for i := uint32(0); i < capacity && argv != 0; i++ {
			var v Value = Undefined{}
			if int(i) < len(f.args) {
				v = f.args[i]
			}
			if st := e.writeU32(uint64(argv+4*i), e.handle(v)); st != StatusOK {
				return st
			}
		}
		if st := e.writeU32(uint64(argcPtr), uint32(len(f.args))); st != StatusOK {
			return st
		}
	}
	if thisPtr != 0 {
		if st := e.setResult(uint64(thisPtr), f.this); st != StatusOK {
			return st
		}
	}
	if dataPtr != 0 {
		return e.writeU32(uint64(dataPtr), f.data)
	}
	return StatusOK
}

// readArgs reads argc napi_values at argv.
func (e *Env) readArgs(argc, argv uint32) ([]Value, Status) {
	args := make([]Value, argc)
	for i := range args {
		h, ok := e.mod.Memory().ReadUint32Le(argv + 4*uint32(i))
		if !ok {
			return nil, StatusInvalidArg
		}
		if args[i], ok = e.value(h); !ok {
			return nil, StatusInvalidArg
		}
	}
	return args, StatusOK
}

// callFunction implements napi_call_function.
func (e *Env) callFunction(recv, fn uint64, argc, argv uint32, result uint64) Status {
	if e.hasPending {
		return StatusPendingException
	}
	this, _ := e.value(uint32(recv))
	fv, ok := e.value(uint32(fn))
	f, isFn := fv.(*Function)
	if !ok || !isFn {
		return StatusFunctionExpected
	}
	args, st := e.readArgs(argc, argv)
	if st != StatusOK {
		return st
	}
	v, err := e.call(f, this, args, nil)
	if err != nil {
		return e.pendingFrom(err)
	}
	if uint32(result) != 0 {
		return e.setResult(result, v)
	}
	return StatusOK
}

// newInstance implements napi_new_instance.
func (e *Env) newInstance(ctor uint64, argc, argv uint32, result uint64) Status {
	if e.hasPending {
		return StatusPendingException
	}
	cv, ok := e.value(uint32(ctor))
	c, isFn := cv.(*Function)
	if !ok || !isFn {
		return StatusFunctionExpected
	}
	args, st := e.readArgs(argc, argv)
	if st != StatusOK {
		return st
	}
	v, err := e.construct(c, args)
	if err != nil {
		return e.pendingFrom(err)
	}
	return e.setResult(result, v)
}

// wrap implements napi_wrap.
func (e *Env) wrap(obj uint64, native, cb, hint, result uint32) Status {
	v, ok := e.value(uint32(obj))
	o, isObj := v.(object)
	if !ok || !isObj {
		return StatusObjectExpected
	}
	b := o.base()
	if b.wrapped {
		return StatusInvalidArg
	}
	b.native, b.wrapped = native, true
	if cb != 0 {
		b.finalizers = append(b.finalizers, finalizer{cb: cb, data: native, hint: hint})
	}
	if result != 0 {
		return e.writeU32(uint64(result), e.newRef(v, 0))
	}
	return StatusOK
}

// newRef makes a napi_ref to v with the given count. The host has no
// garbage collector: a reference keeps its value until deleted, whatever
// its count.
func (e *Env) newRef(v Value, count uint32) uint32 {
	e.nextRef++
	e.refs[e.nextRef] = &reference{value: v, count: count}
	return e.nextRef
}
