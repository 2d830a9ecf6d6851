//go:build linux && amd64 && cgo

/*
 * host.c: loading the addon and the calls the Go side makes into it (see
 * binding.h). Every call is one outermost N-API call on the calling
 * thread: it enters the thread's environment (registering the module on
 * the thread first, once), runs, and leaves, which drops its handles.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binding.h"
#include "host.h"

/* The largest integer a double holds exactly, 2^53-1. */
#define MAX_SAFE_INT 9007199254740991LL

/* The addon's step results (STEP_ROW, STEP_DONE, STEP_IO). */
enum { STEP_ROW = 1, STEP_DONE = 2, STEP_IO = 3 };

char *tn_load(const char *path) {
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&mu);
	/* A process runs one addon: its module registration is the host's
	 * (see host.h). */
	if (tn_register) {
		pthread_mutex_unlock(&mu);
		return NULL;
	}
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	char *err = NULL;
	if (!h) {
		const char *msg = dlerror();
		err = strdup(msg ? msg : "dlopen failed");
	} else if (!(tn_register = (tn_register_fn)dlsym(h, "napi_register_module_v1")))
		err = strdup("the addon exports no napi_register_module_v1");
	pthread_mutex_unlock(&mu);
	return err;
}

/* ---- Encoded values ---- */

typedef struct {
	uint8_t *p;
	size_t n, cap;
	int failed;
} buf;

static void put(buf *b, const void *p, size_t n) {
	if (b->failed)
		return;
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->n + n)
			cap *= 2;
		uint8_t *q = realloc(b->p, cap);
		if (!q) {
			b->failed = 1;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void put_u8(buf *b, uint8_t v) { put(b, &v, 1); }
static void put_u32(buf *b, uint32_t v) { put(b, &v, 4); }
static void put_u64(buf *b, uint64_t v) { put(b, &v, 8); }

static void put_str(buf *b, uint8_t tag, const char *s, size_t n) {
	put_u8(b, tag);
	put_u32(b, (uint32_t)n);
	put(b, s, n);
}

/* plain reports whether an object is data (made with napi_create_object,
 * no prototype, not wrapped, no accessors) rather than an instance that
 * the Go side calls methods on. */
static bool plain(tn_val *v) {
	tn_obj *o = v->u.o;
	if (v->type != JS_OBJECT || o->proto || o->wrapped)
		return false;
	for (uint32_t i = 0; i < o->nprops; i++)
		if (!o->props[i].value)
			return false;
	return true;
}

static void encode(buf *b, tn_val *v, int depth);

static void encode_props(buf *b, tn_val *v, int depth) {
	tn_obj *o = v->u.o;
	put_u32(b, o->nprops);
	for (uint32_t i = 0; i < o->nprops; i++) {
		size_t n = strlen(o->props[i].key);
		put_u32(b, (uint32_t)n);
		put(b, o->props[i].key, n);
		encode(b, o->props[i].value ? o->props[i].value : &tn_undefined_val, depth + 1);
	}
}

static void encode(buf *b, tn_val *v, int depth) {
	switch (v->type) {
	case JS_UNDEFINED:
		put_u8(b, TV_UNDEFINED);
		return;
	case JS_NULL:
		put_u8(b, TV_NULL);
		return;
	case JS_BOOL:
		put_u8(b, v->u.b ? TV_TRUE : TV_FALSE);
		return;
	case JS_NUMBER:
		/* Only an integer the double cannot hold goes as an integer. */
		if ((v->flags & TN_EXACT) && (v->u.num.i > MAX_SAFE_INT || v->u.num.i < -MAX_SAFE_INT)) {
			put_u8(b, TV_INT);
			put_u64(b, (uint64_t)v->u.num.i);
		} else {
			put_u8(b, TV_NUMBER);
			put(b, &v->u.num.d, 8);
		}
		return;
	case JS_BIGINT:
		put_u8(b, TV_BIGINT);
		put_u8(b, v->u.big.neg);
		put_u64(b, v->u.big.mag);
		return;
	case JS_STRING:
		put_str(b, TV_STRING, v->u.str.p, v->u.str.n);
		return;
	case JS_TYPEDARRAY: {
		tn_obj *o = v->u.o;
		put_str(b, TV_BYTES, (const char *)o->bytes, o->length);
		return;
	}
	case JS_ARRAY:
		if (depth < 16) {
			put_u8(b, TV_ARRAY);
			put_u32(b, v->u.o->nelems);
			for (uint32_t i = 0; i < v->u.o->nelems; i++)
				encode(b, v->u.o->elems[i], depth + 1);
			return;
		}
		break;
	case JS_ERROR:
		if (depth < 16) {
			put_u8(b, TV_ERROR);
			encode_props(b, v, depth);
			return;
		}
		break;
	case JS_PROMISE:
		put_u8(b, TV_PROMISE);
		put_u8(b, (uint8_t)v->u.o->state);
		encode(b, v->u.o->result ? v->u.o->result : &tn_undefined_val, depth + 1);
		return;
	case JS_OBJECT:
		if (depth < 16 && plain(v)) {
			put_u8(b, TV_OBJECT);
			encode_props(b, v, depth);
			return;
		}
		break;
	}
	/* An instance, function or buffer: the Go side gets a handle. */
	tn_incref(v);
	put_u8(b, TV_HANDLE);
	put_u64(b, (uint64_t)(uintptr_t)v);
}

typedef struct {
	const uint8_t *p, *end;
	int bad;
} reader;

static bool take(reader *r, void *out, size_t n) {
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return false;
	}
	memcpy(out, r->p, n);
	r->p += n;
	return true;
}

