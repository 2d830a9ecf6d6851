package corpus

import (
	"context"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/turso-go/turso/compat"
	"github.com/turso-go/turso/compat/slt"
	"github.com/turso-go/turso/compat/slt/cli"
)

// shortSet reports whether a corpus file (relative name) belongs to the
// -short selection: select1-5 and evidence/.
func shortSet(rel string) bool {
	return strings.HasPrefix(rel, "evidence/") || (!strings.Contains(rel, "/") && strings.HasPrefix(rel, "select"))
}

// runCorpus runs the corpus through the database/sql driver registered as
// driver, labelled name in compat/allowlist.txt, one subtest per file.
func runCorpus(t *testing.T, name, driver string) {
	dir, err := compat.CorpusDir()
	if err != nil {
		t.Skipf("skipping the sqllogictest corpus: %v", err)
	}
	al, err := compat.AllowList()
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := compat.RelName(dir, path)
		if !d.IsDir() && strings.HasSuffix(path, ".test") && (!testing.Short() || shortSet(rel)) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	if len(files) == 0 {
		t.Fatalf("no .test files in %s", dir)
	}
	runner := &slt.Runner{Open: cli.OpenFunc(driver, ""), TempDir: t.TempDir()}
	var (
		mu                               sync.Mutex // guards al and the counts
		passed, failed, skipped, allowed int
	)
	// Files run in parallel (each on its own database); the group returns
	// when all of them are done.
	t.Run("files", func(t *testing.T) {
		for _, path := range files {
			rel := compat.RelName(dir, path)
			t.Run(rel, func(t *testing.T) {
				t.Parallel()
				res := runner.RunFile(context.Background(), path)
				res.File = rel
				for i := range res.Failures {
					res.Failures[i].File = rel
				}
				mu.Lock()
				al.Apply(name, &res)
				passed += res.Passed
				failed += res.Failed
				skipped += res.Skipped
				allowed += res.Allowed
				mu.Unlock()
				for _, f := range res.Failures {
					if f.Allowed {
						t.Logf("allowed: %s", f)
					} else {
						t.Error(f)
					}
				}
			})
		}
	})
	for _, e := range al.Stale() {
		t.Errorf("stale allow-list entry %s:%d %s (%s): the record passes, remove the entry", e.File, e.Line, e.Driver, e.Source)
	}
	t.Logf("%s: %d files; slt: %d passed, %d failed, %d skipped (%d allowed)", name, len(files), passed, failed, skipped, allowed)
}
