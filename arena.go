package turso

import (
	"database/sql/driver"
	"math"
	"strings"
	"time"
	"unsafe"

	"github.com/turso-go/turso/internal/engine"
)

// rowArena holds the values that rows hand to database/sql, so that
// reading a row costs no allocation per column. Each connection has one,
// shared by its rows (and so by the queries that follow one another on
// it): a point lookup takes its few slots from chunks that many lookups
// share. It also boxes the arguments CheckNamedValue converts.
//
// A driver.Value is an interface: storing an int64, float64, string or
// time.Time in one normally allocates a box for the value (8, 8, 16 and
// 24 bytes), and copying text out of the engine allocates its bytes. The
// arena instead takes these boxes and bytes from chunks shared by many
// values, and builds each interface to point at its slot (see box). Every
// slot is written once, before its interface exists, and never again, so
// the interfaces are as immutable as those the runtime builds.
//
// The first chunk of each kind has room for one row (a slot per column,
// and the text of the first value, or 64 bytes); later chunks double up
// to a bound, so that reading rows costs a few allocations per hundred
// rows. A value that outlives its rows keeps its chunk alive (at most
// 4 KB, and the small strings a chunk of string boxes points to), and a
// connection holds one partly used chunk of each kind.
type rowArena struct {
	words slab[uint64] // int64 and float64 boxes
	strs  slab[string] // string boxes
	times slab[time.Time]
	text  []byte // free text bytes
	// textCap is the capacity of the latest text chunk.
	textCap int
	// width is the number of columns of the rows converted (0 before
	// the first).
	width int
}

// Chunk bounds: a chunk never holds more. Text of at least bigText bytes
// gets an allocation of its own, and is boxed as the runtime boxes it:
// a chunk of string boxes keeps every string it points to alive, so it
// holds small strings only (at most maxStrs*bigText bytes of text, 32
// KB). Blobs are boxed by the runtime too, for the same reason.
const (
	maxWords  = 256  // 2 KB
	maxStrs   = 64   // 1 KB
	maxTimes  = 64   // 1.5 KB
	maxText   = 4096 // bytes
	bigText   = 512
	firstText = 64 // least text chunk, so that small values share one
)

// slab hands out slots of type T from chunks.
type slab[T any] struct {
	free []T
	last int // capacity of the latest chunk
}

// take returns a free slot. A new chunk has room for twice as many slots
// as the one before, at least first and at most limit.
func (s *slab[T]) take(first, limit int) *T {
	if len(s.free) == 0 {
		c := max(min(2*s.last, limit), first)
		s.free = make([]T, c)
		s.last = c
	}
	p := &s.free[0]
	s.free = s.free[1:]
	return p
}

// first is the size of a first chunk: room for a row.
func (a *rowArena) first() int { return max(a.width, 4) }

// eface is the layout of an empty interface (runtime.eface).
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// typeWord returns the type word of v's dynamic type.
func typeWord(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

var (
	int64Type   = typeWord(int64(0))
	float64Type = typeWord(float64(0))
	stringType  = typeWord("")
	timeType    = typeWord(time.Time{})
)

// box returns an interface of dynamic type typ whose value is the one at
// p, without copying it: as the runtime boxes a value, but into a slot of
// the arena rather than into an allocation of its own. The slot must hold
// a value of that type and never be written again.
func box(typ, p unsafe.Pointer) (v driver.Value) {
	e := (*eface)(unsafe.Pointer(&v))
	e.typ, e.data = typ, p
	return v
}

// convertRow copies the engine's row into dest as driver values, boxed
// in the arena. Each blob gets its own copy of its bytes,
// since database/sql lets callers write into a sql.RawBytes.
func (a *rowArena) convertRow(dest []driver.Value, row []engine.Value, kinds []columnKind, loc *time.Location) {
	a.width = len(dest)
	for i := range dest {
		v := &row[i]
		switch v.Kind {
		case engine.KindInteger:
			switch kinds[i] {
			case columnTime:
				dest[i] = a.time(unixTime(v.Int, loc))
			case columnBool:
				dest[i] = v.Int > 0
			default:
				dest[i] = a.int64(v.Int)
			}
		case engine.KindFloat:
			dest[i] = a.float64(v.Float)
		case engine.KindText:
			switch {
			case kinds[i] == columnTime:
				// The parsed time keeps nothing of the text.
				dest[i] = a.time(parseTime(v.Data, loc))
			case len(v.Data) >= bigText:
				dest[i] = strings.Clone(v.Data)
			default:
				dest[i] = a.string(v.Data)
			}
		case engine.KindBlob:
			dest[i] = []byte(v.Data)
		default:
			dest[i] = nil
		}
	}
}

func (a *rowArena) int64(x int64) driver.Value {
	if uint64(x) < 256 {
		return x // the runtime boxes these without allocating
	}
	p := a.words.take(a.first(), maxWords)
	*p = uint64(x)
	return box(int64Type, unsafe.Pointer(p))
}

func (a *rowArena) float64(x float64) driver.Value {
	p := a.words.take(a.first(), maxWords)
	*p = math.Float64bits(x)
	return box(float64Type, unsafe.Pointer(p))
}

func (a *rowArena) time(t time.Time) driver.Value {
	p := a.times.take(a.first(), maxTimes)
	*p = t
	return box(timeType, unsafe.Pointer(p))
}

// string boxes a copy of b, which is smaller than bigText, its bytes in
// the arena's text chunk.
func (a *rowArena) string(b string) driver.Value {
	if len(b) == 0 {
		return ""
	}
	if len(b) > cap(a.text)-len(a.text) {
		c := max(min(2*a.textCap, maxText), len(b), firstText)
		a.text = make([]byte, 0, c)
		a.textCap = c
	}
	start := len(a.text)
	a.text = append(a.text, b...)
	p := a.strs.take(a.first(), maxStrs)
	*p = unsafe.String(&a.text[start], len(b))
	return box(stringType, unsafe.Pointer(p))
}