/* decode reads one value into a new handle (undefined on malformed
 * input, which sets r->bad). */
static tn_val *decode(reader *r, int depth) {
	uint8_t tag = 0;
	uint32_t n = 0;
	uint64_t u = 0;
	double d = 0;
	if (depth > 32 || !take(r, &tag, 1)) {
		r->bad = 1;
		return &tn_undefined_val;
	}
	switch (tag) {
	case TV_UNDEFINED:
		return &tn_undefined_val;
	case TV_NULL:
		return &tn_null_val;
	case TV_FALSE:
		return &tn_false_val;
	case TV_TRUE:
		return &tn_true_val;
	case TV_NUMBER:
		take(r, &d, 8);
		return tn_handle(tn_new_number(d));
	case TV_INT:
		take(r, &u, 8);
		return tn_handle(tn_new_int64((int64_t)u));
	case TV_BIGINT: {
		uint8_t neg = 0;
		take(r, &neg, 1);
		take(r, &u, 8);
		return tn_handle(tn_new_bigint(neg != 0, u));
	}
	case TV_STRING:
	case TV_BYTES:
		if (!take(r, &n, 4) || (size_t)(r->end - r->p) < n) {
			r->bad = 1;
			return &tn_undefined_val;
		}
		r->p += n;
		if (tag == TV_STRING)
			return tn_handle(tn_new_string((const char *)r->p - n, n));
		return tn_handle(tn_new_buffer_copy(r->p - n, n));
	case TV_ARRAY: {
		if (!take(r, &n, 4))
			return &tn_undefined_val;
		tn_val *a = tn_handle(tn_new_object(JS_ARRAY));
		for (uint32_t i = 0; i < n && !r->bad; i++)
			tn_push(a, decode(r, depth + 1));
		return a;
	}
	case TV_OBJECT: {
		if (!take(r, &n, 4))
			return &tn_undefined_val;
		tn_val *o = tn_handle(tn_new_object(JS_OBJECT));
		for (uint32_t i = 0; i < n && !r->bad; i++) {
			uint32_t kn = 0;
			if (!take(r, &kn, 4) || (size_t)(r->end - r->p) < kn) {
				r->bad = 1;
				break;
			}
			char *key = malloc(kn + 1);
			if (!key) {
				r->bad = 1;
				break;
			}
			memcpy(key, r->p, kn);
			key[kn] = 0;
			r->p += kn;
			tn_set(o, key, decode(r, depth + 1));
			free(key);
		}
		return o;
	}
	case TV_HANDLE:
		take(r, &u, 8);
		return u ? (tn_val *)(uintptr_t)u : &tn_undefined_val;
	}
	r->bad = 1;
	return &tn_undefined_val;
}

/* ---- Generic calls ---- */

