// Command report runs the sqllogictest corpus through both drivers, and
// through the turso driver on Turso's own engine (its wasm build,
// turso-engine, and its native build, turso-native), and the behaviour
// cases through both drivers, and writes the side-by-side results to
// compat/RESULTS.md.
//
//	cd compat && go run ./cmd/report [-out RESULTS.md] [PATH...]
//
// It builds slt-mattn, slt-turso, slt-turso-engine, slt-turso-native and
// the behave commands into a temporary directory (the two drivers cannot
// share a binary), runs the slt commands in turn file by file with -json,
// and merges their results: per file the records, pass/fail per driver and
// time per driver (and the engine columns' pass rates), then every record
// on which mattn and turso disagree or fail, explained by its allow-list
// reason, then each engine column's failures grouped by cause (causes.go),
// then the behaviour differences with their documented exceptions. If a
// driver does not build, the report says so and shows the others. The
// exit status is non-zero when anything is unexplained; an engine column's
// failures, grouped by cause, and its absence (turso-native needs
// linux/amd64 with cgo) count as explained.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/turso-go/turso/compat"
	"github.com/turso-go/turso/compat/behave"
	"github.com/turso-go/turso/compat/slt"
	"github.com/turso-go/turso/compat/slt/cli"
)

// side is one driver's tools and results.
type side struct {
	name string // "mattn", "turso", "turso-engine" or "turso-native"
	// sltPkg and behavePkg are the packages of its commands, in the compat
	// module; behavePkg is "" for a side without behaviour cases.
	sltPkg, behavePkg string
	// engineColumn marks a side of Turso's engine: its failures are not
	// reviewed in the allow-list but grouped by cause, and do not count as
	// unexplained.
	engineColumn bool
	slt          string // binary path
	behave       string // binary path
	buildErr     error
	results      map[string]*slt.FileResult
	stale        []string
	behaveOut    string
	behaveErr    error
	total        slt.FileResult
	runErrors    []string
	sqliteVers   string
}

func main() {
	out := flag.String("out", "", "output `FILE` (default: compat/RESULTS.md in the repository)")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: report [-out FILE] [PATH...]\n\nRuns the corpus (default: %s or ../shared/sqllogictest) and the behaviour cases through mattn and turso and writes compat/RESULTS.md.\n\nFlags:\n", compat.CorpusEnv)
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := run(*out, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

// repoRoot finds the directory of the module's go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(data, []byte("module github.com/turso-go/turso\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the github.com/turso-go/turso module")
		}
		dir = parent
	}
}

func run(out string, paths []string) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	if out == "" {
		out = filepath.Join(root, "compat", "RESULTS.md")
	}
	corpus, _ := compat.CorpusDir()
	if len(paths) == 0 {
		if corpus == "" {
			return compat.ErrNoCorpus
		}
		paths = []string{corpus}
	}
	files, err := collect(paths)
	if err != nil {
		return err
	}

	tmp, err := os.MkdirTemp("", "compat-report-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	sides := []*side{
		{name: "mattn", sltPkg: "./cmd/slt-mattn", behavePkg: "./cmd/behave-mattn"},
		{name: "turso", sltPkg: "./cmd/slt-turso", behavePkg: "./cmd/behave-turso"},
		{name: "turso-engine", sltPkg: "./cmd/slt-turso-engine", behavePkg: "./cmd/behave-turso-engine", engineColumn: true},
		{name: "turso-native", sltPkg: "./cmd/slt-turso-native", behavePkg: "./cmd/behave-turso-native", engineColumn: true},
	}
	for _, s := range sides {
		s.slt = filepath.Join(tmp, "slt-"+s.name)
		s.behave = filepath.Join(tmp, "behave-"+s.name)
		s.results = map[string]*slt.FileResult{}
		logf("building %s tools", s.name)
		dir := filepath.Join(root, "compat")
		s.buildErr = goBuild(dir, s.slt, s.sltPkg)
		if s.buildErr == nil && s.behavePkg != "" {
			s.buildErr = goBuild(dir, s.behave, s.behavePkg)
		}
		if s.buildErr != nil {
			logf("%s does not build: %v", s.name, s.buildErr)
		}
	}

	start := time.Now()
	for i, file := range files {
		logf("[%d/%d] %s", i+1, len(files), compat.RelName(corpus, file))
		for _, s := range sides {
			if s.buildErr != nil {
				continue
			}
			s.runFile(root, tmp, file)
		}
	}
	for _, s := range sides {
		if s.buildErr != nil || s.behavePkg == "" {
			continue
		}
		cmd := exec.Command(s.behave)
		cmd.Dir = root
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		o, err := cmd.Output()
		s.behaveOut = string(o)
		if err != nil {
			s.behaveErr = fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
		}
		for _, l := range behave.ParseOutput(s.behaveOut) {
			if l.Key == "engine/sqlite_version" {
				s.sqliteVers = strings.Trim(strings.TrimPrefix(l.Value, "string("), `")`)
			}
		}
	}
	golden, _ := os.ReadFile(filepath.Join(root, "compat", "behave", "testdata", "mattn.golden"))

	var b bytes.Buffer
	unexplained := write(&b, corpus, files, sides, string(golden), time.Since(start))
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		return err
	}
	logf("wrote %s", out)
	if unexplained > 0 {
		return fmt.Errorf("%d unexplained failures or differences (see %s)", unexplained, out)
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "report: "+format+"\n", args...)
}

