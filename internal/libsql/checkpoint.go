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

var _ engine.Checkpointer = (*conn)(nil)

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
