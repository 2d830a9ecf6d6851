package main

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/turso-go/turso/bench/internal/runner"
	"github.com/turso-go/turso/bench/workload"
)

// Targets of issue 17 for the turso driver on libSQL, as ratios measured
// in one run.
const (
	mattnTarget     = 1.0  // turso / mattn on every workload
	roomTarget      = 0.67 // turso / mattn on reads where mattn leaves room (workload.HasRoom)
	readFloorTarget = 1.15 // turso / floor on reads
)

// Stat is one driver on one step over all rounds.
type Stat struct {
	Median, Min float64
	CPU         float64 // median CPU ms
	Allocs      int64   // median
	N           int
	Ops         int
	ms          map[int]float64 // round -> ms
	cpu         map[int]float64 // round -> CPU ms
}

// Report is the aggregated run.
type Report struct {
	Raw   *Raw
	Stats map[string]map[string]*Stat // step -> driver -> stat
}

func aggregate(raw *Raw) *Report {
	rep := &Report{Raw: raw, Stats: map[string]map[string]*Stat{}}
	type key struct{ step, driver string }
	ms := map[key][]float64{}
	cpu := map[key][]float64{}
	allocs := map[key][]int64{}
	add := func(step, driver string, round int, v, c float64, a int64, ops int) {
		k := key{step, driver}
		ms[k] = append(ms[k], v)
		cpu[k] = append(cpu[k], c)
		allocs[k] = append(allocs[k], a)
		if rep.Stats[step] == nil {
			rep.Stats[step] = map[string]*Stat{}
		}
		st := rep.Stats[step][driver]
		if st == nil {
			st = &Stat{ms: map[int]float64{}, cpu: map[int]float64{}}
			rep.Stats[step][driver] = st
		}
		st.ms[round] = v
		st.cpu[round] = c
		st.Ops = ops
	}
	for _, s := range raw.Samples {
		add(s.Workload, s.Driver, s.Round, s.MS, s.CPUMS, s.Allocs, s.Ops)
	}
	// The floor of a round: the engine floor plus the database/sql floor,
	// both of that round.
	for step, byDriver := range rep.Stats {
		r, q := byDriver["raw"], byDriver["sqlfloor"]
		if r == nil || q == nil {
			continue
		}
		for round, a := range r.ms {
			if b, ok := q.ms[round]; ok {
				add(step, floorName, round, a+b, r.cpu[round]+q.cpu[round], 0, r.Ops)
			}
		}
	}
	for k, v := range ms {
		sort.Float64s(v)
		a := allocs[k]
		slices.Sort(a)
		c := cpu[k]
		sort.Float64s(c)
		st := rep.Stats[k.step][k.driver]
		st.Median = runner.Median(v)
		st.CPU = runner.Median(c)
		st.Min = v[0]
		st.Allocs = a[len(a)/2]
		st.N = len(v)
	}
	return rep
}

func (rep *Report) stat(step, driver string) *Stat {
	if m := rep.Stats[step]; m != nil {
		return m[driver]
	}
	return nil
}

// ratio is the median over rounds of the paired ratio a/b of wall times
// (the two ran next to each other in the same round), and how many rounds
// it is over.
func (rep *Report) ratio(step, a, b string) (float64, int) {
	return rep.pairedRatio(step, a, b, func(st *Stat) map[int]float64 { return st.ms })
}

// cpuRatio is ratio of the CPU times.
func (rep *Report) cpuRatio(step, a, b string) (float64, int) {
	return rep.pairedRatio(step, a, b, func(st *Stat) map[int]float64 { return st.cpu })
}

func (rep *Report) pairedRatio(step, a, b string, times func(*Stat) map[int]float64) (float64, int) {
	sa, sb := rep.stat(step, a), rep.stat(step, b)
	if sa == nil || sb == nil {
		return math.NaN(), 0
	}
	var rs []float64
	for r, x := range times(sa) {
		if y, ok := times(sb)[r]; ok && y > 0 && x > 0 {
			rs = append(rs, x/y)
		}
	}
	if len(rs) == 0 {
		return math.NaN(), 0
	}
	sort.Float64s(rs)
	return runner.Median(rs), len(rs)
}