/* enter starts an outermost call on this thread. */
static struct tn_env *enter(void) {
	struct tn_env *e = tn_env_get();
	tn_enter(e);
	return e;
}

static void failed(buf *b, int *status, const char *msg) {
	b->n = 0;
	put_str(b, TV_STRING, msg, strlen(msg));
	*status = TN_FAILED;
}

/* finish encodes the outcome of a call with status st and result r: the
 * result, or the pending exception. */
static void finish(struct tn_env *e, buf *b, int *status, napi_status st, tn_val *r) {
	tn_flush(e);
	tn_val *x = tn_take_exception(e);
	if (x) {
		encode(b, x, 0);
		*status = TN_THROWN;
		return;
	}
	if (st != napi_ok) {
		char msg[64];
		snprintf(msg, sizeof msg, "napi call failed with status %d", (int)st);
		failed(b, status, msg);
		return;
	}
	encode(b, r, 0);
	*status = TN_OK;
}

static uint8_t *done(struct tn_env *e, buf *b, size_t *len, int *status) {
	tn_leave(e);
	if (b->failed) {
		free(b->p);
		*status = TN_FAILED;
		b->p = (uint8_t *)strdup("\x07\x0d\0\0\0out of memory");
		b->n = 18;
	}
	*len = b->n;
	return b->p;
}

/* registered makes sure the module is registered on this thread. */
static bool registered(struct tn_env *e, buf *b, int *status) {
	if (tn_register_thread(e) == 0)
		return true;
	tn_val *x = tn_take_exception(e);
	if (x) {
		encode(b, x, 0);
		*status = TN_THROWN;
	} else
		failed(b, status, "module registration failed");
	return false;
}

/* decode_args decodes an argument list (a TV_ARRAY). */
static bool decode_args(const uint8_t *args, size_t nargs, tn_val **arr) {
	reader r = {args, args + nargs, 0};
	*arr = decode(&r, 0);
	return !r.bad && (*arr)->type == JS_ARRAY;
}

uint8_t *tn_construct_class(const char *cls, const uint8_t *args, size_t nargs, size_t *len, int *status) {
	buf b = {0};
	struct tn_env *e = enter();
	if (registered(e, &b, status)) {
		tn_val *arr, *ctor, *r = &tn_undefined_val;
		napi_status st = tn_get(e->exports, cls, &ctor);
		if (!decode_args(args, nargs, &arr))
			failed(&b, status, "malformed arguments");
		else if (st != napi_ok || ctor->type != JS_FUNCTION)
			failed(&b, status, "the addon has no such class");
		else {
			st = tn_construct(ctor, arr->u.o->nelems, arr->u.o->elems, &r);
			finish(e, &b, status, st, r);
		}
	}
	return done(e, &b, len, status);
}

uint8_t *tn_call_method(uintptr_t obj, const char *name, const uint8_t *args, size_t nargs, size_t *len, int *status) {
	buf b = {0};
	struct tn_env *e = enter();
	if (registered(e, &b, status)) {
		tn_val *this_ = obj ? (tn_val *)obj : e->exports, *arr, *fn, *r = &tn_undefined_val;
		napi_status st = tn_get(this_, name, &fn);
		if (!decode_args(args, nargs, &arr))
			failed(&b, status, "malformed arguments");
		else if (st != napi_ok || fn->type != JS_FUNCTION) {
			tn_take_exception(e);
			failed(&b, status, "no such method");
		} else {
			st = tn_call(fn, this_, arr->u.o->nelems, arr->u.o->elems, &r);
			finish(e, &b, status, st, r);
		}
	}
	return done(e, &b, len, status);
}

uint8_t *tn_get_property(uintptr_t obj, const char *name, size_t *len, int *status) {
	buf b = {0};
	struct tn_env *e = enter();
	if (registered(e, &b, status)) {
		tn_val *r;
		napi_status st = tn_get(obj ? (tn_val *)obj : e->exports, name, &r);
		finish(e, &b, status, st, r);
	}
	return done(e, &b, len, status);
}

void tn_release(uintptr_t obj) {
	struct tn_env *e = enter();
	/* The finalizers that may run are the addon's: register first. */
	tn_register_thread(e);
	tn_take_exception(e);
	tn_decref((tn_val *)obj);
	tn_leave(e);
}

