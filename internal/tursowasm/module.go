package tursowasm

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/experimental/table"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/turso-go/turso/internal/artifact"
	"github.com/turso-go/turso/internal/engine"
	"github.com/turso-go/turso/internal/napi"
)

// instance is the Turso engine module running under wazero with its
// N-API environment. Every call into it is serialized by its owner.
type instance struct {
	rt    wazero.Runtime
	mod   api.Module
	env   *napi.Env
	files *files
	// byIndex caches the functions of the module's table by signature and
	// index.
	byIndex map[[2]uint32]api.Function
	// stacks are the call stacks of CallTable, by nesting depth.
	stacks [][]uint64
	depth  int
	// classes exported by the module.
	database, statement *napi.Function
	// modules are the module instances that make up the instance (WASI,
	// the env host module, the engine), which close closes.
	modules []api.Closer
	// open counts the open connections per database path; the last one
	// to close closes the path's files.
	open map[string]int
	// broken is the failure that discarded the instance, nil while it
	// runs (see Engine.result).
	broken *engine.Error
}

var _ napi.Module = (*instance)(nil)

// signatures are the wasm types of the table entries napi.Signature names.
var signatures = map[napi.Signature][2][]api.ValueType{
	napi.SigCallback: {{api.ValueTypeI32, api.ValueTypeI32}, {api.ValueTypeI32}},
	napi.SigFinalize: {{api.ValueTypeI32, api.ValueTypeI32, api.ValueTypeI32}, nil},
	napi.SigCallJS:   {{api.ValueTypeI32, api.ValueTypeI32, api.ValueTypeI32, api.ValueTypeI32}, nil},
	napi.SigExecute:  {{api.ValueTypeI32, api.ValueTypeI32}, nil},
	napi.SigComplete: {{api.ValueTypeI32, api.ValueTypeI32, api.ValueTypeI32}, nil},
}

// Memory is the module's memory.
func (in *instance) Memory() napi.Memory { return in.mod.Memory() }

// CallTable calls entry index of table 0.
func (in *instance) CallTable(sig napi.Signature, index uint32, args ...uint64) (r uint64, err error) {
	key := [2]uint32{uint32(sig), index}
	fn, ok := in.byIndex[key]
	if !ok {
		types := signatures[sig]
		defer func() {
			// LookupFunction panics as call_indirect traps.
			if p := recover(); p != nil {
				err = fmt.Errorf("turso engine: bad function table entry %d: %v", index, p)
			}
		}()
		fn = table.LookupFunction(in.mod, 0, index, types[0], types[1])
		in.byIndex[key] = fn
	}
	// A call's arguments and result go through a stack of its own, kept
	// for the next call at the same depth (calls nest: the module calls
	// napi_call_function, which calls back into the module).
	if in.depth == len(in.stacks) {
		in.stacks = append(in.stacks, make([]uint64, maxTableArgs))
	}
	stack := in.stacks[in.depth]
	copy(stack, args)
	in.depth++
	err = fn.CallWithStack(context.Background(), stack)
	in.depth--
	if err != nil {
		return 0, err
	}
	return stack[0], nil
}

// maxTableArgs is the most arguments or results a table entry the host
// calls has (SigCallJS: four).
const maxTableArgs = 4

// wazeroVersion is the version of wazero in go.mod (a test checks it). It
// names the compilation cache's directory: wazero names its own directory
// by the version it finds in the binary's build information, which test
// binaries lack ("dev"), so that code compiled by another version of
// wazero could otherwise be loaded.
const wazeroVersion = "v1.12.0"

// compilationCache returns the cache of compiled code that wazero keeps
// between processes, in the directory "wazero-<version>" of the driver's
// cache directory (see package internal/artifact): compiling the module
// takes seconds, much longer under the race detector. It returns nil with the
// cache off (TURSO_CACHE_DIR=off), and also when the default cache
// directory cannot be used (no home directory, a read-only one): the
// module is then compiled in each process. A directory that
// TURSO_CACHE_DIR names but that cannot be used is an error.
func compilationCache() (wazero.CompilationCache, error) {
	dir, err := artifact.PrivateDir("wazero-" + wazeroVersion)
	if errors.Is(err, artifact.ErrCacheOff) || (err != nil && os.Getenv(artifact.CacheDirEnv) == "") {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("turso engine: %w", err)
	}
	cache, err := wazero.NewCompilationCacheWithDir(dir)
	if err != nil {
		return nil, fmt.Errorf("turso engine: compilation cache: %w", err)
	}
	return cache, nil
}

