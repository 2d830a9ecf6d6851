// Package runner is the main function shared by every driver binary under
// bench/cmd: flags, repetitions, timing, allocation counting and JSON lines.
//
// Each binary prints one JSON line per workload step on stdout:
//
//	{"driver":"mattn","workload":"simple/insert","ms":812.4,"allocs":8000123,...}
//
// ms and allocs are medians over -runs repetitions, each on a fresh database
// in a fresh temporary directory. Progress and skips go to stderr.
package runner

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/turso-go/turso/bench/workload"
)

// Result is one JSON line.
type Result struct {
	Driver   string  `json:"driver"`
	Workload string  `json:"workload"`
	MS       float64 `json:"ms"`     // median wall time of the step, milliseconds
	CPUMS    float64 `json:"cpu_ms"` // median CPU time of the process during the step (user + system, every thread)
	Faults   int64   `json:"faults"` // median page faults of the process during the step
	Allocs   int64   `json:"allocs"` // median Go heap allocations (MemStats.Mallocs delta)
	Bytes    int64   `json:"bytes"`  // median Go heap bytes allocated
	MinMS    float64 `json:"min_ms"`
	Runs     int     `json:"runs"`
	Ops      int     `json:"ops,omitempty"` // operations (rows, queries, txs) in one run
	Quick    bool    `json:"quick"`
}

// Info is the line printed by -info.
type Info struct {
	Driver  string            `json:"driver"`
	Info    bool              `json:"info"`
	Go      string            `json:"go"`
	OS      string            `json:"os"`
	Arch    string            `json:"arch"`
	Modules map[string]string `json:"modules"`
	SQLite  string            `json:"sqlite_version,omitempty"`
	Error   string            `json:"error,omitempty"`
}

// Config describes one benchmark binary.
type Config struct {
	Name      string
	Driver    *workload.Driver // nil for the raw binding
	Workloads []workload.Workload
	Modules   []string
	// SQLiteVersion, if set, reports the engine version for -info.
	SQLiteVersion func() (string, error)
	// Record, if set, makes every workload run once untimed with
	// Record(true) before its timed runs, which run with Record(false):
	// the database/sql floor records what the queries return, then
	// replays it.
	Record func(on bool)
}

// Main runs a driver binary for a database/sql driver.
func Main(d *workload.Driver) {
	MainConfig(Config{
		Name:          d.Name,
		Driver:        d,
		Workloads:     workload.All(),
		Modules:       d.Modules,
		SQLiteVersion: SQLiteVersion(d),
	})
}

// SQLiteVersion returns a function that asks the driver for the engine's
// version.
func SQLiteVersion(d *workload.Driver) func() (string, error) {
	return func() (string, error) {
		dir, err := os.MkdirTemp("", "bench-info-")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(dir)
		db, err := d.Open(dir+"/info.db", workload.DefaultOptions())
		if err != nil {
			return "", err
		}
		defer db.Close()
		var v string
		err = db.QueryRow("SELECT sqlite_version()").Scan(&v)
		return v, err
	}
}

