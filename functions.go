package turso

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/turso-go/turso/internal/engine"
)

// RegisterFunc defines the SQL scalar function name, implemented by impl,
// on every connection the Connector opens (as mattn/go-sqlite3's
// SQLiteConn.RegisterFunc does on one).
//
// impl is a Go function. Its parameters, possibly variadic, receive the SQL
// arguments converted to their types: int, int8...int64, uint...uint64
// (from integers, or floats with an integral value), float32 and float64
// (from numbers), bool (a number, non-zero is true), string (from text,
// blobs and numbers), []byte (from blobs and text; nil for NULL), any (the
// value as a query returns it: int64, float64, string, []byte or nil), or a
// type whose pointer implements sql.Scanner (Vector32, sql.NullString,
// ...), which scans the value as a query returns it. An argument that does
// not convert fails the statement with an error naming it.
//
// impl returns one value, or a value and an error. The value may be of any
// type database/sql accepts as an argument (integers, floats, bool, string,
// []byte, time.Time, nil, a driver.Valuer...). A non-nil error fails the
// statement with the error's text; so does a panic in impl, which is
// recovered.
//
// A deterministic function returns the same result for the same arguments
// and has no side effects: SQLite may then use it in indexes, CHECK
// constraints and generated columns, and call it fewer times.
//
// The function must not use the connection that calls it.
func RegisterFunc(name string, impl any, deterministic bool) Option {
	return func(c *config) error {
		if err := checkFuncName(name); err != nil {
			return fmt.Errorf("turso: RegisterFunc: %w", err)
		}
		call, err := newGoCall(reflect.ValueOf(impl), false)
		if err != nil {
			return fmt.Errorf("turso: RegisterFunc(%q): %w", name, err)
		}
		c.funcs = append(c.funcs, func(fr engine.FunctionRegistrar) error {
			return fr.CreateFunction(name, call.nargs(), deterministic, func(args []engine.Value) (engine.Value, error) {
				return call.call(name, reflect.Value{}, args)
			})
		})
		return nil
	}
}

// RegisterAggregate defines the SQL aggregate function name on every
// connection the Connector opens. newAgg is a function without parameters
// that returns a fresh state for one group of rows: a value (usually a
// pointer to a struct) with two methods,
//
//	Step(args...)           or  Step(args...) error
//	Done() T                or  Done() (T, error)
//
// Step is called for each row of the group with the SQL arguments,
// converted as RegisterFunc converts them; Done once at the end, for the
// result, converted as RegisterFunc converts results. Errors and recovered
// panics fail the statement. deterministic is as for RegisterFunc.
func RegisterAggregate(name string, newAgg any, deterministic bool) Option {
	return func(c *config) error {
		if err := checkFuncName(name); err != nil {
			return fmt.Errorf("turso: RegisterAggregate: %w", err)
		}
		agg, err := newGoAggregate(reflect.ValueOf(newAgg))
		if err != nil {
			return fmt.Errorf("turso: RegisterAggregate(%q): %w", name, err)
		}
		c.funcs = append(c.funcs, func(fr engine.FunctionRegistrar) error {
			return fr.CreateAggregate(name, agg.step.nargs(), deterministic, func() (engine.AggregateFunc, error) {
				return agg.instance(name)
			})
		})
		return nil
	}
}

// RegisterCollation defines the collating sequence name on every
// connection the Connector opens, for use in COLLATE clauses, indexes and
// ORDER BY. cmp returns a negative number, zero or a positive number as a
// sorts before, equal to or after b; it must be a consistent ordering. A
// panic in cmp is recovered and makes the strings compare equal.
func RegisterCollation(name string, cmp func(a, b string) int) Option {
	return func(c *config) error {
		if err := checkFuncName(name); err != nil {
			return fmt.Errorf("turso: RegisterCollation: %w", err)
		}
		if cmp == nil {
			return fmt.Errorf("turso: RegisterCollation(%q): nil function", name)
		}
		c.funcs = append(c.funcs, func(fr engine.FunctionRegistrar) error {
			return fr.CreateCollation(name, cmp)
		})
		return nil
	}
}