func goBuild(root, out, pkg string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = root
	o, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, strings.TrimSpace(string(o)))
	}
	return nil
}

// runFile runs one script through the side's slt binary and stores the
// result.
func (s *side) runFile(root, tmp, file string) {
	js := filepath.Join(tmp, s.name+".json")
	os.Remove(js)
	abs, _ := filepath.Abs(file)
	cmd := exec.Command(s.slt, "-q", "-json", js, abs)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	_ = cmd.Run() // non-zero on failures; the JSON tells
	data, err := os.ReadFile(js)
	var rep cli.Report
	if err == nil {
		err = json.Unmarshal(data, &rep)
	}
	if err != nil || len(rep.Files) != 1 {
		s.runErrors = append(s.runErrors, fmt.Sprintf("%s: no result (%v): %s", file, err, strings.TrimSpace(stderr.String())))
		return
	}
	r := rep.Files[0]
	s.results[r.File] = &r
	s.stale = append(s.stale, rep.Stale...)
	s.total.Records += r.Records
	s.total.Passed += r.Passed
	s.total.Failed += r.Failed
	s.total.Skipped += r.Skipped
	s.total.Allowed += r.Allowed
	s.total.Duration += r.Duration
}

// collect expands paths into .test files, sorted.
func collect(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".test") {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(out)
	return out, nil
}

// cell renders one driver's outcome for a file.
func cell(r *slt.FileResult) (string, string) {
	if r == nil {
		return "n/a", "n/a"
	}
	s := fmt.Sprintf("%d / %d", r.Passed, r.Failed)
	if r.Allowed > 0 {
		s += fmt.Sprintf(" (+%d allowed)", r.Allowed)
	}
	if r.Failed > 0 {
		s = "**" + s + "**"
	}
	return s, fmt.Sprintf("%.2fs", r.Duration.Seconds())
}

// mdEscape makes text safe in a table cell.
func mdEscape(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	return "`" + strings.ReplaceAll(s, "`", "'") + "`"
}

