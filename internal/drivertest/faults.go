package drivertest

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/turso-go/turso"
)

// Faults describes how an engine takes faults, for RunFaults.
type Faults struct {
	// ExclusiveFile is set for an engine that cannot share a database
	// file between processes (Turso's wasm build): while one process has
	// the file open, another is refused with ErrBusy after its busy
	// timeout. Otherwise processes share the file, as SQLite's locking
	// lets them.
	ExclusiveFile bool
	// Inject, when set, makes the engine's file operations consult fail
	// until the returned function is called: fail gets the operation
	// ("read", "write", "sync", "truncate", "size") and the file's path,
	// and returns nil to let it run, or the error it fails with: a
	// syscall.Errno (ENOSPC, EIO, EACCES), io.ErrShortWrite (a torn
	// write) or ErrTrap (the engine traps). Without it, the injected
	// fault cases are skipped; DiskFull covers a full disk on every
	// engine.
	Inject func(fail func(op, path string) error) (restore func())
}

// ErrTrap, returned by the function Faults.Inject installs, makes the
// engine trap (fail internally) in that operation.
var ErrTrap = errors.New("drivertest: injected trap")

// RunFaults runs the fault suite on e: two processes on one file, a full
// disk, failing file operations, an engine that traps, hostile text,
// encryption with right, wrong and missing keys, corrupt files and
// formatting that could leak a key. Every case either passes or is
// refused with a typed error, and none may lose a committed row. Each is
// bounded in time.
//
// The cross-process cases run the test binary again as a child process
// (with -test.run naming the subtest), so the test that calls RunFaults
// must reach it in a child too: call it from a plain TestXxx.
func RunFaults(t *testing.T, e Engine) {
	if err := e.check(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range faultSuite {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, e) })
	}
}

// faultSuite is every case of RunFaults, in order.
var faultSuite = []struct {
	name string
	run  func(*testing.T, Engine)
}{
	{"CrossProcessCommits", testCrossProcessCommits},
	{"SecondProcessWhileOpen", testSecondProcessWhileOpen},
	{"DiskFull", testDiskFull},
	{"InjectedIOErrors", testInjectedIOErrors},
	{"TrapDiscardsInstance", testTrapDiscardsInstance},
	{"HostileText", testHostileText},
	{"Encryption", testEncryption},
	{"Corruption", testCorruption},
	{"SecretsNeverPrinted", testSecretsNeverPrinted},
}

// childEnv names the environment variable that makes a test binary a
// child of a cross-process case: its value is the child's JSON
// instructions.
const childEnv = "TURSO_DRIVERTEST_CHILD"

// childOrder is what a child process is told to do.
type childOrder struct {
	Role string // "writer" or "probe"
	DSN  string
	// Writer: the writer's number, how many transactions to run, and
	// after how many to reopen its pool (so that processes hand the file
	// over).
	Writer, Count, Reopen int
	// Barrier, when set, is a directory where the writer, once its engine
	// runs, creates the file ready-<Writer>, and then waits for the file
	// go: so that the writers start together.
	Barrier string
	// Warm is a DSN the writer opens before the barrier to start its
	// engine (one on another database: it must not take the file).
	Warm string
}

// childReport is one line a child reports: the outcome of one
// transaction (writer) or of the probe.
type childReport struct {
	Seq     int
	OK      bool
	Busy    bool   // the error matched ErrBusy
	Typed   bool   // the error is a *turso.Error
	Error   string // the error's text
	Elapsed time.Duration
}

// childLine prefixes the lines a child reports on its standard output,
// among the test framework's.
const childLine = "drivertest-child: "

// asChild runs the child's part when the process is a child of the
// calling case, and reports whether it was.
func asChild(t *testing.T) bool {
	spec := os.Getenv(childEnv)
	if spec == "" {
		return false
	}
	var order childOrder
	if err := json.Unmarshal([]byte(spec), &order); err != nil {
		t.Fatalf("child: %v", err)
	}
	report := func(r childReport) {
		b, _ := json.Marshal(r)
		fmt.Printf("%s%s\n", childLine, b)
	}
	switch order.Role {
	case "writer":
		runWriter(t, order, report)
	case "probe":
		start := time.Now()
		err := insertRow(order.DSN, 0, 0, nil)
		report(outcome(0, err, time.Since(start)))
	default:
		t.Fatalf("child: unknown role %q", order.Role)
	}
	return true
}

