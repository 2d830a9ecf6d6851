// Command report builds every driver binary of the benchmark, runs them
// side by side on this machine and writes bench/RESULTS.md and one SVG bar
// chart per workload group into bench/charts/.
//
// Usage (from the bench directory, or through bench/run):
//
//	go run ./cmd/report -quick -rounds 5
//	go run ./cmd/report -drivers turso,mattn -rounds 9
//
// The machine is small and noisy, so absolute times mean little; what the
// report is built for is ratios measured in one run. Every (round, workload
// group, driver) is its own short process (-runs 1 -only '^group/'); within
// a round the drivers run one after the other for each group, and the order
// flips from one round (and group) to the next (A B, B A, A B, ...: ABBA),
// so slow phases of the machine hit every driver alike. The report gives the
// median over the rounds (and the minimum).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/turso-go/turso/bench/internal/runner"
)

// Sample is one step of one process, as stored in the raw JSONL file.
type Sample struct {
	runner.Result
	Round int `json:"round"`
	Seq   int `json:"seq"` // position of the process in the whole run
}

// Raw is everything a report is rendered from (-from re-renders it).
type Raw struct {
	Quick    bool                   `json:"quick"`
	Rounds   int                    `json:"rounds"`
	Runs     int                    `json:"runs"` // -runs of each process
	Drivers  []string               `json:"drivers"`
	Groups   []string               `json:"groups"`
	Steps    []string               `json:"steps"`
	Infos    map[string]runner.Info `json:"infos"`
	Machine  Machine                `json:"machine"`
	Start    time.Time              `json:"start"`
	Duration string                 `json:"duration"`
	Samples  []Sample               `json:"samples"`
	Failures []string               `json:"failures"`
	Missing  map[string]string      `json:"missing"` // driver -> why it is not in the report
	Command  string                 `json:"command"`
	// Commit is the repository's commit the driver was built from, with
	// "+dirty" when files outside bench/ had uncommitted changes.
	Commit string `json:"commit"`
	// Baselines are the drivers built from other checkouts (-baseline):
	// name -> directory and commit.
	Baselines map[string]string `json:"baselines,omitempty"`
}

func main() {
	var (
		quick   = flag.Bool("quick", false, "pass -quick to every binary (about 1/10 of the sizes)")
		rounds  = flag.Int("rounds", 5, "ABBA rounds: processes per driver per workload group")
		runs    = flag.Int("runs", 1, "repetitions inside each process (its median is that round's sample)")
		drivers = flag.String("drivers", strings.Join(driverNames(), ","), "comma-separated drivers to build and run")
		only    = flag.String("only", "", "run only workload groups matching this regexp")
		outDir  = flag.String("out", "", "where RESULTS.md and charts/ go (default: the bench directory)")
		from    = flag.String("from", "", "re-render the report from a raw JSON file instead of running")
		rawOut  = flag.String("raw", "", "write the raw samples here (default: <out>/out/raw-<time>.json)")
		svg     = flag.Bool("svg", false, "also write SVG charts next to the PNGs")
		partial = flag.Bool("partial", false, "go on without the drivers that do not build or run (default: stop)")
		timeout = flag.Duration("timeout", 15*time.Minute, "limit for one benchmark process")
		base    = flag.String("baseline", "", "`name=dir`: also run the turso driver of another checkout of the repository (its root dir, e.g. a git worktree of an older commit) with this benchmark, as driver name (list it in -drivers)")
	)
	flag.Parse()
	benchDir, err := findBenchDir()
	if err != nil {
		fatalf("%v", err)
	}
	if *outDir == "" {
		*outDir = benchDir
	}
	var raw *Raw
	if *from != "" {
		b, err := os.ReadFile(*from)
		if err != nil {
			fatalf("%v", err)
		}
		raw = &Raw{}
		if err := json.Unmarshal(b, raw); err != nil {
			fatalf("%s: %v", *from, err)
		}
	} else {
		baselines := map[string]string{}
		if *base != "" {
			name, dir, ok := strings.Cut(*base, "=")
			if !ok || name == "" || dir == "" {
				fatalf("-baseline wants name=dir")
			}
			abs, err := filepath.Abs(dir)
			if err != nil {
				fatalf("-baseline: %v", err)
			}
			baselines[name] = abs
		}
		path := *rawOut
		if path == "" {
			path = filepath.Join(*outDir, "out", "raw-"+time.Now().Format("20060102-150405")+".json")
		}
		os.MkdirAll(filepath.Dir(path), 0o755)
		// The samples are written after every round, so that a run cut
		// short still renders (-from) with the rounds it finished.
		save := func(raw *Raw) {
			b, _ := json.MarshalIndent(raw, "", " ")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				fatalf("%v", err)
			}
		}
		raw, err = run(benchDir, strings.Split(*drivers, ","), baselines, *quick, *rounds, *runs, *only, *timeout, *partial, save)
		if err != nil {
			fatalf("%v", err)
		}
		save(raw)
		progress("raw samples: %s", path)
	}
	rep := aggregate(raw)
	if err := writeCharts(rep, filepath.Join(*outDir, "charts"), *svg); err != nil {
		fatalf("charts: %v", err)
	}
	md := renderMarkdown(rep)
	resultsPath := filepath.Join(*outDir, "RESULTS.md")
	md += keptNotes(resultsPath)
	if err := os.WriteFile(resultsPath, []byte(md), 0o644); err != nil {
		fatalf("%v", err)
	}
	progress("wrote %s and %s", filepath.Join(*outDir, "RESULTS.md"), filepath.Join(*outDir, "charts"))
	fmt.Print(summaryText(rep))
}

