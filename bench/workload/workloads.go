package workload

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// simple: insert SimpleUsers users in one transaction; read them all back.
func simpleWorkload() Workload {
	return Workload{
		Group: "simple",
		Steps: []string{"simple/insert", "simple/query"},
		Read:  map[string]bool{"simple/query": true},
		Run: func(r *Run) error {
			db, err := r.Open("simple", DefaultOptions())
			if err != nil {
				return err
			}
			defer db.Close()
			if err := createSchema(db); err != nil {
				return err
			}
			n := r.Sizes.SimpleUsers
			emails := Emails(n)
			if err := r.Measure("simple/insert", n, func() error { return insertUsers(db, emails) }); err != nil {
				return err
			}
			return r.Measure("simple/query", n, func() error { return queryUsers(context.Background(), db, n) })
		},
	}
}

const RealQuery = `SELECT u.id, u.created, u.email, a.id, a.created, a.text, c.id, c.created, c.text
FROM users u
JOIN articles a ON a.userId = u.id
JOIN comments c ON c.articleId = a.id`

// real: users with articles with comments, one transaction per user; one
// join reads everything back.
func realWorkload() Workload {
	return treeWorkload("real", func(s Sizes) (int, int, int) {
		return s.RealUsers, s.RealArticles, s.RealComments
	}, true, RealQuery)
}

const ComplexQuery = `SELECT u.id, u.created, u.email, a.id, a.created, a.text, c.id, c.created, c.text
FROM comments c
JOIN articles a ON a.id = c.articleId
JOIN users u ON u.id = a.userId
ORDER BY u.created DESC, a.created DESC, c.created DESC`

// complex: the whole tree in one transaction, then a join with ORDER BY
// over all rows.
func complexWorkload() Workload {
	return treeWorkload("complex", func(s Sizes) (int, int, int) {
		return s.ComplexUsers, s.ComplexArticles, s.ComplexComments
	}, false, ComplexQuery)
}

// treeWorkload inserts users × articles × comments (one transaction per
// user with perUserTx, else one in all) as step group/insert, then reads
// them all back with query as group/query.
func treeWorkload(group string, sizes func(Sizes) (users, articles, comments int), perUserTx bool, query string) Workload {
	insert, read := group+"/insert", group+"/query"
	return Workload{
		Group: group,
		Steps: []string{insert, read},
		Read:  map[string]bool{read: true},
		Run: func(r *Run) error {
			db, err := r.Open(group, DefaultOptions())
			if err != nil {
				return err
			}
			defer db.Close()
			if err := createSchema(db); err != nil {
				return err
			}
			users, articles, comments := sizes(r.Sizes)
			total := users * articles * comments
			if err := r.Measure(insert, total, func() error {
				return insertTree(db, users, articles, comments, perUserTx)
			}); err != nil {
				return err
			}
			return r.Measure(read, total, func() error { return scanTree(db, query, total) })
		},
	}
}

var ManyNs = []int{10, 100, 1000}

// many: for N in 10, 100, 1000, a table of N users and ManyQueries small
// queries, the k-th reading rows 1..(k mod N)+1 (so 1..N rows each).
func manyWorkload() Workload {
	w := Workload{Group: "many", Read: map[string]bool{}}
	for _, n := range ManyNs {
		name := fmt.Sprintf("many/%d", n)
		w.Steps = append(w.Steps, name)
		w.Read[name] = true
	}
	w.Run = func(r *Run) error {
		for _, n := range ManyNs {
			name := fmt.Sprintf("many/%d", n)
			if !r.Wants(name) {
				continue
			}
			if err := manyOne(r, name, n); err != nil {
				return err
			}
		}
		return nil
	}
	return w
}

func manyOne(r *Run, name string, n int) error {
	db, err := r.Open(strings.ReplaceAll(name, "/", "_"), DefaultOptions())
	if err != nil {
		return err
	}
	defer db.Close()
	if err := createSchema(db); err != nil {
		return err
	}
	if err := insertUsers(db, Emails(n)); err != nil {
		return err
	}
	q := r.Sizes.ManyQueries
	return r.Measure(name, q, func() error {
		var (
			id, cr int64
			email  string
			active bool
		)
		for k := 0; k < q; k++ {
			limit := k%n + 1
			rows, err := db.Query(ManyQuery, limit)
			if err != nil {
				return err
			}
			got := 0
			for rows.Next() {
				if err := rows.Scan(&id, &cr, &email, &active); err != nil {
					rows.Close()
					return err
				}
				got++
			}
			if err := rows.Err(); err != nil {
				return err
			}
			rows.Close()
			if got != limit {
				return fmt.Errorf("%s: got %d rows, want %d", name, got, limit)
			}
		}
		return nil
	})
}