func (rep *Report) has(driver string) bool {
	if driver == floorName {
		return rep.has("raw") && rep.has("sqlfloor")
	}
	return slices.Contains(rep.Raw.Drivers, driver)
}

// steps returns the steps with samples, in report order.
func (rep *Report) steps() []string {
	var out []string
	for _, s := range rep.Raw.Steps {
		if rep.Stats[s] != nil {
			out = append(out, s)
		}
	}
	return out
}

// mattnTargetOf is the turso/mattn target of a step.
func mattnTargetOf(step string) float64 {
	if workload.HasRoom(step) {
		return roomTarget
	}
	return mattnTarget
}

// columns are the table columns: every driver run and, with both floors,
// the floor right after them.
func (rep *Report) columns() []string {
	var cols []string
	for _, d := range rep.Raw.Drivers {
		cols = append(cols, d)
		if d == "sqlfloor" && rep.has(floorName) {
			cols = append(cols, floorName)
		}
	}
	return cols
}

// charted are the drivers charted against mattn: the drivers run, but
// neither mattn itself nor the two floors, then their sum.
func (rep *Report) charted() []string {
	var out []string
	for _, d := range rep.Raw.Drivers {
		if d != "mattn" && !spec(d).Floor {
			out = append(out, d)
		}
	}
	if rep.has(floorName) {
		out = append(out, floorName)
	}
	return out
}

