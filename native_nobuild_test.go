//go:build !(linux && amd64 && cgo && !turso_libsql_only)

package turso_test

// nativeBuild reports whether the build has Turso's native engine.
const nativeBuild = false
