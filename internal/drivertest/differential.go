package drivertest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/turso-go/turso"
)

// The differential test of concurrent transactions
//
// Workers run seeded random transactions concurrently on one database
// (inserts with and without keys, upserts, updates that change keys,
// deletes, foreign key cascades, a trigger, AUTOINCREMENT, savepoints,
// rollbacks), retrying those that conflict. The transactions that commit
// are then replayed one at a time, in the order they committed, on a fresh
// database; the two databases must be equal table by table
// (sqlite_sequence included), with indexes consistent with full scans and
// integrity_check and foreign_key_check clean, before and after reopening.
//
// The workload's statements read only what the mechanism validates at
// commit (the rows they write, the rowid an insert picks, the parents and
// unique values their constraints check, for the rows they leave): a
// statement that would read the absence of a row writes it first, with an
// upsert, and a row inserted only to be removed refers to no parent. So
// the serial replay in commit order is the result the transactions must
// have had; what snapshot isolation allows beyond it (write skew, reads
// that decide nothing the transaction leaves) is kept out of the workload.
//
// Commits are serialized by the test (only their order would otherwise be
// unknown); the transactions' statements run concurrently.
//
//	TURSO_CC_DIFF_SEED=n  replays the run of seed n (printed on failure)
//	TURSO_CC_DIFF_TXS=n   commits n transactions per run (default: see
//	                      diffDefaultTxs), e.g. 20000 for a long run

// diffDefaultTxs is how many transactions the differential test commits
// on an engine by default (a tenth under -short).
const diffDefaultTxs = 2000

// diffSchema is the schema of the workload's database.
var diffSchema = []string{
	"CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INTEGER NOT NULL DEFAULT 0)",
	"CREATE TABLE child(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES parent(id) ON DELETE CASCADE ON UPDATE CASCADE, v TEXT)",
	"CREATE INDEX child_pid ON child(pid)",
	"CREATE TABLE seqt(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT, w INTEGER NOT NULL DEFAULT 0)",
	"CREATE INDEX seqt_w ON seqt(w)",
	"CREATE TABLE plain(v TEXT, w INTEGER)",
	"CREATE TABLE audit(id INTEGER PRIMARY KEY, pid INTEGER, n INTEGER)",
	`CREATE TRIGGER parent_n AFTER UPDATE OF n ON parent BEGIN
		INSERT INTO audit(id, pid, n) VALUES (NEW.id * 100000 + NEW.n, NEW.id, NEW.n);
	END`,
	"CREATE TABLE kv(k TEXT PRIMARY KEY, v INTEGER NOT NULL)",
}

// diffTables are the tables compared, with the query that lists each in
// a fixed order; for an engine that picks rowids its own way
// (ConcurrentPickedRowids), byKey lists a table whose rowids the replay
// cannot give as the run got them (the upserts of kv) without them.
var diffTables = []struct{ name, query, byKey string }{
	{"parent", "SELECT rowid, * FROM parent ORDER BY rowid", ""},
	{"child", "SELECT rowid, * FROM child ORDER BY rowid", ""},
	{"seqt", "SELECT rowid, * FROM seqt ORDER BY rowid", ""},
	{"plain", "SELECT rowid, * FROM plain ORDER BY rowid", ""},
	{"audit", "SELECT rowid, * FROM audit ORDER BY rowid", ""},
	{"kv", "SELECT rowid, * FROM kv ORDER BY rowid", "SELECT * FROM kv ORDER BY k"},
	{"sqlite_sequence", "SELECT name, seq FROM sqlite_sequence ORDER BY name", ""},
}

// diffIndexes are the workload's indexes, each with a condition that
// makes a scan of the table use it, for the check of index consistency.
var diffIndexes = []struct{ table, index, cond string }{
	{"child", "child_pid", "pid IS NOT NULL"},
	{"seqt", "seqt_w", "w >= -1000000"},
	{"parent", "sqlite_autoindex_parent_1", "name IS NOT NULL"},
	{"kv", "sqlite_autoindex_kv_1", "k IS NOT NULL"},
}

// Key ranges: small, so that transactions meet.
const (
	diffParents  = 48
	diffChildren = 300
	diffSeqIDs   = 400
)

