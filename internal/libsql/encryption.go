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

// DefaultCipher is the cipher scheme of SQLite3 Multiple Ciphers that
// encrypted databases use unless told otherwise: the one libSQL's own
// encryption (and so go-libsql's) uses.
const DefaultCipher = "aes256cbc"

var _ engine.Keyer = (*conn)(nil)

// Ciphers lists the cipher schemes this build of the engine provides.
func Ciphers() []string {
	if initOnce() != nil {
		return nil
	}
	n := int(C.sqlite3mc_cipher_count())
	names := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		if name := C.sqlite3mc_cipher_name(C.int(i)); name != nil {
			names = append(names, C.GoString(name))
		}
	}
	return names
}

// key selects cipher for the connection's main database, sets its key,
// and reads the schema so that a wrong key fails here rather than on the
// first statement.
func (c *conn) key(cipher string, key []byte) error {
	if cipher == "" {
		cipher = DefaultCipher
	}
	ccipher := C.CString(cipher)
	defer C.free(unsafe.Pointer(ccipher))
	idx := C.sqlite3mc_cipher_index(ccipher)
	if idx < 0 {
		return &engine.Error{Code: engine.CodeError, ExtendedCode: engine.CodeError, Message: "unknown cipher " + cipher}
	}
	cparam := C.CString("cipher")
	defer C.free(unsafe.Pointer(cparam))
	if C.sqlite3mc_config(c.db, cparam, idx) != idx {
		return &engine.Error{Code: engine.CodeError, ExtendedCode: engine.CodeError, Message: "cannot select cipher " + cipher}
	}
	ckey := C.CBytes(key)
	defer func() {
		clear(unsafe.Slice((*byte)(ckey), len(key)))
		C.free(ckey)
	}()
	if C.sqlite3_key_v2(c.db, nil, ckey, C.int(len(key))) != C.SQLITE_OK {
		return lastError(c.db)
	}
	return c.checkReadable()
}

// checkReadable reads the schema of the main database, turning "not a
// database" into an error that mentions the likely cause: the key.
func (c *conn) checkReadable() error {
	if err := c.Exec("SELECT count(*) FROM sqlite_schema"); err != nil {
		if e, ok := err.(*engine.Error); ok && e.Code == engine.CodeNotADB {
			e.Message = "file is not a database, or is encrypted with another key or cipher"
		}
		return err
	}
	return nil
}

func (c *conn) Rekey(schema string, key []byte) error {
	if c.db == nil {
		return engine.ErrClosed
	}
	cschema := C.CString(schema)
	defer C.free(unsafe.Pointer(cschema))
	var ckey unsafe.Pointer
	if len(key) > 0 {
		ckey = C.CBytes(key)
		defer func() {
			clear(unsafe.Slice((*byte)(ckey), len(key)))
			C.free(ckey)
		}()
	}
	if C.sqlite3_rekey_v2(c.db, cschema, ckey, C.int(len(key))) != C.SQLITE_OK {
		return lastError(c.db)
	}
	return nil
}
