package engine

// Optional interfaces a Conn may implement. The driver checks for them with
// a type assertion and reports a clear error when the engine of a
// connection lacks one.

// FunctionRegistrar is a Conn on which SQL functions and collations written
// in Go can be defined.
//
// The engine calls the Go code on the goroutine that runs the statement.
// It recovers a panic in that code and reports it as an SQL error of the
// statement (a collation, which cannot fail, then compares equal).
type FunctionRegistrar interface {
	// CreateFunction defines the scalar function name taking nargs
	// arguments (-1: any number). A deterministic function always returns
	// the same result for the same arguments, which lets the engine use it
	// in indexes and factor calls out of loops.
	CreateFunction(name string, nargs int, deterministic bool, fn ScalarFunc) error
	// CreateAggregate defines the aggregate function name. newAgg is
	// called once per group to make the state that collects its rows.
	CreateAggregate(name string, nargs int, deterministic bool, newAgg func() (AggregateFunc, error)) error
	// CreateCollation defines the collating sequence name; cmp returns a
	// negative number, zero or a positive number as a sorts before, equal
	// to or after b.
	CreateCollation(name string, cmp func(a, b string) int) error
}

// ScalarFunc computes one result from the arguments of one call.
//
// The arguments are Values as in a result row: Int, Float, or Bytes that
// view engine memory valid only during the call. The result is a Value as
// an argument is (Int, Float, Text or Blob). A returned error becomes the
// SQL error of the statement.
type ScalarFunc func(args []Value) (Value, error)

// AggregateFunc is the state of an aggregate function for one group: Step
// is called for each row, with arguments as a ScalarFunc gets them, then
// Final once, for the result.
type AggregateFunc interface {
	Step(args []Value) error
	Final() (Value, error)
}

// Keyer is a Conn whose database files may be encrypted.
type Keyer interface {
	// Rekey re-encrypts database schema ("main", or an attached database's
	// name) with key; an empty key decrypts it.
	Rekey(schema string, key []byte) error
}

// Backuper is a Conn that can copy a database from another connection of
// the same engine while both stay usable (the online backup API).
type Backuper interface {
	// BackupFrom starts copying database srcSchema of src over database
	// dstSchema of this connection.
	BackupFrom(dstSchema string, src Conn, srcSchema string) (Backup, error)
}

// Backup is a running online backup.
type Backup interface {
	// Step copies up to pages pages (all remaining ones if pages < 0) and
	// reports whether the copy is complete. A busy or locked error is
	// temporary: Step may be called again.
	Step(pages int) (done bool, err error)
	// Remaining and PageCount report, as of the latest Step, the pages
	// left to copy and the pages of the source database.
	Remaining() int
	PageCount() int
	// Close ends the backup, releasing its resources. Closing twice is
	// harmless.
	Close() error
}

// Serializer is a Conn that can turn a database into bytes and back.
type Serializer interface {
	// Serialize returns the image of database schema: the bytes its file
	// would hold.
	Serialize(schema string) ([]byte, error)
	// Deserialize replaces database schema with an in-memory database
	// holding a copy of data, which must be a database image.
	Deserialize(schema string, data []byte) error
}

// Hooker is a Conn that calls Go functions on changes and on the ends of
// transactions. A nil function removes the hook. The hooks run on the
// goroutine that runs the statement and must not use the connection.
type Hooker interface {
	// SetUpdateHook calls fn for each row a statement inserts (op 18),
	// deletes (op 9) or updates (op 23) in a rowid table.
	SetUpdateHook(fn func(op int, schema, table string, rowid int64))
	// SetCommitHook calls fn before each commit; when fn returns an error
	// the commit turns into a rollback, and the statement that was
	// committing fails with an *Error of extended code
	// SQLITE_CONSTRAINT_COMMITHOOK whose Err is fn's error.
	SetCommitHook(fn func() error)
	// SetRollbackHook calls fn after each rollback.
	SetRollbackHook(fn func())
}

// Checkpointer is a Conn that can checkpoint a write-ahead log.
type Checkpointer interface {
	// Checkpoint runs a checkpoint of mode (0 passive, 1 full, 2 restart,
	// 3 truncate) on database schema ("" for all) and reports the frames in
	// the log and the frames checkpointed. Both are -1 when the database
	// is not in WAL mode.
	Checkpoint(schema string, mode int) (logFrames, checkpointed int, err error)
}

// Recycler is a Conn that holds resources only closing it frees (Turso's
// binding keeps a record of every statement a connection prepared until it
// closes). Once ShouldRecycle reports true, the pool closes the idle
// connection and opens a fresh one in its place.
type Recycler interface {
	ShouldRecycle() bool
}
