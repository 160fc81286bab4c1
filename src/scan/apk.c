// SPDX-License-Identifier: Apache-2.0
/*
 * Alpine's installed database (lib/apk/db/installed): paragraphs of single-letter fields
 * ("P:name", "V:version", "A:arch", "o:origin", "L:license"). File lists (F:, R:, ...) are
 * skipped. Not a reader of the apk index or of .apk packages.
 */
#include <string.h>

#include "scan/parsers.h"

struct para {
	char name[256], ver[256], arch[64], origin[256], license[256];
};

static void cp(char *dst, size_t dst_len, const char *v, size_t n)
{
	if (n && v[n - 1] == '\r')
		n--;
	if (n >= dst_len)
		n = dst_len - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static int emit(const struct para *pp, const char *path, struct ward_pkg_list *out)
{
	return ward_scan_add_os(out, &(struct ward_os_rec){
		.mgr = WARD_MGR_APK, .name = pp->name, .version = pp->ver, .src_name = pp->origin,
		.license = pp->license, .arch = pp->arch, .default_arch = "noarch" }, path);
}

int ward_parse_apk_installed(const char *data, size_t len, const char *path,
			     struct ward_pkg_list *out, struct ward_diag *d)
{
	const char *p = data, *end = data + len;
	struct para pp = { 0 };
	int line = 0, added = 0, rc;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		line++;
		if (n == 0 || (n == 1 && p[0] == '\r')) {
			if ((rc = emit(&pp, path, out)) < 0)
				return ward_diag_set(d, rc, path, line, 0, "too many packages");
			added += rc;
			memset(&pp, 0, sizeof(pp));
		} else if (n >= 2 && p[1] == ':') {
			switch (p[0]) {
			case 'P': cp(pp.name, sizeof(pp.name), p + 2, n - 2); break;
			case 'V': cp(pp.ver, sizeof(pp.ver), p + 2, n - 2); break;
			case 'A': cp(pp.arch, sizeof(pp.arch), p + 2, n - 2); break;
			case 'o': cp(pp.origin, sizeof(pp.origin), p + 2, n - 2); break;
			case 'L': cp(pp.license, sizeof(pp.license), p + 2, n - 2); break;
			default: break;
			}
		} else {
			return ward_diag_set(d, -WARD_E_SYNTAX, path, line, 1,
					     "expected 'X:value' (apk installed database)");
		}
		p += n + 1;
	}
	if ((rc = emit(&pp, path, out)) < 0)
		return ward_diag_set(d, rc, path, line, 0, "too many packages");
	return added + rc;
}