// diffOp is one statement of a transaction. A statement that inserts a row
// whose rowid the engine picks says so (picked), with RETURNING the rowid;
// on an engine that picks rowids its own way (ConcurrentPickedRowids) the
// replay inserts the rowid the run got (explicit).
//
// The statements of a savepoint that is rolled back are discarded: they
// only read (what they wrote is undone), and what they read the replay
// need not see, so the replay skips them.
type diffOp struct {
	sql       string
	args      []any
	picked    bool
	explicit  string // the statement with the rowid as its last argument
	rowid     int64  // the rowid the run picked
	discarded bool
}

// diffTx is one transaction of the workload.
type diffTx struct {
	worker, n int
	ops       []diffOp
	rollback  bool // ends with Rollback: never committed
}

// diffGen generates the workload.
type diffGen struct {
	rng *rand.Rand
	// noKeyChanges keeps parents from being deleted or renumbered, for an
	// engine whose foreign keys do not hold across transactions.
	noKeyChanges bool
}

func (g *diffGen) op(sql string, args ...any) diffOp { return diffOp{sql: sql, args: args} }

func (g *diffGen) intn(n int) int { return g.rng.IntN(n) }

// touchParent writes parent k, inserting it if absent: a statement that
// then reads it reads a row the transaction wrote.
func (g *diffGen) touchParent(k int) diffOp {
	return g.op("INSERT INTO parent(id, name, n) VALUES (?1, 'p' || ?1, 0) ON CONFLICT(id) DO UPDATE SET n = n + 1", k)
}

// touchChild writes child c, inserting it with parent pid if absent.
func (g *diffGen) touchChild(c, pid int) diffOp {
	return g.op("INSERT INTO child(id, pid, v) VALUES (?1, ?2, 't') ON CONFLICT(id) DO UPDATE SET v = v || '.'", c, pid)
}

// touchOrphan writes child c, inserting it without a parent if absent:
// before a statement that removes or moves it, since an insert that read
// a parent would leave a read of the parent that nothing validates once
// the row is gone.
func (g *diffGen) touchOrphan(c int) diffOp {
	return g.op("INSERT INTO child(id, pid, v) VALUES (?1, NULL, 't') ON CONFLICT(id) DO UPDATE SET v = v || '.'", c)
}

// tx generates one transaction.
func (g *diffGen) tx(worker, n int) diffTx {
	tx := diffTx{worker: worker, n: n, rollback: g.intn(25) == 0}
	nops := 1 + g.intn(4)
	for range nops {
		if g.intn(8) == 0 {
			// A savepoint around a few statements, kept or rolled back.
			name := fmt.Sprintf("sp%d", g.intn(3))
			first := len(tx.ops)
			tx.ops = append(tx.ops, g.op("SAVEPOINT "+name))
			for range 1 + g.intn(3) {
				tx.ops = append(tx.ops, g.stmts()...)
			}
			if g.intn(2) == 0 {
				tx.ops = append(tx.ops, g.op("ROLLBACK TO "+name), g.op("RELEASE "+name))
				for i := first; i < len(tx.ops); i++ {
					tx.ops[i].discarded = true
				}
			} else {
				tx.ops = append(tx.ops, g.op("RELEASE "+name))
			}
			continue
		}
		tx.ops = append(tx.ops, g.stmts()...)
	}
	return tx
}