// MainConfig parses flags, runs the workloads and exits.
func MainConfig(cfg Config) {
	var (
		quick   = flag.Bool("quick", false, "about 1/10 of the sizes, for CI and quick checks")
		runs    = flag.Int("runs", 1, "repetitions per workload; the median is reported")
		only    = flag.String("only", "", "time and report only the workload steps matching this regexp (e.g. '^simple/'); a group with a matching step still runs its other steps, untimed (a step may need what an earlier one wrote), and whole-process measurements (perf, strace) see them too")
		dir     = flag.String("dir", "", "parent directory for the temporary databases (default: os.TempDir)")
		list    = flag.Bool("list", false, "list workload step names and exit")
		info    = flag.Bool("info", false, "print one JSON line with Go, module and SQLite versions and exit")
		cpuprof = flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
		memprof = flag.String("memprofile", "", "write an allocation profile (every allocation sampled) of the whole run to this file")
		scale   = flag.Float64("scale", 1, "multiply every size by this factor (for profiling: the difference of two scales is the cost of the extra work)")
		tracep  = flag.String("trace", "", "write an execution trace of each timed step to this path prefix + the step's name + .trace (for `go tool trace`; with -runs, the last run's)")
	)
	flag.Parse()
	if *info {
		printInfo(cfg)
		return
	}
	var re *regexp.Regexp
	if *only != "" {
		var err error
		if re, err = regexp.Compile(*only); err != nil {
			fatalf("-only: %v", err)
		}
	}
	if *list {
		for _, w := range cfg.Workloads {
			for _, s := range w.Steps {
				fmt.Println(s)
			}
		}
		return
	}
	if *runs < 1 {
		fatalf("-runs must be >= 1")
	}
	if *cpuprof != "" {
		f, err := os.Create(*cpuprof)
		if err != nil {
			fatalf("%v", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fatalf("%v", err)
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	if *memprof != "" {
		runtime.MemProfileRate = 1
		defer func() {
			f, err := os.Create(*memprof)
			if err != nil {
				fatalf("%v", err)
			}
			runtime.GC() // the profile is as of the last completed GC
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}()
	}
	sizes := workload.FullSizes
	if *quick {
		sizes = workload.QuickSizes
	}
	if *scale != 1 {
		sizes = sizes.Scale(*scale)
	}
	wants := func(step string) bool { return re == nil || re.MatchString(step) }
	failed := false
	enc := json.NewEncoder(os.Stdout)
	for _, w := range cfg.Workloads {
		if !slices.ContainsFunc(w.Steps, wants) {
			continue
		}
		samples := map[string][]sample{}
		ops := map[string]int{}
		var werr, skip error
		if cfg.Record != nil {
			// The untimed recording run.
			cfg.Record(true)
			werr = record(cfg, w, sizes, wants, *dir)
			cfg.Record(false)
		}
		for run := 0; run < *runs && werr == nil; run++ {
			tmp, err := os.MkdirTemp(*dir, "bench-"+cfg.Name+"-"+w.Group+"-")
			if err != nil {
				fatalf("%v", err)
			}
			r := &workload.Run{
				Driver: cfg.Driver,
				Dir:    tmp,
				Sizes:  sizes,
				Wants:  wants,
				Logf: func(format string, args ...any) {
					fmt.Fprintf(os.Stderr, cfg.Name+": "+format+"\n", args...)
				},
				Measure: func(name string, nops int, fn func() error) error {
					if !wants(name) {
						return fn()
					}
					s, err := measure(name, *tracep, fn)
					if err != nil {
						return fmt.Errorf("%s: %w", name, err)
					}
					samples[name] = append(samples[name], s)
					ops[name] = nops
					fmt.Fprintf(os.Stderr, "%s: %s run %d/%d: %.1f ms, %d allocs\n", cfg.Name, name, run+1, *runs, s.ms, s.allocs)
					return nil
				},
			}
			err = w.Run(r)
			os.RemoveAll(tmp)
			// A skipped step (e.g. _txlock=concurrent) does not stop the
			// repetitions of the others.
			if workload.IsSkip(err) {
				if skip == nil {
					fmt.Fprintf(os.Stderr, "%s: %s: %v\n", cfg.Name, w.Group, err)
				}
				skip = err
			} else {
				werr = err
			}
		}
		if werr != nil {
			fmt.Fprintf(os.Stderr, "%s: %s: FAILED: %v\n", cfg.Name, w.Group, werr)
			failed = true
		}
		for _, step := range w.Steps {
			ss := samples[step]
			if len(ss) == 0 || len(ss) < *runs && werr != nil {
				continue
			}
			enc.Encode(summarize(cfg.Name, step, ss, ops[step], *quick))
		}
	}
	if failed {
		if *cpuprof != "" {
			pprof.StopCPUProfile()
		}
		os.Exit(1)
	}
}

// record runs w once untimed (Config.Record).
func record(cfg Config, w workload.Workload, sizes workload.Sizes, wants func(string) bool, dir string) error {
	tmp, err := os.MkdirTemp(dir, "bench-"+cfg.Name+"-"+w.Group+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	err = w.Run(&workload.Run{
		Driver:  cfg.Driver,
		Dir:     tmp,
		Sizes:   sizes,
		Wants:   wants,
		Measure: func(_ string, _ int, fn func() error) error { return fn() },
	})
	if workload.IsSkip(err) {
		return nil // the timed runs report the skip
	}
	if err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	return nil
}

type sample struct {
	ms, cpu       float64
	faults        int64
	allocs, bytes int64
}

// measure times fn. Under -cpuprofile the samples of fn (and of the
// goroutines it starts) carry the label step=name, so that
// `go tool pprof -tagfocus step=simple/query` shows one step alone.
// Under -trace the step runs inside an execution trace of its own.
func measure(name, tracePrefix string, fn func() error) (s sample, err error) {
	if tracePrefix != "" {
		f, ferr := os.Create(tracePrefix + strings.ReplaceAll(name, "/", "_") + ".trace")
		if ferr != nil {
			return sample{}, ferr
		}
		w := &firstErrWriter{w: f}
		if terr := trace.Start(w); terr != nil {
			f.Close()
			return sample{}, terr
		}
		defer func() {
			trace.Stop()
			// A trace cut short (a full disk) is an error, not a result.
			if cerr := f.Close(); w.err == nil {
				w.err = cerr
			}
			if err == nil && w.err != nil {
				err = fmt.Errorf("-trace: %w", w.err)
			}
		}()
	}
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	cpu0, faults0 := usage()
	start := time.Now()
	pprof.Do(context.Background(), pprof.Labels("step", name), func(context.Context) { err = fn() })
	el := time.Since(start)
	cpu1, faults1 := usage()
	cpu := cpu1 - cpu0
	runtime.ReadMemStats(&m1)
	return sample{
		ms:     float64(el.Nanoseconds()) / 1e6,
		cpu:    float64(cpu.Nanoseconds()) / 1e6,
		faults: faults1 - faults0,
		allocs: int64(m1.Mallocs - m0.Mallocs),
		bytes:  int64(m1.TotalAlloc - m0.TotalAlloc),
	}, err
}

// firstErrWriter keeps the first write error, which runtime/trace drops.
type firstErrWriter struct {
	w   io.Writer
	err error
}

func (w *firstErrWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.w.Write(p)
	w.err = err
	return n, err
}

func summarize(driver, step string, ss []sample, ops int, quick bool) Result {
	ms := make([]float64, len(ss))
	cpu := make([]float64, len(ss))
	allocs := make([]int64, len(ss))
	bytes := make([]int64, len(ss))
	faults := make([]int64, len(ss))
	for i, s := range ss {
		ms[i], cpu[i], allocs[i], bytes[i], faults[i] = s.ms, s.cpu, s.allocs, s.bytes, s.faults
	}
	sort.Float64s(ms)
	sort.Float64s(cpu)
	slices.Sort(faults)
	slices.Sort(allocs)
	slices.Sort(bytes)
	return Result{
		Driver:   driver,
		Workload: step,
		MS:       round3(Median(ms)),
		CPUMS:    round3(Median(cpu)),
		Allocs:   allocs[len(allocs)/2],
		Bytes:    bytes[len(bytes)/2],
		Faults:   faults[len(faults)/2],
		MinMS:    round3(ms[0]),
		Runs:     len(ss),
		Ops:      ops,
		Quick:    quick,
	}
}

// Median of sorted values (mean of the middle two for even counts).
func Median(sorted []float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// usage is the CPU time the process has used (every thread, user and
// system) and its page faults, or zeros where they cannot be read.
func usage() (cpu time.Duration, faults int64) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), ru.Minflt + ru.Majflt
}

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

func printInfo(cfg Config) {
	in := Info{
		Driver:  cfg.Name,
		Info:    true,
		Go:      runtime.Version(),
		OS:      runtime.GOOS,
		Arch:    runtime.GOARCH,
		Modules: map[string]string{},
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range bi.Deps {
			for _, m := range cfg.Modules {
				if dep.Path == m || strings.HasPrefix(dep.Path, m+"/") {
					v := dep.Version
					if dep.Replace != nil {
						v = dep.Replace.Version
						if v == "" {
							v = "(devel " + dep.Replace.Path + ")"
						}
					}
					in.Modules[dep.Path] = v
				}
			}
		}
	}
	if cfg.SQLiteVersion != nil {
		v, err := cfg.SQLiteVersion()
		in.SQLite = v
		if err != nil {
			in.Error = err.Error()
		}
	}
	json.NewEncoder(os.Stdout).Encode(in)
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(2)
}