/* ---- Connections and statements ---- */

tn_conn *tn_conn_new(uintptr_t db) {
	tn_conn *c = calloc(1, sizeof *c);
	if (c)
		c->db = db;
	return c;
}

void tn_conn_free(tn_conn *c) {
	tn_release(c->db);
	free(c->err_msg);
	free(c->err_code);
	free(c);
}

/* set_error records the pending exception (or msg) as c's latest failure. */
static void set_error(struct tn_env *e, tn_conn *c, const char *msg) {
	free(c->err_msg);
	free(c->err_code);
	c->err_msg = c->err_code = NULL;
	tn_val *x = tn_take_exception(e);
	if (x && tn_is_object(x)) {
		tn_val *m, *code;
		if (tn_get(x, "message", &m) == napi_ok && m->type == JS_STRING)
			c->err_msg = strdup(m->u.str.p);
		if (tn_get(x, "code", &code) == napi_ok && code->type == JS_STRING)
			c->err_code = strdup(code->u.str.p);
		tn_take_exception(e);
	} else if (x && x->type == JS_STRING)
		c->err_msg = strdup(x->u.str.p);
	if (!c->err_msg)
		c->err_msg = strdup(msg);
}

/* method calls method name of obj with argc arguments. */
static napi_status method(tn_val *obj, const char *name, size_t argc, tn_val *const *argv, tn_val **r) {
	tn_val *fn;
	napi_status st = tn_get(obj, name, &fn);
	if (st != napi_ok)
		return st;
	return tn_call(fn, obj, argc, argv, r);
}

/* cached returns method name of obj, looked up once into *slot: methods
 * are immortal, so the pointer stays valid. */
static tn_val *cached(tn_val *obj, uintptr_t *slot, const char *name) {
	if (*slot)
		return (tn_val *)*slot;
	tn_val *fn;
	if (tn_get(obj, name, &fn) != napi_ok || fn->type != JS_FUNCTION)
		return NULL;
	if (fn->flags & TN_IMMORTAL)
		*slot = (uintptr_t)fn;
	return fn;
}

/* number reads a number or BigInt as an int64. */
static int64_t number(tn_val *v) {
	switch (v->type) {
	case JS_NUMBER:
		return (v->flags & TN_EXACT) ? v->u.num.i : (int64_t)v->u.num.d;
	case JS_BIGINT:
		return v->u.big.neg ? -(int64_t)v->u.big.mag : (int64_t)v->u.big.mag;
	}
	return 0;
}

/* run steps runner (a Statement or BatchExecutor) once, running the
 * database's I/O loop while the engine asks for it: STEP_ROW or STEP_DONE,
 * TN_ERROR or TN_INTERRUPTED. */
static int run(struct tn_env *e, tn_conn *c, tn_val *runner, tn_val *step_fn) {
	tn_val *db = (tn_val *)c->db;
	for (;;) {
		if (__atomic_exchange_n(&c->interrupted, 0, __ATOMIC_ACQ_REL)) {
			set_error(e, c, "interrupted");
			return TN_INTERRUPTED;
		}
		tn_val *r;
		if (tn_call(step_fn, runner, 0, NULL, &r) != napi_ok) {
			set_error(e, c, "step failed");
			return TN_ERROR;
		}
		int64_t code = number(r);
		if (code == STEP_ROW || code == STEP_DONE)
			return (int)code;
		if (code != STEP_IO) {
			set_error(e, c, "unexpected step result");
			return TN_ERROR;
		}
		tn_val *io_fn = cached(db, &c->m_io, "ioLoopSync");
		if (!io_fn) {
			set_error(e, c, "no I/O loop");
			return TN_ERROR;
		}
		if (tn_call(io_fn, db, 0, NULL, &r) != napi_ok) {
			set_error(e, c, "I/O failed");
			return TN_ERROR;
		}
	}
}

void tn_conn_interrupt(tn_conn *c) { __atomic_store_n(&c->interrupted, 1, __ATOMIC_RELEASE); }

static struct tn_env *begin(tn_conn *c);