// stmts generates one step of a transaction: one statement, or a few that
// go together.
func (g *diffGen) stmts() []diffOp {
	p, p2 := 1+g.intn(diffParents), 1+g.intn(diffParents)
	c, c2 := 1+g.intn(diffChildren), 1+g.intn(diffChildren)
	for {
		switch g.intn(15) {
		case 0, 1:
			return []diffOp{g.touchParent(p)}
		case 2:
			if g.noKeyChanges {
				continue
			}
			return []diffOp{g.touchParent(p), g.op("DELETE FROM parent WHERE id = ?", p)}
		case 3:
			if g.noKeyChanges {
				continue
			}
			return []diffOp{g.touchParent(p), g.op("UPDATE parent SET id = ?2, name = 'p' || ?2 WHERE id = ?1", p, p2)}
		case 4:
			return []diffOp{g.op("INSERT INTO child(id, pid, v) VALUES (?, ?, ?)", c, p, fmt.Sprint("c", g.intn(1000)))}
		case 5:
			return []diffOp{{sql: "INSERT INTO child(pid, v) VALUES (?, ?) RETURNING id", args: []any{p, "auto"}, picked: true,
				explicit: "INSERT INTO child(pid, v, id) VALUES (?, ?, ?)"}}
		case 6:
			return []diffOp{g.touchChild(c, p)}
		case 7:
			return []diffOp{g.touchOrphan(c), g.op("UPDATE child SET id = ?2 WHERE id = ?1", c, c2)}
		case 8:
			return []diffOp{g.touchOrphan(c), g.op("DELETE FROM child WHERE id = ?", c)}
		case 9, 10:
			return []diffOp{{sql: "INSERT INTO seqt(v, w) VALUES (?, ?) RETURNING id", args: []any{"auto", g.intn(100)}, picked: true,
				explicit: "INSERT INTO seqt(v, w, id) VALUES (?, ?, ?)"}}
		case 11:
			s := 1 + g.intn(diffSeqIDs)
			return []diffOp{g.op("INSERT INTO seqt(id, v, w) VALUES (?1, 'touch', 0) ON CONFLICT(id) DO UPDATE SET w = w + 1", s),
				g.op("DELETE FROM seqt WHERE id = ?", s)}
		case 12:
			return []diffOp{g.op("INSERT INTO seqt(id, v, w) VALUES (?, 'key', ?)", 1+g.intn(diffSeqIDs), g.intn(100))}
		case 13:
			return []diffOp{{sql: "INSERT INTO plain(v, w) VALUES (?, ?) RETURNING rowid", args: []any{"auto", g.intn(100)}, picked: true,
				explicit: "INSERT INTO plain(v, w, rowid) VALUES (?, ?, ?)"}}
		default:
			return []diffOp{g.op("INSERT INTO kv VALUES (?1, 1) ON CONFLICT(k) DO UPDATE SET v = v + 1", fmt.Sprint("k", g.intn(20)))}
		}
	}
}

// diffResult is what happened to the workload's transactions.
type diffResult struct {
	committed                     []diffTx // in commit order
	conflicts, failed, rolledBack int
}

// testCCDifferential runs the differential test with the size and seed of
// the environment (see the comment above).
func testCCDifferential(t *testing.T, e Engine) {
	txs := diffDefaultTxs
	if testing.Short() {
		txs /= 10
	}
	if v := os.Getenv("TURSO_CC_DIFF_TXS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("TURSO_CC_DIFF_TXS=%q: want a positive number", v)
		}
		txs = n
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("TURSO_CC_DIFF_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("TURSO_CC_DIFF_SEED=%q: want a number", v)
		}
		seed = n
	}
	RunDifferential(t, e, seed, txs)
}

// RunDifferential runs the differential test of concurrent transactions
// on e: seed decides the workload, and txs transactions commit.
func RunDifferential(t *testing.T, e Engine, seed uint64, txs int) {
	rerun := fmt.Sprintf("TURSO_CC_DIFF_SEED=%d TURSO_CC_DIFF_TXS=%d go test -run 'TestConcurrentSuite/%s/Differential$' .", seed, txs, e.Name)
	t.Logf("%s: seed %d, %d transactions (rerun: %s)", e.Name, seed, txs, rerun)
	defer func() {
		if t.Failed() {
			t.Logf("FAILED with seed %d: rerun: %s", seed, rerun)
		}
	}()
	_, pickedGap := e.Gaps[ConcurrentPickedRowids]
	_, fkGap := e.Gaps[ConcurrentForeignKeys]
	dir := t.TempDir()
	runPath, replayPath := filepath.Join(dir, "run.db"), filepath.Join(dir, "replay.db")
	params := e.ConcurrentParams + "&_foreign_keys=1&_busy_timeout=10000"

	start := time.Now()
	db, err := sql.Open("turso", e.dsn(runPath, params))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range diffSchema {
		MustExec(t, db, s)
	}
	res := runWorkload(t, db, seed, txs, fkGap)
	ran := time.Since(start)
	if t.Failed() {
		db.Close()
		return
	}

	replay, err := sql.Open("turso", e.dsn(replayPath, diffReplayParams))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range diffSchema {
		MustExec(t, replay, s)
	}
	defer func() {
		if t.Failed() {
			writeHistory(t, seed, res.committed)
		}
	}()
	replayCommitted(t, replay, res.committed, pickedGap)
	if t.Failed() {
		db.Close()
		replay.Close()
		return
	}
	t.Logf("%s: %d transactions committed, %d conflicts retried, %d failed at a statement or commit, %d rolled back; run %v, replay and checks %v",
		e.Name, len(res.committed), res.conflicts, res.failed, res.rolledBack, ran.Round(time.Millisecond), time.Since(start.Add(ran)).Round(time.Millisecond))

	compareDBs(t, "before reopening", db, replay, pickedGap)
	db.Close()
	replay.Close()
	db, err = sql.Open("turso", e.dsn(runPath, params))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	replay, err = sql.Open("turso", e.dsn(replayPath, diffReplayParams))
	if err != nil {
		t.Fatal(err)
	}
	defer replay.Close()
	compareDBs(t, "after reopening", db, replay, pickedGap)
}

