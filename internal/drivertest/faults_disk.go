package drivertest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/turso-go/turso"
)

// bigPayload is the blob each row of the disk cases carries.
var bigPayload = bytes.Repeat([]byte("full-disk-payload-"), 1<<10) // 18 KiB

// ids returns the ids of the rows of big.
func ids(t *testing.T, db *sql.DB) (map[int]bool, error) {
	t.Helper()
	rows, err := db.Query("SELECT id FROM big")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	got := map[int]bool{}
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		got[id] = true
	}
	return got, rows.Err()
}

// checkIDs fails t unless got holds every id of committed and nothing
// else, but for those of maybe, whose statement failed at its commit and
// so may or may not have committed.
func checkIDs(t *testing.T, got, committed map[int]bool, maybe ...int) {
	t.Helper()
	for id := range committed {
		if !got[id] {
			t.Errorf("row %d was committed and is lost", id)
		}
	}
	for id := range got {
		if !committed[id] && !slices.Contains(maybe, id) {
			t.Errorf("row %d is there, but its statement failed", id)
		}
	}
}

// mustFail fails t unless err is a *turso.Error matching want.
func mustFail(t *testing.T, what string, err, want error) {
	t.Helper()
	var te *turso.Error
	if err == nil || !errors.As(err, &te) || !errors.Is(err, want) {
		t.Fatalf("%s: %v (%T); want a *turso.Error matching %v", what, err, err, want)
	}
}

// testDiskFull fills a small tmpfs (mounted by the test, so run as root)
// while the database grows: the statement that does not fit fails with
// ErrFull, a transaction that does not fit fails and rolls back, the
// pool keeps serving the committed rows, and after space is freed the
// file holds exactly the committed rows and passes integrity_check.
//
// It runs in the engine's default journal mode and, when the engine
// declares ConcurrentParams, in the mode of concurrent transactions too
// (libSQL's WAL, Turso's MVCC log).
func testDiskFull(t *testing.T, e Engine) {
	t.Run("Default", func(t *testing.T) { testDiskFullWith(t, e, "") })
	t.Run("Concurrent", func(t *testing.T) {
		if e.ConcurrentParams == "" {
			t.Skipf("%s engine: no ConcurrentParams", e.Name)
		}
		testDiskFullWith(t, e, e.ConcurrentParams)
	})
}

