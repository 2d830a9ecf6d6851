package napi

import (
	"strings"
	"unicode/utf8"
)

// setResult stores v as a new napi_value at result.
func (e *Env) setResult(result uint64, v Value) Status {
	if uint32(result) == 0 {
		return StatusInvalidArg
	}
	return e.writeU32(result, e.handle(v))
}

func (e *Env) writeU32(ptr uint64, v uint32) Status {
	if uint32(ptr) == 0 || !e.mod.Memory().WriteUint32Le(uint32(ptr), v) {
		return StatusInvalidArg
	}
	return StatusOK
}

func (e *Env) writeU64(ptr uint64, v uint64) Status {
	if uint32(ptr) == 0 || !e.mod.Memory().WriteUint64Le(uint32(ptr), v) {
		return StatusInvalidArg
	}
	return StatusOK
}

// readString reads length bytes at ptr, or up to the NUL with autoLength.
func (e *Env) readString(ptr, length uint32) (string, bool) {
	if ptr == 0 {
		return "", length == 0 || length == autoLength
	}
	mem := e.mod.Memory()
	if length != autoLength {
		b, ok := mem.Read(ptr, length)
		return string(b), ok
	}
	const chunk = 64
	var out []byte
	for off := ptr; ; off += chunk {
		b, ok := mem.Read(off, chunk)
		if !ok {
			// Near the end of memory: fall back to byte reads.
			b, ok = mem.Read(off, 1)
			if !ok {
				return "", false
			}
		}
		for i, c := range b {
			if c == 0 {
				return string(append(out, b[:i]...)), true
			}
		}
		out = append(out, b...)
	}
}

// copyString implements napi_get_value_string_utf8's buffer protocol:
// with no buffer it reports the length; else it copies what fits, leaving
// room for a NUL, and reports the bytes copied. Like a JavaScript string,
// which cannot hold invalid UTF-8, the result is always valid UTF-8:
// invalid bytes read as U+FFFD, as Node reads them (the module builds a
// Rust string from these bytes without checking them).
func (e *Env) copyString(s string, buf, size, result uint32) Status {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if buf == 0 {
		if result == 0 {
			return StatusInvalidArg
		}
		return e.writeU32(uint64(result), uint32(len(s)))
	}
	if size == 0 {
		if result != 0 {
			return e.writeU32(uint64(result), 0)
		}
		return StatusOK
	}
	n := min(len(s), int(size)-1)
	mem := e.mod.Memory()
	if !mem.Write(buf, []byte(s[:n])) || !mem.Write(buf+uint32(n), []byte{0}) {
		return StatusInvalidArg
	}
	if result != 0 {
		return e.writeU32(uint64(result), uint32(n))
	}
	return StatusOK
}

// number returns the number napi_value h holds.
func (e *Env) number(h uint64) (float64, Status) {
	v, ok := e.value(uint32(h))
	f, isNum := v.(float64)
	if !ok || !isNum {
		return 0, StatusNumberExpected
	}
	return f, StatusOK
}

// createBigIntWords builds a BigInt from little-endian 64-bit words.
func (e *Env) createBigIntWords(sign, count, words uint32, result uint64) Status {
	if count > 2 {
		return StatusInvalidArg
	}
	var mag uint64
	if count >= 1 {
		b, ok := e.mod.Memory().Read(words, 8*count)
		if !ok {
			return StatusInvalidArg
		}
		for i := 7; i >= 0; i-- {
			mag = mag<<8 | uint64(b[i])
		}
		if count == 2 {
			for _, c := range b[8:] {
				if c != 0 {
					return StatusInvalidArg
				}
			}
		}
	}
	if sign != 0 {
		if mag > 1<<63 {
			return StatusInvalidArg
		}
		return e.setResult(result, BigInt{Int: -int64(mag)})
	}
	if mag > 1<<63-1 {
		return StatusInvalidArg
	}
	return e.setResult(result, BigInt{Int: int64(mag)})
}
