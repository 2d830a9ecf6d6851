/*
 * fakeaddon.c is a small N-API addon that the host's tests build with gcc
 * and load instead of Turso's: its exports call every napi_* function a
 * Turso addon imports, so that the tests check each one's behaviour
 * through the host's generic calls. Its napi_* imports resolve from the
 * test binary (-rdynamic), as Turso's do.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../napi_abi.h"

napi_status napi_get_undefined(napi_env, napi_value *);
napi_status napi_get_null(napi_env, napi_value *);
napi_status napi_get_global(napi_env, napi_value *);
napi_status napi_get_boolean(napi_env, bool, napi_value *);
napi_status napi_create_object(napi_env, napi_value *);
napi_status napi_create_array_with_length(napi_env, size_t, napi_value *);
napi_status napi_create_double(napi_env, double, napi_value *);
napi_status napi_create_int32(napi_env, int32_t, napi_value *);
napi_status napi_create_uint32(napi_env, uint32_t, napi_value *);
napi_status napi_create_int64(napi_env, int64_t, napi_value *);
napi_status napi_create_bigint_words(napi_env, int, size_t, const uint64_t *, napi_value *);
napi_status napi_create_string_utf8(napi_env, const char *, size_t, napi_value *);
napi_status napi_create_function(napi_env, const char *, size_t, napi_callback, void *, napi_value *);
napi_status napi_create_error(napi_env, napi_value, napi_value, napi_value *);
napi_status napi_typeof(napi_env, napi_value, napi_valuetype *);
napi_status napi_get_value_double(napi_env, napi_value, double *);
napi_status napi_get_value_int32(napi_env, napi_value, int32_t *);
napi_status napi_get_value_uint32(napi_env, napi_value, uint32_t *);
napi_status napi_get_value_int64(napi_env, napi_value, int64_t *);
napi_status napi_get_value_bool(napi_env, napi_value, bool *);
napi_status napi_get_value_string_utf8(napi_env, napi_value, char *, size_t, size_t *);
napi_status napi_coerce_to_string(napi_env, napi_value, napi_value *);
napi_status napi_coerce_to_object(napi_env, napi_value, napi_value *);
napi_status napi_set_named_property(napi_env, napi_value, const char *, napi_value);
napi_status napi_get_named_property(napi_env, napi_value, const char *, napi_value *);
napi_status napi_set_property(napi_env, napi_value, napi_value, napi_value);
napi_status napi_get_property(napi_env, napi_value, napi_value, napi_value *);
napi_status napi_set_element(napi_env, napi_value, uint32_t, napi_value);
napi_status napi_get_element(napi_env, napi_value, uint32_t, napi_value *);
napi_status napi_is_array(napi_env, napi_value, bool *);
napi_status napi_get_array_length(napi_env, napi_value, uint32_t *);
napi_status napi_define_properties(napi_env, napi_value, size_t, const napi_property_descriptor *);
napi_status napi_define_class(napi_env, const char *, size_t, napi_callback, void *, size_t, const napi_property_descriptor *, napi_value *);
napi_status napi_get_cb_info(napi_env, napi_callback_info, size_t *, napi_value *, napi_value *, void **);
napi_status napi_call_function(napi_env, napi_value, napi_value, size_t, const napi_value *, napi_value *);
napi_status napi_new_instance(napi_env, napi_value, size_t, const napi_value *, napi_value *);
napi_status napi_wrap(napi_env, napi_value, void *, napi_finalize, void *, napi_ref *);
napi_status napi_unwrap(napi_env, napi_value, void **);
napi_status napi_add_finalizer(napi_env, napi_value, void *, napi_finalize, void *, napi_ref *);
napi_status napi_create_reference(napi_env, napi_value, uint32_t, napi_ref *);
napi_status napi_delete_reference(napi_env, napi_ref);
napi_status napi_reference_unref(napi_env, napi_ref, uint32_t *);
napi_status napi_get_reference_value(napi_env, napi_ref, napi_value *);
napi_status napi_throw(napi_env, napi_value);
napi_status napi_throw_error(napi_env, const char *, const char *);
napi_status napi_is_error(napi_env, napi_value, bool *);
napi_status napi_is_exception_pending(napi_env, bool *);
napi_status napi_get_and_clear_last_exception(napi_env, napi_value *);
napi_status napi_is_typedarray(napi_env, napi_value, bool *);
napi_status napi_is_buffer(napi_env, napi_value, bool *);
napi_status napi_create_buffer(napi_env, size_t, void **, napi_value *);
napi_status napi_create_buffer_copy(napi_env, size_t, const void *, void **, napi_value *);
napi_status napi_create_external_buffer(napi_env, size_t, void *, napi_finalize, void *, napi_value *);
napi_status napi_get_buffer_info(napi_env, napi_value, void **, size_t *);
napi_status napi_create_promise(napi_env, napi_deferred *, napi_value *);
napi_status napi_resolve_deferred(napi_env, napi_deferred, napi_value);
napi_status napi_reject_deferred(napi_env, napi_deferred, napi_value);
napi_status napi_create_async_work(napi_env, napi_value, napi_value, napi_async_execute_callback, napi_async_complete_callback, void *, napi_async_work *);
napi_status napi_queue_async_work(napi_env, napi_async_work);
napi_status napi_delete_async_work(napi_env, napi_async_work);
napi_status napi_create_threadsafe_function(napi_env, napi_value, napi_value, napi_value, size_t, size_t, void *, napi_finalize, void *, napi_threadsafe_function_call_js, napi_threadsafe_function *);
napi_status napi_call_threadsafe_function(napi_threadsafe_function, void *, napi_threadsafe_function_call_mode);
napi_status napi_unref_threadsafe_function(napi_env, napi_threadsafe_function);

/* Failures of the addon's own checks: a napi call returned an unexpected
 * status. fail() throws an Error naming the line. */
