#include "binding.h"

int tg_bind(sqlite3_stmt *s, const tg_value *args, int nargs) {
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	for (int k = 0; k < nargs; k++) {
		const tg_value *a = &args[k];
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

void tg_fill(sqlite3_stmt *s, tg_value *row, int n) {
	for (int k = 0; k < n; k++) {
		tg_value *v = &row[k];
		int t = sqlite3_column_type(s, k);
		v->type = t;
		switch (t) {
		case SQLITE_INTEGER:
			v->i = sqlite3_column_int64(s, k);
			break;
		case SQLITE_FLOAT:
			v->f = sqlite3_column_double(s, k);
			break;
		case SQLITE_TEXT:
			v->p = sqlite3_column_text(s, k);
			v->n = sqlite3_column_bytes(s, k);
			break;
		case SQLITE_BLOB:
			v->p = sqlite3_column_blob(s, k);
			v->n = sqlite3_column_bytes(s, k);
			break;
		default:
			break;
		}
	}
}

int tg_step(sqlite3_stmt *s, tg_value *row, int cap, int *ncol) {
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		int n = sqlite3_column_count(s);
		*ncol = n;
		if (n <= cap) {
			tg_fill(s, row, n);
		}
	} else if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
	}
	return rc;
}

int tg_start(sqlite3_stmt *s, const tg_value *args, int nargs, tg_value *row, int cap, int *ncol, int *reprep) {
	int rc = tg_bind(s, args, nargs);
	if (rc != SQLITE_OK) {
		return rc;
	}
	rc = tg_step(s, row, cap, ncol);
	*reprep = sqlite3_stmt_status(s, SQLITE_STMTSTATUS_REPREPARE, 0);
	return rc;
}

int tg_exec(sqlite3_stmt *s, const tg_value *args, int nargs, sqlite3_int64 *changes, sqlite3_int64 *rowid) {
	int rc = tg_bind(s, args, nargs);
	if (rc != SQLITE_OK) {
		return rc;
	}
	do {
		rc = sqlite3_step(s);
	} while (rc == SQLITE_ROW);
	if (rc != SQLITE_DONE) {
		return rc;
	}
	sqlite3 *db = sqlite3_db_handle(s);
	*changes = sqlite3_changes64(db);
	*rowid = sqlite3_last_insert_rowid(db);
	sqlite3_reset(s);
	return SQLITE_OK;
}

int tg_open(const char *name, int flags, int busy_ms, sqlite3 **db) {
	int rc = sqlite3_open_v2(name, db, flags, NULL);
	if (rc != SQLITE_OK) {
		return rc;
	}
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