func testDiskFullWith(t *testing.T, e Engine, params string) {
	dir := mountTmpfs(t, 4<<20)
	path := filepath.Join(dir, "full.db")
	if params != "" {
		params += "&"
	}
	db := open(t, e.dsn(path, params+"_busy_timeout=1000"))
	MustExec(t, db, "CREATE TABLE big (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
	committed := map[int]bool{}
	for id := 1; id <= 20; id++ {
		MustExec(t, db, "INSERT INTO big VALUES (?, ?)", id, bigPayload)
		committed[id] = true
	}
	ballast := fillDisk(t, dir, 256<<10)

	// Rows one by one until the disk is full.
	failed := 0
	for id := 100; id < 1000; id++ {
		_, err := db.Exec("INSERT INTO big VALUES (?, ?)", id, bigPayload)
		if err == nil {
			committed[id] = true
			continue
		}
		mustFail(t, fmt.Sprintf("insert %d on a full disk", id), err, turso.ErrFull)
		failed = id
		break
	}
	if failed == 0 {
		t.Fatal("the disk never filled up")
	}
	t.Logf("the disk filled up at row %d", failed)

	// A transaction that does not fit fails, at a statement or at Commit.
	tx, err := db.Begin()
	if err == nil {
		for id := 2000; id < 2100 && err == nil; id++ {
			_, err = tx.Exec("INSERT INTO big VALUES (?, ?)", id, bigPayload)
		}
		if err == nil {
			err = tx.Commit()
		} else {
			tx.Rollback()
		}
	}
	mustFail(t, "a transaction on a full disk", err, turso.ErrFull)

	// While the disk is still full, the pool shows no failed row.
	if got, err := ids(t, db); err != nil {
		var te *turso.Error
		if !errors.As(err, &te) {
			t.Errorf("read on a full disk: %v; want the rows or a typed error", err)
		}
	} else {
		checkIDs(t, got, committed, failed)
	}
	if err := db.Close(); err != nil {
		t.Logf("close on a full disk: %v", err)
	}

	if err := os.Remove(ballast); err != nil {
		t.Fatal(err)
	}
	db = open(t, e.dsn(path, params))
	got, err := ids(t, db)
	if err != nil {
		t.Fatalf("read after space was freed: %v", err)
	}
	checkIDs(t, got, committed, failed)
	checkIntegrity(t, db)
	MustExec(t, db, "INSERT INTO big VALUES (5000, ?)", bigPayload)
}

// fillDisk fills the file system of dir with a file, leaving about free
// bytes, and returns the file's path.
func fillDisk(t *testing.T, dir string, free int64) string {
	t.Helper()
	path := filepath.Join(dir, "ballast")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	var size int64
	for {
		n, err := f.Write(chunk)
		size += int64(n)
		if errors.Is(err, syscall.ENOSPC) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Truncate(max(size-free, 0)); err != nil {
		t.Fatal(err)
	}
	return path
}

// injectedCase is one file operation made to fail.
type injectedCase struct {
	name string
	op   string
	// suffixes are the files of the database the fault hits: "" for the
	// database file, "-wal" for its WAL.
	suffixes []string
	err      error
	want     error
	// phase is when the fault strikes: "commit" (a transaction's
	// commit), "checkpoint" (copying the WAL into the database file,
	// after the transaction committed) or "read" (a query of a reopened
	// pool).
	phase string
	// params are the DSN parameters of the database.
	params string
}

var injectedCases = []injectedCase{
	{"WALWriteENOSPC", "write", []string{"-wal"}, syscall.ENOSPC, turso.ErrFull, "commit", ""},
	{"WALWriteEIO", "write", []string{"-wal"}, syscall.EIO, turso.ErrIO, "commit", ""},
	{"WALWriteEACCES", "write", []string{"-wal"}, syscall.EACCES, turso.ErrIO, "commit", ""},
	{"WALTornWrite", "write", []string{"-wal"}, io.ErrShortWrite, turso.ErrIO, "commit", ""},
	// synchronous=NORMAL syncs the WAL only at checkpoints; FULL at every
	// commit.
	{"WALSyncEIO", "sync", []string{"-wal"}, syscall.EIO, turso.ErrIO, "commit", "_synchronous=FULL"},
	{"CheckpointWriteENOSPC", "write", []string{""}, syscall.ENOSPC, turso.ErrFull, "checkpoint", ""},
	{"ReadEIO", "read", []string{"", "-wal"}, syscall.EIO, turso.ErrIO, "read", ""},
}

// testInjectedIOErrors makes single file operations of the engine fail
// (Faults.Inject): the statement fails with the error SQLite gives for
// it, the pool replaces whatever broke, and nothing committed is lost.
func testInjectedIOErrors(t *testing.T, e Engine) {
	if e.Faults.Inject == nil {
		t.Skipf("%s engine: no fault injection (DiskFull covers a full disk)", e.Name)
	}
	for _, tc := range injectedCases {
		t.Run(tc.name, func(t *testing.T) { testInjected(t, e, tc) })
	}
}

func testInjected(t *testing.T, e Engine, tc injectedCase) {
	db, path := e.openDB(t, tc.params)
	MustExec(t, db, "CREATE TABLE big (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
	committed := map[int]bool{}
	for id := 1; id <= 10; id++ {
		MustExec(t, db, "INSERT INTO big VALUES (?, ?)", id, bigPayload)
		committed[id] = true
	}
	inject := func() (restore func()) {
		return e.Faults.Inject(func(op, p string) error {
			for _, s := range tc.suffixes {
				if op == tc.op && p == path+s {
					return tc.err
				}
			}
			return nil
		})
	}
	var maybe []int
	switch tc.phase {
	case "commit":
		restore := inject()
		tx, err := db.Begin()
		if err == nil {
			for id := 100; id < 110 && err == nil; id++ {
				_, err = tx.Exec("INSERT INTO big VALUES (?, ?)", id, bigPayload)
				maybe = append(maybe, id)
			}
			if err == nil {
				err = tx.Commit()
			} else {
				tx.Rollback()
			}
		}
		restore()
		mustFail(t, "commit with a failing "+tc.op, err, tc.want)
		if tc.op == "write" {
			maybe = nil // the commit record never reached the file
		}
	case "checkpoint":
		for id := 100; id < 110; id++ {
			MustExec(t, db, "INSERT INTO big VALUES (?, ?)", id, bigPayload)
			committed[id] = true
		}
		restore := inject()
		_, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		restore()
		mustFail(t, "checkpoint with a failing "+tc.op, err, tc.want)
	case "read":
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		db = open(t, e.dsn(path, ""))
		restore := inject()
		_, err := ids(t, db)
		restore()
		mustFail(t, "query with a failing "+tc.op, err, tc.want)
	}
	// The same pool serves the committed rows on a new connection.
	got, err := ids(t, db)
	if err != nil {
		t.Fatalf("the pool after the failure: %v", err)
	}
	checkIDs(t, got, committed, maybe...)
	db.Close()
	db = open(t, e.dsn(path, ""))
	if got, err = ids(t, db); err != nil {
		t.Fatalf("reopened after the failure: %v", err)
	}
	checkIDs(t, got, committed, maybe...)
	if len(maybe) > 0 && got[maybe[0]] != got[maybe[len(maybe)-1]] {
		t.Errorf("the failed transaction is half there: rows %v", got)
	}
	checkIntegrity(t, db)
}

// testTrapDiscardsInstance makes the engine trap in a write: that
// statement fails with ErrInternal, every connection that was open fails
// cleanly with a typed error from then on, the pool gives new statements
// a working connection, and nothing committed is lost.
func testTrapDiscardsInstance(t *testing.T, e Engine) {
	if e.Faults.Inject == nil {
		t.Skipf("%s engine: no fault injection, and no traps to test", e.Name)
	}
	db, path := e.openDB(t, "")
	MustExec(t, db, "CREATE TABLE big (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
	committed := map[int]bool{}
	for id := 1; id <= 5; id++ {
		MustExec(t, db, "INSERT INTO big VALUES (?, ?)", id, bigPayload)
		committed[id] = true
	}
	ctx := context.Background()
	reader, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	rtx, err := reader.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := QueryInt(t, rtx, "SELECT count(*) FROM big"); n != 5 {
		t.Fatalf("count = %d", n)
	}
	idle, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()

	restore := e.Faults.Inject(func(op, p string) error {
		if op == "write" && strings.HasPrefix(p, path) {
			return ErrTrap
		}
		return nil
	})
	_, err = db.Exec("INSERT INTO big VALUES (100, ?)", bigPayload)
	restore()
	mustFail(t, "insert that traps", err, turso.ErrInternal)

	_, err = rtx.Exec("INSERT INTO big VALUES (101, ?)", bigPayload)
	mustFail(t, "a transaction of the trapped instance", err, turso.ErrInternal)
	if err := rtx.Commit(); err == nil {
		t.Error("Commit of a transaction of the trapped instance succeeded")
	}
	_, err = idle.ExecContext(ctx, "SELECT 1")
	mustFail(t, "an idle connection of the trapped instance", err, turso.ErrInternal)

	MustExec(t, db, "INSERT INTO big VALUES (200, ?)", bigPayload)
	committed[200] = true
	got, err := ids(t, db)
	if err != nil {
		t.Fatal(err)
	}
	checkIDs(t, got, committed)
	checkIntegrity(t, db)
}
