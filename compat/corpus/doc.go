// Package corpus holds the go test that runs SQLite's sqllogictest corpus
// (../shared/sqllogictest next to the repository root, or $SLT_CORPUS)
// through a driver: turso by default, mattn/go-sqlite3 with -tags mattn
// (the two drivers cannot be linked into one test binary).
//
//	go test ./corpus               # whole corpus on turso
//	go test -short ./corpus        # select1-5 and evidence/ only
//	go test -tags mattn ./corpus   # the same on mattn/go-sqlite3
//
// The test is skipped, with a message, when the corpus is absent.
package corpus