int tn_conn_exec(tn_conn *c, const char *sql, size_t n) {
	struct tn_env *e = begin(c);
	if (!e)
		return TN_ERROR;
	int rc = TN_DONE;
	__atomic_store_n(&c->interrupted, 0, __ATOMIC_RELEASE);
	tn_val *db = (tn_val *)c->db;
	tn_val *text = tn_handle(tn_new_string(sql, n));
	tn_val *ex, *step, *ignored;
	if (method(db, "executor", 1, &text, &ex) != napi_ok) {
		set_error(e, c, "executor failed");
		tn_leave(e);
		return TN_ERROR;
	}
	if (tn_get(ex, "stepSync", &step) != napi_ok) {
		set_error(e, c, "executor has no stepSync");
		rc = TN_ERROR;
	}
	while (rc == TN_DONE) {
		int r = run(e, c, ex, step);
		if (r == STEP_DONE)
			break;
		if (r != STEP_ROW)
			rc = r;
	}
	/* reset drops the executor's statement, also after a failure (whose
	 * exception set_error took). */
	tn_take_exception(e);
	method(ex, "reset", 0, NULL, &ignored);
	tn_take_exception(e);
	tn_leave(e);
	return rc;
}

int tn_conn_counts(tn_conn *c) {
	struct tn_env *e = begin(c);
	if (!e)
		return TN_ERROR;
	int rc = TN_OK;
	tn_val *db = (tn_val *)c->db, *r;
	tn_val *changes_fn, *rowid_fn;
	if (!(changes_fn = cached(db, &c->m_changes, "changes")) || tn_call(changes_fn, db, 0, NULL, &r) != napi_ok) {
		set_error(e, c, "changes failed");
		rc = TN_ERROR;
	} else {
		c->changes = number(r);
		if (!(rowid_fn = cached(db, &c->m_rowid, "lastInsertRowid")) || tn_call(rowid_fn, db, 0, NULL, &r) != napi_ok) {
			set_error(e, c, "lastInsertRowid failed");
			rc = TN_ERROR;
		} else
			c->rowid = number(r);
	}
	tn_leave(e);
	return rc;
}

uint8_t *tn_conn_prepare(tn_conn *c, const char *sql, size_t n, size_t *len, int *status) {
	buf b = {0};
	struct tn_env *e = enter();
	if (!registered(e, &b, status))
		return done(e, &b, len, status);
	tn_val *db = (tn_val *)c->db, *text = tn_handle(tn_new_string(sql, n));
	tn_val *st, *r, *count, *cols, *class;
	if (method(db, "prepare", 1, &text, &st) != napi_ok) {
		finish(e, &b, status, napi_generic_failure, NULL);
		return done(e, &b, len, status);
	}
	tn_val *yes = &tn_true_val;
	napi_status ok = method(st, "raw", 1, &yes, &r);
	if (ok == napi_ok)
		ok = method(st, "safeIntegers", 1, &yes, &r);
	if (ok == napi_ok)
		ok = method(st, "parameterCount", 0, NULL, &count);
	tn_val *out = tn_handle(tn_new_object(JS_ARRAY));
	tn_push(out, st);
	tn_val *names = tn_handle(tn_new_object(JS_ARRAY));
	tn_push(out, names);
	for (int64_t i = 1; ok == napi_ok && i <= number(count); i++) {
		tn_val *idx = tn_handle(tn_new_int64(i)), *name;
		ok = method(st, "parameterName", 1, &idx, &name);
		if (ok == napi_ok)
			tn_push(names, name);
	}
	if (ok == napi_ok)
		ok = method(st, "columns", 0, NULL, &cols);
	if (ok == napi_ok) {
		tn_push(out, cols);
		ok = method(db, "classifySql", 1, &text, &class);
	}
	if (ok == napi_ok)
		tn_push(out, class);
	finish(e, &b, status, ok, out);
	if (*status != TN_OK) {
		/* The statement is not handed out: finalize it. */
		tn_take_exception(e);
		method(st, "finalize", 0, NULL, &r);
		tn_take_exception(e);
	}
	return done(e, &b, len, status);
}

tn_stmt *tn_stmt_new(tn_conn *c, uintptr_t obj) {
	tn_stmt *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->conn = c;
	s->obj = obj;
	return s;
}