// runWriter commits order.Count transactions, each inserting the row
// (writer, seq), reopening its pool every order.Reopen of them.
func runWriter(t *testing.T, order childOrder, report func(childReport)) {
	if order.Barrier != "" {
		warm, err := sql.Open("turso", order.Warm)
		if err == nil {
			err = warm.Ping()
			warm.Close()
		}
		if err != nil {
			t.Fatalf("child: warm up: %v", err)
		}
		if err := os.WriteFile(filepath.Join(order.Barrier, fmt.Sprintf("ready-%d", order.Writer)), nil, 0o644); err != nil {
			t.Fatalf("child: %v", err)
		}
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(2 * time.Millisecond) {
			if _, err := os.Stat(filepath.Join(order.Barrier, "go")); err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("child: no go at the barrier")
			}
		}
	}
	var db *sql.DB
	defer func() {
		if db != nil {
			db.Close()
		}
	}()
	for seq := range order.Count {
		if db == nil || (order.Reopen > 0 && seq%order.Reopen == 0) {
			if db != nil {
				db.Close()
			}
			var err error
			if db, err = sql.Open("turso", order.DSN); err != nil {
				t.Fatalf("child: %v", err)
			}
			db.SetMaxOpenConns(1)
		}
		start := time.Now()
		err := insertRow(order.DSN, order.Writer, seq, db)
		report(outcome(seq, err, time.Since(start)))
	}
}

// insertRow inserts (writer, seq) into t in a transaction, on db or,
// when db is nil, on a pool of its own that it closes.
func insertRow(dsn string, writer, seq int, db *sql.DB) error {
	if db == nil {
		var err error
		if db, err = sql.Open("turso", dsn); err != nil {
			return err
		}
		defer db.Close()
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	if _, err := tx.Exec("INSERT INTO t (writer, seq) VALUES (?, ?)", writer, seq); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// outcome describes err as a child reports it.
func outcome(seq int, err error, elapsed time.Duration) childReport {
	r := childReport{Seq: seq, OK: err == nil, Elapsed: elapsed}
	if err != nil {
		var te *turso.Error
		r.Typed = errors.As(err, &te)
		r.Busy = errors.Is(err, turso.ErrBusy)
		r.Error = err.Error()
	}
	return r
}

// startChild starts the test binary again as a child running the current
// subtest with order, and returns a function that waits for it and
// returns what it reported. The child is killed at the test's end.
func startChild(t *testing.T, order childOrder) (wait func() []childReport) {
	t.Helper()
	spec, err := json.Marshal(order)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(t.Name(), "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run="+strings.Join(parts, "/"), "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"="+string(spec))
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	done := false
	t.Cleanup(func() {
		if !done {
			cancel()
			cmd.Wait()
		}
	})
	return func() []childReport {
		t.Helper()
		err := cmd.Wait()
		done = true
		cancel()
		var reports []childReport
		sc := bufio.NewScanner(&out)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), childLine); ok {
				var r childReport
				if err := json.Unmarshal([]byte(line), &r); err != nil {
					t.Fatalf("child report %q: %v", line, err)
				}
				reports = append(reports, r)
			}
		}
		if err != nil {
			t.Fatalf("child (%s) failed: %v\n%s%s", order.Role, err, out.String(), stderr.String())
		}
		return reports
	}
}

