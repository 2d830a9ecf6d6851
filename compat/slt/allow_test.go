package slt

import (
	"strings"
	"testing"
)

func TestAllowList(t *testing.T) {
	src := `# comment
evidence/a.test:10 turso turso lacks X
evidence/a.test:20 * both engines differ
other.test:5 mattn not run here
`
	al, err := ParseAllowList("allow.txt", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(al.Entries) != 3 || al.Entries[0].Reason != "turso lacks X" || al.Entries[1].Driver != "*" {
		t.Fatalf("entries = %+v", al.Entries)
	}
	res := FileResult{
		File: "../shared/sqllogictest/evidence/a.test", Records: 3, Failed: 2, Passed: 1,
		Failures: []Failure{
			{File: "../shared/sqllogictest/evidence/a.test", Line: 10, Kind: FailResult},
			{File: "../shared/sqllogictest/evidence/a.test", Line: 30, Kind: FailResult},
		},
	}
	al.Apply("turso", &res)
	if res.Failed != 1 || res.Allowed != 1 || !res.Failures[0].Allowed || res.Failures[0].AllowReason != "turso lacks X" {
		t.Errorf("after Apply: %+v", res)
	}
	stale := al.Stale()
	// Line 20 (for every driver) did not fail although its file ran; the
	// mattn entry and other.test are not concerned.
	if len(stale) != 1 || stale[0].Line != 20 || stale[0].Source != "allow.txt:3" {
		t.Errorf("Stale = %+v", stale)
	}
	if _, ok := al.Lookup("mattn", "x/other.test", 5); !ok {
		t.Error("Lookup missed other.test:5")
	}
	if _, ok := al.Lookup("mattn", "x/notother.test", 5); ok {
		t.Error("Lookup matched notother.test for other.test")
	}
}

func TestAllowListMalformed(t *testing.T) {
	for _, src := range []string{"a.test turso reason\n", "a.test:x turso reason\n", "a.test:3 turso\n"} {
		if _, err := ParseAllowList("allow.txt", strings.NewReader(src)); err == nil || !strings.HasPrefix(err.Error(), "allow.txt:1:") {
			t.Errorf("ParseAllowList(%q) error = %v, want allow.txt:1: ...", src, err)
		}
	}
}
