package tursowasm

import (
	"slices"
	"strings"

	"github.com/turso-go/turso/internal/engine"
)

// query runs sql, which takes no arguments, and returns its rows with
// their bytes copied.
func (c *conn) query(sql string) ([][]engine.Value, error) {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	if c.closed {
		return nil, engine.ErrClosed
	}
	s, err := c.prepareLocked(sql)
	if err != nil {
		return nil, err
	}
	defer s.closeLocked()
	var rows [][]engine.Value
	more, err := s.stepLocked()
	for ; more && err == nil; more, err = s.stepLocked() {
		row := slices.Clone(s.row)
		for i := range row {
			row[i].Data = strings.Clone(row[i].Data)
		}
		rows = append(rows, row)
	}
	return rows, err
}