func fmtMS(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

// fmtRatio formats a ratio with a mark for its limit (none when limit is
// NaN).
func fmtRatio(r float64, limit float64) string {
	if math.IsNaN(r) {
		return "–"
	}
	if math.IsNaN(limit) {
		return fmt.Sprintf("%.2f", r)
	}
	mark := "✅"
	if r > limit {
		mark = "❌"
	}
	return fmt.Sprintf("%.2f %s", r, mark)
}

// fmtPlain formats a ratio without a target, "–" when there is none.
func fmtPlain(r float64) string { return fmtRatio(r, math.NaN()) }

// targetCount counts targets met.
type targetCount struct{ met, total int }

func (t *targetCount) add(r, limit float64) {
	if !math.IsNaN(r) {
		t.total++
		if r <= limit {
			t.met++
		}
	}
}

func (t targetCount) String() string { return fmt.Sprintf("%d of %d", t.met, t.total) }

func renderMarkdown(rep *Report) string {
	raw := rep.Raw
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	sizes := "full sizes"
	if raw.Quick {
		sizes = "**-quick sizes** (about 1/10 of the full workloads)"
	}
	w("# Benchmark results\n\n")
	if charts(rep)["summary"] != nil {
		w("![turso against mattn on every workload](charts/summary.png)\n\n")
	}
	perProc := ""
	if raw.Runs > 1 {
		perProc = fmt.Sprintf(" (each round's sample is the median of %d runs inside its process)", raw.Runs)
	}
	w("Generated by `%s` (in `bench/`) on %s, in %s: %s, **median of %d ABBA rounds**%s.\n",
		raw.Command, raw.Start.UTC().Format("2006-01-02 15:04 MST"), raw.Duration, sizes, raw.Rounds, perProc)
	m := raw.Machine
	w("Machine: %s, %d cores; load average (1/5/15 min) %s at the start, %s at the end.\n", m.CPU, m.Cores, m.LoadStart, m.LoadEnd)
	w("Regenerate with `bench/run` (full sizes) or `bench/run -quick`.\n\n")

	steps := rep.steps()
	if rep.has("turso") && rep.has("mattn") {
		w("## Targets: the turso driver on libSQL\n\n")
		w("Paired ratios (each the median over the rounds of turso's time divided by the other's in the same round). ")
		w("Every workload: turso ≤ %.2f× mattn, reads where mattn's own overhead leaves room (time columns, `SELECT 1`, concurrent readers) ≤ %.2f× mattn; ", mattnTarget, roomTarget)
		w("every read ≤ %.2f× the floor (the raw engine plus the database/sql floor, measured in the same round). ", readFloorTarget)
		w("The targets are judged on wall time; the same ratios of CPU time (user + system of the whole process during the step), which waiting for a core on a busy machine does not inflate, are given beside them as a cross-check.\n\n")
		hasFloor := rep.has(floorName)
		w("| workload | kind | turso/mattn | (CPU) | target |")
		if hasFloor {
			w(" turso/floor | (CPU) | target |")
		}
		w("\n|---|---|---:|---:|---:|")
		if hasFloor {
			w("---:|---:|---:|")
		}
		w("\n")
		var reads, writes, floors targetCount
		for _, step := range steps {
			kind := "write"
			if workload.IsRead(step) {
				kind = "read"
			}
			r, _ := rep.ratio(step, "turso", "mattn")
			rc, _ := rep.cpuRatio(step, "turso", "mattn")
			t := mattnTargetOf(step)
			w("| %s | %s | %s | %s | ≤ %.2f |", step, kind, fmtRatio(r, t), fmtPlain(rc), t)
			if kind == "read" {
				reads.add(r, t)
			} else {
				writes.add(r, t)
			}
			if hasFloor {
				f, _ := rep.ratio(step, "turso", floorName)
				fc, _ := rep.cpuRatio(step, "turso", floorName)
				if kind == "read" {
					w(" %s | %s | ≤ %.2f |", fmtRatio(f, readFloorTarget), fmtPlain(fc), readFloorTarget)
					floors.add(f, readFloorTarget)
				} else {
					w(" %s | %s | – |", fmtPlain(f), fmtPlain(fc))
				}
			}
			w("\n")
		}
		w("\nTargets met: reads against mattn %s, writes against mattn %s", reads, writes)
		if hasFloor {
			w(", reads against the floor %s", floors)
		}
		w(".\n\n")
	}

	// ratioTable writes one paired ratio per step and charted driver.
	ratioTable := func(title, base, intro string) {
		if !rep.has(base) {
			return
		}
		var ds []string
		for _, d := range rep.columns() {
			if d != base && !(base == floorName && spec(d).Floor) {
				ds = append(ds, d)
			}
		}
		w("## %s\n\n%s\n\n| workload |", title, intro)
		for _, d := range ds {
			w(" %s |", d)
		}
		w("\n|---|")
		for range ds {
			w("---:|")
		}
		w("\n")
		for _, step := range steps {
			w("| %s |", step)
			for _, d := range ds {
				r, _ := rep.ratio(step, d, base)
				w(" %s |", fmtPlain(r))
			}
			w("\n")
		}
		w("\n")
	}
	ratioTable("Every driver against mattn", "mattn", "Wall time ÷ mattn's in the same round (median over the rounds); below 1 is faster than mattn. `raw` is the engine alone (libSQL without database/sql), `sqlfloor` database/sql alone, `floor` their sum: what no database/sql driver on libSQL can beat. Where raw/mattn is near or above 1, libSQL's engine (SQLite 3.45) itself is no faster than mattn's (SQLite 3.54).")
	ratioTable("Every driver against the floor", floorName, "Wall time ÷ the floor's in the same round (median over the rounds): how far each driver is from the least a database/sql driver on this engine can take. A driver below 1 is cheaper than the floor's own boxing of values (the turso driver boxes row values in shared chunks) or caches work the raw floor repeats.")

	// Turso's engine, native and wasm, against mattn, the turso driver on
	// libSQL and its own floor.
	renderTurso(rep, w)

	w("## Charts\n\nOne chart per workload group: each driver's time ÷ mattn's, log scale, bars growing from 1× (mattn) to the left when faster, to the right when slower.\n\n")
	drawn := charts(rep)
	for _, g := range raw.Groups {
		if drawn[g] != nil {
			w("![%s](charts/%s.png)\n\n", g, g)
		}
	}

	cols := rep.columns()
	// driverTable writes a table of one cell per step and driver.
	driverTable := func(title string, only func(step string) bool, cell func(step string, st *Stat) string) {
		w("## %s\n\n| workload |", title)
		for _, d := range cols {
			w(" %s |", d)
		}
		w("\n|---|")
		for range cols {
			w("---:|")
		}
		w("\n")
		for _, step := range steps {
			if !only(step) {
				continue
			}
			w("| %s |", step)
			for _, d := range cols {
				if st := rep.stat(step, d); st != nil {
					w(" %s |", cell(step, st))
				} else {
					w(" – |")
				}
			}
			w("\n")
		}
		w("\n")
	}
	all := func(string) bool { return true }
	driverTable("Median ms (lower is better)", all, func(_ string, st *Stat) string { return fmtMS(st.Median) })
	perOp := func(step string) bool {
		g := workload.Group(step)
		return g == "select1" || g == "point"
	}
	if slices.ContainsFunc(steps, perOp) {
		driverTable("Per-call cost: µs per round trip (point lookups, `SELECT 1`)", perOp, func(_ string, st *Stat) string {
			if st.Ops == 0 {
				return "–"
			}
			return fmt.Sprintf("%.2f", st.Median*1000/float64(st.Ops))
		})
	}

	w("## How it was measured\n\n")
	w("- One binary per driver (mattn and go-libsql/turso define the same C symbols and cannot share a binary); all built once, then run on the same machine in one go:\n")
	for _, d := range raw.Drivers {
		if dir, ok := raw.Baselines[d]; ok {
			w("  - `%s`: the turso driver of the checkout %s, built with this benchmark (`-baseline`)\n", d, dir)
			continue
		}
		w("  - `%s`: %s\n", d, spec(d).About)
	}
	w("- Every (round, workload group, driver) is a separate short process running only that group (`-only '^group/'`), each step on a fresh database in a fresh temporary directory. Within a round the drivers run back to back for each group, in an order that flips from one round (and group) to the next: A B C, C B A, A B C, … (ABBA).\n")
	w("- Times are wall-clock milliseconds of the timed step only (schema and data setup are not timed). The machine (%d cores) is shared and noisy: the same binary can vary up to 2× between processes, so compare drivers through the paired ratios, not the absolute times.\n", m.Cores)
	w("- The floor of a round is raw + sqlfloor of that round. sqlfloor records each workload's results on the turso driver in an untimed first pass, then times the workload on a driver that only replays them.\n")
	w("- Allocations are Go heap allocations (`runtime.MemStats.Mallocs` delta) during the step; memory that cgo drivers allocate in C is not counted.\n")
	w("- Workloads are described in [README.md](README.md).\n\n")

	driverTable("Go heap allocations per step (median)", all, func(_ string, st *Stat) string {
		if st.Allocs == 0 && st.ms != nil {
			return "–"
		}
		return fmt.Sprint(st.Allocs)
	})
	driverTable("Spread: minimum ms over the rounds", all, func(_ string, st *Stat) string { return fmt.Sprintf("%s (n=%d)", fmtMS(st.Min), st.N) })

	w("## Machine and versions\n\n")
	w("- Machine: `%s`, %s, %d cores, %s memory\n", m.Uname, m.CPU, m.Cores, m.Memory)
	if m.LoadStart != "" || m.LoadEnd != "" {
		w("- Load average (1/5/15 min) at the start: %s; at the end: %s (above ~0.5 means other work shared the %d cores during the run)\n", m.LoadStart, m.LoadEnd, m.Cores)
	}
	w("- Toolchain: `%s`\n", m.Go)
	if raw.Commit != "" {
		w("- turso driver built from commit `%s`\n", raw.Commit)
	}
	w("\n")
	w("| driver | Go | SQLite | modules |\n|---|---|---|---|\n")
	for _, d := range raw.Drivers {
		in := raw.Infos[d]
		var mods []string
		for p, v := range in.Modules {
			mods = append(mods, fmt.Sprintf("%s %s", p, v))
		}
		sort.Strings(mods)
		w("| %s | %s | %s | %s |\n", d, in.Go, in.SQLite, strings.Join(mods, "<br>"))
	}
	w("\n")
	if len(raw.Missing) > 0 || len(raw.Failures) > 0 || len(skipped(rep)) > 0 {
		w("## Missing\n\n")
		ds := make([]string, 0, len(raw.Missing))
		for d := range raw.Missing {
			ds = append(ds, d)
		}
		sort.Strings(ds)
		for _, d := range ds {
			w("- driver **%s** left out: %s\n", d, strings.ReplaceAll(raw.Missing[d], "\n", " "))
		}
		for _, s := range skipped(rep) {
			w("- %s\n", s)
		}
		for _, f := range raw.Failures {
			w("- failure: %s\n", f)
		}
		w("\n")
	}
	return b.String()
}

// skipped lists (step, driver) pairs with no sample at all.
func skipped(rep *Report) []string {
	var out []string
	for _, step := range rep.Raw.Steps {
		var miss []string
		for _, d := range rep.Raw.Drivers {
			if rep.stat(step, d) == nil {
				miss = append(miss, d)
			}
		}
		if len(miss) == len(rep.Raw.Drivers) {
			out = append(out, fmt.Sprintf("%s: no driver ran it (e.g. `_txlock=concurrent` is rejected by all of them)", step))
		} else if len(miss) > 0 {
			out = append(out, fmt.Sprintf("%s: not run by %s (skipped or failed)", step, strings.Join(miss, ", ")))
		}
	}
	return out
}

func summaryText(rep *Report) string {
	var b strings.Builder
	for _, step := range rep.steps() {
		fmt.Fprintf(&b, "%-22s", step)
		for _, d := range rep.columns() {
			if st := rep.stat(step, d); st != nil {
				fmt.Fprintf(&b, " %s=%s", d, fmtMS(st.Median))
			}
		}
		if r, n := rep.ratio(step, "turso", "mattn"); n > 0 {
			c, _ := rep.cpuRatio(step, "turso", "mattn")
			fmt.Fprintf(&b, "  turso/mattn=%.2f (cpu %.2f)", r, c)
		}
		if r, n := rep.ratio(step, "turso", floorName); n > 0 {
			c, _ := rep.cpuRatio(step, "turso", floorName)
			fmt.Fprintf(&b, "  turso/floor=%.2f (cpu %.2f)", r, c)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// groupSteps returns the steps of group g with samples.
func groupSteps(rep *Report, g string) []string {
	var steps []string
	for _, s := range rep.steps() {
		if workload.Group(s) == g {
			steps = append(steps, s)
		}
	}
	return steps
}

// charts returns every chart of the report by file name (without
// extension): the summary and one per workload group.
func charts(rep *Report) map[string]*ratioChart {
	raw := rep.Raw
	out := map[string]*ratioChart{}
	mode := "full sizes"
	if raw.Quick {
		mode = "-quick sizes"
	}
	how := fmt.Sprintf("median of the paired ratios over %d ABBA rounds, %s; log scale", raw.Rounds, mode)
	if !rep.has("mattn") {
		return out
	}
	if rep.has("turso") {
		met, missed := spec("turso").Color, color.RGBA{0xd0, 0x3a, 0x2a, 0xff}
		c := &ratioChart{
			Title:    "turso (libSQL) ÷ mattn/go-sqlite3, time per workload",
			Subtitle: how,
			Legend: []legendItem{
				{Label: "target met", Color: met},
				{Label: "target missed", Color: missed},
			},
		}
		if rep.has(floorName) {
			c.Legend = append(c.Legend, legendItem{Label: "floor (raw engine + database/sql) ÷ mattn", Color: inkColor, Marker: true})
		}
		for _, step := range rep.steps() {
			r, n := rep.ratio(step, "turso", "mattn")
			if n == 0 {
				continue // mattn did not run it (writers/concurrent)
			}
			col := met
			if !math.IsNaN(r) && !targetMet(rep, step) {
				col = missed
			}
			f, _ := rep.ratio(step, floorName, "mattn")
			c.Rows = append(c.Rows, chartRow{Label: step, Value: r, Color: col, Marker: f})
		}
		out["summary"] = c
	}
	for _, g := range raw.Groups {
		steps := groupSteps(rep, g)
		if steps == nil {
			continue
		}
		c := &ratioChart{Title: g + ": time ÷ mattn/go-sqlite3's time", Subtitle: how}
		for _, step := range steps {
			if rep.stat(step, "mattn") == nil {
				continue // nothing to compare with (writers/concurrent)
			}
			c.Rows = append(c.Rows, chartRow{Heading: strings.TrimPrefix(step, g+"/")})
			for _, d := range rep.charted() {
				r, _ := rep.ratio(step, d, "mattn")
				col := spec(d).Color
				if _, ok := raw.Baselines[d]; ok {
					col = baselineColor // an older turso driver (-baseline)
				}
				c.Rows = append(c.Rows, chartRow{Label: d, Value: r, Color: col})
			}
		}
		if len(c.Rows) > 0 {
			out[g] = c
		}
	}
	return out
}

// targetMet reports whether turso meets every target of step.
func targetMet(rep *Report, step string) bool {
	r, _ := rep.ratio(step, "turso", "mattn")
	if math.IsNaN(r) || r > mattnTargetOf(step) {
		return false
	}
	if workload.IsRead(step) && rep.has(floorName) {
		if f, _ := rep.ratio(step, "turso", floorName); !math.IsNaN(f) && f > readFloorTarget {
			return false
		}
	}
	return true
}

// writeCharts writes every chart as PNG (and SVG with svg) into dir.
func writeCharts(rep *Report, dir string, svg bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, c := range charts(rep) {
		if err := writeFile(filepath.Join(dir, name+".png"), c.writePNG); err != nil {
			return err
		}
		if svg {
			if err := writeFile(filepath.Join(dir, name+".svg"), c.writeSVG); err != nil {
				return err
			}
		}
	}
	return nil
}

// The targets of Turso's engine against mattn: the native build on every
// read and write step, the wasm build on the row-heavy reads.
const (
	nativeTarget = 1.5
	wasmTarget   = 3.0
)

// rowHeavy are the read steps that return many rows per query: the wasm
// build's target applies to them.
func rowHeavy(step string) bool {
	switch workload.Group(step) {
	case "simple", "real", "complex", "concurrent", "files":
		return workload.IsRead(step)
	}
	return false
}

// renderTurso writes the section on Turso's engine: its native build
// (tursonative) and wasm build (tursoengine) against mattn, the libSQL
// engine of the same driver (turso), and the floors (rawturso: the native
// engine without database/sql; raw: libSQL's), with what each costs per
// operation above its own floor.
func renderTurso(rep *Report, w func(string, ...any)) {
	raw := rep.Raw
	native, wasm := rep.has("tursonative"), rep.has("tursoengine")
	if !native && !wasm {
		return
	}
	type col struct {
		head   string
		a, b   string
		target func(step string) float64 // NaN: none
	}
	none := func(string) float64 { return math.NaN() }
	var cols []col
	if native && rep.has("mattn") {
		cols = append(cols, col{"tursonative/mattn", "tursonative", "mattn", func(string) float64 { return nativeTarget }})
	}
	if native && rep.has("rawturso") {
		cols = append(cols, col{"tursonative/rawturso", "tursonative", "rawturso", none})
	}
	if rep.has("rawturso") && rep.has("raw") {
		cols = append(cols, col{"rawturso/raw", "rawturso", "raw", none})
	}
	if wasm && rep.has("mattn") {
		cols = append(cols, col{"tursoengine/mattn", "tursoengine", "mattn", func(step string) float64 {
			if rowHeavy(step) {
				return wasmTarget
			}
			return math.NaN()
		}})
	}
	if wasm && rep.has("turso") {
		cols = append(cols, col{"tursoengine/turso (libSQL)", "tursoengine", "turso", none})
	}
	if len(cols) == 0 {
		return
	}
	w("### Turso's engine: native (`tursonative`) and wasm (`tursoengine`)\n\n")
	w("Paired ratios in the same rounds. `tursonative` is the turso driver on Turso's native build (`_engine=turso-native`), `tursoengine` on its wasm build (`_engine=turso-wasm`), `turso` on libSQL; `rawturso` and `raw` are the floors, the same workloads on the native engine and on libSQL without database/sql. Targets: native ≤ %.1f× mattn on every step, wasm ≤ %.1f× mattn on the row-heavy reads. Steps the engine cannot run (rollback-journal modes) are absent.\n\n", nativeTarget, wasmTarget)
	w("| workload |")
	for _, c := range cols {
		w(" %s |", c.head)
	}
	w("\n|---|")
	for range cols {
		w("---:|")
	}
	w("\n")
	met, tot := map[string]int{}, map[string]int{}
	for _, step := range raw.Steps {
		if rep.stat(step, "tursonative") == nil && rep.stat(step, "tursoengine") == nil {
			continue
		}
		w("| %s |", step)
		for _, c := range cols {
			r, _ := rep.ratio(step, c.a, c.b)
			t := c.target(step)
			if math.IsNaN(t) {
				w(" %s |", fmtPlain(r))
				continue
			}
			w(" %s |", fmtRatio(r, t))
			if !math.IsNaN(r) {
				tot[c.head]++
				if r <= t {
					met[c.head]++
				}
			}
		}
		w("\n")
	}
	w("\n")
	for _, c := range cols {
		if tot[c.head] > 0 {
			w("Targets met: %s %d of %d. ", c.head, met[c.head], tot[c.head])
		}
	}
	w("\n\n")

	// Cost above the floor, per operation (row, query or transaction).
	type floor struct{ driver, floor string }
	var floors []floor
	for _, f := range []floor{{"turso", "raw"}, {"tursonative", "rawturso"}, {"tursoengine", "rawturso"}} {
		if rep.has(f.driver) && rep.has(f.floor) {
			floors = append(floors, f)
		}
	}
	if len(floors) == 0 {
		return
	}
	w("#### Cost above each engine's floor, µs per operation (median driver − median floor)\n\n")
	w("An operation is a row read, a row or transaction written or a query, as the step counts them. The libSQL floor is `raw`, Turso's is `rawturso` (its native engine without database/sql): what remains is the driver and database/sql on top of the engine; for `tursoengine` it also holds the difference between Turso's wasm and native builds.\n\n| workload |")
	for _, f := range floors {
		w(" %s − %s |", f.driver, f.floor)
	}
	w("\n|---|")
	for range floors {
		w("---:|")
	}
	w("\n")
	for _, step := range raw.Steps {
		w("| %s |", step)
		for _, f := range floors {
			d, fl := rep.stat(step, f.driver), rep.stat(step, f.floor)
			if d == nil || fl == nil || d.Ops == 0 {
				w(" – |")
				continue
			}
			w(" %.2f |", (d.Median-fl.Median)*1000/float64(d.Ops))
		}
		w("\n")
	}
	w("\n")
}