// diffReplayParams are the DSN parameters of the replay's database: an
// ordinary one, whose commits need not wait for the disk.
const diffReplayParams = "_foreign_keys=1&_journal_mode=WAL&_synchronous=OFF"

// runWorkload runs txs transactions from 4 workers and returns what
// happened to them.
func runWorkload(t *testing.T, db *sql.DB, seed uint64, txs int, noKeyChanges bool) *diffResult {
	const workers = 4
	db.SetMaxOpenConns(workers + 1)
	res := &diffResult{}
	var mu sync.Mutex // serializes commits, and guards res
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	ctx := context.Background()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := &diffGen{rng: rand.New(rand.NewPCG(seed, uint64(w))), noKeyChanges: noKeyChanges}
			for n := 0; ; n++ {
				mu.Lock()
				done := len(res.committed) >= txs
				mu.Unlock()
				if done {
					return
				}
				tx := g.tx(w, n)
				if err := runDiffTx(ctx, db, &tx, &mu, res); err != nil {
					errs <- fmt.Errorf("worker %d transaction %d: %w", w, n, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return res
}

// runDiffTx runs one transaction until it commits, fails at a statement or
// at commit other than by a conflict, or is rolled back as it asks; a
// conflict runs it again. It returns an error only for a failure that no
// transaction may meet.
func runDiffTx(ctx context.Context, db *sql.DB, tx *diffTx, mu *sync.Mutex, res *diffResult) error {
	for attempt := 0; ; attempt++ {
		if attempt == 1000 {
			return errors.New("1000 conflicts in a row")
		}
		err := attemptDiffTx(ctx, db, tx, mu, res)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, turso.ErrConflict):
			mu.Lock()
			res.conflicts++
			mu.Unlock()
			time.Sleep(time.Duration(rand.IntN(200*(1+min(attempt, 10)))) * time.Microsecond)
		case isStatementFailure(err):
			mu.Lock()
			res.failed++
			mu.Unlock()
			return nil
		default:
			return err
		}
	}
}

// isStatementFailure reports whether err is one a statement of the
// workload may meet against its snapshot: a constraint (a key taken, a
// parent missing).
func isStatementFailure(err error) bool {
	return errors.Is(err, turso.ErrConstraint)
}

func attemptDiffTx(ctx context.Context, db *sql.DB, tx *diffTx, mu *sync.Mutex, res *diffResult) (err error) {
	stx, err := turso.BeginConcurrent(ctx, db)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			stx.Rollback()
		}
	}()
	for i := range tx.ops {
		op := &tx.ops[i]
		if op.picked {
			err = stx.QueryRow(op.sql, op.args...).Scan(&op.rowid)
		} else {
			_, err = stx.Exec(op.sql, op.args...)
		}
		if err != nil {
			return fmt.Errorf("%s %v: %w", op.sql, op.args, err)
		}
	}
	if tx.rollback {
		mu.Lock()
		res.rolledBack++
		mu.Unlock()
		return stx.Rollback()
	}
	mu.Lock()
	defer mu.Unlock()
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	res.committed = append(res.committed, *tx)
	return nil
}

// replayCommitted runs the committed transactions one at a time, in
// order. With explicitRowids, inserts get the rowids the run picked.
func replayCommitted(t *testing.T, db *sql.DB, txs []diffTx, explicitRowids bool) {
	for i, tx := range txs {
		stx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range tx.ops {
			var err error
			switch {
			case op.discarded:
				continue
			case op.picked && explicitRowids:
				_, err = stx.Exec(op.explicit, append(append([]any{}, op.args...), op.rowid)...)
			case op.picked:
				var rowid int64
				if err = stx.QueryRow(op.sql, op.args...).Scan(&rowid); err == nil && rowid != op.rowid {
					t.Errorf("replay of committed transaction %d (worker %d, #%d): %s %v picked rowid %d, the run %d",
						i, tx.worker, tx.n, op.sql, op.args, rowid, op.rowid)
				}
			default:
				_, err = stx.Exec(op.sql, op.args...)
			}
			if err != nil {
				stx.Rollback()
				t.Fatalf("replay of committed transaction %d (worker %d, #%d): %s %v: %v", i, tx.worker, tx.n, op.sql, op.args, err)
			}
		}
		if err := stx.Commit(); err != nil {
			t.Fatalf("replay of committed transaction %d: commit: %v", i, err)
		}
	}
}

