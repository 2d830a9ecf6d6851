//go:build linux && amd64 && cgo

package tursonative

/*
#cgo CFLAGS: -O2 -fvisibility=default
#cgo LDFLAGS: -ldl -lm -rdynamic
#include <stdlib.h>
#include "binding.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// loadAddon loads the addon at path (a file name, or /proc/self/fd/N of
// a verified open file) and registers it on the calling thread.
func loadAddon(path string) error {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	if msg := C.tn_load(cpath); msg != nil {
		defer C.free(unsafe.Pointer(msg))
		return fmt.Errorf("turso native engine: loading the addon: %s (a cache directory on a noexec file system cannot hold it: set TURSO_CACHE_DIR to another)", C.GoString(msg))
	}
	return nil
}

// handle is an object of the addon that the Go side holds a count of: a
// class instance (Database, Statement, ...) or any object that is not
// plain data. Release drops the count.
type handle struct{ p uintptr }

// release drops the Go side's count; the object's finalizers run once
// nothing else holds it.
func (h handle) release() {
	if h.p != 0 {
		C.tn_release(C.uintptr_t(h.p))
	}
}

// exception is a JavaScript exception the addon threw: an Error's
// properties, or the thrown value.
type exception struct{ value any }

func (x *exception) Error() string {
	msg, code := x.message(), x.code()
	if code != "" {
		return msg + " (" + code + ")"
	}
	return msg
}

// message is the Error's message, or the thrown value as text.
func (x *exception) message() string {
	if e, ok := x.value.(jsError); ok {
		s, _ := e["message"].(string)
		return s
	}
	return fmt.Sprint(x.value)
}

// code is the Error's code, or "".
func (x *exception) code() string {
	if e, ok := x.value.(jsError); ok {
		s, _ := e["code"].(string)
		return s
	}
	return ""
}

// result turns the outcome of a generic call into a value or an error.
func result(p *C.uint8_t, n C.size_t, status C.int) (any, error) {
	if p == nil {
		return nil, errors.New("turso native engine: out of memory")
	}
	defer C.free(unsafe.Pointer(p))
	v, err := decode(unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
	if err != nil {
		return nil, err
	}
	switch status {
	case C.TN_OK:
		return v, nil
	case C.TN_THROWN:
		return nil, &exception{value: v}
	}
	msg, _ := v.(string)
	return nil, errors.New("turso native engine: " + msg)
}

// construct calls new on class cls of the addon's exports.
func construct(cls string, args ...any) (any, error) {
	enc, err := encodeArgs(args)
	if err != nil {
		return nil, err
	}
	ccls := C.CString(cls)
	defer C.free(unsafe.Pointer(ccls))
	var n C.size_t
	var status C.int
	p := C.tn_construct_class(ccls, cptr(enc), C.size_t(len(enc)), &n, &status)
	return result(p, n, status)
}

// call calls method name of h.
func (h handle) call(name string, args ...any) (any, error) {
	enc, err := encodeArgs(args)
	if err != nil {
		return nil, err
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var n C.size_t
	var status C.int
	p := C.tn_call_method(C.uintptr_t(h.p), cname, cptr(enc), C.size_t(len(enc)), &n, &status)
	return result(p, n, status)
}

// get reads property name of h, running its getter if it has one.
func (h handle) get(name string) (any, error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var n C.size_t
	var status C.int
	p := C.tn_get_property(C.uintptr_t(h.p), cname, &n, &status)
	return result(p, n, status)
}

// cptr returns the address of b's bytes for C (which only reads them
// during the call).
func cptr(b []byte) *C.uint8_t {
	return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(b)))
}
