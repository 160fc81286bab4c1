/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Streaming JSON writer into a ward_buf. Used on the event and alert paths where building a
 * jansson tree per event would allocate; parsing JSON uses jansson. Commas are inserted
 * automatically; strings are escaped and invalid UTF-8 is replaced with U+FFFD so output is
 * always valid JSON whatever bytes a path or argv holds.
 */
#ifndef WARD_JSONW_H
#define WARD_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define WARD_JSONW_DEPTH 32

struct ward_jw {
	struct ward_buf *b;
	int depth;
	bool need_comma[WARD_JSONW_DEPTH];
	int err; /* first error; later calls are no-ops */
};

void ward_jw_init(struct ward_jw *w, struct ward_buf *b);
void ward_jw_obj_begin(struct ward_jw *w);
void ward_jw_obj_end(struct ward_jw *w);
void ward_jw_arr_begin(struct ward_jw *w);
void ward_jw_arr_end(struct ward_jw *w);
void ward_jw_key(struct ward_jw *w, const char *key);
void ward_jw_str(struct ward_jw *w, const char *s);
void ward_jw_strn(struct ward_jw *w, const char *s, size_t len);
void ward_jw_int(struct ward_jw *w, int64_t v);
void ward_jw_uint(struct ward_jw *w, uint64_t v);
void ward_jw_double(struct ward_jw *w, double v);
void ward_jw_bool(struct ward_jw *w, bool v);
void ward_jw_null(struct ward_jw *w);
/* Inserts already-serialized JSON as a value. */
void ward_jw_raw(struct ward_jw *w, const char *json, size_t len);

/* key + value shorthands */
void ward_jw_kstr(struct ward_jw *w, const char *key, const char *s);
void ward_jw_kint(struct ward_jw *w, const char *key, int64_t v);
void ward_jw_kuint(struct ward_jw *w, const char *key, uint64_t v);
void ward_jw_kbool(struct ward_jw *w, const char *key, bool v);

/* Appends s escaped as JSON string content (no quotes) to b. */
int ward_json_escape(struct ward_buf *b, const char *s, size_t len);

#endif
