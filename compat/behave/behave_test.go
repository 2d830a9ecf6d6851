package behave

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

// goldenPath is mattn's output, the reference.
const goldenPath = "testdata/mattn.golden"

// runDriver runs every case through driver and returns the output.
func runDriver(t *testing.T, driver string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Run(driver, Cases(), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func readGolden(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (regenerate with: cd compat && go run ./cmd/behave-mattn > behave/%s)", err, goldenPath)
	}
	return string(data)
}

func TestCompare(t *testing.T) {
	ref := "a/x: 1\na/y: 2\na/z: 3\n"
	got := "a/x: 1\na/y: two\na/w: 4\n"
	diffs, stale := Compare(ref, got, []Exception{{"a/y", "why"}, {"b/*", "unused"}})
	var keys []string
	for _, d := range diffs {
		keys = append(keys, fmt.Sprintf("%s:%v", d.Key, d.Exception != nil))
	}
	if strings.Join(keys, " ") != "a/y:true a/z:false a/w:false" {
		t.Errorf("diffs = %v", keys)
	}
	if len(stale) != 1 || stale[0].Pattern != "b/*" {
		t.Errorf("stale = %v", stale)
	}
}

func TestDescAndErr(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{Desc(nil), "nil"},
		{Desc([]byte(nil)), "[]byte(nil)"},
		{Desc("x"), `string("x")`},
		{Desc(int64(3)), "int64(3)"},
		{Err(nil), "ok"},
		{Err(errors.New("boom")), `error "boom"`},
		{Err(fmt.Errorf("wrapped: %w", &testCodeErr{19, 2067})), `error "wrapped: coded" code=19 ext=2067`},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
	}
}

type testCodeErr struct{ Code, ExtendedCode int }

func (e *testCodeErr) Error() string { return "coded" }
