package drivertest

import (
	"strings"
	"testing"
)

func TestEngineCheck(t *testing.T) {
	tests := []struct {
		name string
		e    Engine
		want string // in the error; "" for none
	}{
		{"no gaps", Engine{Name: "x"}, ""},
		{"known gap", Engine{Name: "x", Gaps: map[Gap]string{DeclaredTypes: "affinities only"}}, ""},
		{"known param", Engine{Name: "x", UnsupportedParams: map[string]string{"_journal=truncate": "WAL only"}}, ""},
		{"unknown gap", Engine{Name: "x", Gaps: map[Gap]string{"declared-type": "typo"}}, `unknown gap "declared-type"`},
		{"gap without reason", Engine{Name: "x", Gaps: map[Gap]string{SharedCache: ""}}, "without a reason"},
		{"unknown param", Engine{Name: "x", UnsupportedParams: map[string]string{"_journal=trunc": "typo"}}, "does not set"},
		{"param without reason", Engine{Name: "x", UnsupportedParams: map[string]string{"_rt=0": ""}}, "without a reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.e.check()
			if tt.want == "" && err != nil {
				t.Fatalf("check() = %v, want nil", err)
			}
			if tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("check() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestDSN(t *testing.T) {
	tests := []struct {
		engine, path, params, want string
	}{
		{"", "/d/x.db", "", "/d/x.db"},
		{"", "/d/x.db", "_fk=1", "/d/x.db?_fk=1"},
		{"_engine=turso", "/d/x.db", "", "/d/x.db?_engine=turso"},
		{"_engine=turso", "/d/x.db", "_fk=1&_rt=0", "/d/x.db?_engine=turso&_fk=1&_rt=0"},
		{"_engine=turso", "file:/d/x.db?mode=ro", "", "file:/d/x.db?mode=ro&_engine=turso"},
		{"", ":memory:", "_loc=UTC", ":memory:?_loc=UTC"},
	}
	for _, tt := range tests {
		if got := (Engine{Params: tt.engine}).dsn(tt.path, tt.params); got != tt.want {
			t.Errorf("dsn(%q, %q) with %q = %q, want %q", tt.path, tt.params, tt.engine, got, tt.want)
		}
	}
}

func TestSuiteNames(t *testing.T) {
	seen := map[string]bool{}
	for _, tt := range suite {
		if tt.name == "" || tt.run == nil || seen[tt.name] {
			t.Errorf("suite entry %q: empty, without a function, or repeated", tt.name)
		}
		seen[tt.name] = true
	}
}