#define OK(call)                                                            \
	do {                                                                \
		napi_status st_ = (call);                                   \
		if (st_ != napi_ok) {                                       \
			char msg_[96];                                      \
			snprintf(msg_, sizeof msg_, "line %d: status %d", __LINE__, st_); \
			napi_throw_error(env, "FAKE", msg_);                \
			return NULL;                                        \
		}                                                           \
	} while (0)

static napi_value arg(napi_env env, napi_callback_info info, size_t i) {
	napi_value argv[4];
	size_t argc = 4;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (i < argc)
		return argv[i];
	napi_value u;
	napi_get_undefined(env, &u);
	return u;
}

static napi_value str(napi_env env, const char *s) {
	napi_value v;
	napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
	return v;
}

static napi_value num(napi_env env, double d) {
	napi_value v;
	napi_create_double(env, d, &v);
	return v;
}

/* echo(v) returns v. */
static napi_value echo(napi_env env, napi_callback_info info) { return arg(env, info, 0); }

/* typeOf(v) returns napi_typeof's answer as text. */
static napi_value type_of(napi_env env, napi_callback_info info) {
	static const char *names[] = {"undefined", "null", "boolean", "number", "string", "symbol", "object", "function", "external", "bigint"};
	napi_valuetype t;
	OK(napi_typeof(env, arg(env, info, 0), &t));
	return str(env, names[t]);
}

/* numbers() returns numbers and BigInts made every way. */
static napi_value numbers(napi_env env, napi_callback_info info) {
	napi_value arr, v;
	OK(napi_create_array_with_length(env, 7, &arr));
	OK(napi_create_int32(env, -5, &v));
	OK(napi_set_element(env, arr, 0, v));
	OK(napi_create_uint32(env, 4000000000u, &v));
	OK(napi_set_element(env, arr, 1, v));
	OK(napi_create_int64(env, 9007199254740993LL, &v));
	OK(napi_set_element(env, arr, 2, v));
	OK(napi_create_double(env, 2.5, &v));
	OK(napi_set_element(env, arr, 3, v));
	uint64_t w = 7;
	OK(napi_create_bigint_words(env, 1, 1, &w, &v));
	OK(napi_set_element(env, arr, 4, v));
	uint64_t words[2] = {UINT64_MAX, 0};
	OK(napi_create_bigint_words(env, 0, 2, words, &v));
	OK(napi_set_element(env, arr, 5, v));
	uint64_t big[2] = {1, 1};
	if (napi_create_bigint_words(env, 0, 2, big, &v) != napi_invalid_arg)
		return str(env, "a 65-bit BigInt was accepted");
	OK(napi_create_double(env, -0.0, &v));
	OK(napi_set_element(env, arr, 6, v));
	return arr;
}

/* readNumber(v) returns v read as int32, uint32, int64 and double, and
 * the status of reading it as a bool. */
