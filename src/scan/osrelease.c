// SPDX-License-Identifier: Apache-2.0
/*
 * os-release parsing (KEY=value, optionally quoted) into struct ward_os. Only the keys the
 * inventory needs; values are truncated to the struct's fields. Not a shell parser.
 */
#include <string.h>

#include "scan/parsers.h"

static void set_val(char *dst, size_t dst_len, const char *v, size_t n)
{
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v++;
		n -= 2;
	}
	if (n >= dst_len)
		n = dst_len - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

int ward_parse_os_release(const char *data, size_t len, struct ward_os *os)
{
	const char *p = data, *end = data + len;

	memset(os, 0, sizeof(*os));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *eq = memchr(p, '=', n);

		if (eq) {
			size_t k = (size_t)(eq - p), vn = n - k - 1;

			if (vn && eq[vn] == '\r')
				vn--;
			if (k == 2 && !memcmp(p, "ID", 2))
				set_val(os->id, sizeof(os->id), eq + 1, vn);
			else if (k == 10 && !memcmp(p, "VERSION_ID", 10))
				set_val(os->version_id, sizeof(os->version_id), eq + 1, vn);
			else if (k == 16 && !memcmp(p, "VERSION_CODENAME", 16))
				set_val(os->codename, sizeof(os->codename), eq + 1, vn);
			else if (k == 11 && !memcmp(p, "PRETTY_NAME", 11))
				set_val(os->pretty, sizeof(os->pretty), eq + 1, vn);
		}
		p += n + 1;
	}
	return os->id[0] ? 0 : -1;
}
