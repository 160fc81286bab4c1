/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Growable byte buffer with a hard maximum. Appends past the maximum fail with -WARD_E_LIMIT
 * and leave the buffer as it was, so untrusted input can never grow it without bound.
 * The data is always NUL-terminated for libc boundaries; len excludes the NUL.
 */
#ifndef WARD_BUF_H
#define WARD_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct ward_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* 0 means WARD_BUF_DEFAULT_MAX */
};

#define WARD_BUF_DEFAULT_MAX (64u << 20)

void ward_buf_init(struct ward_buf *b, size_t max);
void ward_buf_free(struct ward_buf *b);
void ward_buf_reset(struct ward_buf *b);
int ward_buf_reserve(struct ward_buf *b, size_t extra);
int ward_buf_append(struct ward_buf *b, const void *data, size_t len);
int ward_buf_putc(struct ward_buf *b, char c);
int ward_buf_puts(struct ward_buf *b, const char *s);
int ward_buf_printf(struct ward_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ward_buf_vprintf(struct ward_buf *b, const char *fmt, va_list ap);

#endif
