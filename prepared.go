package turso

import (
	"database/sql/driver"

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
	args        []engine.Value
	isSet       []bool
	// scratch holds the text of time arguments until the next bind.
	scratch []byte

	// cols and kinds describe the result columns as of reprep.
	cols   []string
	kinds  []columnKind
	reprep int

	// prev and next link the statement cache's recency list.
	prev, next *prepared
}

func newPrepared(s engine.Stmt, ec engine.Conn) *prepared {
	return &prepared{s: s, ec: ec, query: s.SQL(), nparams: s.NumParams()}
}

// bind converts args to engine values in parameter order. Positional
// arguments bind to the parameter of their ordinal; a named argument binds
// to every parameter of that name, whichever of ':', '@' and '$' it uses.
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
		v, ok := toEngineValue(a.Value, &p.scratch)
		if !ok {
			return nil, argError("unsupported argument type %T", a.Value)
		}
		if a.Name == "" {
			if a.Ordinal < 1 || a.Ordinal > p.nparams {
				return nil, argError("argument %d out of range: the statement has %d parameters", a.Ordinal, p.nparams)
			}
			vals[a.Ordinal-1] = v
			isSet[a.Ordinal-1] = true
			continue
		}
		idx := p.paramIndexes(a.Name)
		if len(idx) == 0 {
			return nil, argError("named argument %q matches no parameter", a.Name)
		}
		for _, j := range idx {
			vals[j-1] = v
			isSet[j-1] = true
		}
	}
	for i, ok := range isSet {
		if !ok {
			if name := p.s.ParamName(i + 1); name != "" && name[0] != '?' {
				return nil, argError("missing argument for parameter %s", name)
			}
			return nil, argError("missing argument for parameter %d: the statement has %d parameters, %d arguments were given", i+1, p.nparams, len(args))
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
		p.s.Close()
		return
	}
	if len(c.byQuery) >= c.capacity {
		old := c.tail
		c.unlink(old)
		delete(c.byQuery, old.query)
		old.s.Close()
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
		p.s.Close()
		p = next
	}
	c.head, c.tail = nil, nil
	clear(c.byQuery)
}
