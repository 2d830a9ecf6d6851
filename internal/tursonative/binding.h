/*
 * The calls the Go side makes into the host (host.c).
 *
 * Generic calls (construct a class, call a method, read a property) take
 * their arguments and return their result encoded in a byte string (see
 * the tags below and value.go). They serve everything but the hot path.
 *
 * The hot path (bind, step, read a row, exec) is one call per step on a
 * tn_stmt, which carries the arguments in and the row out in C memory, as
 * the libSQL binding's tg_stmt does.
 */
#ifndef TURSO_BINDING_H
#define TURSO_BINDING_H

#include <stddef.h>
#include <stdint.h>

/* Tags of encoded values. */
enum {
	TV_UNDEFINED = 0,
	TV_NULL = 1,
	TV_FALSE = 2,
	TV_TRUE = 3,
	TV_NUMBER = 4,  /* f64 */
	TV_INT = 5,     /* i64: a number the addon made from an integer */
	TV_BIGINT = 6,  /* u8 sign, u64 magnitude */
	TV_STRING = 7,  /* u32 length, bytes */
	TV_BYTES = 8,   /* u32 length, bytes: a Buffer or Uint8Array */
	TV_ARRAY = 9,   /* u32 count, values */
	TV_OBJECT = 10, /* u32 count, (u32 length, key bytes, value)... */
	TV_HANDLE = 11, /* u64: an object the Go side holds (a count) */
	TV_ERROR = 12,  /* an object: its properties, as TV_OBJECT */
	TV_PROMISE = 13 /* u8 state, value */
};

/* Results of the calls. */
enum {
	TN_OK = 0,
	TN_THROWN = 1, /* the addon threw; the result is the exception */
	TN_FAILED = 2, /* the host failed; the result is a message string */
	TN_ROW = 100,
	TN_DONE = 101,
	TN_ERROR = 102,      /* the statement failed: see err */
	TN_INTERRUPTED = 103 /* Conn.Interrupt stopped it */
};

/* tn_load loads the addon at path; on failure it returns a message to
 * free. A process loads one addon: once one is loaded, tn_load does
 * nothing. */
char *tn_load(const char *path);

/* Generic calls. Each returns a malloc'd encoding of its result (to free)
 * of *len bytes and sets *status to TN_OK, TN_THROWN or TN_FAILED. */
uint8_t *tn_construct_class(const char *cls, const uint8_t *args, size_t nargs, size_t *len, int *status);
/* tn_call_method calls method name of obj (0: of the module's exports). */
uint8_t *tn_call_method(uintptr_t obj, const char *name, const uint8_t *args, size_t nargs, size_t *len, int *status);
/* tn_get_property reads property name of obj (0: of the module's exports). */
uint8_t *tn_get_property(uintptr_t obj, const char *name, size_t *len, int *status);
/* tn_release drops the count the Go side holds on a handle. */
void tn_release(uintptr_t obj);

/* One argument in or one column out: kind is engine.Kind (0 null,
 * 1 integer, 2 float, 3 text, 4 blob); text and blob bytes are p[0:n]. */
typedef struct {
	int kind;
	uint32_t n;
	int64_t i;
	double f;
	const char *p;
} tn_value;

/* A connection: a Database object of the addon. */
typedef struct {
	uintptr_t db;
	/* Set by Conn.Interrupt from any goroutine; checked between steps. */
	volatile int interrupted;
	/* The latest failure: the exception's message and code (malloc'd). */
	char *err_msg;
	char *err_code;
	int64_t changes;
	int64_t rowid;
	/* Methods looked up once. */
	uintptr_t m_io, m_changes, m_rowid;
} tn_conn;

/* A prepared statement: a Statement object of the addon. */
typedef struct {
	uintptr_t obj;
	tn_conn *conn;
	/* Arguments (args_cap), their text and blob bytes in arena. */
	tn_value *args;
	int args_cap;
	char *arena;
	size_t arena_cap;
	/* The current row: ncol columns; its bytes belong to the row array,
	 * which the statement holds until the next step. */
	tn_value *row;
	int row_cap;
	int ncol;
	uintptr_t row_array;
	/* Set once stepped, cleared by a reset. */
	int dirty;
	/* Methods looked up once. */
	uintptr_t m_step, m_row, m_reset, m_bind;
} tn_stmt;

/* tn_conn_new wraps a Database handle (whose count it takes). */
tn_conn *tn_conn_new(uintptr_t db);
/* tn_conn_free closes nothing: it drops the handle and frees c. */
void tn_conn_free(tn_conn *c);
/* tn_conn_interrupt sets c->interrupted; safe from any thread. */
void tn_conn_interrupt(tn_conn *c);
/* tn_conn_exec runs every statement of sql[0:n] to completion. */
int tn_conn_exec(tn_conn *c, const char *sql, size_t n);
/* tn_conn_counts sets changes and rowid from the connection. */
int tn_conn_counts(tn_conn *c);

/* tn_conn_prepare prepares the first statement of sql[0:n] in raw mode
 * with safe integers and describes it, as a generic call does: its result
 * is [statement handle, [parameter names], columns(), classifySql()]. */
uint8_t *tn_conn_prepare(tn_conn *c, const char *sql, size_t n, size_t *len, int *status);

/* tn_stmt_new wraps a Statement handle (whose count it takes). */
tn_stmt *tn_stmt_new(tn_conn *c, uintptr_t obj);
void tn_stmt_free(tn_stmt *s);
/* tn_reserve makes room for nargs arguments and nbytes of their bytes: 0,
 * or -1 when out of memory. */
int tn_reserve(tn_stmt *s, int nargs, size_t nbytes);
/* tn_stmt_start resets the statement, binds its nargs arguments (the
 * statement has nparams parameters: the rest are bound to NULL) and steps,
 * as tn_stmt_step. */
int tn_stmt_start(tn_stmt *s, int nargs, int nparams);
/* tn_stmt_step steps to the next row (TN_ROW, with the row in row), to
 * the end (TN_DONE; the statement is reset), or to a failure (TN_ERROR or
 * TN_INTERRUPTED; the statement is reset). */
int tn_stmt_step(tn_stmt *s);
/* tn_stmt_exec binds, steps to the end and resets, then reads the
 * connection's changes and rowid. */
int tn_stmt_exec(tn_stmt *s, int nargs, int nparams);
/* tn_stmt_reset resets the statement. */
int tn_stmt_reset(tn_stmt *s);

#endif
