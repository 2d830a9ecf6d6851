package compat

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRelName(t *testing.T) {
	wd, _ := os.Getwd()
	tests := []struct{ corpus, path, want string }{
		{"/c/slt", "/c/slt/evidence/in1.test", "evidence/in1.test"},
		{"/c/slt", "/c/other/x.test", "/c/other/x.test"},
		{"/c/slt", "/c/slt..x/y.test", "/c/slt..x/y.test"},
		{"", "a/b.test", "a/b.test"},
		{filepath.Join(wd, "slt"), filepath.Join("slt", "x", "y.test"), "x/y.test"},
	}
	for _, tt := range tests {
		if got := RelName(tt.corpus, tt.path); got != tt.want {
			t.Errorf("RelName(%q, %q) = %q, want %q", tt.corpus, tt.path, got, tt.want)
		}
	}
}

func TestAllowListParses(t *testing.T) {
	if _, err := AllowList(); err != nil {
		t.Fatalf("compat/allowlist.txt: %v", err)
	}
}

func TestCorpusDirEnv(t *testing.T) {
	t.Setenv(CorpusEnv, filepath.Join(t.TempDir(), "missing"))
	if _, err := CorpusDir(); err != ErrNoCorpus {
		t.Errorf("CorpusDir with a missing $%s: err = %v, want ErrNoCorpus", CorpusEnv, err)
	}
	dir := t.TempDir()
	t.Setenv(CorpusEnv, dir)
	if got, err := CorpusDir(); err != nil || got != dir {
		t.Errorf("CorpusDir = %q, %v; want %q", got, err, dir)
	}
}
