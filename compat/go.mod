module github.com/turso-go/turso/compat

go 1.26

require (
	github.com/mattn/go-sqlite3 v1.14.53
	github.com/turso-go/turso v0.0.0
)

require (
	github.com/antlr4-go/antlr/v4 v4.13.0 // indirect
	github.com/libsql/sqlite-antlr4-parser v0.0.0-20240327125255-dbf53b6cbf06 // indirect
	github.com/tetratelabs/wazero v1.12.0 // indirect
	github.com/tursodatabase/go-libsql v0.0.0-20251219133454-43644db490ff // indirect
	golang.org/x/exp v0.0.0-20230515195305-f3d0a9c9a5cc // indirect
	golang.org/x/sys v0.44.0 // indirect
)

// The compatibility suite is not published for users: it tests the driver
// of this repository.
replace github.com/turso-go/turso => ../
