package turso

import (
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Vector32 is a vector of float32 values as libSQL stores it in an
// F32_BLOB column: dims×4 bytes, each value little-endian IEEE 754. It
// binds as that blob and scans back from it, so Go code passes embeddings
// straight to libSQL's vector functions:
//
//	CREATE TABLE items(id INTEGER PRIMARY KEY, embedding F32_BLOB(3));
//	INSERT INTO items(embedding) VALUES (?)            -- turso.Vector32{...}
//
// An approximate nearest-neighbour index (DiskANN) and its queries:
//
//	CREATE INDEX items_idx ON items(libsql_vector_idx(embedding, 'metric=cosine'));
//	SELECT id FROM vector_top_k('items_idx', ?, 10);  -- the 10 nearest rowids
//	SELECT items.id, vector_distance_cos(items.embedding, ?1) AS d
//	  FROM vector_top_k('items_idx', ?1, 10) AS top JOIN items ON items.rowid = top.id
//	  ORDER BY d;
//
// and the exact search, without an index:
//
//	SELECT id FROM items ORDER BY vector_distance_cos(embedding, ?) LIMIT 10;
//
// vector_distance_cos is the cosine distance (1 - cosine similarity);
// vector_distance_l2 the Euclidean one (create the index with 'metric=l2'
// for it). libsql_vector_idx takes further settings such as
// 'max_neighbors=N' and 'search_l=N' (a wider search: better recall,
// slower queries); vector32('[1,2,3]') makes a vector from text and
// vector_extract(v) turns one into text. A vector in a query must have the
// dimensions of the column it meets.
type Vector32 []float32

var (
	_ driver.Valuer = Vector32(nil)
	_ sql.Scanner   = (*Vector32)(nil)
)

// vectorTypeFloat32 is the type tag libSQL appends to a vector blob of
// odd length; a FLOAT32 blob normally goes without it.
const vectorTypeFloat32 = 1

// Value encodes v as libSQL's FLOAT32 vector blob; a nil Vector32 is
// NULL.
func (v Vector32) Value() (driver.Value, error) {
	if v == nil {
		return nil, nil
	}
	return v.AppendBinary(make([]byte, 0, 4*len(v)))
}

// AppendBinary appends the blob encoding of v to b.
func (v Vector32) AppendBinary(b []byte) ([]byte, error) {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b, nil
}

// Scan decodes a FLOAT32 vector: a blob as F32_BLOB columns and vector32()
// return it, or text as vector_extract() returns it ("[1,2,3]"). NULL
// scans as a nil Vector32. Vectors of other element types (F64_BLOB,
// F8_BLOB, ...) are refused: convert them with vector32() in the query.
func (v *Vector32) Scan(src any) error {
	switch s := src.(type) {
	case nil:
		*v = nil
		return nil
	case []byte:
		return v.UnmarshalBinary(s)
	case string:
		return v.parse(s)
	}
	return fmt.Errorf("turso: cannot scan %T into a Vector32", src)
}

// UnmarshalBinary decodes libSQL's FLOAT32 vector blob into v.
func (v *Vector32) UnmarshalBinary(b []byte) error {
	if len(b)%4 == 1 && b[len(b)-1] == vectorTypeFloat32 {
		b = b[:len(b)-1]
	}
	if len(b)%4 != 0 {
		return fmt.Errorf("turso: a blob of %d bytes is not a FLOAT32 vector (select vector32(column) to convert other vector types)", len(b))
	}
	out := make(Vector32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	*v = out
	return nil
}

// parse reads the text form "[1, 2.5, -3]".
func (v *Vector32) parse(s string) error {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "[") || !strings.HasSuffix(t, "]") {
		return fmt.Errorf("turso: %q is not a vector (want [x, y, ...])", s)
	}
	t = strings.TrimSpace(t[1 : len(t)-1])
	out := Vector32{}
	if t != "" {
		for _, f := range strings.Split(t, ",") {
			x, err := strconv.ParseFloat(strings.TrimSpace(f), 32)
			if err != nil {
				return fmt.Errorf("turso: %q is not a vector: %v", s, err)
			}
			out = append(out, float32(x))
		}
	}
	*v = out
	return nil
}

// String returns v in libSQL's text form, "[1,2.5,-3]", which vector32()
// accepts.
func (v Vector32) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, x := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatFloat(float64(x), 'g', -1, 32))
	}
	b.WriteByte(']')
	return b.String()
}
