// SPDX-License-Identifier: Apache-2.0
/*
 * Python distributions: *.dist-info/METADATA and *.egg-info/PKG-INFO, the email-header
 * block before the first blank line (Name, Version, License). Not a requirements.txt reader.
 */
#include <string.h>

#include "scan/parsers.h"

static void hdr(char *dst, size_t dst_len, const char *v, size_t n)
{
	while (n && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n && (v[n - 1] == '\r' || v[n - 1] == ' '))
		n--;
	if (n >= dst_len)
		n = dst_len - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

int ward_parse_python_metadata(const char *data, size_t len, const char *path,
			       struct ward_pkg_list *out, struct ward_diag *d)
{
	char name[256] = "", ver[256] = "", lic[256] = "";
	const char *p = data, *end = data + len;
	int rc;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *colon = memchr(p, ':', n);

		if (n == 0 || (n == 1 && *p == '\r'))
			break; /* the body (long description) follows */
		if (colon && p[0] != ' ' && p[0] != '\t') {
			size_t k = (size_t)(colon - p);

			if (k == 4 && !strncasecmp(p, "Name", 4))
				hdr(name, sizeof(name), colon + 1, n - k - 1);
			else if (k == 7 && !strncasecmp(p, "Version", 7))
				hdr(ver, sizeof(ver), colon + 1, n - k - 1);
			else if (k == 7 && !strncasecmp(p, "License", 7) && !lic[0])
				hdr(lic, sizeof(lic), colon + 1, n - k - 1);
			else if (k == 18 && !strncasecmp(p, "License-Expression", 18))
				hdr(lic, sizeof(lic), colon + 1, n - k - 1);
		}
		p += n + 1;
	}
	if (!name[0] || !ver[0])
		return ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0,
				     "no Name or Version header in the metadata");
	/* multi-line license texts are not SPDX expressions: keep only short ones */
	rc = ward_scan_add_lang(out, WARD_ECO_PYPI, name, ver,
				lic[0] && strlen(lic) < 64 && strcmp(lic, "UNKNOWN") ? lic : NULL, path);
	return rc < 0 ? ward_diag_set(d, rc, path, 0, 0, "field over limit") : rc;
}