static napi_value read_number(napi_env env, napi_callback_info info) {
	napi_value v = arg(env, info, 0), out, r;
	int32_t i32 = 0;
	uint32_t u32 = 0;
	int64_t i64 = 0;
	double d = 0;
	bool b;
	OK(napi_create_object(env, &out));
	napi_status st = napi_get_value_int32(env, v, &i32);
	OK(napi_create_int32(env, st == napi_ok ? i32 : -(int32_t)st, &r));
	OK(napi_set_named_property(env, out, "i32", r));
	napi_get_value_uint32(env, v, &u32);
	OK(napi_create_uint32(env, u32, &r));
	OK(napi_set_named_property(env, out, "u32", r));
	napi_get_value_int64(env, v, &i64);
	OK(napi_create_int64(env, i64, &r));
	OK(napi_set_named_property(env, out, "i64", r));
	napi_get_value_double(env, v, &d);
	OK(napi_set_named_property(env, out, "d", num(env, d)));
	OK(napi_create_int32(env, napi_get_value_bool(env, v, &b), &r));
	OK(napi_set_named_property(env, out, "boolStatus", r));
	return out;
}

/* readBool(v) returns !v. */
static napi_value read_bool(napi_env env, napi_callback_info info) {
	bool b;
	napi_value r;
	OK(napi_get_value_bool(env, arg(env, info, 0), &b));
	OK(napi_get_boolean(env, !b, &r));
	return r;
}

/* readString(s, size) returns [length, s copied into a buffer of size
 * bytes, bytes copied]. */
static napi_value read_string(napi_env env, napi_callback_info info) {
	napi_value s = arg(env, info, 0), arr, v;
	uint32_t size;
	size_t len, copied;
	char buf[64];
	OK(napi_get_value_uint32(env, arg(env, info, 1), &size));
	if (size > sizeof buf)
		size = sizeof buf;
	OK(napi_get_value_string_utf8(env, s, NULL, 0, &len));
	memset(buf, 'X', sizeof buf);
	OK(napi_get_value_string_utf8(env, s, buf, size, &copied));
	if (size > 0 && buf[copied] != 0)
		return str(env, "not NUL-terminated");
	OK(napi_create_array_with_length(env, 0, &arr));
	OK(napi_set_element(env, arr, 0, num(env, (double)len)));
	OK(napi_create_string_utf8(env, buf, copied, &v));
	OK(napi_set_element(env, arr, 1, v));
	OK(napi_set_element(env, arr, 2, num(env, (double)copied)));
	return arr;
}

/* fromBytes(buffer) makes a string of the buffer's bytes. */
static napi_value from_bytes(napi_env env, napi_callback_info info) {
	void *data;
	size_t n;
	napi_value v;
	OK(napi_get_buffer_info(env, arg(env, info, 0), &data, &n));
	OK(napi_create_string_utf8(env, data, n, &v));
	return v;
}

/* coerce(v) returns [String(v), typeof Object(v)]. */
static napi_value coerce(napi_env env, napi_callback_info info) {
	napi_value v = arg(env, info, 0), arr, s, o;
	OK(napi_coerce_to_string(env, v, &s));
	OK(napi_create_array_with_length(env, 2, &arr));
	OK(napi_set_element(env, arr, 0, s));
	napi_status st = napi_coerce_to_object(env, v, &o);
	if (st == napi_pending_exception) {
		napi_value x;
		OK(napi_get_and_clear_last_exception(env, &x));
		OK(napi_set_element(env, arr, 1, str(env, "threw")));
		return arr;
	}
	OK(st);
	napi_valuetype t;
	OK(napi_typeof(env, o, &t));
	OK(napi_set_element(env, arr, 1, str(env, t == napi_object ? "object" : "not an object")));
	return arr;
}

static napi_value getter(napi_env env, napi_callback_info info) {
	napi_value this_, v;
	void *data;
	OK(napi_get_cb_info(env, info, NULL, NULL, &this_, &data));
	OK(napi_get_named_property(env, this_, "a", &v));
	return data == (void *)42 ? v : str(env, "bad data");
}

/* objects() builds an object with every property function and reads it
 * back. */