var LargeSizes = []struct {
	Name  string
	Bytes int
}{{"50k", 50_000}, {"100k", 100_000}, {"200k", 200_000}}

// large: LargeRows rows with a 50 KB / 100 KB / 200 KB text each, inserted
// in one transaction, then read back.
func largeWorkload() Workload {
	w := Workload{Group: "large", Read: map[string]bool{}}
	for _, s := range LargeSizes {
		w.Steps = append(w.Steps, "large/"+s.Name+"/insert", "large/"+s.Name+"/query")
		w.Read["large/"+s.Name+"/query"] = true
	}
	w.Run = func(r *Run) error {
		for _, s := range LargeSizes {
			if !r.Wants("large/"+s.Name+"/insert") && !r.Wants("large/"+s.Name+"/query") {
				continue
			}
			if err := largeOne(r, s.Name, s.Bytes); err != nil {
				return err
			}
		}
		return nil
	}
	return w
}

func largeOne(r *Run, name string, size int) error {
	db, err := r.Open("large_"+name, DefaultOptions())
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec(DocsTable); err != nil {
		return err
	}
	n := r.Sizes.LargeRows
	body := Blob(size)
	err = r.Measure("large/"+name+"/insert", n, func() error {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		defer tx.Rollback()
		st, err := tx.Prepare(InsertDocSQL)
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			if _, err := st.Exec(i+1, Created(i, n), body); err != nil {
				return err
			}
		}
		st.Close()
		return tx.Commit()
	})
	if err != nil {
		return err
	}
	return r.Measure("large/"+name+"/query", n, func() error {
		rows, err := db.Query(DocsQuery)
		if err != nil {
			return err
		}
		defer rows.Close()
		var (
			id, cr int64
			b      string
			got    int
		)
		for rows.Next() {
			if err := rows.Scan(&id, &cr, &b); err != nil {
				return err
			}
			if len(b) != size {
				return fmt.Errorf("large: body of %d bytes, want %d", len(b), size)
			}
			got++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if got != n {
			return fmt.Errorf("large: got %d rows, want %d", got, n)
		}
		return nil
	})
}

var ConcurrentNs = []int{2, 4, 8}

// concurrent: ConcurrentUsers users (untimed), then 2, 4, 8 goroutines each
// running the full read query at once over one *sql.DB.
func concurrentWorkload() Workload {
	w := Workload{Group: "concurrent", Read: map[string]bool{}, Room: map[string]bool{}}
	for _, g := range ConcurrentNs {
		name := fmt.Sprintf("concurrent/%d", g)
		w.Steps = append(w.Steps, name)
		w.Read[name] = true
		w.Room[name] = true
	}
	w.Run = func(r *Run) error {
		db, err := r.Open("concurrent", DefaultOptions())
		if err != nil {
			return err
		}
		defer db.Close()
		if err := createSchema(db); err != nil {
			return err
		}
		n := r.Sizes.ConcurrentUsers
		if err := insertUsers(db, Emails(n)); err != nil {
			return err
		}
		for _, g := range ConcurrentNs {
			name := fmt.Sprintf("concurrent/%d", g)
			if !r.Wants(name) {
				continue
			}
			// Warm the pool so connection opening is not timed.
			if err := warmPool(db, g); err != nil {
				return err
			}
			err := r.Measure(name, g*n, func() error {
				return Parallel(g, func(int) error { return queryUsers(context.Background(), db, n) })
			})
			if err != nil {
				return err
			}
		}
		return nil
	}
	return w
}

// files: the concurrent read on separate database files: one file of
// ConcurrentUsers users (untimed), copied once per goroutine, then 2, 4, 8
// goroutines each run the full read query on a pool of its own file at
// once. Where concurrent shows what connections to one file allow, files
// shows what the driver allows across databases.
func filesWorkload() Workload {
	w := Workload{Group: "files", Read: map[string]bool{}, Room: map[string]bool{}}
	for _, g := range ConcurrentNs {
		name := fmt.Sprintf("files/%d", g)
		w.Steps = append(w.Steps, name)
		w.Read[name] = true
		w.Room[name] = true
	}
	w.Run = func(r *Run) error {
		n := r.Sizes.ConcurrentUsers
		paths, err := CopiedFiles(r.Dir, "files", slices.Max(ConcurrentNs), func(name string) error {
			db, err := r.Open(name, DefaultOptions())
			if err != nil {
				return err
			}
			defer db.Close()
			if err := createSchema(db); err != nil {
				return err
			}
			return insertUsers(db, Emails(n))
		})
		if err != nil {
			return err
		}
		dbs := make([]*sql.DB, len(paths))
		defer func() {
			for _, db := range dbs {
				if db != nil {
					db.Close()
				}
			}
		}()
		for i, path := range paths {
			if dbs[i], err = r.Open(strings.TrimSuffix(filepath.Base(path), ".db"), DefaultOptions()); err != nil {
				return err
			}
			// Connect before timing.
			if err := warmPool(dbs[i], 1); err != nil {
				return err
			}
		}
		for _, g := range ConcurrentNs {
			name := fmt.Sprintf("files/%d", g)
			if !r.Wants(name) {
				continue
			}
			err := r.Measure(name, g*n, func() error {
				return Parallel(g, func(i int) error { return queryUsers(context.Background(), dbs[i], n) })
			})
			if err != nil {
				return err
			}
		}
		return nil
	}
	return w
}

