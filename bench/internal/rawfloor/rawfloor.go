// Package rawfloor is the floor of the benchmark: the same workloads as
// the driver binaries, with the same SQL and data, run through an engine
// beneath the turso driver (internal/engine: cmd/raw runs libSQL's binding,
// internal/libsql; cmd/rawturso Turso's native engine, internal/tursonative)
// directly, without database/sql or the driver on top. The gap between a
// floor and the driver on the same engine is the cost of those layers.
//
// It mirrors the database/sql call pattern statement by statement: where a
// workload uses a *sql.Stmt (tx.Prepare, db.Prepare) raw prepares once and
// reuses; where it calls db.Query/db.Exec with SQL text, raw prepares, runs
// and finalizes per call (so a driver with a statement cache can beat it).
// Text columns are copied into Go strings, as rows.Scan into *string does.
package rawfloor

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/turso-go/turso/internal/engine"

	"github.com/turso-go/turso/bench/internal/runner"
	"github.com/turso-go/turso/bench/workload"
)

// Floor describes one floor binary.
type Floor struct {
	// Name is the binary's driver name in the report ("raw").
	Name string
	// Engine runs the workloads.
	Engine engine.Engine
	// Unsupported, if set, returns why the engine cannot run a database
	// with these options (the step is then skipped).
	Unsupported func(o workload.Options) string
	// Modules are the modules whose versions the binary reports.
	Modules []string
}

// eng is the engine of the running binary.
var (
	eng         engine.Engine
	unsupported func(o workload.Options) string
)

// Main runs the workloads on f's engine, as runner.Main does on a driver.
func Main(f Floor) {
	eng, unsupported = f.Engine, f.Unsupported
	runs := map[string]func(*workload.Run) error{
		"simple":     simple,
		"point":      point,
		"time":       timeW,
		"real":       real,
		"complex":    complexW,
		"many":       many,
		"large":      large,
		"concurrent": concurrent,
		"files":      files,
		"writers":    writers,
		"select1":    select1,
		"journal":    journal,
	}
	var ws []workload.Workload
	for _, w := range workload.All() {
		run, ok := runs[w.Group]
		if !ok {
			panic("raw: no raw version of workload " + w.Group)
		}
		w.Run = run
		ws = append(ws, w)
	}
	runner.MainConfig(runner.Config{
		Name:      f.Name,
		Workloads: ws,
		Modules:   f.Modules,
		SQLiteVersion: func() (string, error) {
			// Version() is "<engine> <version>[ (<build>)]".
			if fs := strings.Fields(eng.Version()); len(fs) >= 2 {
				return fs[1], nil
			}
			return eng.Version(), nil
		},
	})
}

// --- helpers -----------------------------------------------------------

func i64(v int64) engine.Value   { return engine.Value{Kind: engine.KindInteger, Int: v} }
func text(s string) engine.Value { return engine.Value{Kind: engine.KindText, Data: s} }
func boolean(b bool) engine.Value {
	if b {
		return i64(1)
	}
	return i64(0)
}

func open(r *workload.Run, name string, o workload.Options) (engine.Conn, error) {
	if unsupported != nil {
		if why := unsupported(o); why != "" {
			return nil, &workload.SkipError{Reason: name + ": " + why}
		}
	}
	c, err := eng.Open(engine.Config{
		Path:        filepath.Join(r.Dir, name+".db"),
		Create:      true,
		BusyTimeout: time.Duration(o.BusyTimeout) * time.Millisecond,
	})
	if err != nil {
		return nil, err
	}
	if err := c.Exec(strings.Join(o.Pragmas(), "; ")); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func prepare(c engine.Conn, sql string) (engine.Stmt, error) {
	st, _, err := c.Prepare(sql)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sql, err)
	}
	if st == nil {
		return nil, fmt.Errorf("%s: empty statement", sql)
	}
	return st, nil
}

// execOnce is db.Exec(sql, args...): prepare, run, finalize.
func execOnce(c engine.Conn, sql string, args ...engine.Value) error {
	st, err := prepare(c, sql)
	if err != nil {
		return err
	}
	_, _, err = st.Exec(args)
	st.Close()
	return err
}