static napi_value objects(napi_env env, napi_callback_info info) {
	napi_value o, k, v, out;
	OK(napi_create_object(env, &o));
	OK(napi_set_named_property(env, o, "a", num(env, 1)));
	OK(napi_create_string_utf8(env, "b", 1, &k));
	OK(napi_set_property(env, o, k, str(env, "two")));
	napi_property_descriptor props[] = {
		{"c", NULL, NULL, NULL, NULL, str(env, "three"), napi_enumerable, NULL},
		{"viaGetter", NULL, NULL, getter, NULL, NULL, napi_default, (void *)42},
	};
	OK(napi_define_properties(env, o, 2, props));
	OK(napi_create_object(env, &out));
	OK(napi_get_named_property(env, o, "a", &v));
	OK(napi_set_named_property(env, out, "a", v));
	OK(napi_get_property(env, o, k, &v));
	OK(napi_set_named_property(env, out, "b", v));
	OK(napi_get_named_property(env, o, "c", &v));
	OK(napi_set_named_property(env, out, "c", v));
	OK(napi_get_named_property(env, o, "viaGetter", &v));
	OK(napi_set_named_property(env, out, "viaGetter", v));
	OK(napi_get_named_property(env, o, "missing", &v));
	napi_valuetype t;
	OK(napi_typeof(env, v, &t));
	OK(napi_set_named_property(env, out, "missingIsUndefined", num(env, t == napi_undefined)));
	napi_value n;
	OK(napi_get_null(env, &n));
	if (napi_set_named_property(env, n, "x", v) != napi_object_expected)
		return str(env, "set on null");
	return out;
}

/* arrays(n) makes [0, 1, ..., n-1] and reads it back. */
static napi_value arrays(napi_env env, napi_callback_info info) {
	uint32_t n, len;
	bool is;
	napi_value arr, v, copy;
	OK(napi_get_value_uint32(env, arg(env, info, 0), &n));
	OK(napi_create_array_with_length(env, n, &arr));
	for (uint32_t i = 0; i < n; i++)
		OK(napi_set_element(env, arr, i, num(env, i)));
	OK(napi_is_array(env, arr, &is));
	OK(napi_get_array_length(env, arr, &len));
	if (!is || len != n)
		return str(env, "bad array");
	OK(napi_create_array_with_length(env, 0, &copy));
	for (uint32_t i = 0; i < len; i++) {
		OK(napi_get_element(env, arr, i, &v));
		OK(napi_set_element(env, copy, i, v));
	}
	OK(napi_get_element(env, arr, n + 5, &v));
	napi_valuetype t;
	OK(napi_typeof(env, v, &t));
	if (t != napi_undefined)
		return str(env, "element past the end");
	OK(napi_create_object(env, &v));
	OK(napi_is_array(env, v, &is));
	if (is || napi_get_array_length(env, v, &len) != napi_array_expected)
		return str(env, "object taken for an array");
	return copy;
}

static napi_value adder(napi_env env, napi_callback_info info) {
	void *data;
	napi_value argv[1];
	size_t argc = 1;
	double x;
	OK(napi_get_cb_info(env, info, &argc, argv, NULL, &data));
	OK(napi_get_value_double(env, argv[0], &x));
	return num(env, x + (double)(intptr_t)data);
}

/* makeAdder(n) returns a function adding n; apply(f, x) calls it. */
static napi_value make_adder(napi_env env, napi_callback_info info) {
	int32_t n;
	napi_value f;
	OK(napi_get_value_int32(env, arg(env, info, 0), &n));
	OK(napi_create_function(env, "adder", NAPI_AUTO_LENGTH, adder, (void *)(intptr_t)n, &f));
	return f;
}

static napi_value apply(napi_env env, napi_callback_info info) {
	napi_value global, r, x = arg(env, info, 1);
	OK(napi_get_global(env, &global));
	napi_status st = napi_call_function(env, global, arg(env, info, 0), 1, &x, &r);
	if (st == napi_pending_exception)
		return NULL;
	OK(st);
	return r;
}

/* The Counter class: a wrapped native count. */
typedef struct {
	int n;
} counter;

static int counters_finalized;
static napi_ref counter_class;

static void counter_finalize(napi_env env, void *data, void *hint) {
	free(data);
	counters_finalized++;
}