// checkFuncName checks a function or collation name as SQLite does.
func checkFuncName(name string) error {
	if name == "" {
		return errors.New("empty name")
	}
	if len(name) > 255 {
		return fmt.Errorf("name of %d bytes (at most 255)", len(name))
	}
	return nil
}

// registerFuncs defines the configured functions and collations on a new
// connection.
func (c *config) registerFuncs(ec engine.Conn) error {
	if len(c.funcs) == 0 {
		return nil
	}
	fr, ok := ec.(engine.FunctionRegistrar)
	if !ok {
		return fmt.Errorf("%w: Go functions", ErrNotSupported)
	}
	for _, define := range c.funcs {
		if err := define(fr); err != nil {
			return wrapErr(err, "")
		}
	}
	return nil
}

var (
	errorType   = reflect.TypeFor[error]()
	scannerType = reflect.TypeFor[sql.Scanner]()
)

// goCall calls a Go function or method with SQL arguments.
type goCall struct {
	fn       reflect.Value // a function, or a method (with receiver) when method
	method   bool
	in       []reflect.Type // the parameters (the last one a slice when variadic)
	variadic bool
	hasErr   bool // the last result is an error
	hasValue bool // the first result is a value
}

// newGoCall checks that fn (a func, or a method's func when method) can be
// called with SQL arguments.
func newGoCall(fn reflect.Value, method bool) (*goCall, error) {
	if !fn.IsValid() || fn.Kind() != reflect.Func || fn.IsNil() {
		return nil, fmt.Errorf("want a function, got %v", typeName(fn))
	}
	return analyzeCall(fn.Type(), fn, method)
}

// typeName names the type of v, which may be the zero Value.
func typeName(v reflect.Value) string {
	if !v.IsValid() {
		return "nil"
	}
	return v.Type().String()
}

// analyzeCall checks that a function of type t (with a receiver first
// when method) can be called with SQL arguments; fn is the function, or
// the zero Value when it is bound later (see goAggregate.instance).
func analyzeCall(t reflect.Type, fn reflect.Value, method bool) (*goCall, error) {
	g := &goCall{fn: fn, method: method, variadic: t.IsVariadic()}
	first := 0
	if method {
		first = 1
	}
	for i := first; i < t.NumIn(); i++ {
		p := t.In(i)
		if g.variadic && i == t.NumIn()-1 {
			p = p.Elem()
		}
		if !convertible(p) {
			return nil, fmt.Errorf("parameter %d has unsupported type %v", i-first+1, p)
		}
		g.in = append(g.in, t.In(i))
	}
	switch t.NumOut() {
	case 0:
	case 1:
		g.hasErr = t.Out(0) == errorType
		g.hasValue = !g.hasErr
	case 2:
		if t.Out(1) != errorType {
			return nil, fmt.Errorf("second result is %v, want error", t.Out(1))
		}
		g.hasValue, g.hasErr = true, true
	default:
		return nil, fmt.Errorf("%d results, want a value, a value and an error, or an error", t.NumOut())
	}
	return g, nil
}

// convertible reports whether an SQL value can be converted to t.
func convertible(t reflect.Type) bool {
	if reflect.PointerTo(t).Implements(scannerType) {
		return true
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.Bool, reflect.String:
		return true
	case reflect.Slice:
		return t.Elem().Kind() == reflect.Uint8
	case reflect.Interface:
		return t.NumMethod() == 0
	}
	return false
}

// nargs is the number of SQL arguments the function takes, -1 for any.
func (g *goCall) nargs() int {
	if g.variadic {
		return -1
	}
	return len(g.in)
}