// each runs a prepared query and calls fn for every row.
func each(st engine.Stmt, args []engine.Value, fn func([]engine.Value) error) error {
	ok, err := st.Start(args)
	for ; ok && err == nil; ok, err = st.Step() {
		if err := fn(st.Row()); err != nil {
			st.Reset()
			return err
		}
	}
	return err
}

// queryOnce is db.Query(sql, args...) read to the end: prepare, run, finalize.
func queryOnce(c engine.Conn, sql string, args []engine.Value, fn func([]engine.Value) error) error {
	st, err := prepare(c, sql)
	if err != nil {
		return err
	}
	defer st.Close()
	return each(st, args, fn)
}

func createSchema(c engine.Conn) error {
	return c.Exec(strings.Join(workload.Schema, ";\n"))
}

type user struct {
	id, created int64
	email       string
	active      bool
}

func scanUser(row []engine.Value, u *user) {
	u.id, u.created, u.email, u.active = row[0].Int, row[1].Int, strings.Clone(row[2].Data), row[3].Int != 0
}

func insertUsers(c engine.Conn, emails []string) error {
	n := len(emails)
	return insertEach(c, workload.InsertUserSQL, n, func(i int, args []engine.Value) []engine.Value {
		return append(args, i64(int64(i+1)), i64(workload.Created(i, n)), text(emails[i]), boolean(i%2 == 0))
	})
}

// insertEach runs sql n times in one transaction on one prepared
// statement, as tx.Prepare and Stmt.Exec do, with the arguments args(i)
// appends to the (emptied) slice it is given.
func insertEach(c engine.Conn, sql string, n int, args func(i int, args []engine.Value) []engine.Value) error {
	if err := c.Exec("BEGIN"); err != nil {
		return err
	}
	st, err := prepare(c, sql)
	if err != nil {
		c.Exec("ROLLBACK")
		return err
	}
	var vals []engine.Value
	for i := range n {
		vals = args(i, vals[:0])
		if _, _, err := st.Exec(vals); err != nil {
			st.Close()
			c.Exec("ROLLBACK")
			return err
		}
	}
	st.Close()
	return c.Exec("COMMIT")
}

func queryUsers(c engine.Conn, want int) error {
	var u user
	n := 0
	err := queryOnce(c, workload.UsersQuery, nil, func(row []engine.Value) error {
		scanUser(row, &u)
		n++
		return nil
	})
	if err != nil {
		return err
	}
	if n != want || (n > 0 && (u.id != int64(n) || u.email == "")) {
		return fmt.Errorf("queryUsers: got %d rows (last id %d), want %d", n, u.id, want)
	}
	return nil
}

func insertTree(c engine.Conn, users, articles, comments int, perUserTx bool) error {
	emails := workload.Emails(users)
	nArt := users * articles
	nCom := nArt * comments
	var stU, stA, stC engine.Stmt
	var err error
	closeAll := func() {
		for _, st := range []engine.Stmt{stU, stA, stC} {
			if st != nil {
				st.Close()
			}
		}
	}
	begin := func() error {
		if err := c.Exec("BEGIN"); err != nil {
			return err
		}
		if stU, err = prepare(c, workload.InsertUserSQL); err != nil {
			return err
		}
		if stA, err = prepare(c, workload.InsertArticleSQL); err != nil {
			return err
		}
		stC, err = prepare(c, workload.InsertCommentSQL)
		return err
	}
	fail := func(err error) error {
		closeAll()
		c.Exec("ROLLBACK")
		return err
	}
	args := make([]engine.Value, 4)
	artID, comID := 0, 0
	for u := 0; u < users; u++ {
		if u == 0 || perUserTx {
			if err := begin(); err != nil {
				return fail(err)
			}
		}
		uid := int64(u + 1)
		args[0], args[1], args[2], args[3] = i64(uid), i64(workload.Created(u, users)), text(emails[u]), boolean(u%2 == 0)
		if _, _, err := stU.Exec(args); err != nil {
			return fail(err)
		}
		for a := 0; a < articles; a++ {
			artID++
			args[0], args[1], args[2], args[3] = i64(int64(artID)), i64(workload.Created(artID, nArt)), i64(uid), text(workload.Texts[artID%len(workload.Texts)])
			if _, _, err := stA.Exec(args); err != nil {
				return fail(err)
			}
			for k := 0; k < comments; k++ {
				comID++
				args[0], args[1], args[2], args[3] = i64(int64(comID)), i64(workload.Created(comID, nCom)), i64(int64(artID)), text(workload.Texts[comID%len(workload.Texts)])
				if _, _, err := stC.Exec(args); err != nil {
					return fail(err)
				}
			}
		}
		if perUserTx || u == users-1 {
			closeAll()
			stU, stA, stC = nil, nil, nil
			if err := c.Exec("COMMIT"); err != nil {
				return err
			}
		}
	}
	return nil
}

