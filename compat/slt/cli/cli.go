// Package cli is the shared implementation of the slt-turso and slt-mattn
// commands, which run sqllogictest scripts through one database/sql driver
// each (the two drivers cannot be linked into one binary).
package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/turso-go/turso/compat"
	"github.com/turso-go/turso/compat/slt"
)

// Report is the document written by -json.
type Report struct {
	// Name is the runner's label ("turso" or "mattn"); Driver the
	// database/sql driver name.
	Name   string `json:"name"`
	Driver string `json:"driver"`
	// Corpus is the corpus root file names are relative to, if found.
	Corpus string `json:"corpus,omitempty"`
	// Files holds one result per script, File relative to Corpus.
	Files []slt.FileResult `json:"files"`
	// Totals over all files.
	Passed   int           `json:"passed"`
	Failed   int           `json:"failed"`
	Skipped  int           `json:"skipped"`
	Allowed  int           `json:"allowed"`
	Duration time.Duration `json:"duration_ns"`
	// Stale lists allow-list entries whose record passed.
	Stale []string `json:"stale,omitempty"`
}

// DefaultJournalMode is the journal mode scripts run with. The reference
// harness keeps SQLite's default (delete); "memory" gives the same results
// (no script of the corpus depends on the journal) about four times faster,
// since no journal file is created and deleted for every statement.
const DefaultJournalMode = "memory"

// OpenFunc returns the Runner.Open function for a driver: a fresh
// database file, one connection, PRAGMA synchronous=OFF as the reference
// harness sets, and the given journal mode (empty: DefaultJournalMode).
func OpenFunc(driver, journalMode string) func(path string) (*sql.DB, error) {
	return OpenFuncParams(driver, "", journalMode)
}

// OpenFuncParams is OpenFunc with DSN parameters added to every database's
// path (e.g. "_engine=turso"; empty for none).
func OpenFuncParams(driver, params, journalMode string) func(path string) (*sql.DB, error) {
	if journalMode == "" {
		journalMode = DefaultJournalMode
	}
	return func(path string) (*sql.DB, error) {
		dsn := path
		if params != "" {
			dsn += "?" + params
		}
		db, err := sql.Open(driver, dsn)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		for _, p := range []string{"PRAGMA synchronous=OFF", "PRAGMA journal_mode=" + journalMode} {
			if _, err := db.Exec(p); err != nil {
				db.Close()
				return nil, fmt.Errorf("%s: %w", p, err)
			}
		}
		return db, nil
	}
}

// Main runs the command for the database/sql driver registered as driver,
// labelled name in the allow-list and reports, with os.Args, and returns
// the exit status.
func Main(name, driver string) int {
	return Run(name, driver, os.Args[1:], os.Stdout, os.Stderr)
}

// MainParams is Main with DSN parameters that every test database's DSN
// carries, e.g. "_engine=turso" for the turso driver on Turso's engine.
func MainParams(name, driver, params string) int {
	return RunParams(name, driver, params, os.Args[1:], os.Stdout, os.Stderr)
}

// Run is Main with explicit arguments and output streams.
func Run(name, driver string, args []string, stdout, stderr io.Writer) int {
	return RunParams(name, driver, "", args, stdout, stderr)
}

