package workload_test

import (
	"slices"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/turso-go/turso/bench/workload"
)

// tiny sizes: enough rows to exercise every code path in a second or two.
var tiny = workload.Sizes{
	SimpleUsers:      500,
	RealUsers:        3,
	RealArticles:     4,
	RealComments:     5,
	ComplexUsers:     3,
	ComplexArticles:  4,
	ComplexComments:  5,
	ManyQueries:      20,
	LargeRows:        3,
	ConcurrentUsers:  200,
	WriterTxs:        3,
	Select1Ops:       50,
	JournalUsers:     2,
	JournalArticles:  2,
	JournalComments:  2,
	WriterGoroutines: 4,
	PointUsers:       50,
	PointQueries:     120,
	TimeRows:         40,
}

var modernc = &workload.Driver{
	Name:    "modernc",
	SQLName: "sqlite",
	DSN:     workload.PragmaDSN,
	TxLock:  true,
}

// TestAllWorkloads runs every workload on a pure-Go driver (no cgo needed)
// and checks that each step is measured, except the ones the driver skips.
func TestAllWorkloads(t *testing.T) {
	testDriver(t, modernc)
}

// TestConnInit runs the workloads with pragmas applied per connection and
// BEGIN IMMEDIATE issued by the workload (the paths the libsql driver uses)
// instead of through the DSN.
func TestConnInit(t *testing.T) {
	d := *modernc
	d.DSN = func(path string, o workload.Options) string { return "file:" + path }
	d.ConnInit = workload.Options.Pragmas
	d.TxLock = false
	testDriver(t, &d)
}

func testDriver(t *testing.T, d *workload.Driver) {
	for _, w := range workload.All() {
		t.Run(w.Group, func(t *testing.T) {
			var measured []string
			r := &workload.Run{
				Driver: d,
				Dir:    t.TempDir(),
				Sizes:  tiny,
				Wants:  func(string) bool { return true },
				Measure: func(name string, ops int, fn func() error) error {
					if !slices.Contains(w.Steps, name) {
						t.Errorf("step %q is not declared in Steps %v", name, w.Steps)
					}
					measured = append(measured, name)
					return fn()
				},
			}
			err := w.Run(r)
			if workload.IsSkip(err) {
				t.Logf("%v", err)
			} else if err != nil {
				t.Fatal(err)
			}
			for _, s := range w.Steps {
				if !slices.Contains(measured, s) && !(s == "writers/concurrent" && workload.IsSkip(err)) {
					t.Errorf("step %s not measured", s)
				}
			}
		})
	}
}

func TestOpenChecksOptions(t *testing.T) {
	d := *modernc
	// A DSN that ignores the options must be caught by Run.Open.
	d.DSN = func(path string, _ workload.Options) string { return "file:" + path }
	r := &workload.Run{Driver: &d, Dir: t.TempDir()}
	if db, err := r.Open("x", workload.DefaultOptions()); err == nil {
		db.Close()
		t.Fatal("Open accepted a connection without the requested pragmas")
	}
}

func TestIsRead(t *testing.T) {
	for step, want := range map[string]bool{
		"simple/query": true, "simple/insert": false, "many/10": true,
		"concurrent/8": true, "writers/immediate": false, "large/50k/query": true,
		"select1/query": true, "journal/wal-full": false,
	} {
		if got := workload.IsRead(step); got != want {
			t.Errorf("IsRead(%s) = %v, want %v", step, got, want)
		}
	}
}
