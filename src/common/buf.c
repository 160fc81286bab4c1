// SPDX-License-Identifier: Apache-2.0
/* Bounded growable buffer. Allocation failure is reported as -ENOMEM, not aborted: buffers
 * hold data-plane content whose size depends on input. */
#include "common/buf.h"
#include "common/err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ward_buf_init(struct ward_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : WARD_BUF_DEFAULT_MAX;
}

void ward_buf_free(struct ward_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void ward_buf_reset(struct ward_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

int ward_buf_reserve(struct ward_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (!b->max)
		b->max = WARD_BUF_DEFAULT_MAX;
	if (extra > b->max || b->len > b->max - extra)
		return -WARD_E_LIMIT;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int ward_buf_append(struct ward_buf *b, const void *data, size_t len)
{
	int err = ward_buf_reserve(b, len);

	if (err)
		return err;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int ward_buf_putc(struct ward_buf *b, char c)
{
	return ward_buf_append(b, &c, 1);
}

int ward_buf_puts(struct ward_buf *b, const char *s)
{
	return ward_buf_append(b, s, strlen(s));
}

int ward_buf_vprintf(struct ward_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n, err;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return -EINVAL;
	err = ward_buf_reserve(b, (size_t)n);
	if (err)
		return err;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int ward_buf_printf(struct ward_buf *b, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = ward_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return err;
}
