// SPDX-License-Identifier: Apache-2.0
/* Streaming JSON writer. */
#include "common/jsonw.h"
#include "common/err.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void ward_jw_init(struct ward_jw *w, struct ward_buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

static void jw_put(struct ward_jw *w, const char *s, size_t len)
{
	if (!w->err)
		w->err = ward_buf_append(w->b, s, len);
}

/* Before a value (or key) at the current level: emit a comma when needed. */
static void jw_sep(struct ward_jw *w)
{
	if (w->need_comma[w->depth])
		jw_put(w, ",", 1);
	w->need_comma[w->depth] = true;
}

static void jw_open(struct ward_jw *w, char c)
{
	jw_sep(w);
	jw_put(w, &c, 1);
	if (w->depth + 1 >= WARD_JSONW_DEPTH) {
		w->err = w->err ? w->err : -WARD_E_LIMIT;
		return;
	}
	w->depth++;
	w->need_comma[w->depth] = false;
}

static void jw_close(struct ward_jw *w, char c)
{
	if (w->depth > 0)
		w->depth--;
	jw_put(w, &c, 1);
}

void ward_jw_obj_begin(struct ward_jw *w) { jw_open(w, '{'); }
void ward_jw_obj_end(struct ward_jw *w) { jw_close(w, '}'); }
void ward_jw_arr_begin(struct ward_jw *w) { jw_open(w, '['); }
void ward_jw_arr_end(struct ward_jw *w) { jw_close(w, ']'); }

/* Length of a valid UTF-8 sequence at s (max n bytes), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* reject overlong forms, surrogates and out-of-range code points */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

int ward_json_escape(struct ward_buf *b, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;
	int err = 0;

	while (i < len && !err) {
		unsigned char c = s[i];
		size_t n;
		char esc[8];

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			run++;
			continue;
		}
		if (run)
			err = ward_buf_append(b, s + i - run, run);
		run = 0;
		if (err)
			break;
		if (c >= 0x80) {
			n = utf8_seq(s + i, len - i);
			if (n) {
				err = ward_buf_append(b, s + i, n);
				i += n;
			} else {
				err = ward_buf_append(b, "\xef\xbf\xbd", 3);
				i++;
			}
			continue;
		}
		switch (c) {
		case '"': err = ward_buf_append(b, "\\\"", 2); break;
		case '\\': err = ward_buf_append(b, "\\\\", 2); break;
		case '\n': err = ward_buf_append(b, "\\n", 2); break;
		case '\r': err = ward_buf_append(b, "\\r", 2); break;
		case '\t': err = ward_buf_append(b, "\\t", 2); break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			err = ward_buf_append(b, esc, 6);
		}
		i++;
	}
	if (!err && run)
		err = ward_buf_append(b, s + i - run, run);
	return err;
}

void ward_jw_strn(struct ward_jw *w, const char *s, size_t len)
{
	jw_sep(w);
	jw_put(w, "\"", 1);
	if (!w->err)
		w->err = ward_json_escape(w->b, s, len);
	jw_put(w, "\"", 1);
}

void ward_jw_str(struct ward_jw *w, const char *s)
{
	if (!s) {
		ward_jw_null(w);
		return;
	}
	ward_jw_strn(w, s, strlen(s));
}

void ward_jw_key(struct ward_jw *w, const char *key)
{
	ward_jw_str(w, key);
	jw_put(w, ":", 1);
	/* the value that follows must not emit a comma */
	w->need_comma[w->depth] = false;
}

static void jw_scalar(struct ward_jw *w, const char *s)
{
	jw_sep(w);
	jw_put(w, s, strlen(s));
}

void ward_jw_int(struct ward_jw *w, int64_t v)
{
	char tmp[24];

	snprintf(tmp, sizeof(tmp), "%" PRId64, v);
	jw_scalar(w, tmp);
}

void ward_jw_uint(struct ward_jw *w, uint64_t v)
{
	char tmp[24];

	snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
	jw_scalar(w, tmp);
}

void ward_jw_double(struct ward_jw *w, double v)
{
	char tmp[40];

	if (!isfinite(v)) {
		ward_jw_null(w);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%.17g", v);
	jw_scalar(w, tmp);
}

void ward_jw_bool(struct ward_jw *w, bool v) { jw_scalar(w, v ? "true" : "false"); }
void ward_jw_null(struct ward_jw *w) { jw_scalar(w, "null"); }

void ward_jw_raw(struct ward_jw *w, const char *json, size_t len)
{
	jw_sep(w);
	jw_put(w, json, len);
}

void ward_jw_kstr(struct ward_jw *w, const char *key, const char *s) { ward_jw_key(w, key); ward_jw_str(w, s); }
void ward_jw_kint(struct ward_jw *w, const char *key, int64_t v) { ward_jw_key(w, key); ward_jw_int(w, v); }
void ward_jw_kuint(struct ward_jw *w, const char *key, uint64_t v) { ward_jw_key(w, key); ward_jw_uint(w, v); }
void ward_jw_kbool(struct ward_jw *w, const char *key, bool v) { ward_jw_key(w, key); ward_jw_bool(w, v); }
