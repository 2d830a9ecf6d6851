/*
 * The N-API host: the JavaScript values, references and environments that
 * the napi_* functions of napi.c create and read, and the calls the Go side
 * makes into a native addon (host.c).
 *
 * There is no JavaScript engine. A value is a reference-counted C struct;
 * a napi_value is a pointer to one. Every napi_value handed to the addon
 * during a call holds a count that the host drops when the outermost call
 * returns (one handle scope per outermost call). Objects, properties,
 * references and the Go side hold counts of their own. Values reachable
 * from the module's exports when it registers (classes, prototypes, methods)
 * are immortal: shared by every thread, never counted, never freed. An
 * object whose count drops to zero runs its finalizers (napi_wrap,
 * napi_add_finalizer) once the outermost call returns, as a garbage
 * collector would, and weak references to it (count 0) read as empty.
 *
 * Threads: napi-rs keeps per-thread state (the class constructors of
 * napi_register_module_v1 live in a thread-local map), so the host
 * registers the module once on every thread that calls into it. A thread's
 * calls use that thread's environment (its handle scope, pending exception
 * and queued work) whatever napi_env the addon passes. Calls on different
 * objects may run on different threads at the same time; the caller
 * serializes the calls on one connection.
 */
#ifndef TURSO_HOST_H
#define TURSO_HOST_H

#include "napi_abi.h"

enum {
	JS_UNDEFINED,
	JS_NULL,
	JS_BOOL,
	JS_NUMBER,
	JS_STRING,
	JS_BIGINT,
	JS_OBJECT,
	JS_ARRAY,
	JS_FUNCTION,
	JS_ERROR,
	JS_ARRAYBUFFER,
	JS_TYPEDARRAY,
	JS_PROMISE,
};

/* Value flags. */
enum {
	TN_IMMORTAL = 1, /* never counted or freed */
	TN_DEAD = 2,     /* count reached zero: finalizing */
	TN_EXACT = 4,    /* a number made from an int64 that keeps it in num.i */
	TN_BUFFER = 8,   /* a typed array made as a Node Buffer */
	TN_SLAB = 16,    /* the value's block comes from a free list */
};

/* Promise states. */
enum { TN_PENDING, TN_FULFILLED, TN_REJECTED };

typedef struct tn_val tn_val;
typedef struct tn_obj tn_obj;

/* The elements an array holds without an allocation of its own. */
#define TN_INLINE_ELEMS 8

typedef struct {
	char *key;
	tn_val *value;  /* a data property, or NULL for an accessor */
	tn_val *getter; /* accessor functions, or NULL */
	tn_val *setter;
} tn_prop;

typedef struct {
	napi_finalize cb;
	void *data;
	void *hint;
} tn_fin;

struct tn_ref {
	tn_val *value;     /* NULL once a weakly held value died */
	uint32_t count;    /* > 0: the reference holds a count of value */
	struct tn_ref *next; /* the other references to value */
	struct tn_ref *prev;
};

struct tn_obj {
	tn_val *proto;
	tn_prop *props;
	uint32_t nprops, capprops;
	/* Arrays: elems is inl while the array fits it (a row's). */
	tn_val **elems;
	uint32_t nelems, capelems;
	tn_val *inl[TN_INLINE_ELEMS];
	/* napi_wrap. */
	void *native;
	bool wrapped;
	/* napi_wrap and napi_add_finalizer finalizers, run when the object dies. */
	tn_fin *fins;
	uint32_t nfins;
	/* References to this object, emptied when it dies. */
	struct tn_ref *refs;
	/* Functions: the callback and its data; a class's prototype. */
	napi_callback cb;
	void *cbdata;
	tn_val *prototype;
	char *name;
	/* ArrayBuffers: their bytes, owned or external (finalized by bfin).
	 * Typed arrays: their first byte (in their buffer's bytes). */
	uint8_t *bytes;
	size_t nbytes;
	napi_finalize bfin;
	void *bfin_data;
	void *bfin_hint;
	bool borrowed; /* external bytes without a finalizer: not ours */
	/* Typed arrays: a view of buffer. */
	tn_val *buffer;
	size_t offset, length;
	/* Promises. */
	int state;
	tn_val *result;
};

struct tn_val {
	uint32_t rc;
	uint8_t type;
	uint8_t flags;
	union {
		bool b;
		struct {
			double d;
			int64_t i; /* with TN_EXACT */
		} num;
		struct {
			bool neg;
			uint64_t mag;
		} big;
		struct {
			char *p; /* NUL-terminated; n bytes before the NUL */
			size_t n;
		} str;
		tn_obj *o;
	} u;
};

/* A thread's environment: the handles of its outermost call, its pending
 * exception, the objects whose finalizers are due and the work queued for
 * the end of the outermost call. */
struct tn_env {
	tn_val **handles;
	size_t nhandles, caphandles;
	int depth;
	tn_val *pending;
	tn_val **dying;
	size_t ndying, capdying;
	struct tn_work **later;
	size_t nlater, caplater;
	bool registered;
	tn_val *exports;
};

struct tn_cbinfo {
	tn_val *this_;
	tn_val *const *argv;
	size_t argc;
	void *data;
	tn_val *new_target;
};

struct tn_deferred {
	tn_val *promise;
};

struct tn_work {
	napi_async_execute_callback execute;
	napi_async_complete_callback complete;
	void *data;
	bool queued;
	bool deleted;
};

struct tn_tsfn {
	tn_val *fn;
	void *context;
	napi_threadsafe_function_call_js call_js;
	napi_finalize finalize;
	void *finalize_data;
};

/* The value core (napi.c). */
extern tn_val tn_undefined_val, tn_null_val, tn_true_val, tn_false_val;
tn_val *tn_new_string(const char *s, size_t n);
tn_val *tn_new_number(double d);
tn_val *tn_new_int64(int64_t i);
tn_val *tn_new_bigint(bool neg, uint64_t mag);
tn_val *tn_new_object(int type);
tn_val *tn_new_buffer_copy(const void *p, size_t n);
/* tn_new_buffer_view returns a Buffer over p[0:n], which the caller keeps
 * alive and unchanged while the value lives (and frees itself). */
tn_val *tn_new_buffer_view(const void *p, size_t n);
void tn_incref(tn_val *v);
void tn_decref(tn_val *v);
tn_val *tn_handle(tn_val *v);
struct tn_env *tn_env_get(void);
void tn_enter(struct tn_env *e);
void tn_leave(struct tn_env *e);
void tn_flush(struct tn_env *e);
napi_status tn_call(tn_val *fn, tn_val *this_, size_t argc, tn_val *const *argv, tn_val **result);
napi_status tn_construct(tn_val *cls, size_t argc, tn_val *const *argv, tn_val **result);
napi_status tn_get(tn_val *obj, const char *key, tn_val **result);
void tn_set(tn_val *obj, const char *key, tn_val *v);
void tn_push(tn_val *arr, tn_val *v);
tn_val *tn_take_exception(struct tn_env *e);
void tn_make_immortal(tn_val *v);
int tn_register_thread(struct tn_env *e);
bool tn_is_object(const tn_val *v);

/* The module's registration function, set by tn_load (host.c). */
typedef napi_value (*tn_register_fn)(napi_env env, napi_value exports);
extern tn_register_fn tn_register;

#endif