/* drop_row releases the row array the statement holds. */
static void drop_row(tn_stmt *s) {
	if (s->row_array) {
		tn_decref((tn_val *)s->row_array);
		s->row_array = 0;
	}
	s->ncol = 0;
}

void tn_stmt_free(tn_stmt *s) {
	struct tn_env *e = enter();
	tn_register_thread(e);
	tn_take_exception(e);
	drop_row(s);
	tn_decref((tn_val *)s->obj);
	tn_leave(e);
	free(s->args);
	free(s->arena);
	free(s->row);
	free(s);
}

int tn_reserve(tn_stmt *s, int nargs, size_t nbytes) {
	if (nargs > s->args_cap) {
		tn_value *a = realloc(s->args, nargs * sizeof *a);
		if (!a)
			return -1;
		s->args = a;
		s->args_cap = nargs;
	}
	if (nbytes > s->arena_cap) {
		char *p = realloc(s->arena, nbytes);
		if (!p)
			return -1;
		s->arena = p;
		s->arena_cap = nbytes;
	}
	return 0;
}

/* Safe integers bind as numbers; larger ones as BigInts (which the addon
 * parses from their text). */
static tn_val *arg_value(const tn_value *a) {
	switch (a->kind) {
	case 1:
		if (a->i >= -MAX_SAFE_INT && a->i <= MAX_SAFE_INT)
			return tn_handle(tn_new_int64(a->i));
		return tn_handle(tn_new_bigint(a->i < 0, a->i < 0 ? -(uint64_t)a->i : (uint64_t)a->i));
	case 2:
		return tn_handle(tn_new_number(a->f));
	case 3:
		return tn_handle(tn_new_string(a->p, a->n));
	case 4:
		/* A view of the statement's arena, which stays put until the
		 * call returns: the addon copies the bytes out in bindAt. */
		return tn_handle(tn_new_buffer_view(a->p, a->n));
	}
	return &tn_null_val;
}

/* reset resets the statement unless it is reset already (it has not
 * stepped since its last reset): TN_OK or TN_ERROR. */
static int reset(struct tn_env *e, tn_stmt *s) {
	tn_val *obj = (tn_val *)s->obj, *r;
	drop_row(s);
	if (!s->dirty)
		return TN_OK;
	tn_val *reset_fn = cached(obj, &s->m_reset, "reset");
	if (!reset_fn || tn_call(reset_fn, obj, 0, NULL, &r) != napi_ok) {
		set_error(e, s->conn, "reset failed");
		return TN_ERROR;
	}
	s->dirty = 0;
	return TN_OK;
}

/* bind resets the statement and binds nargs arguments and NULL to the
 * remaining parameters up to nparams. */
static int bind(struct tn_env *e, tn_stmt *s, int nargs, int nparams) {
	tn_val *obj = (tn_val *)s->obj, *r;
	if (reset(e, s) != TN_OK)
		return TN_ERROR;
	if (nparams == 0)
		return TN_OK;
	tn_val *bind_fn = cached(obj, &s->m_bind, "bindAt");
	if (!bind_fn) {
		set_error(e, s->conn, "no bindAt");
		return TN_ERROR;
	}
	for (int i = 0; i < nparams; i++) {
		tn_val *argv[2] = {tn_new_int64(i + 1), i < nargs ? arg_value(&s->args[i]) : &tn_null_val};
		tn_handle(argv[0]);
		if (tn_call(bind_fn, obj, 2, argv, &r) != napi_ok) {
			set_error(e, s->conn, "bind failed");
			return TN_ERROR;
		}
	}
	return TN_OK;
}