// write renders the report and returns the number of unexplained items.
func write(b *bytes.Buffer, corpus string, files []string, sides []*side, golden string, elapsed time.Duration) int {
	m, t, engines := sides[0], sides[1], sides[2:]
	unexplained := 0
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }

	p("# Compatibility results: turso vs mattn/go-sqlite3, and Turso's engine\n\n")
	p("Generated by `cd compat && go run ./cmd/report` (do not edit by hand). Go %s, %s/%s.\n\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	p("- Corpus: SQLite's sqllogictest scripts in `../shared/sqllogictest` (%d files), each run on a fresh database file (synchronous=OFF, journal_mode=%s) by `slt-mattn`, `slt-turso`, `slt-turso-engine` and `slt-turso-native`, in turn file by file.\n", len(files), cli.DefaultJournalMode)
	p("- Engines: mattn/go-sqlite3 links SQLite %s; turso links libSQL (SQLite %s); turso-engine and turso-native are the turso driver on Turso's own engine 0.7.2, the Rust rewrite of SQLite: turso-engine its WebAssembly build (`_engine=turso-wasm`: npm @tursodatabase/database-wasm under wazero, built from `compat/cmd/slt-turso-engine`), turso-native its native build (`_engine=turso-native`: npm @tursodatabase/sync-linux-x64-gnu's N-API addon through the driver's C host, built from `compat/cmd/slt-turso-native`).\n", orNA(m.sqliteVers), orNA(t.sqliteVers))
	p("- Cells read `passed / failed`; skipped records (`skipif`/`onlyif` for other engines) are counted in the totals only. Allowed failures are the reviewed entries of `compat/allowlist.txt`. Pass rates are passed / (passed + failed + allowed).\n")
	p("- The failures of turso-engine and turso-native are not reviewed one by one: they are grouped by cause ([wasm](#turso-engine-divergences-by-cause), [native](#turso-native-divergences-by-cause)) and count as explained, the engine being experimental.\n")
	p("- Wall time of the whole report: %s.\n\n", elapsed.Round(time.Second))
	for _, s := range sides {
		if s.buildErr != nil {
			if !s.engineColumn {
				unexplained++
			}
			p("**%s could not be built**, so it has no results:\n\n```\n%s\n```\n\n", s.name, s.buildErr)
		}
	}

	p("## Totals\n\n| driver | records | passed | failed | allowed | skipped | pass rate | time |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range sides {
		if s.buildErr != nil {
			p("| %s | n/a | n/a | n/a | n/a | n/a | n/a | n/a |\n", s.name)
			continue
		}
		p("| %s | %d | %d | %d | %d | %d | %s | %.1fs |\n", s.name, s.total.Records, s.total.Passed, s.total.Failed,
			s.total.Allowed, s.total.Skipped, passRate(&s.total), s.total.Duration.Seconds())
	}
	p("\n")

	p("## Per file\n\n| file | records | mattn pass / fail | mattn time | turso pass / fail | turso time |")
	for _, e := range engines {
		p(" %s pass / fail | %s pass rate | %s time |", e.name, e.name, e.name)
	}
	p("\n|---|---:|---:|---:|---:|---:|")
	for range engines {
		p("---:|---:|---:|")
	}
	p("\n")
	for _, f := range files {
		rel := compat.RelName(corpus, f)
		all := []*slt.FileResult{m.results[rel], t.results[rel]}
		for _, e := range engines {
			all = append(all, e.results[rel])
		}
		recs := 0
		for _, r := range all {
			if r != nil {
				recs = r.Records
				break
			}
		}
		mc, mt := cell(all[0])
		tc, tt := cell(all[1])
		p("| %s | %d | %s | %s | %s | %s |", rel, recs, mc, mt, tc, tt)
		for _, er := range all[2:] {
			ec, et := cell(er)
			p(" %s | %s | %s |", ec, passRate(er), et)
		}
		p("\n")
	}
	p("\n")

	// Every failing record on either side, and whether they agree.
	p("## Disagreements and failures\n\n")
	type key struct {
		file string
		line int
	}
	fails := map[key][2]*slt.Failure{}
	var keys []key
	for i, s := range sides[:2] {
		for _, r := range s.results {
			for k := range r.Failures {
				f := &r.Failures[k]
				kk := key{r.File, f.Line}
				v, ok := fails[kk]
				if !ok {
					keys = append(keys, kk)
				}
				v[i] = f
				fails[kk] = v
			}
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := strings.Compare(a.file, b.file); c != 0 {
			return c
		}
		return a.line - b.line
	})
	p("Between mattn and turso (libSQL); Turso's engine has its own sections ([wasm](#turso-engine-divergences-by-cause), [native](#turso-native-divergences-by-cause)).\n\n")
	if len(keys) == 0 {
		p("None: every record that ran passed on both drivers.\n\n")
	} else {
		p("| record | SQL | mattn | turso | explanation |\n|---|---|---|---|---|\n")
		for _, k := range keys {
			v := fails[k]
			var sql string
			expl := []string{}
			outcome := func(f *slt.Failure, s *side) string {
				if s.buildErr != nil {
					return "n/a"
				}
				if f == nil {
					return "pass"
				}
				sql = f.SQL
				if f.Allowed {
					expl = append(expl, s.name+": "+f.AllowReason)
				} else {
					unexplained++
					expl = append(expl, s.name+": **not explained** (add an allow-list entry or fix the driver)")
				}
				return mdEscape(f.Kind + ": expected " + f.Expected + ", got " + f.Got)
			}
			mo, to := outcome(v[0], m), outcome(v[1], t)
			p("| %s:%d | %s | %s | %s | %s |\n", k.file, k.line, mdEscape(sql), mo, to, strings.Join(expl, "; "))
		}
		p("\n")
	}
	for _, s := range sides[:2] {
		for _, st := range s.stale {
			unexplained++
			p("- **stale allow-list entry** for %s: %s\n", s.name, st)
		}
		for _, e := range s.runErrors {
			unexplained++
			p("- **%s run error**: %s\n", s.name, e)
		}
	}

	for _, e := range engines {
		writeEngineCauses(b, e)
	}

	// Behaviour comparison.
	p("## Behaviour cases (compat/behave)\n\n")
	p("The same Go-level cases (type round trips, time formats, declared-type conversions, error codes, LastInsertId/RowsAffected, NULL handling, named parameters, multi-statement Exec, ColumnTypes, busy behaviour, transactions) run through `behave-mattn` and `behave-turso`; mattn's output is the reference (`compat/behave/testdata/mattn.golden`).\n\n")
	for _, s := range sides[:2] {
		if s.behaveErr != nil {
			unexplained++
			p("- **behave-%s failed**: %v\n", s.name, s.behaveErr)
		}
	}
	if m.buildErr == nil {
		if d, _ := behave.Compare(golden, m.behaveOut, nil); len(d) > 0 {
			unexplained++
			p("- **`testdata/mattn.golden` is out of date** (%d lines differ from a fresh behave-mattn run): regenerate it with `cd compat && go run ./cmd/behave-mattn > behave/testdata/mattn.golden`.\n\n", len(d))
		}
	}
	if m.buildErr != nil || t.buildErr != nil {
		p("Not compared: a driver did not build.\n")
		return unexplained
	}
	diffs, stale := behave.Compare(m.behaveOut, t.behaveOut, behave.Exceptions)
	p("%d of %d lines differ.\n\n", len(diffs), len(behave.ParseOutput(m.behaveOut)))
	if len(diffs) > 0 {
		p("| case | mattn | turso | explanation |\n|---|---|---|---|\n")
		for _, d := range diffs {
			expl := "**not explained**"
			if d.Exception != nil {
				expl = d.Exception.Reason
			} else {
				unexplained++
			}
			p("| %s | %s | %s | %s |\n", d.Key, mdEscape(d.Reference), mdEscape(d.Got), expl)
		}
		p("\n")
	}
	for _, e := range stale {
		unexplained++
		p("- **stale behaviour exception** `%s` (%s): the difference is gone, remove it from compat/behave/compare.go.\n", e.Pattern, e.Reason)
	}
	for _, e := range engines {
		writeEngineBehaviour(b, m, e)
	}
	return unexplained
}