// call converts args, calls the function (on recv, for a method) and
// converts its result.
func (g *goCall) call(name string, recv reflect.Value, args []engine.Value) (engine.Value, error) {
	if n := len(g.in); (g.variadic && len(args) < n-1) || (!g.variadic && len(args) != n) {
		return engine.Value{}, fmt.Errorf("%s: %d arguments, want %d", name, len(args), n)
	}
	in := make([]reflect.Value, 0, len(args)+1)
	if g.method {
		in = append(in, recv)
	}
	for i := range args {
		t := g.paramType(i)
		v, err := fromSQL(args[i], t)
		if err != nil {
			return engine.Value{}, fmt.Errorf("%s: argument %d: %w", name, i+1, err)
		}
		in = append(in, v)
	}
	out := g.fn.Call(in)
	if g.hasErr {
		if err, _ := out[len(out)-1].Interface().(error); err != nil {
			return engine.Value{}, err
		}
	}
	if !g.hasValue {
		return engine.Value{}, nil
	}
	v, err := toSQL(out[0])
	if err != nil {
		return engine.Value{}, fmt.Errorf("%s: result: %w", name, err)
	}
	return v, nil
}

// paramType is the type argument i converts to.
func (g *goCall) paramType(i int) reflect.Type {
	if g.variadic && i >= len(g.in)-1 {
		return g.in[len(g.in)-1].Elem()
	}
	return g.in[i]
}

// plainValue is v as a query returns it; text and blobs are copied.
func plainValue(v engine.Value) any {
	switch v.Kind {
	case engine.KindInteger:
		return v.Int
	case engine.KindFloat:
		return v.Float
	case engine.KindText:
		return strings.Clone(v.Data)
	case engine.KindBlob:
		return []byte(v.Data)
	}
	return nil
}

var kindNames = [...]string{engine.KindNull: "NULL", engine.KindInteger: "an integer", engine.KindFloat: "a float", engine.KindText: "text", engine.KindBlob: "a blob"}

