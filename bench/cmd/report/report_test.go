package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/turso-go/turso/bench/internal/runner"
)

// synthetic returns a report of made-up samples: turso, mattn and the two
// floors on two groups, three rounds.
func synthetic() *Raw {
	raw := &Raw{
		Quick:   true,
		Rounds:  3,
		Drivers: []string{"turso", "mattn", "raw", "sqlfloor", "modernc"},
		Groups:  []string{"simple", "select1"},
		Steps:   []string{"simple/insert", "simple/query", "select1/query"},
		Infos:   map[string]runner.Info{"mattn": {Driver: "mattn", Go: "go1.26", SQLite: "3.50.4", Modules: map[string]string{"github.com/mattn/go-sqlite3": "v1.14.53"}}},
		Start:   time.Now(),
		Command: "go run ./cmd/report -quick -rounds 3",
	}
	add := func(d, step string, ms ...float64) {
		for i, m := range ms {
			raw.Samples = append(raw.Samples, Sample{Result: runner.Result{Driver: d, Workload: step, MS: m, CPUMS: m, Allocs: 10, Ops: 1000}, Round: i + 1})
		}
	}
	add("turso", "simple/insert", 90, 200, 95) // paired ratios 0.9, 1.0, 0.95
	add("mattn", "simple/insert", 100, 200, 100)
	add("raw", "simple/insert", 60, 120, 60)
	add("sqlfloor", "simple/insert", 20, 40, 20)
	add("modernc", "simple/insert", 150, 300, 150)
	add("turso", "simple/query", 50, 60, 70) // ratios 0.5, 0.6, 0.7
	add("mattn", "simple/query", 100, 100, 100)
	add("raw", "simple/query", 30, 30, 30)
	add("sqlfloor", "simple/query", 20, 20, 20) // floor 50: turso/floor 1.0, 1.2, 1.4
	add("modernc", "simple/query", 900, 1000, 1100)
	add("turso", "select1/query", 2, 2, 2)
	add("mattn", "select1/query", 4, 4, 4)
	return raw
}

// TestRender renders a report from synthetic samples and checks the
// tables and the ratios.
func TestRender(t *testing.T) {
	rep := aggregate(synthetic())
	if r, n := rep.ratio("simple/insert", "turso", "mattn"); n != 3 || r != 0.95 {
		t.Errorf("insert ratio = %v over %d, want 0.95 over 3", r, n)
	}
	if r, n := rep.ratio("simple/query", "turso", floorName); n != 3 || math.Abs(r-1.2) > 1e-9 {
		t.Errorf("query/floor ratio = %v over %d, want 1.2 over 3", r, n)
	}
	md := renderMarkdown(rep)
	for _, want := range []string{
		"median of 3 ABBA rounds", "-quick sizes",
		"![turso against mattn on every workload](charts/summary.png)",
		"| simple/insert | write | 0.95 ✅ | 0.95 | ≤ 1.00 | 1.19 | 1.19 | – |",
		"| simple/query | read | 0.60 ✅ | 0.60 | ≤ 1.00 | 1.20 ❌ | 1.20 | ≤ 1.15 |",
		"| select1/query | read | 0.50 ✅ | 0.50 | ≤ 0.67 | – | – | ≤ 1.15 |",
		"Targets met: reads against mattn 2 of 2, writes against mattn 1 of 1, reads against the floor 0 of 1",
		"| workload | turso | raw | sqlfloor | floor | modernc |",
		"| simple/query | 0.60 | 0.30 | 0.20 | 0.50 | 10.00 |",
		"| workload | turso | mattn | modernc |",
		"| simple/query | 1.20 | 2.00 | 20.00 |",
		"| simple/query | 60.0 | 100 | 30.0 | 20.0 | 50.0 | 1000 |",
		"![simple](charts/simple.png)",
		"github.com/mattn/go-sqlite3 v1.14.53",
		"| select1/query | 2.00 | 4.00 | – | – | – | – |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("RESULTS.md lacks %q\n%s", want, md)
		}
	}
}

