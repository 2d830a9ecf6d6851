package turso

import (
	"database/sql/driver"
	"fmt"
	"runtime"
	"strconv"

	"github.com/turso-go/turso/internal/engine"
)

// prepared is an engine statement with what the driver caches about it:
// parameter names, column names and column kinds, and a reusable argument
// buffer. A prepared is used by one query at a time (busy while it has open
// rows) and lives either with a Stmt, with open rows, or in the connection's
// statement cache.
type prepared struct {
	s engine.Stmt
	// ec is the engine connection s belongs to.
	ec      engine.Conn
	query   string
	nparams int
	// busy is set while rows of the statement are open; owned while a
	// Stmt holds it (it then returns to the cache when the Stmt closes).
	busy  bool
	owned bool

	// named maps an argument name to the parameter indexes it binds
	// (":name", "@name" and "$name"), filled as names are first used.
	named map[string][]int
	// namedParams caches whether any parameter has a name: 0 unknown,
	// 1 no, 2 yes.
	namedParams uint8
	// lazy caches whether the statement only reads and so takes its first
	// step at the first Next (lazy.go): 0 unknown, 1 no, 2 yes.
	lazy  uint8
	args  []engine.Value
	isSet []bool
	// scratch holds the text of time arguments until the next bind.
	scratch []byte

	// cols and kinds describe the result columns as of reprep.
	cols   []string
	kinds  []columnKind
	reprep int

	// prev and next link the statement cache's recency list.
	prev, next *prepared
	// ref and dropCleanup finalize s if the prepared is dropped unclosed
	// (cleanup.go).
	ref         *stmtRef
	dropCleanup runtime.Cleanup
}

func newPrepared(s engine.Stmt, ec engine.Conn) *prepared {
	return &prepared{s: s, ec: ec, query: s.SQL(), nparams: s.NumParams()}
}

// bind converts args to engine values in parameter order. Positional
// arguments bind to the parameter of their ordinal; a named argument binds
// to every parameter of that name, whichever of ':', '@' and '$' it uses,
// and is ignored when there is none (as mattn/go-sqlite3 ignores it). A
// parameter left without a value, or a positional argument beyond the
// parameters, is an *ArgError.
func (p *prepared) bind(args []driver.NamedValue) ([]engine.Value, error) {
	if len(args) == 0 && p.nparams == 0 {
		return nil, nil
	}
	if cap(p.args) < p.nparams {
		p.args = make([]engine.Value, p.nparams)
	}
	if vals, ok := p.bindInOrder(args); ok {
		return vals, nil
	}
	vals := p.args[:p.nparams]
	clear(vals)
	if cap(p.isSet) < p.nparams {
		p.isSet = make([]bool, p.nparams)
	}
	isSet := p.isSet[:p.nparams]
	clear(isSet)
	p.scratch = p.scratch[:0]
	for i := range args {
		a := &args[i]
		if a.Name == "" && (a.Ordinal < 1 || a.Ordinal > p.nparams) {
			return nil, &ArgError{Err: ErrExtraArgument, SQL: p.query, Want: p.nparams, Got: countPositional(args)}
		}
		v, ok := toEngineValue(a.Value, &p.scratch)
		if !ok {
			return nil, &ArgError{Err: ErrArgumentType, SQL: p.query, Type: fmt.Sprintf("%T", a.Value)}
		}
		if a.Name == "" {
			vals[a.Ordinal-1] = v
			isSet[a.Ordinal-1] = true
			continue
		}
		for _, j := range p.paramIndexes(a.Name) {
			vals[j-1] = v
			isSet[j-1] = true
		}
	}
	for i, ok := range isSet {
		if !ok {
			return nil, p.missing(i+1, isSet)
		}
	}
	return vals, nil
}

// bindInOrder converts args the common way: one positional argument per
// parameter, in order, each of a type the engine binds. It reports false
// for anything else, which bind then handles (and reports).
func (p *prepared) bindInOrder(args []driver.NamedValue) ([]engine.Value, bool) {
	if len(args) != p.nparams {
		return nil, false
	}
	vals := p.args[:p.nparams]
	p.scratch = p.scratch[:0]
	for i := range args {
		a := &args[i]
		if a.Name != "" || a.Ordinal != i+1 {
			return nil, false
		}
		// The common types inline, the rest through toEngineValue.
		switch x := a.Value.(type) {
		case int64:
			vals[i] = engine.Value{Kind: engine.KindInteger, Int: x}
		case string:
			vals[i] = engine.Value{Kind: engine.KindText, Data: x}
		case float64:
			vals[i] = engine.Value{Kind: engine.KindFloat, Float: x}
		default:
			v, ok := toEngineValue(a.Value, &p.scratch)
			if !ok {
				return nil, false
			}
			vals[i] = v
		}
	}
	return vals, true
}

