// Package slt parses and runs SQLite's sqllogictest scripts against any
// database/sql driver.
//
// The format is the one of SQLite's reference harness (sqllogictest.c and
// slt_sqlite.c): records separated by blank lines, `statement ok|error`,
// `query <types> <sort> [label]` followed by SQL, a `----` line and the
// expected values (or "N values hashing to <md5>"), `hash-threshold N`,
// `halt`, and the `skipif <engine>` / `onlyif <engine>` guards. Lines whose
// first character is '#' are comments wherever they appear.
//
// Values are rendered exactly as the reference harness renders them, that
// is as sqlite3_column_int, sqlite3_column_double and sqlite3_column_text
// would see them: see [FormatValue].
//
// The package is driver-agnostic: a [Runner] opens a fresh *sql.DB per
// script through its Open function, so a command linking one driver (for
// example mattn/go-sqlite3 or turso, which cannot share a binary) can run
// the corpus.
package slt
