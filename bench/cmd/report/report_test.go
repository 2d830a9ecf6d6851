package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/turso-go/turso/bench/internal/runner"
)

// TestRender renders a report from synthetic samples and checks the table,
// the ratios and the charts.
func TestRender(t *testing.T) {
	raw := &Raw{
		Quick:   true,
		Rounds:  3,
		Drivers: []string{"turso", "mattn", "raw"},
		Groups:  []string{"simple", "select1"},
		Steps:   []string{"simple/insert", "simple/query", "select1/query"},
		Infos:   map[string]runner.Info{"mattn": {Driver: "mattn", Go: "go1.26", SQLite: "3.50.4", Modules: map[string]string{"github.com/mattn/go-sqlite3": "v1.14.53"}}},
		Start:   time.Now(),
		Command: "go run ./cmd/report -quick -rounds 3",
	}
	add := func(d, step string, ms ...float64) {
		for i, m := range ms {
			raw.Samples = append(raw.Samples, Sample{Result: runner.Result{Driver: d, Workload: step, MS: m, Allocs: 10, Ops: 1000}, Round: i + 1})
		}
	}
	add("turso", "simple/insert", 90, 200, 95) // paired ratios 0.9, 1.0, 0.95
	add("mattn", "simple/insert", 100, 200, 100)
	add("raw", "simple/insert", 80, 160, 80)
	add("turso", "simple/query", 50, 60, 70) // ratios 0.5, 0.6, 0.7
	add("mattn", "simple/query", 100, 100, 100)
	add("turso", "select1/query", 2, 2, 2)
	rep := aggregate(raw)
	if r, n := rep.ratio("simple/insert", "turso", "mattn"); n != 3 || r != 0.95 {
		t.Errorf("insert ratio = %v over %d, want 0.95 over 3", r, n)
	}
	md := renderMarkdown(rep)
	for _, want := range []string{
		"median of 3 ABBA rounds", "-quick sizes",
		"| simple/insert | write | 95.0 | 100 | 80.0 | 0.95 ✅ | ≤ 1.00 | 1.19 ✅ |",
		"| simple/query | read | 60.0 | 100 | – | 0.60 ✅ | ≤ 0.67 | – |",
		"Targets met: turso/mattn on reads 1 of 1, on writes 1 of 1",
		"![simple](charts/simple.svg)",
		"github.com/mattn/go-sqlite3 v1.14.53",
		"| select1/query | 2.00 | – | – |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("RESULTS.md lacks %q\n%s", want, md)
		}
	}
	dir := t.TempDir()
	if err := writeCharts(rep, dir, false); err != nil {
		t.Fatal(err)
	}
	for _, g := range raw.Groups {
		b, err := os.ReadFile(filepath.Join(dir, g+".svg"))
		if err != nil || !bytes.Contains(b, []byte("<svg")) {
			t.Errorf("chart %s: %v", g, err)
		}
	}
}

// TestSmoke builds the turso, mattn and raw binaries and checks that a -quick
// run of a few workloads prints valid JSON lines with the expected fields.
// No timing assertions.
func TestSmoke(t *testing.T) {
	benchDir, err := findBenchDir()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	for _, d := range []string{"turso", "mattn", "raw"} {
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
				"-only", `^(simple/|real/|many/10$|select1/|writers/immediate)`)
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
			for _, w := range []string{"simple/insert", "simple/query", "real/insert", "real/query", "many/10", "select1/query", "select1/prepared", "writers/immediate"} {
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