// writeEngineBehaviour compares the behaviour cases of Turso's engine with
// mattn's, per case: the engine is experimental, so its differences are
// listed and counted, not reviewed line by line (the driver's behaviour
// suite states the reason of each known gap).
func writeEngineBehaviour(b *bytes.Buffer, m, e *side) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("### %s\n\n", e.name)
	switch {
	case e.buildErr != nil:
		p("Not run: %v\n\n", e.buildErr)
		return
	case e.behaveErr != nil:
		p("behave-%s failed: %v\n\n", e.name, e.behaveErr)
		return
	case m.buildErr != nil:
		p("Not compared: mattn did not build.\n\n")
		return
	}
	diffs, _ := behave.Compare(m.behaveOut, e.behaveOut, nil)
	p("The same cases through `behave-%s` (`%s`): %d of %d lines differ from mattn. Per case (the part of the key before the first `/`), with the first differing line as an example; the reasons of the known gaps are in README's Engines section and in `internal/drivertest/engines.go`.\n\n", e.name, e.engineParam(), len(diffs), len(behave.ParseOutput(m.behaveOut)))
	if len(diffs) == 0 {
		return
	}
	type group struct {
		n     int
		first behave.Diff
	}
	groups := map[string]*group{}
	var order []string
	for _, d := range diffs {
		name, _, _ := strings.Cut(d.Key, "/")
		g := groups[name]
		if g == nil {
			g = &group{first: d}
			groups[name] = g
			order = append(order, name)
		}
		g.n++
	}
	p("| case | lines | example | mattn | %s |\n|---|---:|---|---|---|\n", e.name)
	for _, name := range order {
		g := groups[name]
		p("| %s | %d | %s | %s | %s |\n", name, g.n, g.first.Key, mdEscape(g.first.Reference), mdEscape(g.first.Got))
	}
	p("\n")
}

// engineParam is the DSN parameter an engine column runs with.
func (s *side) engineParam() string {
	if s.name == "turso-native" {
		return "_engine=turso-native"
	}
	return "_engine=turso-wasm"
}

// passRate renders a result's pass rate over the records that ran, or
// n/a.
func passRate(r *slt.FileResult) string {
	if r == nil {
		return "n/a"
	}
	ran := r.Passed + r.Failed + r.Allowed
	if ran == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f%%", 100*float64(r.Passed)/float64(ran))
}

func orNA(s string) string {
	if s == "" {
		return "n/a"
	}
	return s
}