// missing reports parameter i, the first of those isSet marks unset, as
// left without a value.
func (p *prepared) missing(i int, isSet []bool) error {
	got := 0
	for _, ok := range isSet {
		if ok {
			got++
		}
	}
	param := p.s.ParamName(i)
	if param == "" {
		param = "?" + strconv.Itoa(i)
	}
	return &ArgError{Err: ErrMissingArgument, SQL: p.query, Want: p.nparams, Got: got, Param: param}
}

// hasNamedParams reports whether any parameter is named (":a", "@a",
// "$a") rather than numbered ("?", "?NNN"); it asks the engine once.
func (p *prepared) hasNamedParams() bool {
	if p.namedParams == 0 {
		p.namedParams = 1
		for i := 1; i <= p.nparams; i++ {
			if name := p.s.ParamName(i); name != "" && name[0] != '?' {
				p.namedParams = 2
				break
			}
		}
	}
	return p.namedParams == 2
}

func (p *prepared) paramIndexes(name string) []int {
	if idx, ok := p.named[name]; ok {
		return idx
	}
	var idx []int
	for _, prefix := range [...]string{":", "@", "$"} {
		if j := p.s.ParamIndex(prefix + name); j > 0 {
			idx = append(idx, j)
		}
	}
	if p.named == nil {
		p.named = make(map[string][]int)
	}
	p.named[name] = idx
	return idx
}

// describe refreshes the cached column names and kinds when the statement
// has never been described, was recompiled, or returned a row of another
// width than described (width < 0: no row to compare with).
func (p *prepared) describe(width int) {
	if p.cols != nil && p.reprep == p.s.Reprepared() && (width < 0 || len(p.cols) == width) {
		return
	}
	n := p.s.ColumnCount()
	p.cols = make([]string, n)
	p.kinds = make([]columnKind, n)
	for i := range n {
		p.cols[i] = p.s.ColumnName(i)
		p.kinds[i] = kindOfDeclType(declType(p.s, i))
	}
	p.reprep = p.s.Reprepared()
}

// stmtCache keeps a connection's idle prepared statements by SQL text, and
// finalizes the least recently used beyond its capacity.
type stmtCache struct {
	capacity int
	byQuery  map[string]*prepared
	// head is the most recently used, tail the least.
	head, tail *prepared
}

func newStmtCache(capacity int) stmtCache {
	return stmtCache{capacity: capacity, byQuery: make(map[string]*prepared)}
}

// take removes and returns the cached statement for query, or nil.
func (c *stmtCache) take(query string) *prepared {
	p := c.byQuery[query]
	if p != nil {
		delete(c.byQuery, query)
		c.unlink(p)
	}
	return p
}

// put caches an idle statement, finalizing it or the least recently used
// one when there is no room.
func (c *stmtCache) put(p *prepared) {
	if c.capacity == 0 || c.byQuery[p.query] != nil {
		p.close()
		return
	}
	if len(c.byQuery) >= c.capacity {
		old := c.tail
		c.unlink(old)
		delete(c.byQuery, old.query)
		old.close()
	}
	c.byQuery[p.query] = p
	p.next = c.head
	if c.head != nil {
		c.head.prev = p
	}
	c.head = p
	if c.tail == nil {
		c.tail = p
	}
}

func (c *stmtCache) unlink(p *prepared) {
	if p.prev != nil {
		p.prev.next = p.next
	} else {
		c.head = p.next
	}
	if p.next != nil {
		p.next.prev = p.prev
	} else {
		c.tail = p.prev
	}
	p.prev, p.next = nil, nil
}

// clear finalizes every cached statement.
func (c *stmtCache) clear() {
	for p := c.head; p != nil; {
		next := p.next
		p.close()
		p = next
	}
	c.head, c.tail = nil, nil
	clear(c.byQuery)
}
