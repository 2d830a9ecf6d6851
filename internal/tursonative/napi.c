//go:build linux && amd64 && cgo

/*
 * napi.c: the value core of the host and every napi_* function a Turso
 * addon imports (see host.h for the model). The functions follow Node's
 * semantics where the addon can tell the difference: statuses, pending
 * exceptions (a second throw keeps the first), UTF-8 strings with invalid
 * sequences replaced by U+FFFD, Node Buffers as Uint8Arrays, weak
 * references that empty when their object dies.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

#define NAPI_EXPORT __attribute__((visibility("default"))) napi_status

tn_val tn_undefined_val = {.type = JS_UNDEFINED, .flags = TN_IMMORTAL};
tn_val tn_null_val = {.type = JS_NULL, .flags = TN_IMMORTAL};
tn_val tn_true_val = {.type = JS_BOOL, .flags = TN_IMMORTAL, .u.b = true};
tn_val tn_false_val = {.type = JS_BOOL, .flags = TN_IMMORTAL, .u.b = false};

/* Small non-negative integers are shared immortal numbers: step results,
 * lengths and the bytes of a typed array read one by one cost nothing. */
#define SMALL_INTS 1024
static tn_val small_ints[SMALL_INTS];
static tn_val *global_object;

tn_register_fn tn_register;

static void oom(void) {
	fputs("turso native engine: out of memory\n", stderr);
	abort();
}

static void *xmalloc(size_t n) {
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

static void *xcalloc(size_t n, size_t size) {
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

static void *xrealloc(void *p, size_t n) {
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

static char *xstrdup(const char *s) {
	size_t n = strlen(s);
	char *p = xmalloc(n + 1);
	memcpy(p, s, n + 1);
	return p;
}

/* Values are allocated from per-thread free lists of two block sizes:
 * small ones (a primitive, with room for a short string after it) and
 * objects. A row makes and drops a handful of each per step, which malloc
 * would serve more slowly. A block freed on another thread than it was
 * made on joins that thread's list. The lists are capped; what exceeds
 * the cap goes back to malloc. Values carry TN_SLAB when their block
 * comes from a list's size class. */
#define SMALL_BLOCK 64
#define OBJECT_BLOCK (sizeof(tn_val) + sizeof(tn_obj))
#define FREE_CAP 4096

typedef struct block {
	struct block *next;
} block;

typedef struct {
	block *head;
	size_t n;
} freelist;

static __thread freelist small_free, object_free;

static void *block_get(freelist *l, size_t size) {
	block *b = l->head;
	if (b) {
		l->head = b->next;
		l->n--;
		return b;
	}
	return xmalloc(size);
}

static void block_put(freelist *l, void *p) {
	if (l->n >= FREE_CAP) {
		free(p);
		return;
	}
	block *b = p;
	b->next = l->head;
	l->head = b;
	l->n++;
}

/* free_val frees a value's block. */
static void free_val(tn_val *v) {
	if (!(v->flags & TN_SLAB))
		free(v);
	else if (v->type >= JS_OBJECT)
		block_put(&object_free, v);
	else
		block_put(&small_free, v);
}

__attribute__((constructor)) static void init_values(void) {
	for (int i = 0; i < SMALL_INTS; i++) {
		small_ints[i].type = JS_NUMBER;
		small_ints[i].flags = TN_IMMORTAL | TN_EXACT;
		small_ints[i].u.num.d = i;
		small_ints[i].u.num.i = i;
	}
	global_object = tn_new_object(JS_OBJECT);
	global_object->flags |= TN_IMMORTAL;
}

/* ---- Environments ---- */

static __thread struct tn_env *tls_env;

struct tn_env *tn_env_get(void) {
	struct tn_env *e = tls_env;
	if (!e) {
		e = xcalloc(1, sizeof *e);
		tls_env = e;
	}
	return e;
}

#define ENV() tn_env_get()

static void push_ptr(tn_val ***arr, size_t *n, size_t *cap, tn_val *v) {
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*arr = xrealloc(*arr, *cap * sizeof **arr);
	}
	(*arr)[(*n)++] = v;
}

/* ---- Counting ---- */

static inline bool counted(const tn_val *v) { return v && !(v->flags & TN_IMMORTAL); }

void tn_incref(tn_val *v) {
	if (counted(v))
		v->rc++;
}

bool tn_is_object(const tn_val *v) { return v && v->type >= JS_OBJECT; }

void tn_decref(tn_val *v) {
	if (!counted(v) || --v->rc > 0)
		return;
	if (!tn_is_object(v)) {
		free_val(v);
		return;
	}
	/* Objects die once the outermost call returns: their finalizers run
	 * native code that must not run inside another napi_* function. */
	v->flags |= TN_DEAD;
	struct tn_env *e = ENV();
	push_ptr(&e->dying, &e->ndying, &e->capdying, v);
}

/* tn_handle adds v, whose count the caller passes on, to the current
 * handle scope. */
tn_val *tn_handle(tn_val *v) {
	if (counted(v)) {
		struct tn_env *e = ENV();
		push_ptr(&e->handles, &e->nhandles, &e->caphandles, v);
	}
	return v;
}

/* handle_of returns a new handle to v, which something else holds. */
static tn_val *handle_of(tn_val *v) {
	tn_incref(v);
	return tn_handle(v);
}

/* References are linked into their object's list under ref_mu, so that
 * dying objects can empty them, also when a reference is dropped on
 * another thread (napi-rs drops Buffers through a threadsafe function). */
static pthread_mutex_t ref_mu = PTHREAD_MUTEX_INITIALIZER;

static void die(struct tn_env *e, tn_val *v) {
	tn_obj *o = v->u.o;
	/* Nothing can add a reference to a dead object (that takes a handle),
	 * so an object without one needs no lock. */
	if (__atomic_load_n(&o->refs, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&ref_mu);
		for (struct tn_ref *r = o->refs; r;) {
			struct tn_ref *next = r->next;
			r->value = NULL;
			r->next = r->prev = NULL;
			r = next;
		}
		o->refs = NULL;
		pthread_mutex_unlock(&ref_mu);
	}
	for (uint32_t i = 0; i < o->nfins; i++)
		o->fins[i].cb(e, o->fins[i].data, o->fins[i].hint);
	if (v->type == JS_ARRAYBUFFER) {
		if (o->bfin)
			o->bfin(e, o->bfin_data, o->bfin_hint);
		else if (!o->borrowed)
			free(o->bytes);
	}
	tn_decref(o->proto);
	for (uint32_t i = 0; i < o->nprops; i++) {
		free(o->props[i].key);
		tn_decref(o->props[i].value);
		tn_decref(o->props[i].getter);
		tn_decref(o->props[i].setter);
	}
	for (uint32_t i = 0; i < o->nelems; i++)
		tn_decref(o->elems[i]);
	tn_decref(o->prototype);
	tn_decref(o->buffer);
	tn_decref(o->result);
	free(o->props);
	if (o->elems != o->inl)
		free(o->elems);
	free(o->fins);
	free(o->name);
	free_val(v);
}

/* ---- Values ---- */

tn_val *tn_new_object(int type) {
	tn_val *v = block_get(&object_free, OBJECT_BLOCK);
	memset(v, 0, OBJECT_BLOCK);
	v->rc = 1;
	v->type = type;
	v->flags = TN_SLAB;
	v->u.o = (tn_obj *)(v + 1);
	return v;
}

tn_val *tn_new_number(double d) {
	if (d >= 0 && d < SMALL_INTS && d == (int)d && !(d == 0 && signbit(d)))
		return &small_ints[(int)d];
	tn_val *v = block_get(&small_free, SMALL_BLOCK);
	v->rc = 1;
	v->type = JS_NUMBER;
	v->flags = TN_SLAB;
	v->u.num.d = d;
	v->u.num.i = 0;
	return v;
}

tn_val *tn_new_int64(int64_t i) {
	if (i >= 0 && i < SMALL_INTS)
		return &small_ints[i];
	tn_val *v = tn_new_number((double)i);
	v->flags |= TN_EXACT;
	v->u.num.i = i;
	return v;
}

tn_val *tn_new_bigint(bool neg, uint64_t mag) {
	tn_val *v = block_get(&small_free, SMALL_BLOCK);
	v->rc = 1;
	v->type = JS_BIGINT;
	v->flags = TN_SLAB;
	v->u.big.neg = neg && mag != 0;
	v->u.big.mag = mag;
	return v;
}

/* utf8_lead classifies the lead byte c of a UTF-8 sequence: its length
 * (0: not a lead byte) and the range of its second byte. */
static size_t utf8_lead(unsigned char c, unsigned char *lo, unsigned char *hi) {
	*lo = 0x80, *hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF) {
		if (c == 0xE0)
			*lo = 0xA0;
		if (c == 0xED)
			*hi = 0x9F;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (c == 0xF0)
			*lo = 0x90;
		if (c == 0xF4)
			*hi = 0x8F;
		return 4;
	}
	return 0;
}

/* utf8_prefix returns how many bytes of the sequence at s[i:n], whose
 * lead byte is not ASCII, are well-formed: its length when it is whole. */
static size_t utf8_prefix(const unsigned char *s, size_t i, size_t n, size_t *len) {
	unsigned char lo, hi;
	*len = utf8_lead(s[i], &lo, &hi);
	if (!*len)
		return 0;
	size_t k = 1;
	for (; k < *len && i + k < n; k++) {
		unsigned char b = s[i + k];
		if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF))
			break;
	}
	return k;
}

