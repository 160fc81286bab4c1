// SPDX-License-Identifier: Apache-2.0
/*
 * Installed Ruby gems: specifications/NAME-VERSION.gemspec. RubyGems writes these files
 * itself with that exact name, so name and version come from the file name (a gemspec is
 * Ruby code ward does not evaluate); the licenses line is read when it is a plain literal.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "scan/parsers.h"

int ward_parse_gemspec(const char *data, size_t len, const char *path,
		       struct ward_pkg_list *out, struct ward_diag *d)
{
	const char *b = strrchr(path, '/'), *dash = NULL, *lic;
	char name[256], ver[256], license[128] = "";
	size_t bl;
	int rc;

	b = b ? b + 1 : path;
	bl = strlen(b);
	if (bl <= 8)
		return 0;
	bl -= 8; /* ".gemspec" */
	/* the version starts after the last '-' followed by a digit */
	for (const char *q = b; q < b + bl; q++)
		if (*q == '-' && q + 1 < b + bl && isdigit((unsigned char)q[1]))
			dash = q;
	if (!dash)
		return ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0,
				     "gemspec name is not NAME-VERSION.gemspec");
	snprintf(name, sizeof(name), "%.*s", (int)(dash - b), b);
	snprintf(ver, sizeof(ver), "%.*s", (int)(b + bl - dash - 1), dash + 1);
	lic = memmem(data, len, ".licenses = [\"", 14);
	if (lic) {
		const char *s = lic + 14, *e = memchr(s, '"', (size_t)(data + len - s));

		if (e && e - s < (long)sizeof(license))
			snprintf(license, sizeof(license), "%.*s", (int)(e - s), s);
	}
	rc = ward_scan_add_lang(out, WARD_ECO_RUBYGEMS, name, ver, license[0] ? license : NULL,
				path);
	return rc < 0 ? ward_diag_set(d, rc, path, 0, 0, "field over limit") : rc;
}
