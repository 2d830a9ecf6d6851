// Package compat holds the compatibility suite of the turso driver: SQLite's
// sqllogictest corpus run against turso and mattn/go-sqlite3 (see package
// slt and the commands under compat/cmd), and Go-level behaviour cases
// compared between the two drivers (package behave). The report adds the
// turso driver on Turso's own engine, in its wasm build (turso-engine,
// _engine=turso-wasm) and its native build (turso-native,
// _engine=turso-native, linux/amd64 with cgo).
//
// compat is a module of its own, so that the driver's module does not
// require mattn/go-sqlite3; its go.mod replaces the driver with the
// repository's. The two drivers cannot be linked into one binary (both
// define the sqlite3_* symbols), so every command and test binary links
// one of them. In the compat directory:
//
//	go run ./cmd/slt-turso [-json FILE] [-q] [-v] [PATH...]         # corpus on turso
//	go run ./cmd/slt-mattn [-json FILE] [-q] [-v] [PATH...]         # corpus on mattn
//	go run ./cmd/slt-turso-engine [-json FILE] [-q] [-v] [PATH...]  # corpus on turso, _engine=turso-wasm
//	go run ./cmd/slt-turso-native [-json FILE] [-q] [-v] [PATH...]  # corpus on turso, _engine=turso-native
//	go run ./cmd/report                 # all of them, side by side, into compat/RESULTS.md
//	go run ./cmd/behave-turso           # behaviour cases on turso (behave-turso-engine, behave-turso-native: Turso's engine)
//	go run ./cmd/behave-mattn > behave/testdata/mattn.golden
//	go test ./...                       # runner tests, corpus and behaviour on turso
//	go test -short ./...                # corpus limited to select1-5 and evidence/
//	go test -tags mattn ./corpus ./behave  # the same on mattn
//
// PATH defaults to the corpus, found at $SLT_CORPUS or shared/sqllogictest
// in an ancestor of the working directory (../shared/sqllogictest from the
// repository root). Each slt command ends with the line
// "slt: N passed, N failed, N skipped" and exits non-zero when a record
// failed or an allow-list entry is stale.
//
// This package itself only provides what those share: the reviewed
// allow-list of expected sqllogictest failures (allowlist.txt) and the
// location of the corpus.
package compat

import (
	_ "embed"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/turso-go/turso/compat/slt"
)

// AllowListText is the content of compat/allowlist.txt, the one reviewed
// list of sqllogictest records that cannot pass on a driver, each with its
// reason. Entries that pass are reported as stale by the runner.
//
//go:embed allowlist.txt
var AllowListText string

// AllowList parses [AllowListText].
func AllowList() (*slt.AllowList, error) {
	return slt.ParseAllowList("compat/allowlist.txt", strings.NewReader(AllowListText))
}

// CorpusEnv is the environment variable that overrides the corpus location.
const CorpusEnv = "SLT_CORPUS"

// ErrNoCorpus is returned by [CorpusDir] when the corpus cannot be found.
var ErrNoCorpus = errors.New("sqllogictest corpus not found: set " + CorpusEnv +
	" or put it at ../shared/sqllogictest next to the repository root")

// CorpusDir locates the sqllogictest corpus: $SLT_CORPUS if set, otherwise
// shared/sqllogictest in the working directory or one of its ancestors
// (the repository lives next to it: ../shared/sqllogictest from the root).
func CorpusDir() (string, error) {
	if d := os.Getenv(CorpusEnv); d != "" {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d, nil
		}
		return "", ErrNoCorpus
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		cand := filepath.Join(dir, "shared", "sqllogictest")
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrNoCorpus
		}
		dir = parent
	}
}

// RelName returns path relative to the corpus root dir with forward
// slashes when it lies under it, and path unchanged otherwise.
func RelName(corpus, path string) string {
	if corpus != "" {
		ac, err1 := filepath.Abs(corpus)
		ap, err2 := filepath.Abs(path)
		if err1 == nil && err2 == nil {
			if rel, err := filepath.Rel(ac, ap); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return filepath.ToSlash(rel)
			}
		}
	}
	return filepath.ToSlash(path)
}
