package turso_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turso-go/turso"
	"github.com/turso-go/turso/internal/drivertest"
)

// TestDriver runs the driver's behaviour suite on every engine.
func TestDriver(t *testing.T) {
	drivertest.ForEach(t, drivertest.Run)
}

// TestConcurrentSuite runs the suite of concurrent transactions on every
// engine: on libSQL the driver builds them on WAL, on Turso's engine they
// are the engine's own, in MVCC mode.
func TestConcurrentSuite(t *testing.T) {
	drivertest.ForEach(t, drivertest.RunConcurrent)
}

func TestEngineVersion(t *testing.T) {
	if v := turso.EngineVersion(); !strings.HasPrefix(v, "libsql 3.45") {
		t.Errorf("EngineVersion() = %q, want libsql 3.45.x", v)
	}
}

// TestMalformedDSNHidesKey checks that a DSN that does not parse is not
// echoed in the error, since it may hold the encryption key.
func TestMalformedDSNHidesKey(t *testing.T) {
	_, err := turso.NewConnector("x.db?_key=s3cret&_fk=%zz")
	if err == nil || !strings.Contains(err.Error(), "malformed") || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("NewConnector with a malformed DSN = %v; want an error without the key", err)
	}
}

func TestBadDSN(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"", "empty data source name"},
		{"x.db?_bogus=1", `unknown DSN parameter "_bogus"`},
		{"x.db?foo=1", `unknown DSN parameter "foo"`},
		{"x.db?_busy_timeout=soon", "_busy_timeout"},
		{"x.db?_busy_timeout=-5", "_busy_timeout"},
		{"x.db?_journal_mode=sideways", "_journal_mode"},
		{"x.db?_sync=maybe", "_sync"},
		{"x.db?_fk=2", "_fk"},
		{"x.db?_txlock=eventually", "_txlock"},
		{"x.db?_loc=Mars/Olympus", "_loc"},
		{"x.db?_cache_size=big", "_cache_size"},
		{"x.db?_stmt_cache=-1", "_stmt_cache"},
		{"x.db?_locking_mode=shared", "_locking_mode"},
		{"x.db?_engine=oracle", "_engine"},
		{"x.db?_mutex=some", "_mutex"},
		{"x.db?_fk=%zz", "malformed"},
	}
	for _, tt := range tests {
		_, err := turso.NewConnector(tt.dsn)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewConnector(%q) = %v, want an error naming %q", tt.dsn, err, tt.want)
		}
		db, err := sql.Open("turso", tt.dsn)
		if err == nil {
			err = db.Ping()
			db.Close()
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("sql.Open(%q) + Ping = %v, want an error naming %q", tt.dsn, err, tt.want)
		}
	}
}

// TestSQLiteDefaults checks defaults that libSQL's build changes and the
// driver restores, as mattn/go-sqlite3 (and SQLite) have them.
func TestSQLiteDefaults(t *testing.T) {
	db, _ := openDB(t, "")
	mustExec(t, db, "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(pid INTEGER REFERENCES p(id))")
	if _, err := db.Exec("INSERT INTO c VALUES (42)"); err != nil {
		t.Errorf("dangling reference with foreign keys off by default: %v", err)
	}
	// Double-quoted strings that name no column are string literals.
	if got := queryString(t, db, `SELECT "not a column"`); got != "not a column" {
		t.Errorf(`SELECT "not a column" = %q`, got)
	}
	mustExec(t, db, `CREATE TABLE q(a); CREATE INDEX qi ON q("nosuch")`)
	// With _fk=1 they are enforced.
	fk, _ := openDB(t, "_fk=1")
	mustExec(t, fk, "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(pid INTEGER REFERENCES p(id))")
	if _, err := fk.Exec("INSERT INTO c VALUES (42)"); !errors.Is(err, turso.ErrConstraintForeignKey) {
		t.Errorf("dangling reference with _fk=1: %v", err)
	}
}

// TestSnapshotNeedsWAL checks that sql.LevelSnapshot, which begins a
// concurrent transaction, refuses a database in rollback-journal mode.
func TestSnapshotNeedsWAL(t *testing.T) {
	db, _ := openDB(t, "")
	if _, err := db.BeginTx(context.Background(), &sql.TxOptions{Isolation: sql.LevelSnapshot}); !errors.Is(err, turso.ErrNotWAL) {
		t.Errorf("BeginTx(Snapshot) on a rollback-journal database = %v, want ErrNotWAL", err)
	}
}

// TestLibsqlDriverCoexists checks that go-libsql's own "libsql" driver and
// ours work in one program whichever is used first. libSQL's one-time
// initialization is per process, so each order runs in a child process.
func TestLibsqlDriverCoexists(t *testing.T) {
	if order := os.Getenv("TURSO_COEXIST_ORDER"); order != "" {
		coexist(t, order)
		return
	}
	for _, order := range []string{"libsql-first", "turso-first"} {
		t.Run(order, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestLibsqlDriverCoexists$", "-test.v")
			cmd.Env = append(os.Environ(), "TURSO_COEXIST_ORDER="+order, "TURSO_COEXIST_DIR="+t.TempDir())
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "coexist ok") {
				t.Fatalf("child process: %v\n%s", err, out)
			}
		})
	}
}

func coexist(t *testing.T, order string) {
	dir := os.Getenv("TURSO_COEXIST_DIR")
	use := func(driverName, dsn string) {
		db, err := sql.Open(driverName, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec("CREATE TABLE IF NOT EXISTS t(v)"); err != nil {
			t.Fatalf("%s: %v", driverName, err)
		}
		if _, err := db.Exec("INSERT INTO t VALUES (?)", driverName); err != nil {
			t.Fatalf("%s: %v", driverName, err)
		}
		var n int
		if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n < 1 {
			t.Fatalf("%s: count = %d, %v", driverName, n, err)
		}
	}
	libsqlDSN := "file:" + filepath.Join(dir, "libsql.db")
	tursoDSN := filepath.Join(dir, "turso.db")
	if order == "libsql-first" {
		use("libsql", libsqlDSN)
		use("turso", tursoDSN)
	} else {
		use("turso", tursoDSN)
		use("libsql", libsqlDSN)
	}
	use("libsql", libsqlDSN)
	use("turso", tursoDSN)
	fmt.Println("coexist ok")
}