// notesMarker starts the hand-written part at the end of RESULTS.md, which
// the report keeps when it rewrites the file.
const notesMarker = "<!-- notes: written by hand, kept by the report -->"

// keptNotes returns the hand-written tail of an existing RESULTS.md, from
// the marker on, or "".
func keptNotes(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	i := bytes.Index(b, []byte(notesMarker))
	if i < 0 {
		return ""
	}
	return "\n" + string(b[i:])
}

// findBenchDir finds the directory of the bench module from the working
// directory (the bench directory itself, a subdirectory, or the repo root).
func findBenchDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		for _, c := range []string{d, filepath.Join(d, "bench")} {
			b, err := os.ReadFile(filepath.Join(c, "go.mod"))
			if err == nil && bytes.Contains(b, []byte("module github.com/turso-go/turso/bench\n")) {
				return c, nil
			}
		}
		if filepath.Dir(d) == d {
			return "", errors.New("cannot find the bench module (run from the bench directory)")
		}
	}
}

// run builds the drivers and runs the rounds, handing the samples of the
// rounds done so far to roundDone after each round (Rounds then counts
// them, and Duration and the end load are as of then).
func run(benchDir string, drivers []string, baselines map[string]string, quick bool, rounds, runs int, only string, timeout time.Duration, partial bool, roundDone func(*Raw)) (*Raw, error) {
	start := time.Now()
	raw := &Raw{
		Quick:     quick,
		Rounds:    rounds,
		Runs:      runs,
		Infos:     map[string]runner.Info{},
		Machine:   machineInfo(),
		Start:     start,
		Missing:   map[string]string{},
		Command:   "go run ./cmd/report " + strings.Join(os.Args[1:], " "),
		Commit:    repoCommit(benchDir),
		Baselines: map[string]string{},
	}
	var onlyRE *regexp.Regexp
	if only != "" {
		var err error
		if onlyRE, err = regexp.Compile(only); err != nil {
			return nil, err
		}
	}
	binDir, err := os.MkdirTemp("", "bench-bin-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(binDir)
	dbDir, err := os.MkdirTemp("", "bench-db-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dbDir)

	// Build every driver binary once.
	bins := map[string]string{}
	for _, d := range drivers {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		bin := filepath.Join(binDir, d)
		progress("building %s ...", d)
		t0 := time.Now()
		var out []byte
		var err error
		if dir, ok := baselines[d]; ok {
			raw.Baselines[d] = fmt.Sprintf("%s (commit %s)", dir, gitCommit(dir))
			out, err = buildBaseline(benchDir, binDir, dir, bin)
		} else {
			cmd := exec.Command("go", "build", "-o", bin, "./cmd/"+d)
			cmd.Dir = benchDir
			out, err = cmd.CombinedOutput()
		}
		if err != nil {
			msg := firstLines(string(out), 6)
			progress("  %s does not build:\n%s", d, indent(msg))
			raw.Missing[d] = "does not build: " + firstLines(string(out), 2)
			if !partial {
				return nil, fmt.Errorf("%s does not build (-partial goes on without it)", d)
			}
			continue
		}
		progress("  built %s in %.1fs", d, time.Since(t0).Seconds())
		// Versions, and a check that the binary runs at all.
		info, err := runInfo(bin)
		if err != nil {
			progress("  %s -info failed: %v", d, err)
			raw.Missing[d] = "-info failed: " + err.Error()
			if !partial {
				return nil, fmt.Errorf("%s -info: %v (-partial goes on without it)", d, err)
			}
			continue
		}
		info.Driver = d
		raw.Infos[d] = info
		bins[d] = bin
		raw.Drivers = append(raw.Drivers, d)
	}
	if len(raw.Drivers) == 0 {
		return nil, errors.New("no driver binary builds")
	}

	// Workload groups and steps, from the first binary.
	out, err := exec.Command(bins[raw.Drivers[0]], "-list").Output()
	if err != nil {
		return nil, fmt.Errorf("-list: %w", err)
	}
	for _, step := range strings.Fields(string(out)) {
		g, _, _ := strings.Cut(step, "/")
		if onlyRE != nil && !onlyRE.MatchString(g) {
			continue
		}
		raw.Steps = append(raw.Steps, step)
		if !slices.Contains(raw.Groups, g) {
			raw.Groups = append(raw.Groups, g)
		}
	}

	total := rounds * len(raw.Groups) * len(raw.Drivers)
	seq := 0
	for r := 0; r < rounds; r++ {
		for gi, g := range raw.Groups {
			order := slices.Clone(raw.Drivers)
			if (r+gi)%2 == 1 {
				slices.Reverse(order)
			}
			var line []string
			for _, d := range order {
				seq++
				args := []string{"-runs", fmt.Sprint(runs), "-only", "^" + regexp.QuoteMeta(g) + "/", "-dir", dbDir}
				if quick {
					args = append(args, "-quick")
				}
				t0 := time.Now()
				res, err := runBench(bins[d], args, timeout)
				el := time.Since(t0)
				for _, x := range res {
					x.Driver = d // a baseline's binary calls itself turso
					raw.Samples = append(raw.Samples, Sample{Result: x, Round: r + 1, Seq: seq})
				}
				if err != nil {
					f := fmt.Sprintf("round %d %s %s: %v", r+1, g, d, err)
					raw.Failures = append(raw.Failures, f)
					progress("  FAILED %s", f)
				}
				line = append(line, fmt.Sprintf("%s %.1fs", d, el.Seconds()))
			}
			progress("[%d/%d] round %d/%d %-10s %s", seq, total, r+1, rounds, g, strings.Join(line, ", "))
		}
		raw.Rounds = r + 1
		raw.Duration = time.Since(start).Round(time.Second).String()
		raw.Machine.LoadEnd = loadAvg()
		if roundDone != nil {
			roundDone(raw)
		}
	}
	return raw, nil
}

// buildBaseline builds this benchmark's turso binary against the driver
// in the checkout at dir: with a copy of go.mod whose replace directive
// points there.
func buildBaseline(benchDir, binDir, dir, bin string) ([]byte, error) {
	mod, err := os.ReadFile(filepath.Join(benchDir, "go.mod"))
	if err != nil {
		return nil, err
	}
	sum, err := os.ReadFile(filepath.Join(benchDir, "go.sum"))
	if err != nil {
		return nil, err
	}
	const rep = "replace github.com/turso-go/turso => ../"
	if !bytes.Contains(mod, []byte(rep+"\n")) {
		return nil, fmt.Errorf("go.mod lacks %q", rep)
	}
	mod = bytes.Replace(mod, []byte(rep+"\n"), []byte("replace github.com/turso-go/turso => "+dir+"\n"), 1)
	modfile := filepath.Join(binDir, filepath.Base(bin)+".mod")
	if err := os.WriteFile(modfile, mod, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(strings.TrimSuffix(modfile, ".mod")+".sum", sum, 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command("go", "build", "-modfile", modfile, "-o", bin, "./cmd/turso")
	cmd.Dir = benchDir
	return cmd.CombinedOutput()
}

// gitCommit names the commit checked out at dir.
func gitCommit(dir string) string {
	out, err := exec.Command("git", "-C", dir, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

// repoCommit names the commit of the repository holding benchDir.
func repoCommit(benchDir string) string {
	root := filepath.Dir(benchDir)
	c := gitCommit(root)
	if c == "unknown" {
		return c
	}
	st, err := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)bench").Output()
	if err == nil && len(bytes.TrimSpace(st)) > 0 {
		c += "+dirty"
	}
	return c
}

func runInfo(bin string) (runner.Info, error) {
	var info runner.Info
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "-info")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return info, fmt.Errorf("%v: %s", err, firstLines(stderr.String(), 3))
	}
	if err := json.Unmarshal(out, &info); err != nil {
		return info, err
	}
	if info.Error != "" {
		return info, errors.New(info.Error)
	}
	return info, nil
}

// runBench runs one benchmark process and parses its JSON lines.
func runBench(bin string, args []string, timeout time.Duration) ([]runner.Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var res []runner.Result
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r runner.Result
		if json.Unmarshal(sc.Bytes(), &r) == nil && r.Workload != "" {
			res = append(res, r)
		}
	}
	if err != nil {
		return res, fmt.Errorf("%v: %s", err, lastFailure(stderr.String()))
	}
	return res, nil
}

// lastFailure picks the FAILED lines of a binary's stderr (or its tail).
func lastFailure(s string) string {
	var f []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "FAILED") || strings.Contains(l, "panic") {
			f = append(f, l)
		}
	}
	if len(f) == 0 {
		ls := strings.Split(strings.TrimSpace(s), "\n")
		if len(ls) > 3 {
			ls = ls[len(ls)-3:]
		}
		f = ls
	}
	return strings.Join(f, " | ")
}