// RunParams is MainParams with explicit arguments and output streams.
func RunParams(name, driver, params string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("slt-"+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	jsonOut := fs.String("json", "", "write per-file results as JSON to `FILE`")
	quiet := fs.Bool("q", false, "quiet: print only the summary line")
	verbose := fs.Bool("v", false, "verbose: also print allowed failures and per-file summaries")
	allowPath := fs.String("allow", "", "allow-list `FILE` (default: the embedded compat/allowlist.txt)")
	timeout := fs.Duration("timeout", 2*time.Minute, "per-record timeout (0: none)")
	engine := fs.String("engine", slt.DefaultEngine, "engine name for skipif/onlyif")
	journal := fs.String("journal", DefaultJournalMode, "SQLite journal `mode` of the test databases (the reference harness uses delete)")
	progress := fs.Duration("progress", 5*time.Second, "progress report interval on stderr (0: none)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: slt-%s [flags] [PATH...]\n\n"+
			"Runs sqllogictest scripts (files, or directories searched recursively\n"+
			"for *.test) through the %q driver, each on a fresh database.\n"+
			"Without PATH, runs the whole corpus (%s).\n\nFlags:\n", name, driver, compat.CorpusEnv)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}

	corpus, _ := compat.CorpusDir()
	paths := fs.Args()
	if len(paths) == 0 {
		if corpus == "" {
			fmt.Fprintf(stderr, "slt: %v\n", compat.ErrNoCorpus)
			return 2
		}
		paths = []string{corpus}
	}
	files, err := collect(paths)
	if err != nil {
		fmt.Fprintf(stderr, "slt: %v\n", err)
		return 2
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "slt: no .test files in %s\n", strings.Join(paths, " "))
		return 2
	}

	var al *slt.AllowList
	if *allowPath != "" {
		f, err := os.Open(*allowPath)
		if err != nil {
			fmt.Fprintf(stderr, "slt: %v\n", err)
			return 2
		}
		al, err = slt.ParseAllowList(*allowPath, f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "slt: %v\n", err)
			return 2
		}
	} else if al, err = compat.AllowList(); err != nil {
		fmt.Fprintf(stderr, "slt: %v\n", err)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	rep := Report{Name: name, Driver: driver, Corpus: corpus}
	start := time.Now()
	lastProgress := start
	var doneRecords int
	fileIdx := 0
	runner := &slt.Runner{
		Open:    OpenFuncParams(driver, params, *journal),
		Engine:  *engine,
		Timeout: *timeout,
	}
	if *progress > 0 && !*quiet {
		runner.Progress = func(file string, done int) {
			if now := time.Now(); now.Sub(lastProgress) >= *progress {
				lastProgress = now
				fmt.Fprintf(stderr, "slt: [%d/%d files, %s] %s: record %d; so far %d passed, %d failed\n",
					fileIdx+1, len(files), now.Sub(start).Round(time.Second),
					compat.RelName(corpus, file), done, rep.Passed, rep.Failed)
			}
		}
	}
	for i, file := range files {
		fileIdx = i
		if ctx.Err() != nil {
			break
		}
		res := runner.RunFile(ctx, file)
		al.Apply(name, &res)
		res.File = compat.RelName(corpus, res.File)
		for k := range res.Failures {
			res.Failures[k].File = res.File
		}
		for _, f := range res.Failures {
			if (!f.Allowed || *verbose) && !*quiet {
				fmt.Fprintln(stdout, f.String())
			}
		}
		if *verbose {
			fmt.Fprintf(stderr, "slt: %s: %d records, %d passed, %d failed, %d skipped, %d allowed, %s\n",
				res.File, res.Records, res.Passed, res.Failed, res.Skipped, res.Allowed, res.Duration.Round(time.Millisecond))
		}
		doneRecords += res.Records
		rep.Passed += res.Passed
		rep.Failed += res.Failed
		rep.Skipped += res.Skipped
		rep.Allowed += res.Allowed
		rep.Files = append(rep.Files, res)
	}
	rep.Duration = time.Since(start)
	for _, e := range al.Stale() {
		s := fmt.Sprintf("%s:%d %s (%s): record passes, remove the entry", e.File, e.Line, e.Driver, e.Source)
		rep.Stale = append(rep.Stale, s)
		fmt.Fprintf(stdout, "slt: stale allow-list entry %s\n", s)
	}
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "slt: interrupted\n")
	}
	if *jsonOut != "" {
		data, err := json.MarshalIndent(rep, "", "  ")
		if err == nil {
			err = os.WriteFile(*jsonOut, append(data, '\n'), 0o644)
		}
		if err != nil {
			fmt.Fprintf(stderr, "slt: writing %s: %v\n", *jsonOut, err)
			return 2
		}
	}
	if rep.Allowed > 0 {
		fmt.Fprintf(stdout, "slt: %d allowed failures (compat/allowlist.txt)\n", rep.Allowed)
	}
	fmt.Fprintf(stdout, "slt: %d passed, %d failed, %d skipped\n", rep.Passed, rep.Failed, rep.Skipped)
	if rep.Failed > 0 || len(rep.Stale) > 0 || ctx.Err() != nil {
		return 1
	}
	return 0
}

// collect expands paths into .test files: files are kept as given,
// directories are searched recursively; the result is sorted per argument.
func collect(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".test") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		slices.Sort(found)
		out = append(out, found...)
	}
	return out, nil
}