static napi_value counter_new(napi_env env, napi_callback_info info) {
	napi_value this_, target, argv[1];
	size_t argc = 1;
	OK(napi_get_cb_info(env, info, &argc, argv, &this_, NULL));
	counter *c = calloc(1, sizeof *c);
	if (argc > 0) {
		int32_t start;
		if (napi_get_value_int32(env, argv[0], &start) == napi_ok)
			c->n = start;
	}
	OK(napi_wrap(env, this_, c, counter_finalize, NULL, NULL));
	if (napi_wrap(env, this_, c, NULL, NULL, NULL) != napi_invalid_arg) {
		napi_throw_error(env, NULL, "wrapped twice");
		return NULL;
	}
	(void)target;
	return NULL;
}

static napi_value counter_inc(napi_env env, napi_callback_info info) {
	napi_value this_, r;
	counter *c;
	OK(napi_get_cb_info(env, info, NULL, NULL, &this_, NULL));
	OK(napi_unwrap(env, this_, (void **)&c));
	c->n++;
	OK(napi_create_int32(env, c->n, &r));
	return r;
}

static napi_value counter_value(napi_env env, napi_callback_info info) {
	napi_value this_, r;
	counter *c;
	OK(napi_get_cb_info(env, info, NULL, NULL, &this_, NULL));
	OK(napi_unwrap(env, this_, (void **)&c));
	OK(napi_create_int32(env, c->n, &r));
	return r;
}

static napi_value counter_finalized(napi_env env, napi_callback_info info) {
	napi_value r;
	OK(napi_create_int32(env, counters_finalized, &r));
	return r;
}

/* newCounter(start) makes a Counter with napi_new_instance. */
static napi_value new_counter(napi_env env, napi_callback_info info) {
	napi_value cls, r, start = arg(env, info, 0);
	OK(napi_get_reference_value(env, counter_class, &cls));
	OK(napi_new_instance(env, cls, 1, &start, &r));
	return r;
}

/* Errors. */
static napi_value throw_error(napi_env env, napi_callback_info info) {
	char code[32], msg[64];
	size_t n;
	OK(napi_get_value_string_utf8(env, arg(env, info, 0), code, sizeof code, &n));
	OK(napi_get_value_string_utf8(env, arg(env, info, 1), msg, sizeof msg, &n));
	OK(napi_throw_error(env, code[0] ? code : NULL, msg));
	/* A second throw keeps the first exception. */
	if (napi_throw_error(env, NULL, "second") != napi_pending_exception)
		return str(env, "second throw accepted");
	return NULL;
}

static napi_value throw_value(napi_env env, napi_callback_info info) {
	OK(napi_throw(env, arg(env, info, 0)));
	return NULL;
}

static napi_value make_error(napi_env env, napi_callback_info info) {
	napi_value err, r;
	bool is, pending;
	OK(napi_create_error(env, arg(env, info, 0), arg(env, info, 1), &err));
	OK(napi_is_error(env, err, &is));
	OK(napi_is_exception_pending(env, &pending));
	if (!is || pending)
		return str(env, "bad error");
	OK(napi_throw(env, err));
	OK(napi_is_exception_pending(env, &pending));
	OK(napi_get_and_clear_last_exception(env, &r));
	bool still;
	OK(napi_is_exception_pending(env, &still));
	if (!pending || still)
		return str(env, "bad pending state");
	if (napi_create_error(env, NULL, num(env, 1), &err) != napi_string_expected)
		return str(env, "a number taken for a message");
	return r;
}

/* References. */
static napi_ref weak;
static int finalizers_run;

static void count_finalizer(napi_env env, void *data, void *hint) { finalizers_run++; }

/* refs(o) makes a strong reference to o, unrefs it and reads it. */
static napi_value refs(napi_env env, napi_callback_info info) {
	napi_ref r;
	uint32_t count;
	napi_value v;
	OK(napi_create_reference(env, arg(env, info, 0), 1, &r));
	OK(napi_reference_unref(env, r, &count));
	if (count != 0 || napi_reference_unref(env, r, &count) != napi_generic_failure)
		return str(env, "bad unref");
	OK(napi_get_reference_value(env, r, &v));
	OK(napi_delete_reference(env, r));
	return v;
}

/* makeWeak() makes an object held only by a weak reference, with a
 * finalizer; weakAlive() reports whether the reference still holds it. */
static napi_value make_weak(napi_env env, napi_callback_info info) {
	napi_value o;
	OK(napi_create_object(env, &o));
	if (weak)
		OK(napi_delete_reference(env, weak));
	OK(napi_create_reference(env, o, 0, &weak));
	OK(napi_add_finalizer(env, o, NULL, count_finalizer, NULL, NULL));
	napi_value again;
	OK(napi_get_reference_value(env, weak, &again));
	if (again != o)
		return str(env, "weak reference empty too early");
	return NULL;
}