// fromSQL converts an SQL value to a Go value of type t.
func fromSQL(v engine.Value, t reflect.Type) (reflect.Value, error) {
	if reflect.PointerTo(t).Implements(scannerType) {
		p := reflect.New(t)
		if err := p.Interface().(sql.Scanner).Scan(plainValue(v)); err != nil {
			return reflect.Value{}, err
		}
		return p.Elem(), nil
	}
	out := reflect.New(t).Elem()
	mismatch := func() (reflect.Value, error) {
		return reflect.Value{}, fmt.Errorf("cannot convert %s to %v", kindNames[v.Kind], t)
	}
	switch t.Kind() {
	case reflect.Interface:
		if pv := plainValue(v); pv != nil {
			out.Set(reflect.ValueOf(pv))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, ok := integral(v)
		if !ok || out.OverflowInt(i) {
			return mismatch()
		}
		out.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		i, ok := integral(v)
		if !ok || i < 0 || out.OverflowUint(uint64(i)) {
			return mismatch()
		}
		out.SetUint(uint64(i))
	case reflect.Float32, reflect.Float64:
		switch v.Kind {
		case engine.KindInteger:
			out.SetFloat(float64(v.Int))
		case engine.KindFloat:
			out.SetFloat(v.Float)
		default:
			return mismatch()
		}
	case reflect.Bool:
		switch v.Kind {
		case engine.KindInteger:
			out.SetBool(v.Int != 0)
		case engine.KindFloat:
			out.SetBool(v.Float != 0)
		default:
			return mismatch()
		}
	case reflect.String:
		switch v.Kind {
		case engine.KindText, engine.KindBlob:
			out.SetString(strings.Clone(v.Data))
		case engine.KindInteger:
			out.SetString(strconv.FormatInt(v.Int, 10))
		case engine.KindFloat:
			out.SetString(strconv.FormatFloat(v.Float, 'g', -1, 64))
		default:
			return mismatch()
		}
	case reflect.Slice: // []byte
		switch v.Kind {
		case engine.KindText, engine.KindBlob:
			out.SetBytes([]byte(v.Data))
		case engine.KindNull:
		default:
			return mismatch()
		}
	default:
		return mismatch()
	}
	return out, nil
}

// integral returns v as an integer when it is one, or a float with an
// integral value.
func integral(v engine.Value) (int64, bool) {
	switch v.Kind {
	case engine.KindInteger:
		return v.Int, true
	case engine.KindFloat:
		if i := int64(v.Float); float64(i) == v.Float {
			return i, true
		}
	}
	return 0, false
}

// toSQL converts a Go result as database/sql converts an argument.
func toSQL(rv reflect.Value) (engine.Value, error) {
	if (rv.Kind() == reflect.Interface || rv.Kind() == reflect.Pointer) && rv.IsNil() {
		return engine.Value{}, nil
	}
	dv, err := driver.DefaultParameterConverter.ConvertValue(rv.Interface())
	if err != nil {
		return engine.Value{}, err
	}
	// The result is copied by the engine before scratch goes away.
	var scratch []byte
	v, ok := toEngineValue(dv, &scratch)
	if !ok {
		return engine.Value{}, fmt.Errorf("unsupported type %T", dv)
	}
	return v, nil
}

// goAggregate makes aggregate states with a constructor and calls their
// Step and Done methods.
type goAggregate struct {
	newAgg     reflect.Value
	step, done *goCall
}

func newGoAggregate(newAgg reflect.Value) (*goAggregate, error) {
	if !newAgg.IsValid() || newAgg.Kind() != reflect.Func || newAgg.IsNil() {
		return nil, fmt.Errorf("want a constructor function, got %v", typeName(newAgg))
	}
	t := newAgg.Type()
	if t.NumIn() != 0 || t.NumOut() != 1 {
		return nil, fmt.Errorf("constructor %v: want func() T", t)
	}
	st := t.Out(0)
	step, ok := st.MethodByName("Step")
	if !ok {
		return nil, fmt.Errorf("%v has no Step method", st)
	}
	done, ok := st.MethodByName("Done")
	if !ok {
		return nil, fmt.Errorf("%v has no Done method", st)
	}
	isIface := st.Kind() == reflect.Interface
	method := func(m reflect.Method) (*goCall, error) {
		if isIface {
			// An interface's method has no receiver parameter: call it
			// through the instance (see instance).
			return analyzeCall(m.Type, reflect.Value{}, false)
		}
		return newGoCall(m.Func, true)
	}
	a := &goAggregate{newAgg: newAgg}
	var err error
	if a.step, err = method(step); err != nil {
		return nil, fmt.Errorf("Step: %w", err)
	}
	if a.step.hasValue {
		return nil, fmt.Errorf("Step returns a value; want nothing or an error")
	}
	if a.done, err = method(done); err != nil {
		return nil, fmt.Errorf("Done: %w", err)
	}
	if len(a.done.in) != 0 || !a.done.hasValue {
		return nil, fmt.Errorf("Done: want Done() T or Done() (T, error)")
	}
	return a, nil
}

// instance makes the state of one group.
func (a *goAggregate) instance(name string) (engine.AggregateFunc, error) {
	recv := a.newAgg.Call(nil)[0]
	if (recv.Kind() == reflect.Pointer || recv.Kind() == reflect.Interface) && recv.IsNil() {
		return nil, fmt.Errorf("%s: the constructor returned nil", name)
	}
	s := &aggState{name: name, recv: recv, step: a.step, done: a.done}
	if recv.Kind() == reflect.Interface {
		// Call the dynamic value's methods directly.
		s.step = &goCall{fn: recv.MethodByName("Step"), in: a.step.in, variadic: a.step.variadic, hasErr: a.step.hasErr}
		s.done = &goCall{fn: recv.MethodByName("Done"), hasErr: a.done.hasErr, hasValue: true}
	}
	return s, nil
}

// aggState is the state of one group: the value the constructor made.
type aggState struct {
	name       string
	recv       reflect.Value
	step, done *goCall
}

func (s *aggState) Step(args []engine.Value) error {
	_, err := s.step.call(s.name, s.recv, args)
	return err
}

func (s *aggState) Final() (engine.Value, error) {
	return s.done.call(s.name, s.recv, nil)
}
