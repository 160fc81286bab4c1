/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Error codes and diagnostics. Functions return 0 (or a count) on success and -errno or
 * -WARD_E_* on failure; ward_strerror() names both. Parsers fill a struct ward_diag so the
 * message a user sees says which file, line and column is wrong and what to do.
 */
#ifndef WARD_ERR_H
#define WARD_ERR_H

#include <stddef.h>

enum {
	WARD_E_BASE = 4000,
	WARD_E_SYNTAX,     /* malformed input */
	WARD_E_LIMIT,      /* a named bound was exceeded */
	WARD_E_UNSUPPORTED,/* valid but not handled (format version, kernel feature) */
	WARD_E_NOTFOUND,   /* a named thing (field, rule, key) does not exist */
	WARD_E_VERSION,    /* schema or ABI version mismatch */
	WARD_E_INTEGRITY,  /* hash, HMAC or signature check failed */
	WARD_E_PROTECTED,  /* refused: the target is protected */
	WARD_E_MAX
};

struct ward_diag {
	char file[256];
	int line;    /* 1-based, 0 when unknown */
	int column;  /* 1-based, 0 when unknown */
	char msg[512];
};

const char *ward_strerror(int err);

/* Records a message (printf-style) with location; safe with d == NULL. Returns err. */
int ward_diag_set(struct ward_diag *d, int err, const char *file, int line, int column,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* "file:line:col: msg" into out; returns out. */
const char *ward_diag_format(const struct ward_diag *d, char *out, size_t out_len);

#endif
