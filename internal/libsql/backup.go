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

var (
	_ engine.Backuper     = (*conn)(nil)
	_ engine.Serializer   = (*conn)(nil)
	_ engine.Checkpointer = (*conn)(nil)
)

// backup is a running sqlite3_backup.
type backup struct {
	b   *C.sqlite3_backup
	dst *conn
}

var _ engine.Backup = (*backup)(nil)

func (c *conn) BackupFrom(dstSchema string, src engine.Conn, srcSchema string) (engine.Backup, error) {
	if c.db == nil {
		return nil, engine.ErrClosed
	}
	s, ok := src.(*conn)
	if !ok {
		return nil, &engine.Error{Code: engine.CodeMisuse, ExtendedCode: engine.CodeMisuse, Message: "backup source is not a libsql connection"}
	}
	if s.db == nil {
		return nil, engine.ErrClosed
	}
	cdst := C.CString(dstSchema)
	defer C.free(unsafe.Pointer(cdst))
	csrc := C.CString(srcSchema)
	defer C.free(unsafe.Pointer(csrc))
	b := C.sqlite3_backup_init(c.db, cdst, s.db, csrc)
	if b == nil {
		// The error is recorded on the destination connection.
		return nil, lastError(c.db)
	}
	return &backup{b: b, dst: c}, nil
}

func (b *backup) Step(pages int) (bool, error) {
	if b.b == nil {
		return false, engine.ErrClosed
	}
	switch rc := C.sqlite3_backup_step(b.b, C.int(pages)); rc {
	case C.SQLITE_OK:
		return false, nil
	case C.SQLITE_DONE:
		return true, nil
	default:
		return false, &engine.Error{Code: int(rc) & 0xff, ExtendedCode: int(rc), Message: C.GoString(C.sqlite3_errstr(rc))}
	}
}

func (b *backup) Remaining() int {
	if b.b == nil {
		return 0
	}
	return int(C.sqlite3_backup_remaining(b.b))
}

func (b *backup) PageCount() int {
	if b.b == nil {
		return 0
	}
	return int(C.sqlite3_backup_pagecount(b.b))
}

func (b *backup) Close() error {
	if b.b == nil {
		return nil
	}
	rc := C.sqlite3_backup_finish(b.b)
	b.b = nil
	if rc != C.SQLITE_OK {
		return lastError(b.dst.db)
	}
	return nil
}

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

func (c *conn) Checkpoint(schema string, mode int) (logFrames, checkpointed int, err error) {
	if c.db == nil {
		return 0, 0, engine.ErrClosed
	}
	var cschema *C.char
	if schema != "" {
		cschema = C.CString(schema)
		defer C.free(unsafe.Pointer(cschema))
	}
	var nLog, nCkpt C.int
	if C.sqlite3_wal_checkpoint_v2(c.db, cschema, C.int(mode), &nLog, &nCkpt) != C.SQLITE_OK {
		return int(nLog), int(nCkpt), lastError(c.db)
	}
	return int(nLog), int(nCkpt), nil
}
