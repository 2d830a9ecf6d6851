/*
 * Helpers that fold several SQLite calls into one, so that the Go side pays
 * one cgo crossing per bind, per row and per exec instead of one per call.
 *
 * Each prepared statement has a tg_stmt in C memory that carries its
 * arguments in, its current row out, and the results of each call. The Go
 * side passes it as an integer (uintptr_t), so that no call needs cgo's
 * pointer checks.
 */
#ifndef TURSO_BINDING_H
#define TURSO_BINDING_H

#include <stdint.h>

#include "sqlite3_api.h"

/* tg_value carries one argument into C or one column out of it. Text and
 * blob bytes live in C memory (p, n). */
typedef struct {
	int type; /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB, SQLITE_NULL */
	int n;
	sqlite3_int64 i;
	double f;
	const void *p;
} tg_value;

/* tg_col is one column of a result row, laid out as the Go type
 * engine.Value (Kind uint8; Int int64; Float float64; Data string), so that
 * Go reads the row in place: kind is 0 for NULL, else the SQLite type;
 * text and blob bytes (p, n) live in SQLite's memory until the next step.
 * stmt.go checks the layout at compile time. */
typedef struct {
	uint8_t kind;
	int64_t i;
	double f;
	const void *p;
	int64_t n;
} tg_col;

typedef struct {
	sqlite3_stmt *stmt;
	/* Arguments (args_cap entries), and the bytes of text and blob
	 * arguments, bound with SQLITE_STATIC: valid until the next bind. */
	tg_value *args;
	int args_cap;
	char *arena;
	size_t arena_cap;
	/* The current row: ncol columns, row_cap entries. */
	tg_col *row;
	int row_cap;
	int ncol;
	/* Times the statement was re-prepared, as of the latest tg_start. */
	int reprep;
	/* Rows changed and last insert rowid after tg_exec. */
	sqlite3_int64 changes;
	sqlite3_int64 rowid;
} tg_stmt;

/* tg_stmt_new wraps s; NULL when out of memory. */
tg_stmt *tg_stmt_new(sqlite3_stmt *s);

/* tg_stmt_free finalizes the statement and frees its buffers. */
void tg_stmt_free(uintptr_t t);

/* tg_reserve makes room for nargs arguments and nbytes of their bytes. It
 * returns SQLITE_OK or SQLITE_NOMEM. */
int tg_reserve(uintptr_t t, int nargs, size_t nbytes);

/* tg_start resets the statement, clears its bindings, binds its first
 * nargs arguments and steps it, as tg_step. It also records reprep. */
int tg_start(uintptr_t t, int nargs);

/* tg_step steps the statement. On SQLITE_ROW the row holds its columns. On
 * SQLITE_DONE the statement is reset, so that it holds no lock. Any other
 * result is returned as is, with the statement left for the caller to read
 * the error from and reset. */
int tg_step(uintptr_t t);

/* tg_exec binds nargs arguments, steps the statement to completion and
 * resets it, recording changes and rowid. On failure it returns the step's
 * result and leaves the statement unreset, as tg_step does. */
int tg_exec(uintptr_t t, int nargs);

/* tg_open opens a connection, accepts double-quoted string literals as
 * SQLite does by default, and sets its busy timeout. On failure *db may
 * still need closing. */
int tg_open(const char *name, int flags, int busy_ms, sqlite3 **db);

/* libSQL's Rust API, used only to run its one-time initialization. */
typedef struct libsql_database libsql_database;
int libsql_open_ext(const char *url, const libsql_database **out_db, const char **out_err_msg);
void libsql_close(const libsql_database *db);
void libsql_free_string(const char *ptr);

/* tg_init_libsql runs libSQL's Rust initialization (which must configure
 * SQLite before anything else touches it) by opening and closing an
 * in-memory database through its API. It returns the Rust layer's error
 * message, to be freed with libsql_free_string, or NULL. */
const char *tg_init_libsql(void);

/* tg_has_schema reports whether db has a database named schema. */
int tg_has_schema(sqlite3 *db, const char *schema);

/* Callbacks into Go (see callbacks.c). Go values are passed to SQLite as
 * runtime/cgo.Handle numbers (uintptr_t), which these helpers cast. */

/* tg_values converts the n arguments of a function call into vals, with
 * text and blob bytes viewed in place. */
void tg_values(sqlite3_value **argv, int n, tg_value *vals);

/* tg_create_function defines a scalar function (aggregate == 0) or an
 * aggregate one whose Go implementation is handle h; SQLite deletes h
 * when the function is dropped, redefined or the connection closes, and
 * also when the definition fails. */
int tg_create_function(sqlite3 *db, const char *name, int nargs, int flags, uintptr_t h, int aggregate);

/* tg_create_collation defines a collation implemented by handle h. SQLite
 * deletes h once the collation is dropped, but NOT when the definition
 * fails: then the caller deletes it. */
int tg_create_collation(sqlite3 *db, const char *name, uintptr_t h);

/* tg_result_text and tg_result_blob set a function's result to a copy of
 * the n bytes at p (which may be NULL when n is 0). */
void tg_result_text(sqlite3_context *ctx, const char *p, int n);
void tg_result_blob(sqlite3_context *ctx, const void *p, int n);

/* tg_set_hooks installs (on != 0) or removes the update, commit and
 * rollback hooks that call Go with handle h. */
void tg_set_update_hook(sqlite3 *db, uintptr_t h, int on);
void tg_set_commit_hook(sqlite3 *db, uintptr_t h, int on);
void tg_set_rollback_hook(sqlite3 *db, uintptr_t h, int on);

#endif
