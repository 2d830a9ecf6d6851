package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3" // this test binary links mattn only
)

const goodScript = `statement ok
CREATE TABLE t(a INTEGER)

statement ok
INSERT INTO t VALUES(1)

onlyif mysql
statement ok
SELECT 1 DIV 1

query I nosort
SELECT a FROM t
----
1
`

const badScript = `query I nosort
SELECT 2
----
3
`

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRun(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a/good.test": goodScript,
		"b/bad.test":  badScript,
		"notes.txt":   "not a script",
		"allow.txt":   "b/bad.test:1 mattn reviewed\na/good.test:11 mattn passes, so stale\n",
		"empty.txt":   "",
	})
	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantLast   string
		wantOut    []string
	}{
		{"good only", []string{"-allow", filepath.Join(dir, "empty.txt"), filepath.Join(dir, "a")}, 0,
			"slt: 3 passed, 0 failed, 1 skipped", nil},
		{"bad fails", []string{"-allow", filepath.Join(dir, "empty.txt"), dir}, 1,
			"slt: 3 passed, 1 failed, 1 skipped", []string{"bad.test:1: wrong result: SELECT 2: expected [3], got [2]"}},
		{"allowed and stale", []string{"-allow", filepath.Join(dir, "allow.txt"), dir}, 1,
			"slt: 3 passed, 0 failed, 1 skipped", []string{"slt: 1 allowed failures", "slt: stale allow-list entry a/good.test:11 mattn"}},
		{"allowed", []string{"-allow", filepath.Join(dir, "allow.txt"), filepath.Join(dir, "b")}, 0,
			"slt: 0 passed, 0 failed, 0 skipped", []string{"slt: 1 allowed failures"}},
		{"bad flag", []string{"-nope"}, 2, "", nil},
		{"missing path", []string{filepath.Join(dir, "missing")}, 2, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := Run("mattn", "sqlite3", tt.args, &stdout, &stderr)
			if status != tt.wantStatus {
				t.Errorf("status = %d, want %d\nstdout:\n%s\nstderr:\n%s", status, tt.wantStatus, &stdout, &stderr)
			}
			lines := strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n")
			if tt.wantLast != "" && lines[len(lines)-1] != tt.wantLast {
				t.Errorf("last line = %q, want %q", lines[len(lines)-1], tt.wantLast)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, &stdout)
				}
			}
		})
	}
}

func TestRunJSON(t *testing.T) {
	dir := writeFiles(t, map[string]string{"good.test": goodScript, "bad.test": badScript, "empty.txt": ""})
	out := filepath.Join(dir, "out.json")
	var stdout, stderr bytes.Buffer
	Run("mattn", "sqlite3", []string{"-q", "-allow", filepath.Join(dir, "empty.txt"), "-json", out, dir}, &stdout, &stderr)
	if strings.Count(stdout.String(), "\n") != 1 {
		t.Errorf("-q printed more than the summary:\n%s", &stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Files) != 2 || rep.Passed != 3 || rep.Failed != 1 || rep.Name != "mattn" {
		t.Errorf("report = %+v", rep)
	}
	for _, f := range rep.Files {
		if f.Duration <= 0 || f.Records != f.Passed+f.Failed+f.Skipped+f.Allowed {
			t.Errorf("file result %+v", f)
		}
	}
}

// TestOpenFuncParams checks that DSN parameters reach every test
// database, and that a bad one fails the open.
func TestOpenFuncParams(t *testing.T) {
	tests := []struct {
		params  string
		wantFK  int
		wantErr bool
	}{
		{"", 0, false},
		{"_fk=1", 1, false},
		{"_fk=maybe", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.params, func(t *testing.T) {
			db, err := OpenFuncParams("sqlite3", tt.params, "")(filepath.Join(t.TempDir(), "p.db"))
			if tt.wantErr {
				if err == nil {
					db.Close()
					t.Fatal("open succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var fk int
			if err := db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != tt.wantFK {
				t.Errorf("foreign_keys = %d, %v; want %d", fk, err, tt.wantFK)
			}
			var mode string
			if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != DefaultJournalMode {
				t.Errorf("journal_mode = %q, %v; want %s", mode, err, DefaultJournalMode)
			}
		})
	}
}