// TestSmoke builds the turso, mattn, raw and sqlfloor binaries and checks that a -quick
// run of a few workloads prints valid JSON lines with the expected fields.
// No timing assertions.
func TestSmoke(t *testing.T) {
	benchDir, err := findBenchDir()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	for _, d := range []string{"turso", "mattn", "raw", "sqlfloor"} {
		t.Run(d, func(t *testing.T) {
			exe := filepath.Join(bin, d)
			build := exec.Command("go", "build", "-o", exe, "./cmd/"+d)
			build.Dir = benchDir
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("go build ./cmd/%s: %v\n%s", d, err, out)
			}
			info, err := runInfo(exe)
			if err != nil {
				t.Fatalf("-info: %v", err)
			}
			if info.Driver != d || info.SQLite == "" || len(info.Modules) == 0 {
				t.Errorf("-info = %+v", info)
			}
			cmd := exec.Command(exe, "-quick", "-runs", "1", "-dir", t.TempDir(),
				"-only", `^(simple/|point/prepared|real/|many/10$|select1/|writers/immediate)`)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr.String())
			}
			seen := map[string]bool{}
			sc := bufio.NewScanner(bytes.NewReader(out))
			for sc.Scan() {
				var m map[string]any
				if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
					t.Fatalf("not a JSON line: %q", sc.Text())
				}
				for _, f := range []string{"driver", "workload", "ms", "allocs"} {
					if _, ok := m[f]; !ok {
						t.Errorf("line %q lacks %q", sc.Text(), f)
					}
				}
				if m["driver"] != d {
					t.Errorf("driver = %v, want %s", m["driver"], d)
				}
				if ms, _ := m["ms"].(float64); ms <= 0 {
					t.Errorf("ms = %v in %q", m["ms"], sc.Text())
				}
				seen[m["workload"].(string)] = true
			}
			for _, w := range []string{"simple/insert", "simple/query", "real/insert", "real/query", "many/10", "select1/query", "select1/prepared", "writers/immediate", "point/prepared"} {
				if !seen[w] {
					t.Errorf("no JSON line for %s; stderr:\n%s", w, stderr.String())
				}
			}
		})
	}
}

func TestKeptNotes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "RESULTS.md")
	if got := keptNotes(path); got != "" {
		t.Errorf("no file: %q", got)
	}
	os.WriteFile(path, []byte("# generated\n| a |\n\n"+notesMarker+"\n## By hand\ntext\n"), 0o644)
	if got, want := keptNotes(path), "\n"+notesMarker+"\n## By hand\ntext\n"; got != want {
		t.Errorf("keptNotes = %q, want %q", got, want)
	}
}

// TestRenderBaseline checks that a -baseline driver (an older turso) is
// tabulated against mattn, described by its checkout, and charted in its
// own colour.
func TestRenderBaseline(t *testing.T) {
	raw := synthetic()
	raw.Drivers = append(raw.Drivers, "before")
	raw.Baselines = map[string]string{"before": "/tmp/old (commit 99daf08)"}
	for i, m := range []float64{120, 110, 130} {
		raw.Samples = append(raw.Samples, Sample{Result: runner.Result{Driver: "before", Workload: "simple/query", MS: m, CPUMS: m, Ops: 1000}, Round: i + 1})
	}
	rep := aggregate(raw)
	md := renderMarkdown(rep)
	for _, want := range []string{
		"- `before`: the turso driver of the checkout /tmp/old (commit 99daf08), built with this benchmark (`-baseline`)",
		"| workload | turso | raw | sqlfloor | floor | modernc | before |",
		"| simple/query | 0.60 | 0.30 | 0.20 | 0.50 | 10.00 | 1.20 |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("RESULTS.md lacks %q\n%s", want, md)
		}
	}
	found := false
	for _, row := range charts(rep)["simple"].Rows {
		if row.Label == "before" {
			found = true
			if row.Color != baselineColor {
				t.Errorf("before charted in %v, want %v", row.Color, baselineColor)
			}
		}
	}
	if !found {
		t.Error("the simple chart has no row for before")
	}
}
