//go:build turso_libsql_only

package turso

// tursoExcluded reports whether the build leaves Turso's engines out
// (tag turso_libsql_only): _engine=turso and its kin then fail with an
// error saying so.
const tursoExcluded = true
