package workload

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
)

// Run is what a workload gets from the runner for one repetition: a fresh,
// empty directory for its databases and a way to time steps.
type Run struct {
	Driver *Driver
	// Dir is a fresh empty directory, removed by the runner afterwards.
	Dir string
	// Sizes scales the workload (FullSizes or QuickSizes).
	Sizes Sizes
	// Measure times fn as the workload step called name. ops is the number
	// of operations fn performs (0 when not meaningful). The runner decides
	// whether the step is reported (-only); fn always runs, since later
	// steps may depend on it.
	Measure func(name string, ops int, fn func() error) error
	// Wants reports whether a step will be reported; workloads may skip
	// trailing work nobody asked for.
	Wants func(name string) bool
	// Logf, if set, reports a detail of a run on stderr (e.g. retries).
	Logf func(format string, args ...any)
}

// Open opens (creating) the database file name.db in the run's directory.
func (r *Run) Open(name string, o Options) (*sql.DB, error) {
	if r.Driver.Unsupported != nil {
		if why := r.Driver.Unsupported(o); why != "" {
			return nil, &SkipError{Reason: name + ": " + why}
		}
	}
	db, err := r.Driver.Open(filepath.Join(r.Dir, name+".db"), o)
	if err != nil {
		return nil, err
	}
	// Connect now, so a bad DSN fails here and not in a timed step, and
	// check the settings really took.
	if err := CheckOptions(db, o); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// CheckOptions verifies that journal_mode, synchronous and foreign_keys of
// a connection of db are what o asks for.
func CheckOptions(db *sql.DB, o Options) error {
	var journal string
	var syncMode, fk int
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&journal); err != nil {
		return fmt.Errorf("PRAGMA journal_mode: %w", err)
	}
	if err := db.QueryRow("PRAGMA synchronous").Scan(&syncMode); err != nil {
		return fmt.Errorf("PRAGMA synchronous: %w", err)
	}
	if err := db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil {
		return fmt.Errorf("PRAGMA foreign_keys: %w", err)
	}
	wantSync := map[string]int{"OFF": 0, "NORMAL": 1, "FULL": 2, "EXTRA": 3}[strings.ToUpper(o.Sync)]
	wantFK := 0
	if o.ForeignKeys {
		wantFK = 1
	}
	// The turso engine's MVCC mode (its BEGIN CONCURRENT) is its WAL mode
	// with row versions on top.
	journalOK := strings.EqualFold(journal, o.Journal) || (strings.EqualFold(o.Journal, "WAL") && journal == "mvcc")
	if !journalOK || syncMode != wantSync || fk != wantFK {
		return fmt.Errorf("connection has journal_mode=%s synchronous=%d foreign_keys=%d, want %s/%d/%d",
			journal, syncMode, fk, o.Journal, wantSync, wantFK)
	}
	return nil
}

// SkipError marks a workload step that the driver cannot run (for example
// _txlock=concurrent before BEGIN CONCURRENT is supported).
type SkipError struct{ Reason string }

func (e *SkipError) Error() string { return "skipped: " + e.Reason }

// IsSkip reports whether err is a *SkipError.
func IsSkip(err error) bool {
	var s *SkipError
	return errors.As(err, &s)
}

// Workload is one group of benchmark steps sharing setup.
type Workload struct {
	Group string
	// Steps are the full names of the steps it reports ("simple/insert").
	Steps []string
	// Read marks, per step, a read workload (targets differ for reads and
	// writes); steps not listed are writes.
	Read map[string]bool
	// Room marks, per read step, where mattn's own overhead (time parsing,
	// its mutexes, per-call work) leaves room to be well ahead of it: the
	// target there is 0.67× mattn rather than 1.0×.
	Room map[string]bool
	Run  func(r *Run) error
}

// Sizes scales every workload. QuickSizes is about 1/10 of FullSizes.
type Sizes struct {
	SimpleUsers      int // simple: users inserted in one tx then read back
	RealUsers        int // real: users, each with RealArticles articles ...
	RealArticles     int
	RealComments     int // ... each with RealComments comments
	ComplexUsers     int
	ComplexArticles  int
	ComplexComments  int
	ManyQueries      int // many: queries per N
	LargeRows        int // large: rows per blob size
	ConcurrentUsers  int // concurrent: rows each goroutine reads
	WriterTxs        int // writers: transactions per goroutine
	Select1Ops       int // select1: round trips
	JournalUsers     int // journal: real-style insert, one tx per user
	JournalArticles  int
	JournalComments  int
	WriterGoroutines int
	PointUsers       int // point: users in the table looked up
	PointQueries     int // point: lookups per step
	TimeRows         int // time: rows with a DATETIME column
}

// Scale returns s with every size multiplied by f (at least 1), but the
// number of writer goroutines.
func (s Sizes) Scale(f float64) Sizes {
	v := reflect.ValueOf(&s).Elem()
	for i := range v.NumField() {
		if v.Type().Field(i).Name == "WriterGoroutines" {
			continue
		}
		fv := v.Field(i)
		fv.SetInt(max(1, int64(float64(fv.Int())*f)))
	}
	return s
}

// FullSizes are the sizes of the issue (modelled on go-sqlite-bench).
var FullSizes = Sizes{
	SimpleUsers:      1_000_000,
	RealUsers:        100,
	RealArticles:     20,
	RealComments:     20,
	ComplexUsers:     200,
	ComplexArticles:  100,
	ComplexComments:  20,
	ManyQueries:      10_000,
	LargeRows:        1000,
	ConcurrentUsers:  1_000_000,
	WriterTxs:        200,
	Select1Ops:       100_000,
	JournalUsers:     100,
	JournalArticles:  20,
	JournalComments:  20,
	WriterGoroutines: 8,
	PointUsers:       100_000,
	PointQueries:     1_000_000,
	TimeRows:         1_000_000,
}

// QuickSizes are about 1/10 of FullSizes, for CI and quick checks.
var QuickSizes = Sizes{
	SimpleUsers:      100_000,
	RealUsers:        10,
	RealArticles:     20,
	RealComments:     20,
	ComplexUsers:     20,
	ComplexArticles:  100,
	ComplexComments:  20,
	ManyQueries:      1000,
	LargeRows:        100,
	ConcurrentUsers:  100_000,
	WriterTxs:        25,
	Select1Ops:       10_000,
	JournalUsers:     10,
	JournalArticles:  20,
	JournalComments:  20,
	WriterGoroutines: 8,
	PointUsers:       10_000,
	PointQueries:     100_000,
	TimeRows:         100_000,
}

// All returns every workload, in report order.
func All() []Workload {
	return []Workload{
		simpleWorkload(),
		pointWorkload(),
		timeWorkload(),
		realWorkload(),
		complexWorkload(),
		manyWorkload(),
		largeWorkload(),
		concurrentWorkload(),
		filesWorkload(),
		writersWorkload(),
		select1Workload(),
		journalWorkload(),
	}
}

// Group returns the group of a step name ("simple/insert" -> "simple").
func Group(step string) string {
	g, _, _ := strings.Cut(step, "/")
	return g
}

// IsRead reports whether the step named is a read workload.
func IsRead(step string) bool { return find(step).Read[step] }

// HasRoom reports whether the step is a read where mattn's own overhead
// leaves room (Workload.Room).
func HasRoom(step string) bool { return find(step).Room[step] }

func find(step string) Workload {
	for _, w := range All() {
		if w.Group == Group(step) {
			return w
		}
	}
	return Workload{}
}
