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

var _ engine.Backuper = (*conn)(nil)

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
