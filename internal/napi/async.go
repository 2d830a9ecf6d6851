package napi

// settle resolves or rejects the promise of napi_deferred d with the
// napi_value val, and frees d.
func (e *Env) settle(d uint32, val uint64, reject bool) Status {
	r, ok := e.refs[d]
	v, vok := e.value(uint32(val))
	if !ok || !vok {
		return StatusInvalidArg
	}
	p, isPromise := r.value.(*Promise)
	if !isPromise {
		return StatusInvalidArg
	}
	delete(e.refs, d)
	p.Settled, p.Rejected, p.Result = true, reject, v
	return StatusOK
}

// asyncWork is a napi_async_work.
type asyncWork struct {
	execute, complete, data uint32
}

// createAsyncWork implements napi_create_async_work. The host has no
// worker threads: queued work runs on the calling goroutine once the
// current top-level call returns, then completes.
func (e *Env) createAsyncWork(execute, complete, data, result uint32) Status {
	if execute == 0 {
		return StatusInvalidArg
	}
	e.next++
	e.works[e.next] = &asyncWork{execute: execute, complete: complete, data: data}
	return e.writeU32(uint64(result), e.next)
}

// statusCancelled is napi_cancelled, passed to complete for work deleted
// before it ran.
const statusCancelled = 11

func (e *Env) queueAsyncWork(id uint32) Status {
	w, ok := e.works[id]
	if !ok {
		return StatusInvalidArg
	}
	e.later = append(e.later, func() error {
		if _, err := e.mod.CallTable(SigExecute, w.execute, EnvHandle, uint64(w.data)); err != nil {
			return err
		}
		if w.complete == 0 {
			return nil
		}
		_, err := e.mod.CallTable(SigComplete, w.complete, EnvHandle, uint64(StatusOK), uint64(w.data))
		if err == nil {
			err = e.takeException()
		}
		return err
	})
	return StatusOK
}

func (e *Env) deleteAsyncWork(id uint32) Status {
	if _, ok := e.works[id]; !ok {
		return StatusInvalidArg
	}
	delete(e.works, id)
	return StatusOK
}

// threadsafeFunction is a napi_threadsafe_function.
type threadsafeFunction struct {
	fn                    Value
	finalize, ctx, callJS uint32
}

// createThreadsafeFunction implements napi_create_threadsafe_function.
func (e *Env) createThreadsafeFunction(fn uint64, finalize, ctx, callJS, result uint32) Status {
	v, _ := e.value(uint32(fn))
	if callJS == 0 {
		if _, isFn := v.(*Function); !isFn {
			return StatusFunctionExpected
		}
	}
	e.next++
	e.tsfns[e.next] = &threadsafeFunction{fn: v, finalize: finalize, ctx: ctx, callJS: callJS}
	return e.writeU32(uint64(result), e.next)
}

// callThreadsafeFunction queues a call, made once the current top-level
// call returns (the module runs on one thread here, so "the main thread"
// is the caller's goroutine after the call).
func (e *Env) callThreadsafeFunction(id, data uint32) Status {
	t, ok := e.tsfns[id]
	if !ok {
		return StatusInvalidArg
	}
	e.later = append(e.later, func() error {
		if t.callJS != 0 {
			fn := uint32(0)
			if t.fn != nil {
				fn = e.handle(t.fn)
			}
			_, err := e.mod.CallTable(SigCallJS, t.callJS, EnvHandle, uint64(fn), uint64(t.ctx), uint64(data))
			if err == nil {
				err = e.takeException()
			}
			return err
		}
		f, _ := t.fn.(*Function)
		_, err := e.call(f, Undefined{}, nil, nil)
		return err
	})
	return StatusOK
}

// createExternalArrayBuffer implements napi_create_external_arraybuffer:
// the host copies the bytes out of wasm memory and runs the finalizer (which
// frees them) once the current call returns.
func (e *Env) createExternalArrayBuffer(data, length, cb, hint uint32, result uint64) Status {
	b, ok := e.mod.Memory().Read(data, length)
	if !ok {
		return StatusInvalidArg
	}
	ab := &ArrayBuffer{Data: append([]byte(nil), b...)}
	if cb != 0 {
		e.later = append(e.later, e.finalizeLater(finalizer{cb: cb, data: data, hint: hint}))
	}
	return e.setResult(result, ab)
}

// createTypedArray implements napi_create_typedarray for byte arrays.
func (e *Env) createTypedArray(typ TypedArrayType, length int, buffer uint64, offset int, result uint64) Status {
	v, ok := e.value(uint32(buffer))
	ab, isAB := v.(*ArrayBuffer)
	if !ok || !isAB {
		return StatusArrayBufferExpected
	}
	if typ != Int8Array && typ != Uint8Array && typ != Uint8Clamped {
		return StatusInvalidArg
	}
	if offset < 0 || length < 0 || offset+length > len(ab.Data) {
		e.throw(NewError("ERR_NAPI_INVALID_TYPEDARRAY_LENGTH", "Invalid typed array length"))
		return StatusPendingException
	}
	return e.setResult(result, &TypedArray{Type: typ, Buffer: ab, Offset: offset, Length: length})
}