// compiled is the module compiled once, with the runtime that owns it.
type compiled struct {
	rt  wazero.Runtime
	mod wazero.CompiledModule
}

// compile prepares wasm (the npm package's turso.wasm32-wasi.wasm) for
// instantiation.
func compile(ctx context.Context, wasm []byte) (*compiled, error) {
	defined, err := defineMemory(wasm)
	if err != nil {
		return nil, fmt.Errorf("turso engine: %w", err)
	}
	cfg := wazero.NewRuntimeConfig().WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesThreads)
	cache, err := compilationCache()
	if err != nil {
		return nil, err
	}
	if cache != nil {
		cfg = cfg.WithCompilationCache(cache)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	mod, err := rt.CompileModule(ctx, defined)
	if err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("turso engine: compile: %w", err)
	}
	return &compiled{rt: rt, mod: mod}, nil
}

// instantiate starts the module: WASI, the env host module (N-API and
// file hooks), then the module's own initialization and N-API
// registration. A runtime holds one instance: its host module is named
// env.
func (c *compiled) instantiate(ctx context.Context) (*instance, error) {
	in := &instance{rt: c.rt, files: newFiles(), byIndex: map[[2]uint32]api.Function{}, open: map[string]int{}}
	in.env = napi.NewEnv(in)
	wasi, err := wasi_snapshot_preview1.Instantiate(ctx, c.rt)
	if err != nil {
		return nil, fmt.Errorf("turso engine: wasi: %w", err)
	}
	in.modules = append(in.modules, wasi)
	if err := in.instantiateHost(ctx, c.mod); err != nil {
		in.close(ctx)
		return nil, err
	}
	modCfg := wazero.NewModuleConfig().
		WithName("turso").
		WithStartFunctions(). // a reactor: _initialize is called below
		WithRandSource(rand.Reader).
		WithSysWalltime().
		WithSysNanotime().
		WithSysNanosleep()
	mod, err := c.rt.InstantiateModule(ctx, c.mod, modCfg)
	if err != nil {
		in.close(ctx)
		return nil, fmt.Errorf("turso engine: instantiate: %w", err)
	}
	in.mod = mod
	in.modules = append(in.modules, mod)
	if err := in.register(ctx); err != nil {
		in.close(ctx)
		return nil, err
	}
	return in, nil
}

// close closes the module instances, freeing their memory and their
// names in the runtime for the next instance. The compiled module stays.
func (in *instance) close(ctx context.Context) {
	for i := len(in.modules) - 1; i >= 0; i-- {
		in.modules[i].Close(ctx)
	}
	in.modules = nil
}

// register runs what emnapi runs on load: _initialize, every
// __napi_register__* export, then napi_register_module_v1, and picks the
// classes out of the exports.
func (in *instance) register(ctx context.Context) error {
	if f := in.mod.ExportedFunction("_initialize"); f != nil {
		if _, err := f.Call(ctx); err != nil {
			return fmt.Errorf("turso engine: _initialize: %w", err)
		}
	}
	for name := range in.mod.ExportedFunctionDefinitions() {
		if strings.HasPrefix(name, "__napi_register__") {
			if _, err := in.mod.ExportedFunction(name).Call(ctx); err != nil {
				return fmt.Errorf("turso engine: %s: %w", name, err)
			}
		}
	}
	reg := in.mod.ExportedFunction("napi_register_module_v1")
	if reg == nil {
		return fmt.Errorf("turso engine: module exports no napi_register_module_v1")
	}
	err := in.env.Init(func(env, exports uint32) error {
		_, err := reg.Call(ctx, uint64(env), uint64(exports))
		return err
	})
	if err != nil {
		return fmt.Errorf("turso engine: napi_register_module_v1: %w", err)
	}
	var ok1, ok2 bool
	in.database, ok1 = in.env.Exports().Get("Database").(*napi.Function)
	in.statement, ok2 = in.env.Exports().Get("Statement").(*napi.Function)
	if !ok1 || !ok2 {
		return fmt.Errorf("turso engine: module registered no Database and Statement classes (exports: %v)", in.env.Exports().Keys())
	}
	return nil
}

