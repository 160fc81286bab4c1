// SPDX-License-Identifier: Apache-2.0
/*
 * dpkg's status database (var/lib/dpkg/status) and distroless per-package files
 * (var/lib/dpkg/status.d/NAME): RFC 822-style paragraphs. Keeps installed packages with
 * their source package and source version. Not a general deb822 library.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/limits.h"
#include "scan/parsers.h"

struct para {
	char pkg[256], ver[256], src[256], srcver[256], arch[64], status[128];
	bool has_status;
};

static void field(char *dst, size_t dst_len, const char *v, size_t n)
{
	while (n && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\r' || v[n - 1] == '\t'))
		n--;
	if (n >= dst_len)
		n = dst_len - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static int emit(struct para *pp, const char *path, struct ward_pkg_list *out)
{
	/* "install ok installed": only the last word says the files are on disk */
	if (pp->has_status && !strstr(pp->status, " installed"))
		return 0;
	if (pp->src[0]) {
		/* "Source: openssl (3.0.11-1~deb12u2)" carries its own version */
		char *lp = strchr(pp->src, '(');

		if (lp) {
			char *rp = strchr(lp, ')');

			if (rp) {
				*rp = '\0';
				snprintf(pp->srcver, sizeof(pp->srcver), "%s", lp + 1);
			}
			while (lp > pp->src && lp[-1] == ' ')
				lp--;
			*lp = '\0';
		}
	}
	return ward_scan_add_os(out, &(struct ward_os_rec){
		.mgr = WARD_MGR_DPKG, .name = pp->pkg, .version = pp->ver, .src_name = pp->src,
		.src_version = pp->srcver, .arch = pp->arch, .default_arch = "all" }, path);
}

int ward_parse_dpkg_status(const char *data, size_t len, const char *path,
			   struct ward_pkg_list *out, struct ward_diag *d)
{
	const char *p = data, *end = data + len;
	struct para pp = { 0 };
	int line = 0, added = 0, rc;

	while (p <= end) {
		const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *colon;

		line++;
		if (n == 0 || (n == 1 && p[0] == '\r')) {
			rc = emit(&pp, path, out);
			if (rc < 0)
				return ward_diag_set(d, rc, path, line, 0, "too many packages");
			added += rc;
			memset(&pp, 0, sizeof(pp));
		} else if (p[0] == ' ' || p[0] == '\t') {
			/* continuation of a multi-line field (Description, Conffiles) */
		} else if ((colon = memchr(p, ':', n)) != NULL) {
			size_t k = (size_t)(colon - p), vn = n - k - 1;
			const char *v = colon + 1;

			if (k == 7 && !memcmp(p, "Package", 7))
				field(pp.pkg, sizeof(pp.pkg), v, vn);
			else if (k == 7 && !memcmp(p, "Version", 7))
				field(pp.ver, sizeof(pp.ver), v, vn);
			else if (k == 6 && !memcmp(p, "Source", 6))
				field(pp.src, sizeof(pp.src), v, vn);
			else if (k == 12 && !memcmp(p, "Architecture", 12))
				field(pp.arch, sizeof(pp.arch), v, vn);
			else if (k == 6 && !memcmp(p, "Status", 6)) {
				field(pp.status, sizeof(pp.status), v, vn);
				pp.has_status = true;
			}
		} else {
			return ward_diag_set(d, -WARD_E_SYNTAX, path, line, 1,
					     "expected 'Field: value' or a continuation line");
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	rc = emit(&pp, path, out);
	if (rc < 0)
		return ward_diag_set(d, rc, path, line, 0, "too many packages");
	return added + rc;
}