// compareDBs compares the run's database with the replay's, and checks
// both. With ownRowids (ConcurrentPickedRowids), the run's rowids are the
// engine's own (see diffTables) and its AUTOINCREMENT counters at least
// the replay's.
func compareDBs(t *testing.T, when string, run, replay *sql.DB, ownRowids bool) {
	t.Helper()
	for _, tb := range diffTables {
		query := tb.query
		if ownRowids && tb.byKey != "" {
			query = tb.byKey
		}
		got, want := RowsOf(t, run, query), RowsOf(t, replay, query)
		if tb.name == "sqlite_sequence" && ownRowids {
			// The engine's counters count the rowids it picked for
			// transactions that did not commit too.
			checkSequencesAtLeast(t, when, got, want)
			continue
		}
		if d := firstDifference(got, want); d != "" {
			t.Errorf("%s: table %s differs from the serial replay (%d rows, replay %d): %s", when, tb.name, len(got), len(want), d)
		}
	}
	for _, db := range []*sql.DB{run, replay} {
		integrityOK(t, db)
		for _, ix := range diffIndexes {
			viaIndex := RowsOf(t, db, fmt.Sprintf("SELECT count(*), total(rowid) FROM %s INDEXED BY %s WHERE %s", ix.table, ix.index, ix.cond))
			viaScan := RowsOf(t, db, fmt.Sprintf("SELECT count(*), total(rowid) FROM %s NOT INDEXED WHERE %s", ix.table, ix.cond))
			if fmt.Sprint(viaIndex) != fmt.Sprint(viaScan) {
				t.Errorf("%s: index %s finds %v, a full scan %v", when, ix.index, viaIndex, viaScan)
			}
		}
	}
	// AUTOINCREMENT: no id at or below the counter is ever picked again,
	// so every id is at most its table's counter.
	if n := QueryInt(t, run, "SELECT count(*) FROM seqt WHERE id > (SELECT seq FROM sqlite_sequence WHERE name = 'seqt')"); n != 0 {
		t.Errorf("%s: %d rows of seqt above the AUTOINCREMENT counter", when, n)
	}
}

// writeHistory writes the committed transactions, in commit order, to a
// file in the system's temporary directory, for the study of a failure
// (the workload replays from the seed, the interleaving does not).
func writeHistory(t *testing.T, seed uint64, txs []diffTx) {
	var b strings.Builder
	for i, tx := range txs {
		fmt.Fprintf(&b, "#%d worker %d transaction %d:\n", i, tx.worker, tx.n)
		for _, op := range tx.ops {
			fmt.Fprintf(&b, "\t%s %v", strings.Join(strings.Fields(op.sql), " "), op.args)
			if op.picked {
				fmt.Fprintf(&b, " -> rowid %d", op.rowid)
			}
			if op.discarded {
				b.WriteString(" (rolled back to a savepoint)")
			}
			b.WriteString("\n")
		}
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("turso-cc-diff-%d.txt", seed))
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Logf("writing the history: %v", err)
		return
	}
	t.Logf("the committed transactions, in commit order: %s", path)
}

// firstDifference describes the first difference between two row lists,
// or returns "".
func firstDifference(got, want []string) string {
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("row %d is %q, the replay's %q", i, g, w)
		}
	}
	return ""
}

// checkSequencesAtLeast checks that each AUTOINCREMENT counter of the run
// is at least the replay's.
func checkSequencesAtLeast(t *testing.T, when string, got, want []string) {
	t.Helper()
	seqs := map[string]int64{}
	for _, r := range got {
		name, seq, _ := strings.Cut(r, "|")
		seqs[name], _ = strconv.ParseInt(seq, 10, 64)
	}
	for _, r := range want {
		name, seq, _ := strings.Cut(r, "|")
		w, _ := strconv.ParseInt(seq, 10, 64)
		if seqs[name] < w {
			t.Errorf("%s: sqlite_sequence of %s is %d, below the serial replay's %d", when, name, seqs[name], w)
		}
	}
}