// Parallel runs f(0) ... f(g-1) in g goroutines at once and returns their
// errors joined.
func Parallel(g int, f func(i int) error) error {
	var wg sync.WaitGroup
	errs := make([]error, g)
	for i := range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f(i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// CopiedFiles makes count database files in dir holding the same data:
// fill creates the first, name.db (and closes it), which is then copied
// file by file (with its WAL, if one is left) to name-1.db and on. It
// returns their paths, the first first.
func CopiedFiles(dir, name string, count int, fill func(name string) error) ([]string, error) {
	if err := fill(name); err != nil {
		return nil, err
	}
	first := filepath.Join(dir, name+".db")
	paths := []string{first}
	for i := 1; i < count; i++ {
		path := filepath.Join(dir, fmt.Sprintf("%s-%d.db", name, i))
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(first + suffix)
			if errors.Is(err, os.ErrNotExist) && suffix != "" {
				continue
			}
			if err != nil {
				return nil, err
			}
			if err := os.WriteFile(path+suffix, b, 0o644); err != nil {
				return nil, err
			}
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// warmPool makes sure db holds at least n open idle connections.
func warmPool(db *sql.DB, n int) error {
	db.SetMaxIdleConns(n)
	ctx := context.Background()
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < n; i++ {
		c, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		if err := c.PingContext(ctx); err != nil {
			return err
		}
		conns = append(conns, c)
	}
	return nil
}

// WriterThink is the time a writer spends inside its transaction between
// reading its row and writing it back.
const WriterThink = 200 * time.Microsecond

// RowPad makes each counters row fill most of a 4 KiB page, so writers on
// disjoint rows touch disjoint pages (what BEGIN CONCURRENT needs).
const RowPad = 3000

// writers: WriterGoroutines goroutines doing short read-modify-write
// transactions with think time on disjoint rows, with _txlock=immediate and
// _txlock=concurrent (skipped where the driver rejects it).
func writersWorkload() Workload {
	return Workload{
		Group: "writers",
		Steps: []string{"writers/immediate", "writers/concurrent"},
		Run: func(r *Run) error {
			for _, lock := range []string{"immediate", "concurrent"} {
				name := "writers/" + lock
				if !r.Wants(name) {
					continue
				}
				if err := writersOne(r, name, lock); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func writersOne(r *Run, name, lock string) error {
	o := DefaultOptions()
	o.TxLock = lock
	g, k := r.Sizes.WriterGoroutines, r.Sizes.WriterTxs
	db, err := r.Open("writers_"+lock, o)
	if err != nil {
		if lock == "concurrent" {
			return &SkipError{fmt.Sprintf("%s: %v", name, err)}
		}
		return err
	}
	defer db.Close()
	if _, err := db.Exec(CountersTable); err != nil {
		return err
	}
	pad := strings.Repeat("x", RowPad)
	for i := 1; i <= g; i++ {
		if _, err := db.Exec(InsertCounterSQL, i, pad); err != nil {
			return err
		}
	}
	if err := warmPool(db, g); err != nil {
		return err
	}
	tx := writerTx(r.Driver, db, lock)
	// Probe once, so a driver without the lock mode is skipped, not failed.
	if _, err := tx(context.Background(), 1); err != nil {
		if lock == "concurrent" {
			return &SkipError{fmt.Sprintf("%s: %v", name, err)}
		}
		return err
	}
	var retries atomic.Int64
	err = r.Measure(name, g*k, func() error {
		var wg sync.WaitGroup
		errs := make([]error, g)
		for w := 0; w < g; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < k; i++ {
					for attempt := 0; ; attempt++ {
						retry, err := tx(context.Background(), w+1)
						if err == nil {
							break
						}
						if !retry || attempt > 1000 {
							errs[w] = err
							return
						}
						retries.Add(1)
					}
				}
			}(w)
		}
		wg.Wait()
		return errors.Join(errs...)
	})
	if err != nil {
		return err
	}
	if r.Logf != nil {
		r.Logf("%s: %d retries (busy or conflict) for %d transactions", name, retries.Load(), g*k)
	}
	// Every committed transaction added one: check nothing was lost.
	var sum int64
	if err := db.QueryRow(CounterSum).Scan(&sum); err != nil {
		return err
	}
	if want := int64(g*k + 1); sum != want {
		return fmt.Errorf("%s: counters sum %d, want %d (%d retries)", name, sum, want, retries.Load())
	}
	return nil
}

// writerTx returns one read-modify-write transaction on row id. The bool
// result says whether a failure is worth retrying (busy / conflict).
func writerTx(d *Driver, db *sql.DB, lock string) func(ctx context.Context, id int) (bool, error) {
	if d.TxLock {
		return func(ctx context.Context, id int) (bool, error) {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return isBusy(err), err
			}
			var n int64
			if err := tx.QueryRowContext(ctx, CounterSelect, id).Scan(&n); err != nil {
				tx.Rollback()
				return isBusy(err), err
			}
			time.Sleep(WriterThink)
			if _, err := tx.ExecContext(ctx, CounterUpdate, n+1, id); err != nil {
				tx.Rollback()
				return isBusy(err), err
			}
			err = tx.Commit()
			return isBusy(err), err
		}
	}
	// No _txlock in the DSN: issue BEGIN IMMEDIATE / CONCURRENT ourselves.
	begin := "BEGIN " + strings.ToUpper(lock)
	return func(ctx context.Context, id int) (bool, error) {
		c, err := db.Conn(ctx)
		if err != nil {
			return false, err
		}
		defer c.Close()
		if _, err := c.ExecContext(ctx, begin); err != nil {
			return isBusy(err), err
		}
		fail := func(err error) (bool, error) {
			c.ExecContext(ctx, "ROLLBACK")
			return isBusy(err), err
		}
		var n int64
		if err := c.QueryRowContext(ctx, CounterSelect, id).Scan(&n); err != nil {
			return fail(err)
		}
		time.Sleep(WriterThink)
		if _, err := c.ExecContext(ctx, CounterUpdate, n+1, id); err != nil {
			return fail(err)
		}
		if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
			return fail(err)
		}
		return false, nil
	}
}

func isBusy(err error) bool {
	if err == nil {
		return false
	}
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "busy") || strings.Contains(s, "locked") || strings.Contains(s, "conflict")
}

// select1: the cost of one trivial round trip, the per-call overhead floor,
// through db.QueryRow (prepare every time) and through a prepared *sql.Stmt.
func select1Workload() Workload {
	return Workload{
		Group: "select1",
		Steps: []string{"select1/query", "select1/prepared"},
		Read:  map[string]bool{"select1/query": true, "select1/prepared": true},
		Room:  map[string]bool{"select1/query": true, "select1/prepared": true},
		Run: func(r *Run) error {
			db, err := r.Open("select1", DefaultOptions())
			if err != nil {
				return err
			}
			defer db.Close()
			n := r.Sizes.Select1Ops
			var x int64
			err = r.Measure("select1/query", n, func() error {
				for i := 0; i < n; i++ {
					if err := db.QueryRow("SELECT 1").Scan(&x); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			st, err := db.Prepare("SELECT 1")
			if err != nil {
				return err
			}
			defer st.Close()
			return r.Measure("select1/prepared", n, func() error {
				for i := 0; i < n; i++ {
					if err := st.QueryRow().Scan(&x); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
}

var JournalModes = []struct {
	Name          string
	Journal, Sync string
}{
	{"wal-normal", "WAL", "NORMAL"},
	{"wal-full", "WAL", "FULL"},
	{"delete-normal", "DELETE", "NORMAL"},
	{"delete-full", "DELETE", "FULL"},
}

// journal: the real insert pattern (one transaction per user) under
// journal_mode WAL / DELETE and synchronous NORMAL / FULL.
func journalWorkload() Workload {
	w := Workload{Group: "journal"}
	for _, m := range JournalModes {
		w.Steps = append(w.Steps, "journal/"+m.Name)
	}
	w.Run = func(r *Run) error {
		s := r.Sizes
		for _, m := range JournalModes {
			name := "journal/" + m.Name
			if !r.Wants(name) {
				continue
			}
			o := DefaultOptions()
			o.Journal, o.Sync = m.Journal, m.Sync
			db, err := r.Open("journal_"+m.Name, o)
			if err != nil {
				return err
			}
			if err := createSchema(db); err != nil {
				db.Close()
				return err
			}
			err = r.Measure(name, s.JournalUsers, func() error {
				return insertTree(db, s.JournalUsers, s.JournalArticles, s.JournalComments, true)
			})
			db.Close()
			if err != nil {
				return err
			}
		}
		return nil
	}
	return w
}