// newTable makes the database at path with the table the children write,
// t(writer, seq), holding no row.
func (e Engine) newTable(t *testing.T, path string) {
	t.Helper()
	db := open(t, e.dsn(path, ""))
	MustExec(t, db, "CREATE TABLE t (writer INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (writer, seq))")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// rowsOf returns the rows (writer, seq) of t as "writer|seq" strings.
func rowsOf(t *testing.T, db *sql.DB) map[string]bool {
	t.Helper()
	got := map[string]bool{}
	for _, row := range RowsOf(t, db, "SELECT writer, seq FROM t") {
		got[row] = true
	}
	return got
}

// checkIntegrity fails t unless PRAGMA integrity_check reports ok.
func checkIntegrity(t *testing.T, db *sql.DB) {
	t.Helper()
	if got := QueryString(t, db, "PRAGMA integrity_check"); got != "ok" {
		t.Errorf("integrity_check: %s", got)
	}
}

// testCrossProcessCommits runs three processes that each commit numbered
// transactions to one file, two keeping their pools open, one reopening
// its pool now and then. Every
// transaction whose Commit returned nil must be in the file, no other
// row may be, and every failure must be a typed busy error: never two
// writers that both believe they committed.
func testCrossProcessCommits(t *testing.T, e Engine) {
	if asChild(t) {
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "shared.db")
	e.newTable(t, path)
	count := 100
	if testing.Short() {
		count = 30
	}
	// Writers 1 and 2 keep their pools open throughout; writer 3 reopens
	// its pool every 5 transactions, so that the file changes hands. They
	// start together once their engines run.
	dsn := e.dsn(path, "_busy_timeout=30000")
	barrier := filepath.Join(dir, "barrier")
	if err := os.Mkdir(barrier, 0o755); err != nil {
		t.Fatal(err)
	}
	var waits []func() []childReport
	reopens := []int{0, 0, 5}
	for w, reopen := range reopens {
		waits = append(waits, startChild(t, childOrder{Role: "writer", DSN: dsn, Writer: w + 1, Count: count, Reopen: reopen,
			Barrier: barrier, Warm: e.dsn(":memory:", "")}))
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) {
		if entries, _ := os.ReadDir(barrier); len(entries) == len(reopens) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the writers did not all get ready within a minute")
		}
	}
	if err := os.WriteFile(filepath.Join(barrier, "go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	committed := map[string]bool{}
	for i, wait := range waits {
		reports := wait()
		if len(reports) != count {
			t.Fatalf("writer %d reported %d transactions, want %d", i+1, len(reports), count)
		}
		n := 0
		for _, r := range reports {
			if r.OK {
				committed[fmt.Sprintf("%d|%d", i+1, r.Seq)] = true
				n++
			} else if !r.Typed || !r.Busy {
				t.Errorf("writer %d, transaction %d: %s; want success or a typed busy error", i+1, r.Seq, r.Error)
			}
		}
		if n == 0 {
			t.Errorf("writer %d committed nothing", i+1)
		}
		t.Logf("writer %d committed %d of %d transactions", i+1, n, count)
	}
	db := open(t, e.dsn(path, ""))
	got := rowsOf(t, db)
	for row := range committed {
		if !got[row] {
			t.Errorf("row %s: Commit returned nil, but the row is lost", row)
		}
	}
	for row := range got {
		if !committed[row] {
			t.Errorf("row %s is in the file, but its Commit failed", row)
		}
	}
	checkIntegrity(t, db)
}

// testSecondProcessWhileOpen has this process hold the file open while
// another tries to write it: an engine that cannot share the file
// (Faults.ExclusiveFile) refuses the other process with a typed busy
// error after its busy timeout, others let it write. Once this process
// closes the file, the other process writes on every engine, and no row
// is lost.
func testSecondProcessWhileOpen(t *testing.T, e Engine) {
	if asChild(t) {
		return
	}
	path := filepath.Join(t.TempDir(), "held.db")
	e.newTable(t, path)
	db, err := sql.Open("turso", e.dsn(path, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "INSERT INTO t VALUES (1, 1)"); err != nil {
		t.Fatal(err)
	}
	const timeout = 300 * time.Millisecond
	probe := childOrder{Role: "probe", DSN: e.dsn(path, "_busy_timeout="+strconv.Itoa(int(timeout.Milliseconds())))}
	r := startChild(t, probe)()
	if len(r) != 1 {
		t.Fatalf("probe reported %d outcomes, want 1", len(r))
	}
	want := map[string]bool{"1|1": true}
	switch {
	case e.Faults.ExclusiveFile:
		if r[0].OK || !r[0].Typed || !r[0].Busy || !strings.Contains(r[0].Error, "another process") {
			t.Errorf("second process while the file is open: ok=%v %q; want a typed busy error saying another process has the file", r[0].OK, r[0].Error)
		}
		if r[0].Elapsed < timeout {
			t.Errorf("second process gave up after %v; want it to wait its busy timeout (%v)", r[0].Elapsed, timeout)
		}
	case !r[0].OK:
		t.Errorf("second process while the file is open: %s; want it to write", r[0].Error)
	default:
		want["0|0"] = true
	}
	conn.Close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if !want["0|0"] {
		if r := startChild(t, probe)(); len(r) != 1 || !r[0].OK {
			t.Fatalf("second process after the first closed the file: %+v; want it to write", r)
		}
		want["0|0"] = true
	}
	got := rowsOf(t, open(t, e.dsn(path, "")))
	if len(got) != len(want) || !got["1|1"] || !got["0|0"] {
		t.Errorf("rows %v, want %v", got, want)
	}
}