/* read_row fetches the current row (raw mode: an array) into s->row. */
static int read_row(struct tn_env *e, tn_stmt *s) {
	tn_val *arr, *obj = (tn_val *)s->obj;
	tn_val *row_fn = cached(obj, &s->m_row, "row");
	if (!row_fn || tn_call(row_fn, obj, 0, NULL, &arr) != napi_ok) {
		set_error(e, s->conn, "row failed");
		return TN_ERROR;
	}
	if (arr->type != JS_ARRAY) {
		set_error(e, s->conn, "row is not an array");
		return TN_ERROR;
	}
	tn_obj *o = arr->u.o;
	if ((int)o->nelems > s->row_cap) {
		tn_value *row = realloc(s->row, o->nelems * sizeof *row);
		if (!row) {
			set_error(e, s->conn, "out of memory");
			return TN_ERROR;
		}
		s->row = row;
		s->row_cap = o->nelems;
	}
	for (uint32_t i = 0; i < o->nelems; i++) {
		tn_val *v = o->elems[i];
		tn_value *c = &s->row[i];
		switch (v->type) {
		case JS_BIGINT:
			c->kind = 1;
			c->i = number(v);
			break;
		case JS_NUMBER:
			/* With safe integers, integers are BigInts: a number is a
			 * float (also when its value is integral). */
			c->kind = 2;
			c->f = v->u.num.d;
			break;
		case JS_STRING:
			c->kind = 3;
			c->p = v->u.str.p;
			c->n = (uint32_t)v->u.str.n;
			break;
		case JS_TYPEDARRAY:
			c->kind = 4;
			c->p = (const char *)v->u.o->bytes;
			c->n = (uint32_t)v->u.o->length;
			break;
		default:
			c->kind = 0;
		}
	}
	/* The row's bytes live in its values: hold the array until the next
	 * step. */
	tn_incref(arr);
	s->row_array = (uintptr_t)arr;
	s->ncol = (int)o->nelems;
	return STEP_ROW;
}

static int step(struct tn_env *e, tn_stmt *s) {
	tn_val *obj = (tn_val *)s->obj, *r;
	drop_row(s);
	tn_val *step_fn = cached(obj, &s->m_step, "stepSync");
	if (!step_fn) {
		set_error(e, s->conn, "no stepSync");
		return TN_ERROR;
	}
	s->dirty = 1;
	int rc = run(e, s->conn, obj, step_fn);
	if (rc == STEP_ROW)
		rc = read_row(e, s);
	if (rc == STEP_ROW)
		return TN_ROW;
	/* Done or failed: reset, so that the statement holds no lock. A
	 * failure's exception is already recorded. */
	tn_take_exception(e);
	tn_val *reset_fn = cached(obj, &s->m_reset, "reset");
	if (reset_fn && tn_call(reset_fn, obj, 0, NULL, &r) == napi_ok)
		s->dirty = 0;
	tn_take_exception(e);
	return rc == STEP_DONE ? TN_DONE : rc;
}

/* Each call on a connection or statement is an outermost call that first
 * registers the module on the thread; begin starts one, or records the
 * failure on c and returns NULL (the call is then over). */
static struct tn_env *begin(tn_conn *c) {
	struct tn_env *e = enter();
	if (tn_register_thread(e) == 0)
		return e;
	set_error(e, c, "module registration failed");
	tn_leave(e);
	return NULL;
}

/* A statement's run and its interrupt flag start together. */
static int start(struct tn_env *e, tn_stmt *s, int nargs, int nparams) {
	__atomic_store_n(&s->conn->interrupted, 0, __ATOMIC_RELEASE);
	return bind(e, s, nargs, nparams);
}

int tn_stmt_start(tn_stmt *s, int nargs, int nparams) {
	struct tn_env *e = begin(s->conn);
	if (!e)
		return TN_ERROR;
	int rc = start(e, s, nargs, nparams);
	if (rc == TN_OK)
		rc = step(e, s);
	tn_leave(e);
	return rc;
}

int tn_stmt_step(tn_stmt *s) {
	struct tn_env *e = begin(s->conn);
	if (!e)
		return TN_ERROR;
	int rc = step(e, s);
	tn_leave(e);
	return rc;
}

int tn_stmt_exec(tn_stmt *s, int nargs, int nparams) {
	struct tn_env *e = begin(s->conn);
	if (!e)
		return TN_ERROR;
	int rc = start(e, s, nargs, nparams);
	while (rc == TN_OK || rc == TN_ROW)
		rc = step(e, s);
	drop_row(s);
	tn_leave(e);
	if (rc == TN_DONE)
		rc = tn_conn_counts(s->conn) == TN_OK ? TN_DONE : TN_ERROR;
	return rc;
}

int tn_stmt_reset(tn_stmt *s) {
	struct tn_env *e = begin(s->conn);
	if (!e)
		return TN_ERROR;
	int rc = reset(e, s);
	tn_leave(e);
	return rc;
}
