package libsql

/*
#include <stdlib.h>
#include "binding.h"
*/
import "C"

import (
	"unsafe"

	"github.com/turso-go/turso/internal/engine"
)

var _ engine.Serializer = (*conn)(nil)

func (c *conn) Serialize(schema string) ([]byte, error) {
	if c.db == nil {
		return nil, engine.ErrClosed
	}
	cschema := C.CString(schema)
	defer C.free(unsafe.Pointer(cschema))
	var size C.sqlite3_int64
	p := C.sqlite3_serialize(c.db, cschema, &size, 0)
	if p == nil {
		if code := C.sqlite3_errcode(c.db); code != C.SQLITE_OK {
			return nil, lastError(c.db)
		}
		// No such schema, or an empty database without a page yet.
		if !c.hasSchema(schema) {
			return nil, &engine.Error{Code: engine.CodeError, ExtendedCode: engine.CodeError, Message: "no such database: " + schema}
		}
		return []byte{}, nil
	}
	defer C.sqlite3_free(unsafe.Pointer(p))
	return C.GoBytes(unsafe.Pointer(p), C.int(size)), nil
}

// hasSchema reports whether the connection has a database named schema.
func (c *conn) hasSchema(schema string) bool {
	cschema := C.CString(schema)
	defer C.free(unsafe.Pointer(cschema))
	return C.tg_has_schema(c.db, cschema) != 0
}

func (c *conn) Deserialize(schema string, data []byte) error {
	if c.db == nil {
		return engine.ErrClosed
	}
	if !c.hasSchema(schema) {
		return &engine.Error{Code: engine.CodeError, ExtendedCode: engine.CodeError, Message: "no such database: " + schema}
	}
	cschema := C.CString(schema)
	defer C.free(unsafe.Pointer(cschema))
	// SQLite takes ownership of buf (FREEONCLOSE), also when it fails.
	buf := (*C.uchar)(C.sqlite3_malloc64(C.sqlite3_uint64(max(len(data), 1))))
	if buf == nil {
		return &engine.Error{Code: engine.CodeNoMem, ExtendedCode: engine.CodeNoMem, Message: "out of memory"}
	}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(buf)), len(data)), data)
	n := C.sqlite3_int64(len(data))
	if C.sqlite3_deserialize(c.db, cschema, buf, n, n, C.SQLITE_DESERIALIZE_FREEONCLOSE|C.SQLITE_DESERIALIZE_RESIZEABLE) != C.SQLITE_OK {
		return lastError(c.db)
	}
	return nil
}
