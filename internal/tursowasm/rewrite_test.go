package tursowasm

import (
	"bytes"
	"context"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// A module importing env.memory (shared, 1..2 pages) and exporting a
// function that reads its first byte, hand-assembled.
var importsMemory = []byte{
	0, 'a', 's', 'm', 1, 0, 0, 0,
	1, 5, 1, 0x60, 0, 1, 0x7f, // type: () -> i32
	2, 16, 1, 3, 'e', 'n', 'v', 6, 'm', 'e', 'm', 'o', 'r', 'y', 2, 3, 1, 2, // import env.memory shared min 1 max 2
	3, 2, 1, 0, // function 0 has type 0
	7, 5, 1, 1, 'f', 0, 0, // export "f"
	10, 9, 1, 7, 0, 0x41, 0, 0x2d, 0, 0, 0x0b, // i32.const 0; i32.load8_u; end
	11, 7, 1, 0, 0x41, 0, 0x0b, 1, 42, // data: byte 42 at 0
}

func TestDefineMemory(t *testing.T) {
	out, err := defineMemory(importsMemory)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte{5, 4, 1, 1, 1, 2}) {
		t.Errorf("no unshared memory section (min 1, max 2) in % x", out)
	}
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCoreFeatures(api.CoreFeaturesV2))
	defer rt.Close(ctx)
	mod, err := rt.Instantiate(ctx, out)
	if err != nil {
		t.Fatalf("rewritten module does not instantiate without an env module: %v", err)
	}
	if r, err := mod.ExportedFunction("f").Call(ctx); err != nil || r[0] != 42 {
		t.Errorf("f() = %v, %v; want 42", r, err)
	}
}

func TestDefineMemoryErrors(t *testing.T) {
	noMemory := append([]byte{}, importsMemory[:8]...)
	noMemory = append(noMemory, 1, 5, 1, 0x60, 0, 1, 0x7f)
	tests := map[string][]byte{
		"not wasm":    []byte("hello world"),
		"no memory":   noMemory,
		"truncated":   importsMemory[:20],
		"bad section": append(append([]byte{}, importsMemory[:8]...), 2, 0xff),
	}
	for name, wasm := range tests {
		if _, err := defineMemory(wasm); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