// instantiateHost defines the env module: every napi_* function the
// module imports, served by the napi host, and the file hooks.
func (in *instance) instantiateHost(ctx context.Context, cm wazero.CompiledModule) error {
	b := in.rt.NewHostModuleBuilder("env")
	for _, def := range cm.ImportedFunctions() {
		module, name, _ := def.Import()
		if module != "env" {
			continue
		}
		var fn api.GoModuleFunc
		if strings.HasPrefix(name, "napi_") {
			f := in.env.Function(name)
			fn = func(_ context.Context, _ api.Module, stack []uint64) {
				stack[0] = uint64(f(stack))
			}
		} else if fn = in.fileHook(name); fn == nil {
			return fmt.Errorf("turso engine: module imports unknown env.%s", name)
		}
		b.NewFunctionBuilder().WithGoModuleFunction(fn, def.ParamTypes(), def.ResultTypes()).Export(name)
	}
	host, err := b.Instantiate(ctx)
	if err != nil {
		return fmt.Errorf("turso engine: host module: %w", err)
	}
	in.modules = append(in.modules, host)
	return nil
}

// fileHook returns the implementation of file hook name. The host says it
// is a web worker, so the engine uses the synchronous hooks; the _async
// forms do the I/O at once and complete through the module's
// completeOpfs once the current call returns.
func (in *instance) fileHook(name string) api.GoModuleFunc {
	mem := func(m api.Module, ptr, n uint64) []byte {
		b, _ := m.Memory().Read(uint32(ptr), uint32(n))
		return b
	}
	res := func(v int32) uint64 { return uint64(uint32(v)) }
	switch name {
	case "is_web_worker":
		return func(_ context.Context, _ api.Module, s []uint64) { s[0] = 1 }
	case "lookup_file":
		return func(_ context.Context, m api.Module, s []uint64) {
			s[0] = res(in.files.lookup(string(mem(m, s[0], s[1]))))
		}
	case "read":
		return func(_ context.Context, m api.Module, s []uint64) {
			s[0] = res(in.files.read(int32(s[0]), mem(m, s[1], s[2]), int64(int32(s[3]))))
		}
	case "write":
		return func(_ context.Context, m api.Module, s []uint64) {
			s[0] = res(in.files.write(int32(s[0]), mem(m, s[1], s[2]), int64(int32(s[3]))))
		}
	case "sync":
		return func(_ context.Context, _ api.Module, s []uint64) { s[0] = res(in.files.sync(int32(s[0]))) }
	case "truncate":
		return func(_ context.Context, _ api.Module, s []uint64) {
			s[0] = res(in.files.truncate(int32(s[0]), int64(uint32(s[1]))))
		}
	case "size":
		return func(_ context.Context, _ api.Module, s []uint64) { s[0] = res(in.files.size(int32(s[0]))) }
	case "read_async":
		return func(_ context.Context, m api.Module, s []uint64) {
			in.complete(uint32(s[4]), in.files.read(int32(s[0]), mem(m, s[1], s[2]), int64(int32(s[3]))))
		}
	case "write_async":
		return func(_ context.Context, m api.Module, s []uint64) {
			in.complete(uint32(s[4]), in.files.write(int32(s[0]), mem(m, s[1], s[2]), int64(int32(s[3]))))
		}
	case "sync_async":
		return func(_ context.Context, _ api.Module, s []uint64) {
			in.complete(uint32(s[1]), in.files.sync(int32(s[0])))
		}
	case "truncate_async":
		return func(_ context.Context, _ api.Module, s []uint64) {
			in.complete(uint32(s[2]), in.files.truncate(int32(s[0]), int64(uint32(s[1]))))
		}
	}
	return nil
}

// complete reports the result of an _async file operation to the engine.
func (in *instance) complete(completion uint32, result int32) {
	in.env.Later(func() error {
		_, err := in.env.CallMethod(in.env.Exports(), "completeOpfs", float64(completion), float64(result))
		return err
	})
}