func scanTree(c engine.Conn, query string, want int) error {
	var (
		uid, ucr, aid, acr, cid, ccr int64
		email, atext, ctext          string
		n                            int
	)
	err := queryOnce(c, query, nil, func(row []engine.Value) error {
		uid, ucr, email = row[0].Int, row[1].Int, strings.Clone(row[2].Data)
		aid, acr, atext = row[3].Int, row[4].Int, strings.Clone(row[5].Data)
		cid, ccr, ctext = row[6].Int, row[7].Int, strings.Clone(row[8].Data)
		n++
		return nil
	})
	_, _, _, _, _, _, _, _, _ = uid, ucr, email, aid, acr, atext, cid, ccr, ctext
	if err != nil {
		return err
	}
	if n != want {
		return fmt.Errorf("join: got %d rows, want %d", n, want)
	}
	return nil
}

// --- workloads ---------------------------------------------------------

func simple(r *workload.Run) error {
	c, err := open(r, "simple", workload.DefaultOptions())
	if err != nil {
		return err
	}
	defer c.Close()
	if err := createSchema(c); err != nil {
		return err
	}
	n := r.Sizes.SimpleUsers
	emails := workload.Emails(n)
	if err := r.Measure("simple/insert", n, func() error { return insertUsers(c, emails) }); err != nil {
		return err
	}
	return r.Measure("simple/query", n, func() error { return queryUsers(c, n) })
}

func real(r *workload.Run) error {
	s := r.Sizes
	return tree(r, "real", s.RealUsers, s.RealArticles, s.RealComments, true, workload.RealQuery)
}

func complexW(r *workload.Run) error {
	s := r.Sizes
	return tree(r, "complex", s.ComplexUsers, s.ComplexArticles, s.ComplexComments, false, workload.ComplexQuery)
}

// tree is the raw floor of the workload package's tree workloads (real and
// complex): the same inserts and join, without database/sql.
func tree(r *workload.Run, group string, users, articles, comments int, perUserTx bool, query string) error {
	c, err := open(r, group, workload.DefaultOptions())
	if err != nil {
		return err
	}
	defer c.Close()
	if err := createSchema(c); err != nil {
		return err
	}
	total := users * articles * comments
	if err := r.Measure(group+"/insert", total, func() error {
		return insertTree(c, users, articles, comments, perUserTx)
	}); err != nil {
		return err
	}
	return r.Measure(group+"/query", total, func() error { return scanTree(c, query, total) })
}

