/*
 * Trampolines from SQLite's callbacks into the Go functions exported by
 * funcs.go and hooks.go. The Go side recovers every panic, so none
 * unwinds through SQLite.
 */
#include "binding.h"
#include "_cgo_export.h"

/* Function arguments are copied into a tg_value array on the C stack;
 * SQLite caps the number of arguments (SQLITE_MAX_FUNCTION_ARG, 127). */
#define TG_MAX_ARGS 127

static void tg_xfunc(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	tg_value vals[TG_MAX_ARGS + 1];
	if (argc > TG_MAX_ARGS) {
		sqlite3_result_error(ctx, "too many arguments", -1);
		return;
	}
	tg_values(argv, argc, vals);
	tgCallFunc(ctx, (uintptr_t)sqlite3_user_data(ctx), vals, argc);
}

static void tg_xstep(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	tg_value vals[TG_MAX_ARGS + 1];
	if (argc > TG_MAX_ARGS) {
		sqlite3_result_error(ctx, "too many arguments", -1);
		return;
	}
	/* The aggregate context holds the handle of this group's Go state,
	 * zeroed by SQLite on the first call. */
	uintptr_t *state = sqlite3_aggregate_context(ctx, sizeof(uintptr_t));
	if (state == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	tg_values(argv, argc, vals);
	tgCallStep(ctx, (uintptr_t)sqlite3_user_data(ctx), state, vals, argc);
}

static void tg_xfinal(sqlite3_context *ctx) {
	/* NULL when no row reached xStep. */
	uintptr_t *state = sqlite3_aggregate_context(ctx, 0);
	tgCallFinal(ctx, (uintptr_t)sqlite3_user_data(ctx), state ? *state : 0);
}

static void tg_xdestroy(void *p) { tgDeleteHandle((uintptr_t)p); }

static int tg_xcompare(void *p, int na, const void *a, int nb, const void *b) {
	return tgCallCompare((uintptr_t)p, (char *)a, na, (char *)b, nb);
}

int tg_create_function(sqlite3 *db, const char *name, int nargs, int flags, uintptr_t h, int aggregate) {
	if (aggregate) {
		return sqlite3_create_function_v2(db, name, nargs, SQLITE_UTF8 | flags, (void *)h, NULL, tg_xstep, tg_xfinal,
		                                  tg_xdestroy);
	}
	return sqlite3_create_function_v2(db, name, nargs, SQLITE_UTF8 | flags, (void *)h, tg_xfunc, NULL, NULL,
	                                  tg_xdestroy);
}

int tg_create_collation(sqlite3 *db, const char *name, uintptr_t h) {
	return sqlite3_create_collation_v2(db, name, SQLITE_UTF8, (void *)h, tg_xcompare, tg_xdestroy);
}

static void tg_xupdate(void *p, int op, const char *db, const char *table, sqlite3_int64 rowid) {
	tgCallUpdateHook((uintptr_t)p, op, (char *)db, (char *)table, rowid);
}

static int tg_xcommit(void *p) { return tgCallCommitHook((uintptr_t)p); }

static void tg_xrollback(void *p) { tgCallRollbackHook((uintptr_t)p); }

void tg_set_update_hook(sqlite3 *db, uintptr_t h, int on) {
	sqlite3_update_hook(db, on ? tg_xupdate : NULL, on ? (void *)h : NULL);
}

void tg_set_commit_hook(sqlite3 *db, uintptr_t h, int on) {
	sqlite3_commit_hook(db, on ? tg_xcommit : NULL, on ? (void *)h : NULL);
}

void tg_set_rollback_hook(sqlite3 *db, uintptr_t h, int on) {
	sqlite3_rollback_hook(db, on ? tg_xrollback : NULL, on ? (void *)h : NULL);
}
