package tursobind

import "slices"

// ResultColumn is one result column as the binding describes it
// (Statement.columns()): its name and the affinity the engine reports
// ("" for an expression).
type ResultColumn struct{ Name, Affinity string }

// Statement is what both builds know of a prepared statement: its text,
// parameters and result columns, as the binding reports them. Embedded in
// a build's statement, it provides the engine.Stmt methods that describe
// it; the build fills it when it prepares the statement.
type Statement struct {
	// Text is the SQL the statement was prepared from.
	Text string
	// Params are the names of parameters 1..n, "" for anonymous ones.
	Params []string
	// Cols are the result columns.
	Cols []ResultColumn
	// IsReadOnly is set for a statement the binding classifies as a read.
	IsReadOnly bool
	// Declared finds the declared types of result columns (see
	// DeclaredTypes), given the text and the columns: the build's
	// connection and its DeclCache.
	Declared func(sql string, cols []ResultColumn) []Column

	// reprepared counts the times Cols changed after a schema change;
	// decl are the columns' declared types, found on first use.
	reprepared int
	decl       []Column
}

func (s *Statement) SQL() string    { return s.Text }
func (s *Statement) NumParams() int { return len(s.Params) }
func (s *Statement) ReadOnly() bool { return s.IsReadOnly }

// Reprepared counts the times the statement's columns changed after a
// schema change: the binding recompiles a statement inside step and keeps
// no count, so the build compares the columns (SetColumns).
func (s *Statement) Reprepared() int { return s.reprepared }

// SetColumns records the columns the binding reports after a schema
// changed, counting a reprepare when they differ.
func (s *Statement) SetColumns(cols []ResultColumn) {
	if !slices.Equal(cols, s.Cols) {
		s.Cols = cols
		s.decl = nil
		s.reprepared++
	}
}

func (s *Statement) ParamIndex(name string) int {
	for i, n := range s.Params {
		if n == name {
			return i + 1
		}
	}
	return 0
}

func (s *Statement) ParamName(i int) string {
	if i < 1 || i > len(s.Params) {
		return ""
	}
	return s.Params[i-1]
}

func (s *Statement) ColumnCount() int { return len(s.Cols) }

func (s *Statement) ColumnName(i int) string {
	if i < 0 || i >= len(s.Cols) {
		return ""
	}
	return s.Cols[i].Name
}

// ColumnAffinity is the affinity the engine reports for result column i
// ("" for an expression).
func (s *Statement) ColumnAffinity(i int) string {
	if i < 0 || i >= len(s.Cols) {
		return ""
	}
	return s.Cols[i].Affinity
}

// ColumnDeclType is the declared type of the table column a result
// column comes straight from, found through the engine; the engine's
// affinity where that fails.
func (s *Statement) ColumnDeclType(i int) string {
	if i < 0 || i >= len(s.Cols) {
		return ""
	}
	return s.declared()[i].DeclType
}

// ColumnNotNull reports whether the table column a result column comes
// straight from is declared NOT NULL.
func (s *Statement) ColumnNotNull(i int) (notNull, known bool) {
	if i < 0 || i >= len(s.Cols) {
		return false, false
	}
	c := s.declared()[i]
	return c.NotNull, c.Known
}

// declared finds the columns' declared types once (and again after
// SetColumns changed the columns).
func (s *Statement) declared() []Column {
	if s.decl == nil {
		if s.Declared != nil {
			s.decl = s.Declared(s.Text, s.Cols)
		} else {
			s.decl = make([]Column, len(s.Cols))
			for i, c := range s.Cols {
				s.decl[i].DeclType = c.Affinity
			}
		}
	}
	return s.decl
}