func many(r *workload.Run) error {
	for _, n := range workload.ManyNs {
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

func manyOne(r *workload.Run, name string, n int) error {
	c, err := open(r, strings.ReplaceAll(name, "/", "_"), workload.DefaultOptions())
	if err != nil {
		return err
	}
	defer c.Close()
	if err := createSchema(c); err != nil {
		return err
	}
	if err := insertUsers(c, workload.Emails(n)); err != nil {
		return err
	}
	q := r.Sizes.ManyQueries
	return r.Measure(name, q, func() error {
		var u user
		args := make([]engine.Value, 1)
		for k := 0; k < q; k++ {
			limit := k%n + 1
			args[0] = i64(int64(limit))
			got := 0
			err := queryOnce(c, workload.ManyQuery, args, func(row []engine.Value) error {
				scanUser(row, &u)
				got++
				return nil
			})
			if err != nil {
				return err
			}
			if got != limit {
				return fmt.Errorf("%s: got %d rows, want %d", name, got, limit)
			}
		}
		return nil
	})
}

func large(r *workload.Run) error {
	for _, s := range workload.LargeSizes {
		if !r.Wants("large/"+s.Name+"/insert") && !r.Wants("large/"+s.Name+"/query") {
			continue
		}
		if err := largeOne(r, s.Name, s.Bytes); err != nil {
			return err
		}
	}
	return nil
}

func largeOne(r *workload.Run, name string, size int) error {
	c, err := open(r, "large_"+name, workload.DefaultOptions())
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Exec(workload.DocsTable); err != nil {
		return err
	}
	n := r.Sizes.LargeRows
	body := workload.Blob(size)
	err = r.Measure("large/"+name+"/insert", n, func() error {
		return insertEach(c, workload.InsertDocSQL, n, func(i int, args []engine.Value) []engine.Value {
			return append(args, i64(int64(i+1)), i64(workload.Created(i, n)), text(body))
		})
	})
	if err != nil {
		return err
	}
	return r.Measure("large/"+name+"/query", n, func() error {
		var (
			id, cr int64
			b      string
			got    int
		)
		err := queryOnce(c, workload.DocsQuery, nil, func(row []engine.Value) error {
			id, cr, b = row[0].Int, row[1].Int, strings.Clone(row[2].Data)
			if len(b) != size {
				return fmt.Errorf("large: body of %d bytes, want %d", len(b), size)
			}
			got++
			return nil
		})
		_, _ = id, cr
		if err != nil {
			return err
		}
		if got != n {
			return fmt.Errorf("large: got %d rows, want %d", got, n)
		}
		return nil
	})
}

// files: each goroutine reads the users of a database file of its own.
func files(r *workload.Run) error {
	o := workload.DefaultOptions()
	n := r.Sizes.ConcurrentUsers
	paths, err := workload.CopiedFiles(r.Dir, "files", slices.Max(workload.ConcurrentNs), func(name string) error {
		c, err := open(r, name, o)
		if err != nil {
			return err
		}
		defer c.Close()
		if err := createSchema(c); err != nil {
			return err
		}
		return insertUsers(c, workload.Emails(n))
	})
	if err != nil {
		return err
	}
	conns := make([]engine.Conn, len(paths))
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	for i, path := range paths {
		if conns[i], err = open(r, strings.TrimSuffix(filepath.Base(path), ".db"), o); err != nil {
			return err
		}
	}
	for _, g := range workload.ConcurrentNs {
		name := fmt.Sprintf("files/%d", g)
		if !r.Wants(name) {
			continue
		}
		err := r.Measure(name, g*n, func() error {
			return workload.Parallel(g, func(i int) error { return queryUsers(conns[i], n) })
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func concurrent(r *workload.Run) error {
	o := workload.DefaultOptions()
	c, err := open(r, "concurrent", o)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := createSchema(c); err != nil {
		return err
	}
	n := r.Sizes.ConcurrentUsers
	if err := insertUsers(c, workload.Emails(n)); err != nil {
		return err
	}
	// One connection per goroutine, opened before timing (as the pool is
	// warmed for the database/sql drivers).
	conns := []engine.Conn{c}
	defer func() {
		for _, x := range conns[1:] {
			x.Close()
		}
	}()
	for _, g := range workload.ConcurrentNs {
		name := fmt.Sprintf("concurrent/%d", g)
		if !r.Wants(name) {
			continue
		}
		for len(conns) < g {
			x, err := open(r, "concurrent", o)
			if err != nil {
				return err
			}
			conns = append(conns, x)
		}
		err := r.Measure(name, g*n, func() error {
			return workload.Parallel(g, func(i int) error { return queryUsers(conns[i], n) })
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func writers(r *workload.Run) error {
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
}

func writersOne(r *workload.Run, name, lock string) error {
	o := workload.DefaultOptions()
	g, k := r.Sizes.WriterGoroutines, r.Sizes.WriterTxs
	c, err := open(r, "writers_"+lock, o)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Exec(workload.CountersTable); err != nil {
		return err
	}
	pad := strings.Repeat("x", workload.RowPad)
	for i := 1; i <= g; i++ {
		if err := execOnce(c, workload.InsertCounterSQL, i64(int64(i)), text(pad)); err != nil {
			return err
		}
	}
	conns := make([]engine.Conn, g)
	for i := range conns {
		if conns[i], err = open(r, "writers_"+lock, o); err != nil {
			return err
		}
		defer conns[i].Close()
	}
	begin := "BEGIN " + strings.ToUpper(lock)
	// tx mirrors the database/sql version: tx.QueryRow and tx.Exec with SQL
	// text, so one prepare per statement.
	tx := func(c engine.Conn, id int64) (bool, error) {
		if err := c.Exec(begin); err != nil {
			return isBusy(err), err
		}
		fail := func(err error) (bool, error) {
			if !c.Autocommit() {
				c.Exec("ROLLBACK")
			}
			return isBusy(err), err
		}
		var n int64
		err := queryOnce(c, workload.CounterSelect, []engine.Value{i64(id)}, func(row []engine.Value) error {
			n = row[0].Int
			return nil
		})
		if err != nil {
			return fail(err)
		}
		time.Sleep(workload.WriterThink)
		if err := execOnce(c, workload.CounterUpdate, i64(n+1), i64(id)); err != nil {
			return fail(err)
		}
		if err := c.Exec("COMMIT"); err != nil {
			return fail(err)
		}
		return false, nil
	}
	if _, err := tx(conns[0], 1); err != nil {
		if lock == "concurrent" {
			return &workload.SkipError{Reason: fmt.Sprintf("%s: %v", name, err)}
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
						retry, err := tx(conns[w], int64(w+1))
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
	var sum int64
	if err := queryOnce(c, workload.CounterSum, nil, func(row []engine.Value) error { sum = row[0].Int; return nil }); err != nil {
		return err
	}
	if want := int64(g*k + 1); sum != want {
		return fmt.Errorf("%s: counters sum %d, want %d (%d retries)", name, sum, want, retries.Load())
	}
	return nil
}

func isBusy(err error) bool {
	var e *engine.Error
	if errors.As(err, &e) {
		return e.Code == 5 || e.Code == 6 // SQLITE_BUSY, SQLITE_LOCKED
	}
	return false
}

func select1(r *workload.Run) error {
	c, err := open(r, "select1", workload.DefaultOptions())
	if err != nil {
		return err
	}
	defer c.Close()
	n := r.Sizes.Select1Ops
	read := func(row []engine.Value) error {
		if row[0].Int != 1 {
			return fmt.Errorf("SELECT 1 returned %d", row[0].Int)
		}
		return nil
	}
	err = r.Measure("select1/query", n, func() error {
		for i := 0; i < n; i++ {
			if err := queryOnce(c, "SELECT 1", nil, read); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	st, err := prepare(c, "SELECT 1")
	if err != nil {
		return err
	}
	defer st.Close()
	return r.Measure("select1/prepared", n, func() error {
		for i := 0; i < n; i++ {
			if err := each(st, nil, read); err != nil {
				return err
			}
		}
		return nil
	})
}

func journal(r *workload.Run) error {
	s := r.Sizes
	for _, m := range workload.JournalModes {
		name := "journal/" + m.Name
		if !r.Wants(name) {
			continue
		}
		o := workload.DefaultOptions()
		o.Journal, o.Sync = m.Journal, m.Sync
		c, err := open(r, "journal_"+m.Name, o)
		if err != nil {
			return err
		}
		if err := createSchema(c); err != nil {
			c.Close()
			return err
		}
		err = r.Measure(name, s.JournalUsers, func() error {
			return insertTree(c, s.JournalUsers, s.JournalArticles, s.JournalComments, true)
		})
		c.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
