// SPDX-License-Identifier: Apache-2.0
/* Error names and diagnostics formatting. */
#include "common/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const ward_errs[] = {
	[WARD_E_SYNTAX - WARD_E_BASE] = "syntax error",
	[WARD_E_LIMIT - WARD_E_BASE] = "limit exceeded",
	[WARD_E_UNSUPPORTED - WARD_E_BASE] = "not supported",
	[WARD_E_NOTFOUND - WARD_E_BASE] = "not found",
	[WARD_E_VERSION - WARD_E_BASE] = "version mismatch",
	[WARD_E_INTEGRITY - WARD_E_BASE] = "integrity check failed",
	[WARD_E_PROTECTED - WARD_E_BASE] = "target is protected",
};

const char *ward_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err > WARD_E_BASE && err < WARD_E_MAX && ward_errs[err - WARD_E_BASE])
		return ward_errs[err - WARD_E_BASE];
	return strerror(err);
}

int ward_diag_set(struct ward_diag *d, int err, const char *file, int line, int column,
		  const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return err;
	snprintf(d->file, sizeof(d->file), "%s", file ? file : "");
	d->line = line;
	d->column = column;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	return err;
}

const char *ward_diag_format(const struct ward_diag *d, char *out, size_t out_len)
{
	if (d->line > 0 && d->column > 0)
		snprintf(out, out_len, "%s:%d:%d: %s", d->file, d->line, d->column, d->msg);
	else if (d->line > 0)
		snprintf(out, out_len, "%s:%d: %s", d->file, d->line, d->msg);
	else if (d->file[0])
		snprintf(out, out_len, "%s: %s", d->file, d->msg);
	else
		snprintf(out, out_len, "%s", d->msg);
	return out;
}
