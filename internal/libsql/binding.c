#include <stdlib.h>
#include "binding.h"

tg_stmt *tg_stmt_new(sqlite3_stmt *s) {
	tg_stmt *t = calloc(1, sizeof(tg_stmt));
	if (t == NULL) {
		return NULL;
	}
	t->stmt = s;
	int n = sqlite3_column_count(s);
	t->row_cap = n > 0 ? n : 1;
	t->row = calloc((size_t)t->row_cap, sizeof(tg_col));
	if (t->row == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

void tg_stmt_free(uintptr_t h) {
	tg_stmt *t = (tg_stmt *)h;
	sqlite3_finalize(t->stmt);
	free(t->args);
	free(t->arena);
	free(t->row);
	free(t);
}

int tg_reserve(uintptr_t h, int nargs, size_t nbytes) {
	tg_stmt *t = (tg_stmt *)h;
	if (nargs > t->args_cap) {
		tg_value *a = realloc(t->args, (size_t)nargs * sizeof(tg_value));
		if (a == NULL) {
			return SQLITE_NOMEM;
		}
		t->args = a;
		t->args_cap = nargs;
	}
	if (nbytes > t->arena_cap) {
		/* The old bytes are no longer bound (the caller rebinds), so
		 * they need not be kept. */
		char *b = malloc(nbytes);
		if (b == NULL) {
			return SQLITE_NOMEM;
		}
		free(t->arena);
		t->arena = b;
		t->arena_cap = nbytes;
	}
	return SQLITE_OK;
}

/* bind resets the statement, clears its bindings and binds args. */
static int bind(tg_stmt *t, int nargs) {
	sqlite3_stmt *s = t->stmt;
	sqlite3_reset(s);
	if (nargs < sqlite3_bind_parameter_count(s)) {
		/* Otherwise every parameter is bound anew below. */
		sqlite3_clear_bindings(s);
	}
	for (int k = 0; k < nargs; k++) {
		const tg_value *a = &t->args[k];
		int rc;
		switch (a->type) {
		case SQLITE_INTEGER:
			rc = sqlite3_bind_int64(s, k + 1, a->i);
			break;
		case SQLITE_FLOAT:
			rc = sqlite3_bind_double(s, k + 1, a->f);
			break;
		case SQLITE_TEXT:
			/* A NULL pointer would bind SQL NULL: empty text needs a real one. */
			rc = sqlite3_bind_text64(s, k + 1, a->n ? (const char *)a->p : "", (sqlite3_uint64)a->n, SQLITE_STATIC,
			                         SQLITE_UTF8);
			break;
		case SQLITE_BLOB:
			if (a->n == 0) {
				rc = sqlite3_bind_zeroblob(s, k + 1, 0);
			} else {
				rc = sqlite3_bind_blob64(s, k + 1, a->p, (sqlite3_uint64)a->n, SQLITE_STATIC);
			}
			break;
		default:
			rc = sqlite3_bind_null(s, k + 1);
		}
		if (rc != SQLITE_OK) {
			return rc;
		}
	}
	return SQLITE_OK;
}

/* fill stores the current row's columns, growing the row if the statement
 * was re-prepared with more columns. */
static int fill(tg_stmt *t) {
	sqlite3_stmt *s = t->stmt;
	int n = sqlite3_column_count(s);
	if (n > t->row_cap) {
		tg_col *r = realloc(t->row, (size_t)n * sizeof(tg_col));
		if (r == NULL) {
			return SQLITE_NOMEM;
		}
		t->row = r;
		t->row_cap = n;
	}
	t->ncol = n;
	for (int k = 0; k < n; k++) {
		/* Every field is written: those of other kinds are zero, as in
		 * an engine.Value built in Go. */
		tg_col *v = &t->row[k];
		*v = (tg_col){0};
		switch (sqlite3_column_type(s, k)) {
		case SQLITE_INTEGER:
			v->kind = SQLITE_INTEGER;
			v->i = sqlite3_column_int64(s, k);
			break;
		case SQLITE_FLOAT:
			v->kind = SQLITE_FLOAT;
			v->f = sqlite3_column_double(s, k);
			break;
		case SQLITE_TEXT:
			v->kind = SQLITE_TEXT;
			v->p = sqlite3_column_text(s, k);
			v->n = sqlite3_column_bytes(s, k);
			break;
		case SQLITE_BLOB:
			v->kind = SQLITE_BLOB;
			v->p = sqlite3_column_blob(s, k);
			v->n = sqlite3_column_bytes(s, k);
			break;
		}
	}
	return SQLITE_ROW;
}

int tg_step(uintptr_t h) {
	tg_stmt *t = (tg_stmt *)h;
	int rc = sqlite3_step(t->stmt);
	if (rc == SQLITE_ROW) {
		return fill(t);
	}
	if (rc == SQLITE_DONE) {
		sqlite3_reset(t->stmt);
	}
	return rc;
}

int tg_start(uintptr_t h, int nargs) {
	tg_stmt *t = (tg_stmt *)h;
	int rc = bind(t, nargs);
	if (rc != SQLITE_OK) {
		return rc;
	}
	rc = tg_step(h);
	t->reprep = sqlite3_stmt_status(t->stmt, SQLITE_STMTSTATUS_REPREPARE, 0);
	return rc;
}

int tg_exec(uintptr_t h, int nargs) {
	tg_stmt *t = (tg_stmt *)h;
	int rc = bind(t, nargs);
	if (rc != SQLITE_OK) {
		return rc;
	}
	do {
		rc = sqlite3_step(t->stmt);
	} while (rc == SQLITE_ROW);
	if (rc != SQLITE_DONE) {
		return rc;
	}
	sqlite3 *db = sqlite3_db_handle(t->stmt);
	t->changes = sqlite3_changes64(db);
	t->rowid = sqlite3_last_insert_rowid(db);
	sqlite3_reset(t->stmt);
	return SQLITE_OK;
}

int tg_open(const char *name, int flags, int busy_ms, sqlite3 **db) {
	int rc = sqlite3_open_v2(name, db, flags, NULL);
	if (rc != SQLITE_OK) {
		return rc;
	}
	/* libSQL is built with SQLITE_DQS=0; SQLite's default (and so
	 * mattn/go-sqlite3's) accepts double-quoted string literals. */
	sqlite3_db_config(*db, SQLITE_DBCONFIG_DQS_DML, 1, (int *)0);
	sqlite3_db_config(*db, SQLITE_DBCONFIG_DQS_DDL, 1, (int *)0);
	return sqlite3_busy_timeout(*db, busy_ms);
}

const char *tg_init_libsql(void) {
	const libsql_database *db = NULL;
	const char *err = NULL;
	if (libsql_open_ext(":memory:", &db, &err) != 0) {
		return err;
	}
	libsql_close(db);
	return NULL;
}

void tg_values(sqlite3_value **argv, int n, tg_value *vals) {
	for (int k = 0; k < n; k++) {
		tg_value *v = &vals[k];
		sqlite3_value *a = argv[k];
		int t = sqlite3_value_type(a);
		v->type = t;
		switch (t) {
		case SQLITE_INTEGER:
			v->i = sqlite3_value_int64(a);
			break;
		case SQLITE_FLOAT:
			v->f = sqlite3_value_double(a);
			break;
		case SQLITE_TEXT:
			v->p = sqlite3_value_text(a);
			v->n = sqlite3_value_bytes(a);
			break;
		case SQLITE_BLOB:
			v->p = sqlite3_value_blob(a);
			v->n = sqlite3_value_bytes(a);
			break;
		default:
			break;
		}
	}
}

void tg_result_text(sqlite3_context *ctx, const char *p, int n) {
	sqlite3_result_text64(ctx, n ? p : "", (sqlite3_uint64)n, SQLITE_TRANSIENT, SQLITE_UTF8);
}

void tg_result_blob(sqlite3_context *ctx, const void *p, int n) {
	if (n == 0) {
		sqlite3_result_zeroblob(ctx, 0);
		return;
	}
	sqlite3_result_blob64(ctx, p, (sqlite3_uint64)n, SQLITE_TRANSIENT);
}

int tg_has_schema(sqlite3 *db, const char *schema) { return sqlite3_db_filename(db, schema) != NULL; }
