// SPDX-License-Identifier: Apache-2.0
/*
 * Rust's Cargo.lock: [[package]] tables with name = "..." and version = "...". Reads only
 * those two keys with a line scanner; not a TOML parser. Packages without a "source" are
 * the workspace's own crates and are still listed.
 */
#include <string.h>

#include "scan/parsers.h"

static int str_value(const char *p, size_t n, const char *key, char *dst, size_t dst_len)
{
	size_t k = strlen(key);
	const char *q, *e;

	if (n <= k || memcmp(p, key, k) || (p[k] != ' ' && p[k] != '='))
		return 0;
	q = memchr(p, '"', n);
	if (!q)
		return 0;
	e = memchr(q + 1, '"', (size_t)(p + n - q - 1));
	if (!e || (size_t)(e - q - 1) >= dst_len)
		return 0;
	memcpy(dst, q + 1, (size_t)(e - q - 1));
	dst[e - q - 1] = '\0';
	return 1;
}

int ward_parse_cargo_lock(const char *data, size_t len, const char *path,
			  struct ward_pkg_list *out, struct ward_diag *d)
{
	char name[256] = "", ver[256] = "";
	const char *p = data, *end = data + len;
	int added = 0, rc = 0, in_pkg = 0;

	while (p <= end) {
		const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int hdr = n && p[0] == '[';

		if (hdr || !nl) {
			if (!hdr && in_pkg) {
				str_value(p, n, "name", name, sizeof(name));
				str_value(p, n, "version", ver, sizeof(ver));
			}
			if (in_pkg && name[0] && ver[0]) {
				rc = ward_scan_add_lang(out, WARD_ECO_CRATES, name, ver, NULL, path);
				if (rc < 0)
					return ward_diag_set(d, rc, path, 0, 0, "too many packages");
				added += rc;
			}
			name[0] = ver[0] = '\0';
			in_pkg = hdr && n >= 11 && !memcmp(p, "[[package]]", 11);
		} else if (in_pkg) {
			str_value(p, n, "name", name, sizeof(name));
			str_value(p, n, "version", ver, sizeof(ver));
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return added;
}
