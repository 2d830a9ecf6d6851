// Package tursobind is what every host of Turso's N-API binding shares
// apart from the host itself. The binding (npm @tursodatabase/database,
// built by napi-rs) runs natively as a Node addon under package
// tursonative and as wasm under package tursowasm; both hosts open
// databases with the same options, get the same error messages, cannot
// take the same inputs and read statements the same way:
//
//   - NewOptions maps a driver configuration (engine.Config) to the
//     binding's Database options, and CheckConfig refuses, naming the
//     engine, what the engine cannot honour: a pragma it would ignore or
//     not set as asked, a cipher it lacks, a key of the wrong size.
//   - Classify turns the binding's error messages into *engine.Error
//     values with SQLite's result codes.
//   - SQL and Text check the text the engine is handed: the binding reads
//     strings as UTF-8 without checking them, and invalid UTF-8 traps the
//     engine.
//   - SplitFirst, HasDDL and IsDDL read SQL text as the driver hands it
//     over (one statement at a time; scripts that change a schema).
//   - Statement holds what a prepared statement knows in both builds (its
//     parameters, result columns and their declared types), and
//     DeclaredTypes, with DeclCache, finds the declared types and NOT NULL
//     of result columns that the binding does not report, from the
//     engine's EXPLAIN program and the tables' definitions.
//   - ReturningColumnName names RETURNING columns as SQLite does.
//
// The engine's behaviour described here is that of Turso 0.7.2.
package tursobind
