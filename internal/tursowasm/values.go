package tursowasm

import (
	"strings"
	"unsafe"

	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/napi"
)

// toJS converts an argument to the value bindAt turns back into it:
// integers as BigInt (a number would lose precision beyond 2^53), blobs
// as Uint8Array. A float with an integral value binds as an integer: the
// binding makes every integral number one.
func toJS(v engine.Value) napi.Value {
	switch v.Kind {
	case engine.KindInteger:
		return napi.BigInt{Int: v.Int}
	case engine.KindFloat:
		return v.Float
	case engine.KindText:
		return strings.Clone(v.Data)
	case engine.KindBlob:
		b := []byte(v.Data)
		return &napi.TypedArray{Type: napi.Uint8Array, Buffer: &napi.ArrayBuffer{Data: b}, Length: len(b)}
	}
	return napi.Null{}
}

// fromJS converts a column of a row (raw mode, safe integers).
func fromJS(v napi.Value) engine.Value {
	switch x := v.(type) {
	case napi.BigInt:
		return engine.Value{Kind: engine.KindInteger, Int: x.Int}
	case float64:
		return engine.Value{Kind: engine.KindFloat, Float: x}
	case string:
		return engine.Value{Kind: engine.KindText, Data: x}
	case *napi.TypedArray:
		b := x.Bytes()
		return engine.Value{Kind: engine.KindBlob, Data: unsafe.String(unsafe.SliceData(b), len(b))}
	}
	return engine.Value{Kind: engine.KindNull}
}