/* utf8_valid reports whether s[0:n] is well-formed UTF-8. */
static bool utf8_valid(const unsigned char *s, size_t n) {
	size_t i = 0, len;
	while (i < n) {
		if (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (!(w & 0x8080808080808080ull)) {
				i += 8;
				continue;
			}
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (utf8_prefix(s, i, n, &len) != len || !len)
			return false;
		i += len;
	}
	return true;
}

/* utf8_sanitize copies s[0:n] to out, replacing each maximal invalid
 * subsequence with U+FFFD as V8's UTF-8 decoder does; out has room for 3n
 * bytes. It returns the bytes written. */
static size_t utf8_sanitize(const unsigned char *s, size_t n, char *out) {
	size_t i = 0, o = 0, len;
	while (i < n) {
		if (s[i] < 0x80) {
			out[o++] = s[i++];
			continue;
		}
		size_t k = utf8_prefix(s, i, n, &len);
		if (len && k == len) {
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
			continue;
		}
		memcpy(out + o, "\xEF\xBF\xBD", 3);
		o += 3;
		i += k ? k : 1;
	}
	return o;
}

tn_val *tn_new_string(const char *s, size_t n) {
	tn_val *v;
	uint8_t flags = 0;
	if (n == 0 || utf8_valid((const unsigned char *)s, n)) {
		if (sizeof *v + n + 1 <= SMALL_BLOCK) {
			v = block_get(&small_free, SMALL_BLOCK);
			flags = TN_SLAB;
		} else
			v = xmalloc(sizeof *v + n + 1);
		v->u.str.p = (char *)(v + 1);
		if (n)
			memcpy(v->u.str.p, s, n);
		v->u.str.n = n;
	} else {
		if (n > (SIZE_MAX - sizeof *v - 1) / 3)
			oom();
		v = xmalloc(sizeof *v + 3 * n + 1);
		v->u.str.p = (char *)(v + 1);
		v->u.str.n = utf8_sanitize((const unsigned char *)s, n, v->u.str.p);
	}
	v->u.str.p[v->u.str.n] = 0;
	v->rc = 1;
	v->type = JS_STRING;
	v->flags = flags;
	return v;
}

static tn_val *new_arraybuffer(uint8_t *bytes, size_t n) {
	tn_val *ab = tn_new_object(JS_ARRAYBUFFER);
	ab->u.o->bytes = bytes;
	ab->u.o->nbytes = n;
	return ab;
}

/* new_typedarray returns a Uint8Array over ab (whose count it takes). Its
 * bytes field points at its first byte (an ArrayBuffer's bytes never move:
 * nothing detaches one), so reading an element, which the addon does once
 * per byte of a blob it binds, is one load. */
static tn_val *new_typedarray(tn_val *ab, size_t offset, size_t length, bool buffer) {
	tn_val *t = tn_new_object(JS_TYPEDARRAY);
	t->u.o->buffer = ab;
	t->u.o->offset = offset;
	t->u.o->length = length;
	t->u.o->bytes = ab->u.o->bytes ? ab->u.o->bytes + offset : NULL;
	if (buffer)
		t->flags |= TN_BUFFER;
	return t;
}

tn_val *tn_new_buffer_copy(const void *p, size_t n) {
	uint8_t *b = xmalloc(n);
	if (n)
		memcpy(b, p, n);
	return new_typedarray(new_arraybuffer(b, n), 0, n, true);
}

tn_val *tn_new_buffer_view(const void *p, size_t n) {
	tn_val *ab = new_arraybuffer((uint8_t *)p, n);
	ab->u.o->borrowed = true;
	return new_typedarray(ab, 0, n, true);
}

static uint8_t *typedarray_bytes(const tn_val *t) { return t->u.o->bytes; }

/* ---- Properties ---- */

static tn_prop *own_prop(tn_obj *o, const char *key) {
	for (uint32_t i = 0; i < o->nprops; i++)
		if (strcmp(o->props[i].key, key) == 0)
			return &o->props[i];
	return NULL;
}

static tn_prop *lookup_prop(tn_val *v, const char *key) {
	for (int depth = 0; v && tn_is_object(v) && depth < 64; depth++) {
		tn_prop *p = own_prop(v->u.o, key);
		if (p)
			return p;
		v = v->u.o->proto;
	}
	return NULL;
}

/* define_prop adds or replaces own property key; it takes the counts of
 * value, getter and setter. */
static void define_prop(tn_val *obj, const char *key, tn_val *value, tn_val *getter, tn_val *setter) {
	tn_obj *o = obj->u.o;
	tn_prop *p = own_prop(o, key);
	if (p) {
		tn_decref(p->value);
		tn_decref(p->getter);
		tn_decref(p->setter);
	} else {
		if (o->nprops == o->capprops) {
			o->capprops = o->capprops ? 2 * o->capprops : 4;
			o->props = xrealloc(o->props, o->capprops * sizeof *o->props);
		}
		p = &o->props[o->nprops++];
		p->key = xstrdup(key);
	}
	p->value = value;
	p->getter = getter;
	p->setter = setter;
}

/* array_index parses a canonical array index. */
static bool array_index(const char *key, uint32_t *idx) {
	if (!key[0] || (key[0] == '0' && key[1]))
		return false;
	uint64_t n = 0;
	for (const char *p = key; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		n = n * 10 + (*p - '0');
		if (n >= 0xFFFFFFFFull)
			return false;
	}
	*idx = (uint32_t)n;
	return true;
}

static void set_element(tn_val *arr, uint32_t i, tn_val *v) {
	tn_obj *o = arr->u.o;
	if (i >= o->capelems) {
		uint32_t cap = TN_INLINE_ELEMS;
		while (cap <= i)
			cap *= 2;
		if (cap <= TN_INLINE_ELEMS)
			o->elems = o->inl;
		else if (o->elems == o->inl || !o->elems) {
			tn_val **e = xmalloc(cap * sizeof *e);
			if (o->nelems)
				memcpy(e, o->elems, o->nelems * sizeof *e);
			o->elems = e;
		} else
			o->elems = xrealloc(o->elems, cap * sizeof *o->elems);
		o->capelems = cap;
	}
	while (o->nelems <= i)
		o->elems[o->nelems++] = &tn_undefined_val;
	tn_incref(v);
	tn_decref(o->elems[i]);
	o->elems[i] = v;
}

void tn_push(tn_val *arr, tn_val *v) { set_element(arr, arr->u.o->nelems, v); }

/* tn_get reads property key of obj (a handle in *result), running a getter
 * if it is an accessor. */
napi_status tn_get(tn_val *obj, const char *key, tn_val **result) {
	if (!tn_is_object(obj)) {
		*result = &tn_undefined_val;
		return napi_object_expected;
	}
	tn_obj *o = obj->u.o;
	uint32_t idx;
	switch (obj->type) {
	case JS_ARRAY:
		if (strcmp(key, "length") == 0) {
			*result = tn_handle(tn_new_number(o->nelems));
			return napi_ok;
		}
		if (array_index(key, &idx)) {
			*result = idx < o->nelems ? handle_of(o->elems[idx]) : &tn_undefined_val;
			return napi_ok;
		}
		break;
	case JS_TYPEDARRAY:
		if (strcmp(key, "length") == 0 || strcmp(key, "byteLength") == 0) {
			*result = tn_handle(tn_new_number(o->length));
			return napi_ok;
		}
		if (strcmp(key, "byteOffset") == 0) {
			*result = tn_handle(tn_new_number(o->offset));
			return napi_ok;
		}
		if (strcmp(key, "buffer") == 0) {
			*result = handle_of(o->buffer);
			return napi_ok;
		}
		if (array_index(key, &idx)) {
			*result = idx < o->length ? &small_ints[typedarray_bytes(obj)[idx]] : &tn_undefined_val;
			return napi_ok;
		}
		break;
	case JS_ARRAYBUFFER:
		if (strcmp(key, "byteLength") == 0) {
			*result = tn_handle(tn_new_number(o->nbytes));
			return napi_ok;
		}
		break;
	case JS_FUNCTION:
		if (strcmp(key, "prototype") == 0 && o->prototype) {
			*result = handle_of(o->prototype);
			return napi_ok;
		}
		if (strcmp(key, "name") == 0 && !own_prop(o, key)) {
			*result = tn_handle(tn_new_string(o->name ? o->name : "", o->name ? strlen(o->name) : 0));
			return napi_ok;
		}
		break;
	}
	tn_prop *p = lookup_prop(obj, key);
	if (!p) {
		*result = &tn_undefined_val;
		return napi_ok;
	}
	if (p->getter)
		return tn_call(p->getter, obj, 0, NULL, result);
	if (!p->value) {
		*result = &tn_undefined_val;
		return napi_ok;
	}
	*result = handle_of(p->value);
	return napi_ok;
}

/* set_prop sets property key of obj, running a setter if there is one. */
static napi_status set_prop(tn_val *obj, const char *key, tn_val *v) {
	if (!tn_is_object(obj))
		return napi_object_expected;
	uint32_t idx;
	if (obj->type == JS_ARRAY && array_index(key, &idx)) {
		set_element(obj, idx, v);
		return napi_ok;
	}
	if (obj->type == JS_TYPEDARRAY && array_index(key, &idx)) {
		if (idx < obj->u.o->length) {
			double d = v->type == JS_NUMBER ? v->u.num.d : 0;
			typedarray_bytes(obj)[idx] = (uint8_t)(int64_t)(isfinite(d) ? d : 0);
		}
		return napi_ok;
	}
	tn_prop *p = lookup_prop(obj, key);
	if (p && p->setter) {
		tn_val *ignored;
		tn_val *argv[1] = {v};
		return tn_call(p->setter, obj, 1, argv, &ignored);
	}
	tn_incref(v);
	define_prop(obj, key, v, NULL, NULL);
	return napi_ok;
}

void tn_set(tn_val *obj, const char *key, tn_val *v) { set_prop(obj, key, v); }

/* ---- Conversions ---- */

/* number_to_string formats d as JavaScript's Number.prototype.toString. */
static void number_to_string(double d, char *out, size_t size) {
	if (isnan(d)) {
		snprintf(out, size, "NaN");
		return;
	}
	if (isinf(d)) {
		snprintf(out, size, d > 0 ? "Infinity" : "-Infinity");
		return;
	}
	if (d == 0) {
		snprintf(out, size, "0");
		return;
	}
	char buf[40];
	int p;
	for (p = 1; p <= 17; p++) {
		snprintf(buf, sizeof buf, "%.*e", p - 1, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	/* buf is [-]d[.ddd]e±xx: take the digits and the exponent. */
	const char *s = buf;
	bool neg = *s == '-';
	if (neg)
		s++;
	char digits[24];
	int k = 0;
	for (; *s && *s != 'e'; s++)
		if (*s != '.')
			digits[k++] = *s;
	digits[k] = 0;
	int e = atoi(s + 1);
	int n = e + 1;
	char *w = out;
	char *end = out + size;
#define PUT(...) (w += snprintf(w, w < end ? (size_t)(end - w) : 0, __VA_ARGS__))
	if (neg)
		PUT("-");
	if (k <= n && n <= 21) {
		PUT("%s", digits);
		for (int i = k; i < n; i++)
			PUT("0");
	} else if (0 < n && n <= 21) {
		PUT("%.*s.%s", n, digits, digits + n);
	} else if (-6 < n && n <= 0) {
		PUT("0.");
		for (int i = 0; i < -n; i++)
			PUT("0");
		PUT("%s", digits);
	} else {
		PUT("%c", digits[0]);
		if (k > 1)
			PUT(".%s", digits + 1);
		PUT("e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
	}
#undef PUT
}

/* Growable text for coerce_to_string. */
typedef struct {
	char *p;
	size_t n, cap;
} strbuf;

static void sb_add(strbuf *b, const char *s, size_t n) {
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void sb_adds(strbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void to_string(tn_val *v, strbuf *b, int depth) {
	char num[64];
	if (depth > 32)
		return;
	switch (v->type) {
	case JS_UNDEFINED:
		sb_adds(b, "undefined");
		return;
	case JS_NULL:
		sb_adds(b, "null");
		return;
	case JS_BOOL:
		sb_adds(b, v->u.b ? "true" : "false");
		return;
	case JS_NUMBER:
		if (v->flags & TN_EXACT)
			snprintf(num, sizeof num, "%" PRId64, v->u.num.i);
		else
			number_to_string(v->u.num.d, num, sizeof num);
		sb_adds(b, num);
		return;
	case JS_STRING:
		sb_add(b, v->u.str.p, v->u.str.n);
		return;
	case JS_BIGINT:
		snprintf(num, sizeof num, "%s%" PRIu64, v->u.big.neg ? "-" : "", v->u.big.mag);
		sb_adds(b, num);
		return;
	case JS_ARRAY:
		for (uint32_t i = 0; i < v->u.o->nelems; i++) {
			if (i)
				sb_adds(b, ",");
			tn_val *el = v->u.o->elems[i];
			if (el->type != JS_UNDEFINED && el->type != JS_NULL)
				to_string(el, b, depth + 1);
		}
		return;
	case JS_TYPEDARRAY:
		for (size_t i = 0; i < v->u.o->length; i++) {
			snprintf(num, sizeof num, i ? ",%u" : "%u", typedarray_bytes(v)[i]);
			sb_adds(b, num);
		}
		return;
	case JS_ERROR: {
		tn_prop *name = lookup_prop(v, "name");
		tn_prop *msg = lookup_prop(v, "message");
		if (name && name->value && name->value->type == JS_STRING)
			sb_add(b, name->value->u.str.p, name->value->u.str.n);
		else
			sb_adds(b, "Error");
		if (msg && msg->value && !(msg->value->type == JS_STRING && msg->value->u.str.n == 0)) {
			sb_adds(b, ": ");
			to_string(msg->value, b, depth + 1);
		}
		return;
	}
	case JS_FUNCTION:
		sb_adds(b, "function ");
		sb_adds(b, v->u.o->name ? v->u.o->name : "");
		sb_adds(b, "() { [native code] }");
		return;
	case JS_PROMISE:
		sb_adds(b, "[object Promise]");
		return;
	case JS_ARRAYBUFFER:
		sb_adds(b, "[object ArrayBuffer]");
		return;
	}
	sb_adds(b, "[object Object]");
}

static tn_val *coerce_to_string(tn_val *v) {
	if (v->type == JS_STRING)
		return handle_of(v);
	strbuf b = {0};
	sb_add(&b, "", 0);
	to_string(v, &b, 0);
	tn_val *s = tn_new_string(b.p, b.n);
	free(b.p);
	return tn_handle(s);
}

/* ---- Calls ---- */

napi_status tn_call(tn_val *fn, tn_val *this_, size_t argc, tn_val *const *argv, tn_val **result) {
	*result = &tn_undefined_val;
	if (!fn || fn->type != JS_FUNCTION)
		return napi_function_expected;
	struct tn_env *e = ENV();
	if (e->pending)
		return napi_pending_exception;
	tn_obj *f = fn->u.o;
	struct tn_cbinfo info = {this_ ? this_ : &tn_undefined_val, argv, argc, f->cbdata, NULL};
	e->depth++;
	napi_value r = f->cb ? f->cb(e, &info) : NULL;
	e->depth--;
	if (e->pending)
		return napi_pending_exception;
	*result = r ? r : &tn_undefined_val;
	return napi_ok;
}

napi_status tn_construct(tn_val *cls, size_t argc, tn_val *const *argv, tn_val **result) {
	*result = &tn_undefined_val;
	if (!cls || cls->type != JS_FUNCTION)
		return napi_function_expected;
	struct tn_env *e = ENV();
	if (e->pending)
		return napi_pending_exception;
	tn_val *this_ = tn_handle(tn_new_object(JS_OBJECT));
	this_->u.o->proto = cls->u.o->prototype;
	tn_incref(this_->u.o->proto);
	tn_obj *f = cls->u.o;
	struct tn_cbinfo info = {this_, argv, argc, f->cbdata, cls};
	e->depth++;
	napi_value r = f->cb ? f->cb(e, &info) : NULL;
	e->depth--;
	if (e->pending)
		return napi_pending_exception;
	*result = tn_is_object(r) ? r : this_;
	return napi_ok;
}

/* ---- Scopes, queued work, exceptions ---- */

/* Threadsafe function calls, from any thread, run on the next thread that
 * finishes an outermost call. */
typedef struct {
	struct tn_tsfn *fn;
	void *data;
} tsfn_call;

static pthread_mutex_t tsfn_mu = PTHREAD_MUTEX_INITIALIZER;
static tsfn_call *tsfn_queue;
static size_t tsfn_n, tsfn_cap;
static volatile int tsfn_pending;

static void run_tsfn_calls(struct tn_env *e) {
	pthread_mutex_lock(&tsfn_mu);
	tsfn_call *calls = tsfn_queue;
	size_t n = tsfn_n;
	tsfn_queue = NULL;
	tsfn_n = tsfn_cap = 0;
	__atomic_store_n(&tsfn_pending, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&tsfn_mu);
	for (size_t i = 0; i < n; i++) {
		struct tn_tsfn *t = calls[i].fn;
		if (t->call_js) {
			t->call_js(e, t->fn, t->context, calls[i].data);
		} else if (t->fn) {
			tn_val *ignored;
			tn_call(t->fn, &tn_undefined_val, 0, NULL, &ignored);
		}
		/* Nobody waits for what a threadsafe call throws. */
		tn_decref(e->pending);
		e->pending = NULL;
	}
	free(calls);
}

static void run_work(struct tn_env *e, struct tn_work *w) {
	w->queued = false;
	w->execute(e, w->data);
	if (w->complete && !w->deleted)
		w->complete(e, napi_ok, w->data);
	tn_decref(e->pending);
	e->pending = NULL;
	if (w->deleted)
		free(w);
}

/* tn_flush runs the async work and threadsafe calls queued so far, so that
 * the promises they settle are settled when the call returns to Go. */
void tn_flush(struct tn_env *e) {
	for (;;) {
		if (e->nlater) {
			struct tn_work *w = e->later[0];
			memmove(e->later, e->later + 1, (e->nlater - 1) * sizeof *e->later);
			e->nlater--;
			run_work(e, w);
			continue;
		}
		if (__atomic_load_n(&tsfn_pending, __ATOMIC_ACQUIRE)) {
			run_tsfn_calls(e);
			continue;
		}
		return;
	}
}

void tn_enter(struct tn_env *e) { e->depth++; }

/* tn_leave ends a call; the outermost one drops its handles and runs what
 * is due: queued work, threadsafe calls, finalizers of dead objects. */
void tn_leave(struct tn_env *e) {
	if (--e->depth > 0)
		return;
	e->depth = 1;
	for (;;) {
		tn_flush(e);
		if (e->ndying) {
			tn_val *v = e->dying[--e->ndying];
			die(e, v);
			tn_decref(e->pending);
			e->pending = NULL;
			continue;
		}
		if (e->nhandles) {
			/* Dropping counts never makes handles. */
			for (size_t i = 0; i < e->nhandles; i++)
				tn_decref(e->handles[i]);
			e->nhandles = 0;
			continue;
		}
		break;
	}
	tn_decref(e->pending);
	e->pending = NULL;
	e->depth = 0;
}

/* tn_take_exception clears the pending exception and returns it as a
 * handle, or NULL. */
tn_val *tn_take_exception(struct tn_env *e) {
	tn_val *x = e->pending;
	e->pending = NULL;
	return x ? tn_handle(x) : NULL;
}

static napi_status throw_value(tn_val *v) {
	struct tn_env *e = ENV();
	if (e->pending)
		return napi_pending_exception;
	tn_incref(v);
	e->pending = v;
	return napi_ok;
}

static tn_val *new_error(const char *code, size_t ncode, const char *msg, size_t nmsg) {
	tn_val *err = tn_new_object(JS_ERROR);
	define_prop(err, "message", tn_new_string(msg, nmsg), NULL, NULL);
	if (code)
		define_prop(err, "code", tn_new_string(code, ncode), NULL, NULL);
	return err;
}

void tn_make_immortal(tn_val *v) {
	if (!v || (v->flags & TN_IMMORTAL))
		return;
	v->flags |= TN_IMMORTAL;
	if (!tn_is_object(v))
		return;
	tn_obj *o = v->u.o;
	tn_make_immortal(o->proto);
	for (uint32_t i = 0; i < o->nprops; i++) {
		tn_make_immortal(o->props[i].value);
		tn_make_immortal(o->props[i].getter);
		tn_make_immortal(o->props[i].setter);
	}
	for (uint32_t i = 0; i < o->nelems; i++)
		tn_make_immortal(o->elems[i]);
	tn_make_immortal(o->prototype);
	tn_make_immortal(o->buffer);
	tn_make_immortal(o->result);
}

/* tn_register_thread registers the module on the calling thread (napi-rs
 * keeps its class constructors per thread), inside an outermost call. It
 * returns 0, or -1 when registration threw. */
int tn_register_thread(struct tn_env *e) {
	if (e->registered)
		return 0;
	tn_val *exports = tn_handle(tn_new_object(JS_OBJECT));
	e->depth++;
	napi_value r = tn_register(e, exports);
	e->depth--;
	if (e->pending)
		return -1;
	if (tn_is_object(r))
		exports = r;
	tn_make_immortal(exports);
	e->exports = exports;
	e->registered = true;
	return 0;
}

/* ---- The Node-API functions ---- */

#define CHECK(x)                         \
	do {                             \
		if (!(x))                \
			return napi_invalid_arg; \
	} while (0)

NAPI_EXPORT napi_get_undefined(napi_env env, napi_value *result) {
	CHECK(result);
	*result = &tn_undefined_val;
	return napi_ok;
}

NAPI_EXPORT napi_get_null(napi_env env, napi_value *result) {
	CHECK(result);
	*result = &tn_null_val;
	return napi_ok;
}

NAPI_EXPORT napi_get_global(napi_env env, napi_value *result) {
	CHECK(result);
	*result = global_object;
	return napi_ok;
}

NAPI_EXPORT napi_get_boolean(napi_env env, bool value, napi_value *result) {
	CHECK(result);
	*result = value ? &tn_true_val : &tn_false_val;
	return napi_ok;
}

NAPI_EXPORT napi_create_object(napi_env env, napi_value *result) {
	CHECK(result);
	*result = tn_handle(tn_new_object(JS_OBJECT));
	return napi_ok;
}

NAPI_EXPORT napi_create_array_with_length(napi_env env, size_t length, napi_value *result) {
	CHECK(result);
	tn_val *a = tn_new_object(JS_ARRAY);
	if (length > 0 && length < (1u << 24)) {
		tn_obj *o = a->u.o;
		o->elems = length <= TN_INLINE_ELEMS ? o->inl : xmalloc(length * sizeof *o->elems);
		o->capelems = length <= TN_INLINE_ELEMS ? TN_INLINE_ELEMS : (uint32_t)length;
		o->nelems = (uint32_t)length;
		for (size_t i = 0; i < length; i++)
			o->elems[i] = &tn_undefined_val;
	}
	*result = tn_handle(a);
	return napi_ok;
}

NAPI_EXPORT napi_create_double(napi_env env, double value, napi_value *result) {
	CHECK(result);
	*result = tn_handle(tn_new_number(value));
	return napi_ok;
}

NAPI_EXPORT napi_create_int32(napi_env env, int32_t value, napi_value *result) {
	CHECK(result);
	*result = tn_handle(tn_new_int64(value));
	return napi_ok;
}

NAPI_EXPORT napi_create_uint32(napi_env env, uint32_t value, napi_value *result) {
	CHECK(result);
	*result = tn_handle(tn_new_int64(value));
	return napi_ok;
}

NAPI_EXPORT napi_create_int64(napi_env env, int64_t value, napi_value *result) {
	CHECK(result);
	*result = tn_handle(tn_new_int64(value));
	return napi_ok;
}

NAPI_EXPORT napi_create_bigint_words(napi_env env, int sign_bit, size_t word_count, const uint64_t *words, napi_value *result) {
	CHECK(result);
	CHECK(word_count == 0 || words);
	while (word_count > 1 && words[word_count - 1] == 0)
		word_count--;
	if (word_count > 1) {
		/* The host keeps BigInts within 64 bits of magnitude. */
		return napi_invalid_arg;
	}
	*result = tn_handle(tn_new_bigint(sign_bit != 0, word_count ? words[0] : 0));
	return napi_ok;
}

NAPI_EXPORT napi_create_string_utf8(napi_env env, const char *str, size_t length, napi_value *result) {
	CHECK(result);
	CHECK(str || length == 0 || length == NAPI_AUTO_LENGTH);
	if (!str)
		str = "";
	if (length == NAPI_AUTO_LENGTH)
		length = strlen(str);
	if (length > INT32_MAX)
		return napi_invalid_arg;
	*result = tn_handle(tn_new_string(str, length));
	return napi_ok;
}

NAPI_EXPORT napi_create_function(napi_env env, const char *utf8name, size_t length, napi_callback cb, void *data, napi_value *result) {
	CHECK(result && cb);
	tn_val *f = tn_new_object(JS_FUNCTION);
	if (utf8name) {
		if (length == NAPI_AUTO_LENGTH)
			length = strlen(utf8name);
		f->u.o->name = xmalloc(length + 1);
		memcpy(f->u.o->name, utf8name, length);
		f->u.o->name[length] = 0;
	}
	f->u.o->cb = cb;
	f->u.o->cbdata = data;
	*result = tn_handle(f);
	return napi_ok;
}

NAPI_EXPORT napi_create_error(napi_env env, napi_value code, napi_value msg, napi_value *result) {
	CHECK(result && msg);
	if (msg->type != JS_STRING)
		return napi_string_expected;
	if (code && code->type != JS_STRING && code->type != JS_UNDEFINED)
		return napi_string_expected;
	tn_val *err = tn_new_object(JS_ERROR);
	tn_incref(msg);
	define_prop(err, "message", msg, NULL, NULL);
	if (code && code->type == JS_STRING) {
		tn_incref(code);
		define_prop(err, "code", code, NULL, NULL);
	}
	*result = tn_handle(err);
	return napi_ok;
}

NAPI_EXPORT napi_typeof(napi_env env, napi_value value, napi_valuetype *result) {
	CHECK(value && result);
	switch (value->type) {
	case JS_UNDEFINED:
		*result = napi_undefined;
		break;
	case JS_NULL:
		*result = napi_null;
		break;
	case JS_BOOL:
		*result = napi_boolean;
		break;
	case JS_NUMBER:
		*result = napi_number;
		break;
	case JS_STRING:
		*result = napi_string;
		break;
	case JS_BIGINT:
		*result = napi_bigint;
		break;
	case JS_FUNCTION:
		*result = napi_function;
		break;
	default:
		*result = napi_object;
	}
	return napi_ok;
}

NAPI_EXPORT napi_get_value_double(napi_env env, napi_value value, double *result) {
	CHECK(value && result);
	if (value->type != JS_NUMBER)
		return napi_number_expected;
	*result = value->u.num.d;
	return napi_ok;
}

/* to_int64 converts a number as Node's napi_get_value_int64 does: non-finite
 * numbers are 0, others truncate and saturate. */
static int64_t to_int64(const tn_val *v) {
	if (v->flags & TN_EXACT)
		return v->u.num.i;
	double d = v->u.num.d;
	if (!isfinite(d))
		return 0;
	if (d >= 9223372036854775808.0)
		return INT64_MAX;
	if (d <= -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)d;
}

/* to_uint32 converts a number as JavaScript's ToUint32 (and, reinterpreted,
 * ToInt32) does. */
static uint32_t to_uint32(const tn_val *v) {
	if (v->flags & TN_EXACT)
		return (uint32_t)v->u.num.i;
	double d = v->u.num.d;
	if (!isfinite(d))
		return 0;
	d = fmod(trunc(d), 4294967296.0);
	if (d < 0)
		d += 4294967296.0;
	return (uint32_t)d;
}

NAPI_EXPORT napi_get_value_int32(napi_env env, napi_value value, int32_t *result) {
	CHECK(value && result);
	if (value->type != JS_NUMBER)
		return napi_number_expected;
	*result = (int32_t)to_uint32(value);
	return napi_ok;
}

NAPI_EXPORT napi_get_value_uint32(napi_env env, napi_value value, uint32_t *result) {
	CHECK(value && result);
	if (value->type != JS_NUMBER)
		return napi_number_expected;
	*result = to_uint32(value);
	return napi_ok;
}

NAPI_EXPORT napi_get_value_int64(napi_env env, napi_value value, int64_t *result) {
	CHECK(value && result);
	if (value->type != JS_NUMBER)
		return napi_number_expected;
	*result = to_int64(value);
	return napi_ok;
}

NAPI_EXPORT napi_get_value_bool(napi_env env, napi_value value, bool *result) {
	CHECK(value && result);
	if (value->type != JS_BOOL)
		return napi_boolean_expected;
	*result = value->u.b;
	return napi_ok;
}

NAPI_EXPORT napi_get_value_string_utf8(napi_env env, napi_value value, char *buf, size_t bufsize, size_t *result) {
	CHECK(value);
	if (value->type != JS_STRING)
		return napi_string_expected;
	size_t n = value->u.str.n;
	if (!buf) {
		CHECK(result);
		*result = n;
		return napi_ok;
	}
	if (bufsize == 0) {
		if (result)
			*result = 0;
		return napi_ok;
	}
	if (n > bufsize - 1) {
		n = bufsize - 1;
		/* Never split a character. */
		while (n > 0 && ((unsigned char)value->u.str.p[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(buf, value->u.str.p, n);
	buf[n] = 0;
	if (result)
		*result = n;
	return napi_ok;
}

NAPI_EXPORT napi_coerce_to_string(napi_env env, napi_value value, napi_value *result) {
	CHECK(value && result);
	*result = coerce_to_string(value);
	return napi_ok;
}

NAPI_EXPORT napi_coerce_to_object(napi_env env, napi_value value, napi_value *result) {
	CHECK(value && result);
	if (tn_is_object(value)) {
		*result = handle_of(value);
		return napi_ok;
	}
	if (value->type == JS_UNDEFINED || value->type == JS_NULL) {
		tn_val *err = new_error(NULL, 0, "Cannot convert undefined or null to object", 42);
		throw_value(err);
		tn_decref(err);
		return napi_pending_exception;
	}
	tn_val *box = tn_new_object(JS_OBJECT);
	tn_incref(value);
	define_prop(box, "valueOf", value, NULL, NULL);
	*result = tn_handle(box);
	return napi_ok;
}

NAPI_EXPORT napi_set_named_property(napi_env env, napi_value object, const char *utf8name, napi_value value) {
	CHECK(object && utf8name && value);
	return set_prop(object, utf8name, value);
}

NAPI_EXPORT napi_get_named_property(napi_env env, napi_value object, const char *utf8name, napi_value *result) {
	CHECK(object && utf8name && result);
	return tn_get(object, utf8name, result);
}

/* key_string returns property key k as text, in *tmp when it is made. */
static const char *key_string(tn_val *k, tn_val **tmp) {
	*tmp = NULL;
	if (k->type == JS_STRING)
		return k->u.str.p;
	*tmp = coerce_to_string(k);
	return (*tmp)->u.str.p;
}

NAPI_EXPORT napi_set_property(napi_env env, napi_value object, napi_value key, napi_value value) {
	CHECK(object && key && value);
	tn_val *tmp;
	return set_prop(object, key_string(key, &tmp), value);
}

NAPI_EXPORT napi_get_property(napi_env env, napi_value object, napi_value key, napi_value *result) {
	CHECK(object && key && result);
	tn_val *tmp;
	return tn_get(object, key_string(key, &tmp), result);
}

NAPI_EXPORT napi_set_element(napi_env env, napi_value object, uint32_t index, napi_value value) {
	CHECK(object && value);
	if (object->type == JS_ARRAY) {
		set_element(object, index, value);
		return napi_ok;
	}
	char key[16];
	snprintf(key, sizeof key, "%" PRIu32, index);
	return set_prop(object, key, value);
}

/* get_element is napi_get_element on anything but a typed array, kept out
 * of line so that the typed array's path stays a leaf. */
__attribute__((noinline)) static napi_status get_element(tn_val *object, uint32_t index, tn_val **result) {
	if (object->type == JS_ARRAY) {
		tn_obj *o = object->u.o;
		*result = index < o->nelems ? handle_of(o->elems[index]) : &tn_undefined_val;
		return napi_ok;
	}
	char key[16];
	snprintf(key, sizeof key, "%" PRIu32, index);
	return tn_get(object, key, result);
}

NAPI_EXPORT napi_get_element(napi_env env, napi_value object, uint32_t index, napi_value *result) {
	CHECK(object && result);
	/* A typed array first: the addon binds a blob one element at a time. */
	if (object->type == JS_TYPEDARRAY) {
		tn_obj *o = object->u.o;
		*result = index < o->length ? &small_ints[o->bytes[index]] : &tn_undefined_val;
		return napi_ok;
	}
	return get_element(object, index, result);
}

NAPI_EXPORT napi_is_array(napi_env env, napi_value value, bool *result) {
	CHECK(value && result);
	*result = value->type == JS_ARRAY;
	return napi_ok;
}

NAPI_EXPORT napi_get_array_length(napi_env env, napi_value value, uint32_t *result) {
	CHECK(value && result);
	if (value->type != JS_ARRAY)
		return napi_array_expected;
	*result = value->u.o->nelems;
	return napi_ok;
}

/* define_props defines count descriptors: on obj, or, with statics, the
 * static ones on statics (a class). */
static napi_status define_props(tn_val *obj, tn_val *statics, size_t count, const napi_property_descriptor *props) {
	CHECK(count == 0 || props);
	for (size_t i = 0; i < count; i++) {
		const napi_property_descriptor *d = &props[i];
		tn_val *tmp = NULL;
		const char *name;
		if (d->utf8name)
			name = d->utf8name;
		else if (d->name)
			name = key_string(d->name, &tmp);
		else
			return napi_name_expected;
		tn_val *target = statics && (d->attributes & napi_static) ? statics : obj;
		if (d->method) {
			tn_val *f = tn_new_object(JS_FUNCTION);
			f->u.o->name = xstrdup(name);
			f->u.o->cb = d->method;
			f->u.o->cbdata = d->data;
			define_prop(target, name, f, NULL, NULL);
		} else if (d->getter || d->setter) {
			tn_val *g = NULL, *s = NULL;
			if (d->getter) {
				g = tn_new_object(JS_FUNCTION);
				g->u.o->name = xstrdup(name);
				g->u.o->cb = d->getter;
				g->u.o->cbdata = d->data;
			}
			if (d->setter) {
				s = tn_new_object(JS_FUNCTION);
				s->u.o->name = xstrdup(name);
				s->u.o->cb = d->setter;
				s->u.o->cbdata = d->data;
			}
			define_prop(target, name, NULL, g, s);
		} else {
			tn_val *v = d->value ? d->value : &tn_undefined_val;
			tn_incref(v);
			define_prop(target, name, v, NULL, NULL);
		}
	}
	return napi_ok;
}

NAPI_EXPORT napi_define_properties(napi_env env, napi_value object, size_t property_count, const napi_property_descriptor *properties) {
	CHECK(object);
	if (!tn_is_object(object))
		return napi_object_expected;
	return define_props(object, NULL, property_count, properties);
}

NAPI_EXPORT napi_define_class(napi_env env, const char *utf8name, size_t length, napi_callback constructor, void *data, size_t property_count, const napi_property_descriptor *properties, napi_value *result) {
	CHECK(utf8name && constructor && result);
	if (length == NAPI_AUTO_LENGTH)
		length = strlen(utf8name);
	tn_val *cls = tn_new_object(JS_FUNCTION);
	tn_obj *c = cls->u.o;
	c->name = xmalloc(length + 1);
	memcpy(c->name, utf8name, length);
	c->name[length] = 0;
	c->cb = constructor;
	c->cbdata = data;
	c->prototype = tn_new_object(JS_OBJECT);
	/* prototype.constructor refers back: a cycle, which never frees, as
	 * classes live as long as the module anyway. */
	tn_incref(cls);
	define_prop(c->prototype, "constructor", cls, NULL, NULL);
	napi_status st = define_props(c->prototype, cls, property_count, properties);
	if (st != napi_ok) {
		tn_decref(cls);
		return st;
	}
	*result = tn_handle(cls);
	return napi_ok;
}

NAPI_EXPORT napi_get_cb_info(napi_env env, napi_callback_info cbinfo, size_t *argc, napi_value *argv, napi_value *this_arg, void **data) {
	CHECK(cbinfo);
	if (argc) {
		CHECK(argv || *argc == 0);
		for (size_t i = 0; i < *argc; i++)
			argv[i] = i < cbinfo->argc ? cbinfo->argv[i] : &tn_undefined_val;
		*argc = cbinfo->argc;
	}
	if (this_arg)
		*this_arg = cbinfo->this_;
	if (data)
		*data = cbinfo->data;
	return napi_ok;
}

NAPI_EXPORT napi_call_function(napi_env env, napi_value recv, napi_value func, size_t argc, const napi_value *argv, napi_value *result) {
	CHECK(func);
	CHECK(argc == 0 || argv);
	if (ENV()->pending)
		return napi_pending_exception;
	if (func->type != JS_FUNCTION)
		return napi_function_expected;
	tn_val *r;
	napi_status st = tn_call(func, recv, argc, argv, &r);
	if (result && st == napi_ok)
		*result = r;
	return st;
}

NAPI_EXPORT napi_new_instance(napi_env env, napi_value constructor, size_t argc, const napi_value *argv, napi_value *result) {
	CHECK(constructor && result);
	CHECK(argc == 0 || argv);
	if (ENV()->pending)
		return napi_pending_exception;
	if (constructor->type != JS_FUNCTION)
		return napi_function_expected;
	return tn_construct(constructor, argc, argv, result);
}

/* new_ref makes a reference to v with count. A reference to an object is
 * linked into the object's list; a primitive cannot be held weakly, so a
 * reference to one always holds a count. */
static struct tn_ref *new_ref(tn_val *v, uint32_t count) {
	struct tn_ref *r = xcalloc(1, sizeof *r);
	r->value = v;
	r->count = count;
	if (!tn_is_object(v)) {
		tn_incref(v);
		return r;
	}
	if (count > 0)
		tn_incref(v);
	pthread_mutex_lock(&ref_mu);
	r->next = v->u.o->refs;
	if (r->next)
		r->next->prev = r;
	v->u.o->refs = r;
	pthread_mutex_unlock(&ref_mu);
	return r;
}

NAPI_EXPORT napi_wrap(napi_env env, napi_value js_object, void *native_object, napi_finalize finalize_cb, void *finalize_hint, napi_ref *result) {
	CHECK(js_object);
	if (!tn_is_object(js_object))
		return napi_object_expected;
	tn_obj *o = js_object->u.o;
	if (o->wrapped)
		return napi_invalid_arg;
	o->native = native_object;
	o->wrapped = true;
	if (finalize_cb) {
		o->fins = xrealloc(o->fins, (o->nfins + 1) * sizeof *o->fins);
		o->fins[o->nfins++] = (tn_fin){finalize_cb, native_object, finalize_hint};
	}
	if (result)
		*result = new_ref(js_object, 0);
	return napi_ok;
}

NAPI_EXPORT napi_unwrap(napi_env env, napi_value js_object, void **result) {
	CHECK(js_object && result);
	if (!tn_is_object(js_object))
		return napi_object_expected;
	if (!js_object->u.o->wrapped)
		return napi_invalid_arg;
	*result = js_object->u.o->native;
	return napi_ok;
}

NAPI_EXPORT napi_add_finalizer(napi_env env, napi_value js_object, void *finalize_data, napi_finalize finalize_cb, void *finalize_hint, napi_ref *result) {
	CHECK(js_object && finalize_cb);
	if (!tn_is_object(js_object))
		return napi_object_expected;
	tn_obj *o = js_object->u.o;
	o->fins = xrealloc(o->fins, (o->nfins + 1) * sizeof *o->fins);
	o->fins[o->nfins++] = (tn_fin){finalize_cb, finalize_data, finalize_hint};
	if (result)
		*result = new_ref(js_object, 0);
	return napi_ok;
}

NAPI_EXPORT napi_create_reference(napi_env env, napi_value value, uint32_t initial_refcount, napi_ref *result) {
	CHECK(value && result);
	*result = new_ref(value, initial_refcount);
	return napi_ok;
}

NAPI_EXPORT napi_delete_reference(napi_env env, napi_ref ref) {
	CHECK(ref);
	tn_val *v;
	pthread_mutex_lock(&ref_mu);
	v = ref->value;
	if (v && tn_is_object(v)) {
		if (ref->prev)
			ref->prev->next = ref->next;
		else if (v->u.o->refs == ref)
			v->u.o->refs = ref->next;
		if (ref->next)
			ref->next->prev = ref->prev;
	}
	pthread_mutex_unlock(&ref_mu);
	if (v && (ref->count > 0 || !tn_is_object(v)))
		tn_decref(v);
	free(ref);
	return napi_ok;
}

NAPI_EXPORT napi_reference_unref(napi_env env, napi_ref ref, uint32_t *result) {
	CHECK(ref);
	if (ref->count == 0)
		return napi_generic_failure;
	ref->count--;
	if (ref->count == 0 && ref->value && tn_is_object(ref->value))
		tn_decref(ref->value);
	if (result)
		*result = ref->count;
	return napi_ok;
}

NAPI_EXPORT napi_get_reference_value(napi_env env, napi_ref ref, napi_value *result) {
	CHECK(ref && result);
	tn_val *v = ref->value;
	if (!v || (v->flags & TN_DEAD)) {
		*result = NULL;
		return napi_ok;
	}
	*result = handle_of(v);
	return napi_ok;
}

NAPI_EXPORT napi_throw(napi_env env, napi_value error) {
	CHECK(error);
	return throw_value(error);
}

NAPI_EXPORT napi_throw_error(napi_env env, const char *code, const char *msg) {
	CHECK(msg);
	if (ENV()->pending)
		return napi_pending_exception;
	tn_val *err = new_error(code, code ? strlen(code) : 0, msg, strlen(msg));
	napi_status st = throw_value(err);
	tn_decref(err);
	return st;
}

NAPI_EXPORT napi_is_error(napi_env env, napi_value value, bool *result) {
	CHECK(value && result);
	*result = value->type == JS_ERROR;
	return napi_ok;
}

NAPI_EXPORT napi_is_exception_pending(napi_env env, bool *result) {
	CHECK(result);
	*result = ENV()->pending != NULL;
	return napi_ok;
}

NAPI_EXPORT napi_get_and_clear_last_exception(napi_env env, napi_value *result) {
	CHECK(result);
	tn_val *x = tn_take_exception(ENV());
	*result = x ? x : &tn_undefined_val;
	return napi_ok;
}

NAPI_EXPORT napi_is_typedarray(napi_env env, napi_value value, bool *result) {
	CHECK(value && result);
	*result = value->type == JS_TYPEDARRAY;
	return napi_ok;
}

/* In Node a Buffer is any ArrayBufferView. */
NAPI_EXPORT napi_is_buffer(napi_env env, napi_value value, bool *result) {
	CHECK(value && result);
	*result = value->type == JS_TYPEDARRAY;
	return napi_ok;
}

NAPI_EXPORT napi_create_buffer(napi_env env, size_t length, void **data, napi_value *result) {
	CHECK(result);
	uint8_t *b = xmalloc(length);
	tn_val *t = new_typedarray(new_arraybuffer(b, length), 0, length, true);
	if (data)
		*data = b;
	*result = tn_handle(t);
	return napi_ok;
}

NAPI_EXPORT napi_create_buffer_copy(napi_env env, size_t length, const void *data, void **result_data, napi_value *result) {
	CHECK(result);
	CHECK(data || length == 0);
	tn_val *t = tn_new_buffer_copy(data, length);
	if (result_data)
		*result_data = typedarray_bytes(t);
	*result = tn_handle(t);
	return napi_ok;
}

NAPI_EXPORT napi_create_external_buffer(napi_env env, size_t length, void *data, napi_finalize finalize_cb, void *finalize_hint, napi_value *result) {
	CHECK(result);
	CHECK(data || length == 0);
	tn_val *ab = new_arraybuffer(data, length);
	ab->u.o->bfin = finalize_cb;
	ab->u.o->bfin_data = data;
	ab->u.o->bfin_hint = finalize_hint;
	ab->u.o->borrowed = !finalize_cb;
	*result = tn_handle(new_typedarray(ab, 0, length, true));
	return napi_ok;
}

NAPI_EXPORT napi_get_buffer_info(napi_env env, napi_value value, void **data, size_t *length) {
	CHECK(value);
	if (value->type != JS_TYPEDARRAY)
		return napi_invalid_arg;
	if (data)
		*data = typedarray_bytes(value);
	if (length)
		*length = value->u.o->length;
	return napi_ok;
}

NAPI_EXPORT napi_create_promise(napi_env env, napi_deferred *deferred, napi_value *promise) {
	CHECK(deferred && promise);
	tn_val *p = tn_new_object(JS_PROMISE);
	struct tn_deferred *d = xmalloc(sizeof *d);
	d->promise = p;
	tn_incref(p);
	*deferred = d;
	*promise = tn_handle(p);
	return napi_ok;
}

static napi_status settle(struct tn_deferred *d, tn_val *v, int state) {
	CHECK(d && v);
	tn_obj *o = d->promise->u.o;
	if (o->state == TN_PENDING) {
		o->state = state;
		tn_incref(v);
		o->result = v;
	}
	tn_decref(d->promise);
	free(d);
	return napi_ok;
}

NAPI_EXPORT napi_resolve_deferred(napi_env env, napi_deferred deferred, napi_value resolution) {
	return settle(deferred, resolution, TN_FULFILLED);
}

NAPI_EXPORT napi_reject_deferred(napi_env env, napi_deferred deferred, napi_value rejection) {
	return settle(deferred, rejection, TN_REJECTED);
}

/* Async work runs on the calling thread once the outermost call returns
 * (see tn_flush): execute, then complete. */
NAPI_EXPORT napi_create_async_work(napi_env env, napi_value async_resource, napi_value async_resource_name, napi_async_execute_callback execute, napi_async_complete_callback complete, void *data, napi_async_work *result) {
	CHECK(execute && result);
	struct tn_work *w = xcalloc(1, sizeof *w);
	w->execute = execute;
	w->complete = complete;
	w->data = data;
	*result = w;
	return napi_ok;
}

NAPI_EXPORT napi_queue_async_work(napi_env env, napi_async_work work) {
	CHECK(work);
	if (work->queued)
		return napi_generic_failure;
	struct tn_env *e = ENV();
	if (e->nlater == e->caplater) {
		e->caplater = e->caplater ? 2 * e->caplater : 8;
		e->later = xrealloc(e->later, e->caplater * sizeof *e->later);
	}
	e->later[e->nlater++] = work;
	work->queued = true;
	return napi_ok;
}

NAPI_EXPORT napi_delete_async_work(napi_env env, napi_async_work work) {
	CHECK(work);
	if (work->queued) {
		/* Still queued: drop it from the queue. */
		struct tn_env *e = ENV();
		for (size_t i = 0; i < e->nlater; i++) {
			if (e->later[i] == work) {
				memmove(e->later + i, e->later + i + 1, (e->nlater - i - 1) * sizeof *e->later);
				e->nlater--;
				break;
			}
		}
		free(work);
		return napi_ok;
	}
	/* Deleted from its own complete callback: run_work frees it. */
	work->deleted = true;
	return napi_ok;
}

NAPI_EXPORT napi_create_threadsafe_function(napi_env env, napi_value func, napi_value async_resource, napi_value async_resource_name, size_t max_queue_size, size_t initial_thread_count, void *thread_finalize_data, napi_finalize thread_finalize_cb, void *context, napi_threadsafe_function_call_js call_js_cb, napi_threadsafe_function *result) {
	CHECK(result);
	if (!call_js_cb && (!func || func->type != JS_FUNCTION))
		return napi_function_expected;
	struct tn_tsfn *t = xcalloc(1, sizeof *t);
	if (func) {
		/* Threadsafe functions live as long as the process: what they call
		 * must too. */
		tn_make_immortal(func);
		t->fn = func;
	}
	t->context = context;
	t->call_js = call_js_cb;
	t->finalize = thread_finalize_cb;
	t->finalize_data = thread_finalize_data;
	*result = t;
	return napi_ok;
}

NAPI_EXPORT napi_call_threadsafe_function(napi_threadsafe_function func, void *data, napi_threadsafe_function_call_mode is_blocking) {
	CHECK(func);
	pthread_mutex_lock(&tsfn_mu);
	if (tsfn_n == tsfn_cap) {
		tsfn_cap = tsfn_cap ? 2 * tsfn_cap : 16;
		tsfn_call *q = realloc(tsfn_queue, tsfn_cap * sizeof *q);
		if (!q) {
			pthread_mutex_unlock(&tsfn_mu);
			return napi_queue_full;
		}
		tsfn_queue = q;
	}
	tsfn_queue[tsfn_n++] = (tsfn_call){func, data};
	__atomic_store_n(&tsfn_pending, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&tsfn_mu);
	return napi_ok;
}

/* The host has no event loop for a threadsafe function to keep alive. */
NAPI_EXPORT napi_unref_threadsafe_function(napi_env env, napi_threadsafe_function func) {
	CHECK(func);
	return napi_ok;
}