// Machine describes where the report ran.
type Machine struct {
	Uname  string `json:"uname"`
	CPU    string `json:"cpu"`
	Cores  int    `json:"cores"`
	Memory string `json:"memory"`
	Go     string `json:"go"`
	// Load averages (1, 5, 15 min) when the run started and ended: other
	// work on the machine during the run shows here.
	LoadStart string `json:"load_start"`
	LoadEnd   string `json:"load_end"`
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func machineInfo() Machine {
	m := Machine{LoadStart: loadAvg()}
	if out, err := exec.Command("uname", "-srmo").Output(); err == nil {
		m.Uname = strings.TrimSpace(string(out))
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok {
				switch strings.TrimSpace(k) {
				case "model name":
					if m.CPU == "" {
						m.CPU = strings.TrimSpace(v)
					}
				case "processor":
					m.Cores++
				}
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		l, _, _ := strings.Cut(string(b), "\n")
		var kb int64
		if _, err := fmt.Sscanf(strings.TrimPrefix(l, "MemTotal:"), "%d", &kb); err == nil {
			m.Memory = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
		}
	}
	if out, err := exec.Command("go", "version").Output(); err == nil {
		m.Go = strings.TrimSpace(string(out))
	}
	return m
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05")+" "+format+"\n", args...)
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "report: "+format+"\n", args...)
	os.Exit(1)
}

func firstLines(s string, n int) string {
	ls := strings.Split(strings.TrimSpace(s), "\n")
	if len(ls) > n {
		ls = ls[:n]
	}
	return strings.Join(ls, "\n")
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}
