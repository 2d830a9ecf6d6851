//go:build linux && amd64 && cgo

package tursonative

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
)

// The values of generic calls (construct, call, get) cross into C encoded
// as tagged bytes (binding.h, TV_*). In Go a JavaScript value is:
//
//	nil          undefined
//	jsNull{}     null
//	bool, string
//	float64      a number
//	int64        a number the addon made from an integer beyond 2^53,
//	             which a float64 cannot hold; as an argument, a number
//	bigInt       a BigInt
//	[]byte       a Buffer (Uint8Array)
//	[]any        an array
//	map[string]any   a plain object
//	jsError      an Error's properties
//	*promise     a promise, settled or not
//	handle       any other object: a class instance, a function
type (
	jsNull  struct{}
	bigInt  int64
	jsError map[string]any
	promise struct {
		state  int // 0 pending, 1 fulfilled, 2 rejected
		result any
	}
)

// The tags of binding.h.
const (
	tvUndefined = 0
	tvNull      = 1
	tvFalse     = 2
	tvTrue      = 3
	tvNumber    = 4
	tvInt       = 5
	tvBigInt    = 6
	tvString    = 7
	tvBytes     = 8
	tvArray     = 9
	tvObject    = 10
	tvHandle    = 11
	tvError     = 12
	tvPromise   = 13
)

// encodeArgs encodes an argument list (an array).
func encodeArgs(args []any) ([]byte, error) {
	return encode(nil, args)
}

func appendString(b []byte, tag byte, s string) []byte {
	b = append(b, tag)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// encode appends the encoding of v to b.
func encode(b []byte, v any) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case nil:
		b = append(b, tvUndefined)
	case jsNull:
		b = append(b, tvNull)
	case bool:
		if x {
			b = append(b, tvTrue)
		} else {
			b = append(b, tvFalse)
		}
	case float64:
		b = append(b, tvNumber)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	case int:
		b = append(b, tvInt)
		b = binary.LittleEndian.AppendUint64(b, uint64(int64(x)))
	case int64:
		b = append(b, tvInt)
		b = binary.LittleEndian.AppendUint64(b, uint64(x))
	case bigInt:
		neg := byte(0)
		mag := uint64(x)
		if x < 0 {
			neg, mag = 1, -uint64(x)
		}
		b = append(b, tvBigInt, neg)
		b = binary.LittleEndian.AppendUint64(b, mag)
	case string:
		if len(x) > math.MaxInt32 {
			return nil, errors.New("turso native engine: string too long")
		}
		b = appendString(b, tvString, x)
	case []byte:
		if len(x) > math.MaxInt32 {
			return nil, errors.New("turso native engine: buffer too long")
		}
		b = appendString(b, tvBytes, string(x))
	case []any:
		b = append(b, tvArray)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(x)))
		for _, el := range x {
			if b, err = encode(b, el); err != nil {
				return nil, err
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, tvObject)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(keys)))
		for _, k := range keys {
			b = binary.LittleEndian.AppendUint32(b, uint32(len(k)))
			b = append(b, k...)
			if b, err = encode(b, x[k]); err != nil {
				return nil, err
			}
		}
	case handle:
		b = append(b, tvHandle)
		b = binary.LittleEndian.AppendUint64(b, uint64(x.p))
	default:
		return nil, fmt.Errorf("turso native engine: cannot pass a %T to the addon", v)
	}
	return b, nil
}

// decoder reads encoded values.
type decoder struct {
	b   []byte
	err error
}

var errMalformed = errors.New("turso native engine: malformed value from the host")

func (d *decoder) take(n int) []byte {
	if d.err != nil || n < 0 || len(d.b) < n {
		d.err = errMalformed
		return nil
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

func (d *decoder) u32() uint32 {
	if p := d.take(4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (d *decoder) u64() uint64 {
	if p := d.take(8); p != nil {
		return binary.LittleEndian.Uint64(p)
	}
	return 0
}

// decode reads one value; the handles in it are the caller's to release.
func decode(b []byte) (any, error) {
	d := &decoder{b: b}
	v := d.value(0)
	if d.err == nil && len(d.b) != 0 {
		d.err = errMalformed
	}
	return v, d.err
}

func (d *decoder) props() map[string]any {
	n := int(d.u32())
	m := make(map[string]any, min(n, 64))
	for i := 0; i < n && d.err == nil; i++ {
		k := string(d.take(int(d.u32())))
		m[k] = d.value(1)
	}
	return m
}

func (d *decoder) value(depth int) any {
	tag := d.take(1)
	if tag == nil || depth > 64 {
		d.err = errMalformed
		return nil
	}
	switch tag[0] {
	case tvUndefined:
		return nil
	case tvNull:
		return jsNull{}
	case tvFalse:
		return false
	case tvTrue:
		return true
	case tvNumber:
		return math.Float64frombits(d.u64())
	case tvInt:
		return int64(d.u64())
	case tvBigInt:
		neg := d.take(1)
		mag := d.u64()
		if neg != nil && neg[0] != 0 {
			return bigInt(-int64(mag))
		}
		return bigInt(int64(mag))
	case tvString:
		return string(d.take(int(d.u32())))
	case tvBytes:
		return append([]byte{}, d.take(int(d.u32()))...)
	case tvArray:
		n := int(d.u32())
		arr := make([]any, 0, min(n, 1024))
		for i := 0; i < n && d.err == nil; i++ {
			arr = append(arr, d.value(depth+1))
		}
		return arr
	case tvObject:
		return d.props()
	case tvError:
		return jsError(d.props())
	case tvHandle:
		return handle{p: uintptr(d.u64())}
	case tvPromise:
		state := d.take(1)
		p := &promise{result: d.value(depth + 1)}
		if state != nil {
			p.state = int(state[0])
		}
		return p
	}
	d.err = errMalformed
	return nil
}

// releaseAll releases the handles inside v, a decoded value the caller
// does not keep.
func releaseAll(v any) {
	switch x := v.(type) {
	case handle:
		x.release()
	case []any:
		for _, el := range x {
			releaseAll(el)
		}
	case map[string]any:
		for _, el := range x {
			releaseAll(el)
		}
	case jsError:
		for _, el := range x {
			releaseAll(el)
		}
	case *promise:
		releaseAll(x.result)
	}
}

// toInt64 reads a number, exact integer or BigInt.
func toInt64(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case int64:
		return n
	case bigInt:
		return int64(n)
	}
	return 0
}
