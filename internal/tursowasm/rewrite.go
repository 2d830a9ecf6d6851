package tursowasm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Wasm section ids this file reads or writes.
const (
	sectionCustom   = 0
	sectionImport   = 2
	sectionFunction = 3
	sectionTable    = 4
	sectionMemory   = 5
)

// Import kinds in the import section.
const (
	importFunc   = 0
	importTable  = 1
	importMemory = 2
	importGlobal = 3
)

// defineMemory rewrites a module that imports its memory (as the
// wasm32-wasip1-threads build imports a shared env.memory from its host)
// into one that defines it: the memory import is dropped and a memory
// section with the same limits, unshared, is added. The host then needs no
// memory of its own, and the memory can grow in place. The module runs on
// one thread, so unshared memory serves its atomics.
func defineMemory(wasm []byte) ([]byte, error) {
	if len(wasm) < 8 || !bytes.Equal(wasm[:4], []byte("\x00asm")) {
		return nil, errors.New("not a wasm module")
	}
	out := append([]byte(nil), wasm[:8]...)
	var limits []byte
	inserted := false
	insertMemory := func() {
		body := append([]byte{1}, limits...)
		out = append(out, sectionMemory)
		out = binary.AppendUvarint(out, uint64(len(body)))
		out = append(out, body...)
		inserted = true
	}
	for p := 8; p < len(wasm); {
		id := wasm[p]
		size, n := binary.Uvarint(wasm[p+1:])
		if n <= 0 || p+1+n+int(size) > len(wasm) {
			return nil, fmt.Errorf("malformed section at offset %d", p)
		}
		body := wasm[p+1+n : p+1+n+int(size)]
		next := p + 1 + n + int(size)
		if limits != nil && !inserted && id != sectionCustom && id > sectionTable {
			insertMemory()
		}
		switch id {
		case sectionImport:
			rewritten, lim, err := dropMemoryImport(body)
			if err != nil {
				return nil, err
			}
			limits = lim
			out = append(out, sectionImport)
			out = binary.AppendUvarint(out, uint64(len(rewritten)))
			out = append(out, rewritten...)
		case sectionMemory:
			if limits != nil {
				return nil, errors.New("module both imports and defines a memory")
			}
			out = append(out, wasm[p:next]...)
		default:
			out = append(out, wasm[p:next]...)
		}
		p = next
	}
	if limits == nil {
		return nil, errors.New("module imports no memory")
	}
	if !inserted {
		insertMemory()
	}
	return out, nil
}

// dropMemoryImport returns the import section body without its memory
// import, and that memory's limits re-encoded as unshared.
func dropMemoryImport(body []byte) ([]byte, []byte, error) {
	r := &reader{b: body}
	count := r.uvarint()
	var kept [][]byte
	var limits []byte
	for i := uint64(0); i < count && r.err == nil; i++ {
		start := r.p
		r.name()
		r.name()
		kind := r.byte()
		switch kind {
		case importFunc:
			r.uvarint()
		case importTable:
			r.byte()
			r.limits()
		case importMemory:
			flags, min, max := r.limits()
			if r.err != nil {
				break
			}
			limits = []byte{0}
			if flags&1 != 0 {
				limits[0] = 1
			}
			limits = binary.AppendUvarint(limits, min)
			if flags&1 != 0 {
				limits = binary.AppendUvarint(limits, max)
			}
			continue
		case importGlobal:
			r.byte()
			r.byte()
		default:
			return nil, nil, fmt.Errorf("unknown import kind %d", kind)
		}
		kept = append(kept, body[start:r.p])
	}
	if r.err != nil {
		return nil, nil, fmt.Errorf("malformed import section: %w", r.err)
	}
	if limits == nil {
		return nil, nil, errors.New("module imports no memory")
	}
	out := binary.AppendUvarint(nil, uint64(len(kept)))
	for _, k := range kept {
		out = append(out, k...)
	}
	return out, limits, nil
}

// reader decodes the LEB128 and vector encodings of the wasm binary
// format, remembering the first error.
type reader struct {
	b   []byte
	p   int
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.p:])
	if n <= 0 {
		r.err = errors.New("bad LEB128")
		return 0
	}
	r.p += n
	return v
}

func (r *reader) byte() byte {
	if r.err != nil || r.p >= len(r.b) {
		r.err = errors.New("truncated")
		return 0
	}
	r.p++
	return r.b[r.p-1]
}

func (r *reader) name() {
	n := r.uvarint()
	if r.err == nil && r.p+int(n) > len(r.b) {
		r.err = errors.New("truncated name")
		return
	}
	r.p += int(n)
}

// limits reads a limits entry: flags (bit 0: has max, bit 1: shared),
// min and, if present, max.
func (r *reader) limits() (flags byte, min, max uint64) {
	flags = r.byte()
	min = r.uvarint()
	if flags&1 != 0 {
		max = r.uvarint()
	}
	return flags, min, max
}
