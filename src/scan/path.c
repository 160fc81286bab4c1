// SPDX-License-Identifier: Apache-2.0
/*
 * Normalizing archive entry names. Entry names come from untrusted tars and zips; ward never
 * extracts them, but a name that climbs out of the root ("..") or claims an absolute path is
 * a sign of a hostile archive and is refused so nothing downstream has to reason about it.
 */
#include "scan/walk.h"

#include <string.h>

#include "common/err.h"
#include "common/limits.h"

int ward_scan_path_norm(const char *in, char *out, size_t out_len)
{
	size_t o = 0, depth = 0, in_len = strlen(in);
	const char *p = in, *end = in + in_len;

	if (in_len >= WARD_SCAN_MAX_PATH || out_len < 2)
		return -WARD_E_LIMIT;
	/* umoci and others write the root itself as "/": harmless. Any other absolute name is
	 * how extraction-time escapes are built, so it is refused. */
	if (*p == '/')
		return strspn(p, "/") == in_len ? 1 : -WARD_E_SYNTAX;
	while (p < end) {
		const char *s = memchr(p, '/', (size_t)(end - p));
		size_t n = s ? (size_t)(s - p) : (size_t)(end - p);

		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* "a//b" and "./a" are harmless spellings of the same path */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			return -WARD_E_SYNTAX;
		} else {
			if (++depth > WARD_SCAN_MAX_PATH_DEPTH)
				return -WARD_E_LIMIT;
			if (o + n + 2 > out_len)
				return -WARD_E_LIMIT;
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p += n + 1;
	}
	out[o] = '\0';
	return o ? 0 : 1;
}