static napi_value weak_alive(napi_env env, napi_callback_info info) {
	napi_value v, r;
	OK(napi_get_reference_value(env, weak, &v));
	OK(napi_get_boolean(env, v != NULL, &r));
	return r;
}

static napi_value finalizers(napi_env env, napi_callback_info info) {
	napi_value r;
	OK(napi_create_int32(env, finalizers_run, &r));
	return r;
}

/* Buffers. */
static int external_freed;

static void free_external(napi_env env, void *data, void *hint) {
	free(data);
	external_freed++;
}

static napi_value buffers(napi_env env, napi_callback_info info) {
	napi_value arr, b;
	void *data;
	OK(napi_create_array_with_length(env, 3, &arr));
	OK(napi_create_buffer(env, 3, &data, &b));
	memcpy(data, "abc", 3);
	OK(napi_set_element(env, arr, 0, b));
	OK(napi_create_buffer_copy(env, 2, "\x00\xff", &data, &b));
	if (memcmp(data, "\x00\xff", 2) != 0)
		return str(env, "bad copy");
	OK(napi_set_element(env, arr, 1, b));
	char *ext = malloc(4);
	memcpy(ext, "wxyz", 4);
	OK(napi_create_external_buffer(env, 4, ext, free_external, NULL, &b));
	OK(napi_set_element(env, arr, 2, b));
	return arr;
}

static napi_value externals_freed(napi_env env, napi_callback_info info) {
	napi_value r;
	OK(napi_create_int32(env, external_freed, &r));
	return r;
}

/* bufferInfo(v) returns [is_buffer, is_typedarray, length, sum, length
 * property, element 1]. */
static napi_value buffer_info(napi_env env, napi_callback_info info) {
	napi_value v = arg(env, info, 0), arr, r;
	bool isb, ist;
	OK(napi_is_buffer(env, v, &isb));
	OK(napi_is_typedarray(env, v, &ist));
	OK(napi_create_array_with_length(env, 0, &arr));
	OK(napi_get_boolean(env, isb, &r));
	OK(napi_set_element(env, arr, 0, r));
	OK(napi_get_boolean(env, ist, &r));
	OK(napi_set_element(env, arr, 1, r));
	if (!isb)
		return arr;
	void *data;
	size_t n;
	OK(napi_get_buffer_info(env, v, &data, &n));
	unsigned sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += ((unsigned char *)data)[i];
	OK(napi_set_element(env, arr, 2, num(env, (double)n)));
	OK(napi_set_element(env, arr, 3, num(env, sum)));
	OK(napi_get_named_property(env, v, "length", &r));
	OK(napi_set_element(env, arr, 4, r));
	OK(napi_get_element(env, v, 1, &r));
	OK(napi_set_element(env, arr, 5, r));
	return arr;
}

/* Promises and async work. */
static napi_value promise(napi_env env, napi_callback_info info) {
	napi_deferred d;
	napi_value p;
	bool resolve;
	OK(napi_get_value_bool(env, arg(env, info, 0), &resolve));
	OK(napi_create_promise(env, &d, &p));
	if (resolve)
		OK(napi_resolve_deferred(env, d, arg(env, info, 1)));
	else
		OK(napi_reject_deferred(env, d, arg(env, info, 1)));
	return p;
}

typedef struct {
	napi_deferred d;
	napi_async_work w;
	double in, out;
} job;

static void job_execute(napi_env env, void *data) {
	job *j = data;
	j->out = j->in * 2;
}

static void job_complete(napi_env env, napi_status status, void *data) {
	job *j = data;
	napi_resolve_deferred(env, j->d, num(env, status == napi_ok ? j->out : -1));
	napi_delete_async_work(env, j->w);
	free(j);
}

/* double(x) doubles x in async work and returns the promise of it. */
static napi_value double_async(napi_env env, napi_callback_info info) {
	job *j = calloc(1, sizeof *j);
	napi_value p;
	OK(napi_get_value_double(env, arg(env, info, 0), &j->in));
	OK(napi_create_promise(env, &j->d, &p));
	OK(napi_create_async_work(env, NULL, str(env, "double"), job_execute, job_complete, j, &j->w));
	OK(napi_queue_async_work(env, j->w));
	return p;
}

