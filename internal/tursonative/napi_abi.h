/*
 * The Node-API types as a native addon sees them: the same names, layouts
 * and numbering as Node's js_native_api_types.h and node_api_types.h (the
 * stable ABI, version 8), written for this host. The handle types point to
 * the host's own structures (see host.h).
 */
#ifndef TURSO_NAPI_ABI_H
#define TURSO_NAPI_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tn_env *napi_env;
typedef struct tn_val *napi_value;
typedef struct tn_ref *napi_ref;
typedef struct tn_cbinfo *napi_callback_info;
typedef struct tn_deferred *napi_deferred;
typedef struct tn_work *napi_async_work;
typedef struct tn_tsfn *napi_threadsafe_function;

typedef enum {
	napi_ok,
	napi_invalid_arg,
	napi_object_expected,
	napi_string_expected,
	napi_name_expected,
	napi_function_expected,
	napi_number_expected,
	napi_boolean_expected,
	napi_array_expected,
	napi_generic_failure,
	napi_pending_exception,
	napi_cancelled,
	napi_escape_called_twice,
	napi_handle_scope_mismatch,
	napi_callback_scope_mismatch,
	napi_queue_full,
	napi_closing,
	napi_bigint_expected,
	napi_date_expected,
	napi_arraybuffer_expected,
	napi_detachable_arraybuffer_expected,
	napi_would_deadlock,
} napi_status;

typedef enum {
	napi_undefined,
	napi_null,
	napi_boolean,
	napi_number,
	napi_string,
	napi_symbol,
	napi_object,
	napi_function,
	napi_external,
	napi_bigint,
} napi_valuetype;

typedef enum {
	napi_default = 0,
	napi_writable = 1 << 0,
	napi_enumerable = 1 << 1,
	napi_configurable = 1 << 2,
	napi_static = 1 << 10,
} napi_property_attributes;

typedef enum {
	napi_tsfn_release,
	napi_tsfn_abort,
} napi_threadsafe_function_release_mode;

typedef enum {
	napi_tsfn_nonblocking,
	napi_tsfn_blocking,
} napi_threadsafe_function_call_mode;

typedef napi_value (*napi_callback)(napi_env env, napi_callback_info info);
typedef void (*napi_finalize)(napi_env env, void *data, void *hint);
typedef void (*napi_async_execute_callback)(napi_env env, void *data);
typedef void (*napi_async_complete_callback)(napi_env env, napi_status status, void *data);
typedef void (*napi_threadsafe_function_call_js)(napi_env env, napi_value js_callback, void *context, void *data);

typedef struct {
	const char *utf8name;
	napi_value name;
	napi_callback method;
	napi_callback getter;
	napi_callback setter;
	napi_value value;
	napi_property_attributes attributes;
	void *data;
} napi_property_descriptor;

/* NAPI_AUTO_LENGTH: the string is NUL-terminated. */
#define NAPI_AUTO_LENGTH SIZE_MAX

#endif
