package libsql

/*
#include <stdlib.h>
#include "binding.h"
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
	"unsafe"

	"github.com/turso-go/turso/internal/engine"
)

var _ engine.FunctionRegistrar = (*conn)(nil)

// scalarFunc, aggregateFunc and collation are what the handles passed to
// SQLite as the user data of a definition refer to.
type scalarFunc struct {
	name string
	fn   engine.ScalarFunc
}

type aggregateFunc struct {
	name   string
	newAgg func() (engine.AggregateFunc, error)
}

type collation struct {
	cmp func(a, b string) int
}

func (c *conn) CreateFunction(name string, nargs int, deterministic bool, fn engine.ScalarFunc) error {
	return c.createFunction(name, nargs, deterministic, &scalarFunc{name: name, fn: fn}, false)
}

func (c *conn) CreateAggregate(name string, nargs int, deterministic bool, newAgg func() (engine.AggregateFunc, error)) error {
	return c.createFunction(name, nargs, deterministic, &aggregateFunc{name: name, newAgg: newAgg}, true)
}

// createFunction defines a function implemented by impl.
func (c *conn) createFunction(name string, nargs int, deterministic bool, impl any, aggregate bool) error {
	if c.db == nil {
		return engine.ErrClosed
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	flags := C.int(0)
	if deterministic {
		flags |= C.SQLITE_DETERMINISTIC
	}
	agg := C.int(0)
	if aggregate {
		agg = 1
	}
	// On failure SQLite has already released the handle through the
	// definition's destructor.
	h := cgo.NewHandle(impl)
	if C.tg_create_function(c.db, cname, C.int(nargs), flags, C.uintptr_t(h), agg) != C.SQLITE_OK {
		return lastError(c.db)
	}
	return nil
}

func (c *conn) CreateCollation(name string, cmp func(a, b string) int) error {
	if c.db == nil {
		return engine.ErrClosed
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	h := cgo.NewHandle(&collation{cmp: cmp})
	if C.tg_create_collation(c.db, cname, C.uintptr_t(h)) != C.SQLITE_OK {
		h.Delete() // SQLite does not call the destructor on failure.
		return lastError(c.db)
	}
	return nil
}

// funcArgs makes Values of the n arguments C stored in vals; text and
// blob bytes view SQLite's memory, valid during the call.
func funcArgs(vals *C.tg_value, n C.int) []engine.Value {
	if n == 0 {
		return nil
	}
	cv := unsafe.Slice(vals, int(n))
	args := make([]engine.Value, n)
	for i := range cv {
		v := &cv[i]
		switch v._type {
		case C.SQLITE_INTEGER:
			args[i] = engine.Value{Kind: engine.KindInteger, Int: int64(v.i)}
		case C.SQLITE_FLOAT:
			args[i] = engine.Value{Kind: engine.KindFloat, Float: float64(v.f)}
		case C.SQLITE_TEXT:
			args[i] = engine.Value{Kind: engine.KindText, Data: unsafe.String((*byte)(v.p), int(v.n))}
		case C.SQLITE_BLOB:
			args[i] = engine.Value{Kind: engine.KindBlob, Data: unsafe.String((*byte)(v.p), int(v.n))}
		}
	}
	return args
}

// setResult makes v the result of the call ctx.
func setResult(ctx *C.sqlite3_context, v engine.Value) {
	switch v.Kind {
	case engine.KindInteger:
		C.sqlite3_result_int64(ctx, C.sqlite3_int64(v.Int))
	case engine.KindFloat:
		C.sqlite3_result_double(ctx, C.double(v.Float))
	case engine.KindText:
		C.tg_result_text(ctx, (*C.char)(unsafe.Pointer(unsafe.StringData(v.Data))), C.int(len(v.Data)))
	case engine.KindBlob:
		C.tg_result_blob(ctx, unsafe.Pointer(unsafe.StringData(v.Data)), C.int(len(v.Data)))
	default:
		C.sqlite3_result_null(ctx)
	}
}

// resultError makes msg the error of the call ctx.
func resultError(ctx *C.sqlite3_context, msg string) {
	cmsg := C.CString(msg)
	defer C.free(unsafe.Pointer(cmsg))
	C.sqlite3_result_error(ctx, cmsg, -1)
}

// recoverCall turns a panic in the Go code of function name into the
// error of the call ctx. It must be deferred.
func recoverCall(ctx *C.sqlite3_context, name string) {
	if r := recover(); r != nil {
		resultError(ctx, fmt.Sprintf("panic in SQL function %s: %v", name, r))
	}
}

//export tgCallFunc
func tgCallFunc(ctx *C.sqlite3_context, h C.uintptr_t, vals *C.tg_value, n C.int) {
	f := cgo.Handle(h).Value().(*scalarFunc)
	defer recoverCall(ctx, f.name)
	v, err := f.fn(funcArgs(vals, n))
	if err != nil {
		resultError(ctx, err.Error())
		return
	}
	setResult(ctx, v)
}

//export tgCallStep
func tgCallStep(ctx *C.sqlite3_context, h C.uintptr_t, state *C.uintptr_t, vals *C.tg_value, n C.int) {
	f := cgo.Handle(h).Value().(*aggregateFunc)
	defer recoverCall(ctx, f.name)
	if *state == 0 {
		agg, err := f.newAgg()
		if err != nil {
			resultError(ctx, err.Error())
			return
		}
		*state = C.uintptr_t(cgo.NewHandle(agg))
	}
	agg := cgo.Handle(*state).Value().(engine.AggregateFunc)
	if err := agg.Step(funcArgs(vals, n)); err != nil {
		resultError(ctx, err.Error())
	}
}

// tgCallFinal computes an aggregate's result and releases its state. SQLite
// calls it once per group, also when the statement stops early.
//
//export tgCallFinal
func tgCallFinal(ctx *C.sqlite3_context, h C.uintptr_t, state C.uintptr_t) {
	f := cgo.Handle(h).Value().(*aggregateFunc)
	defer recoverCall(ctx, f.name)
	var agg engine.AggregateFunc
	if state != 0 {
		hs := cgo.Handle(state)
		defer hs.Delete()
		agg = hs.Value().(engine.AggregateFunc)
	} else {
		// No row reached the group (an aggregate over no rows).
		var err error
		if agg, err = f.newAgg(); err != nil {
			resultError(ctx, err.Error())
			return
		}
	}
	v, err := agg.Final()
	if err != nil {
		resultError(ctx, err.Error())
		return
	}
	setResult(ctx, v)
}

// tgCallCompare compares two strings with a Go collation. A collation
// cannot fail: a panic makes the strings compare equal.
//
//export tgCallCompare
func tgCallCompare(h C.uintptr_t, a *C.char, na C.int, b *C.char, nb C.int) (r C.int) {
	defer func() {
		if recover() != nil {
			r = 0
		}
	}()
	col := cgo.Handle(h).Value().(*collation)
	switch d := col.cmp(C.GoStringN(a, na), C.GoStringN(b, nb)); {
	case d < 0:
		return -1
	case d > 0:
		return 1
	}
	return 0
}

// tgDeleteHandle releases the handle of a definition SQLite dropped.
//
//export tgDeleteHandle
func tgDeleteHandle(h C.uintptr_t) {
	cgo.Handle(h).Delete()
}