/* cancelledWork() queues work and deletes it before it runs. */
static int cancelled_ran;

static void cancelled_execute(napi_env env, void *data) { cancelled_ran++; }

static napi_value cancelled_work(napi_env env, napi_callback_info info) {
	napi_async_work w;
	OK(napi_create_async_work(env, NULL, str(env, "never"), cancelled_execute, NULL, NULL, &w));
	OK(napi_queue_async_work(env, w));
	OK(napi_delete_async_work(env, w));
	napi_value r;
	OK(napi_create_int32(env, cancelled_ran, &r));
	return r;
}

/* Threadsafe functions: calls from another thread. */
static int tsfn_calls;
static napi_threadsafe_function tsfn;

static void tsfn_call_js(napi_env env, napi_value fn, void *context, void *data) {
	tsfn_calls += (int)(intptr_t)data;
}

static void *tsfn_thread(void *arg) {
	for (int i = 1; i <= 3; i++)
		napi_call_threadsafe_function(tsfn, (void *)(intptr_t)i, napi_tsfn_blocking);
	return NULL;
}

static napi_value threadsafe(napi_env env, napi_callback_info info) {
	if (!tsfn) {
		OK(napi_create_threadsafe_function(env, NULL, NULL, str(env, "tsfn"), 0, 1, NULL, NULL, NULL, tsfn_call_js, &tsfn));
		OK(napi_unref_threadsafe_function(env, tsfn));
	}
	pthread_t t;
	pthread_create(&t, NULL, tsfn_thread, NULL);
	pthread_join(t, NULL);
	return NULL;
}

static napi_value tsfn_count(napi_env env, napi_callback_info info) {
	napi_value r;
	OK(napi_create_int32(env, tsfn_calls, &r));
	return r;
}

/* globals() sets a property of the global object and reads it back. */
static napi_value globals(napi_env env, napi_callback_info info) {
	napi_value g, v, t, f;
	OK(napi_get_global(env, &g));
	OK(napi_get_boolean(env, true, &t));
	OK(napi_get_boolean(env, false, &f));
	OK(napi_set_named_property(env, g, "fakeFlag", t));
	OK(napi_get_named_property(env, g, "fakeFlag", &v));
	return v == t && v != f ? str(env, "ok") : str(env, "bad globals");
}

napi_value napi_register_module_v1(napi_env env, napi_value exports) {
	struct {
		const char *name;
		napi_callback cb;
	} fns[] = {
	    {"echo", echo}, {"typeOf", type_of}, {"numbers", numbers}, {"readNumber", read_number},
	    {"readBool", read_bool}, {"readString", read_string}, {"fromBytes", from_bytes},
	    {"coerce", coerce}, {"objects", objects}, {"arrays", arrays}, {"makeAdder", make_adder},
	    {"apply", apply}, {"newCounter", new_counter}, {"countersFinalized", counter_finalized},
	    {"throwError", throw_error}, {"throwValue", throw_value}, {"makeError", make_error},
	    {"refs", refs}, {"makeWeak", make_weak}, {"weakAlive", weak_alive},
	    {"finalizers", finalizers}, {"buffers", buffers}, {"externalsFreed", externals_freed},
	    {"bufferInfo", buffer_info}, {"promise", promise}, {"double", double_async},
	    {"cancelledWork", cancelled_work}, {"threadsafe", threadsafe}, {"tsfnCalls", tsfn_count},
	    {"globals", globals},
	};
	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
		napi_value f;
		if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].cb, NULL, &f) != napi_ok ||
		    napi_set_named_property(env, exports, fns[i].name, f) != napi_ok)
			return NULL;
	}
	napi_property_descriptor props[] = {
	    {"inc", NULL, counter_inc, NULL, NULL, NULL, napi_default, NULL},
	    {"value", NULL, NULL, counter_value, NULL, NULL, napi_default, NULL},
	    {"finalized", NULL, counter_finalized, NULL, NULL, NULL, napi_static, NULL},
	};
	napi_value cls;
	if (napi_define_class(env, "Counter", NAPI_AUTO_LENGTH, counter_new, NULL, 3, props, &cls) != napi_ok ||
	    napi_set_named_property(env, exports, "Counter", cls) != napi_ok)
		return NULL;
	if (!counter_class && napi_create_reference(env, cls, 1, &counter_class) != napi_ok)
		return NULL;
	return exports;
}
