// SPDX-License-Identifier: Apache-2.0
/*
 * Building purls for every ecosystem ward inventories, and mapping package-manager
 * placeholders to OSV ecosystems once the OS is known. Not a purl parser.
 */
#include "scan/purl.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "scan/parsers.h"

int ward_purl_encode(struct ward_buf *b, const char *s, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;

	for (; *s && rc == 0; s++) {
		unsigned char ch = (unsigned char)*s;

		if (isalnum(ch) || ch == '.' || ch == '-' || ch == '_' || ch == '~' ||
		    (keep_slash && ch == '/')) {
			rc = ward_buf_putc(b, (char)ch);
		} else {
			char e[3] = { '%', hex[ch >> 4], hex[ch & 15] };

			rc = ward_buf_append(b, e, 3);
		}
	}
	return rc;
}

static const char *os_eco(const char *mgr, const struct ward_os *os)
{
	if (!strcmp(mgr, WARD_MGR_DPKG))
		return !strcmp(os->id, "ubuntu") ? WARD_ECO_UBUNTU : WARD_ECO_DEBIAN;
	if (!strcmp(mgr, WARD_MGR_APK))
		return WARD_ECO_ALPINE;
	return WARD_ECO_REDHAT;
}

static const char *purl_type(const char *eco)
{
	static const struct { const char *eco, *type; } map[] = {
		{ WARD_ECO_NPM, "npm" }, { WARD_ECO_PYPI, "pypi" }, { WARD_ECO_MAVEN, "maven" },
		{ WARD_ECO_GO, "golang" }, { WARD_ECO_CRATES, "cargo" },
		{ WARD_ECO_RUBYGEMS, "gem" }, { WARD_ECO_NUGET, "nuget" },
		{ WARD_ECO_PACKAGIST, "composer" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].eco, eco))
			return map[i].type;
	return NULL;
}

static void os_purl(struct ward_buf *b, struct ward_pkg *p, const char *mgr,
		    const struct ward_os *os)
{
	const char *type = !strcmp(mgr, WARD_MGR_DPKG) ? "deb" : mgr;
	const char *ns = os->id[0] ? os->id : (!strcmp(type, "deb") ? "debian"
					       : !strcmp(type, "apk") ? "alpine" : "redhat");
	const char *quals = p->purl; /* parser-provided qualifiers, e.g. "arch=amd64" */

	ward_buf_printf(b, "pkg:%s/", type);
	ward_purl_encode(b, ns, 0);
	ward_buf_putc(b, '/');
	ward_purl_encode(b, p->name, 0);
	ward_buf_putc(b, '@');
	{
		/* rpm: the purl spec carries the epoch in the "epoch" qualifier (the parser put
		 * it there), so "2:1.0-1" is written as version "1.0-1" */
		const char *v = p->version, *colon = strchr(v, ':');

		if (!strcmp(type, "rpm") && colon && quals && strstr(quals, "epoch="))
			v = colon + 1;
		ward_purl_encode(b, v, 0);
	}
	if (quals && *quals)
		ward_buf_printf(b, "?%s", quals);
	if (os->id[0]) {
		ward_buf_puts(b, quals && *quals ? "&distro=" : "?distro=");
		if (!strcmp(type, "apk"))
			ward_purl_encode(b, os->version_id, 0);
		else {
			ward_purl_encode(b, os->id, 0);
			ward_buf_putc(b, '-');
			ward_purl_encode(b, os->version_id, 0);
		}
	}
}

void ward_purl_finalize(struct ward_pkg *p, const struct ward_os *os)
{
	struct ward_buf b;
	const char *type;

	ward_buf_init(&b, 1u << 16);
	if (!strcmp(p->ecosystem, WARD_MGR_DPKG) || !strcmp(p->ecosystem, WARD_MGR_APK) ||
	    !strcmp(p->ecosystem, WARD_MGR_RPM)) {
		char mgr[8];

		snprintf(mgr, sizeof(mgr), "%s", p->ecosystem);
		os_purl(&b, p, mgr, os);
		ward_pkg_set(&p->ecosystem, os_eco(mgr, os));
		ward_pkg_set(&p->kind, "os");
		goto out;
	}
	ward_pkg_set(&p->kind, "lang");
	type = purl_type(p->ecosystem);
	if (!type)
		goto out;
	ward_buf_printf(&b, "pkg:%s/", type);
	if (!strcmp(type, "maven")) {
		/* OSV spells Maven names group:artifact */
		const char *colon = strchr(p->name, ':');

		if (colon) {
			char group[1024];

			snprintf(group, sizeof(group), "%.*s", (int)(colon - p->name), p->name);
			ward_purl_encode(&b, group, 0);
			ward_buf_putc(&b, '/');
			ward_purl_encode(&b, colon + 1, 0);
		} else {
			ward_purl_encode(&b, p->name, 0);
		}
	} else if (!strcmp(type, "pypi")) {
		char norm[1024];
		size_t i;

		for (i = 0; p->name[i] && i + 1 < sizeof(norm); i++)
			norm[i] = p->name[i] == '_' ? '-' : (char)tolower((unsigned char)p->name[i]);
		norm[i] = '\0';
		ward_purl_encode(&b, norm, 0);
	} else if (!strcmp(type, "npm") && p->name[0] == '@' && strchr(p->name, '/')) {
		const char *slash = strchr(p->name, '/');
		char scope[1024];

		snprintf(scope, sizeof(scope), "%.*s", (int)(slash - p->name), p->name);
		ward_purl_encode(&b, scope, 0);
		ward_buf_putc(&b, '/');
		ward_purl_encode(&b, slash + 1, 0);
	} else {
		/* golang module paths and composer vendor/name keep their slashes */
		ward_purl_encode(&b, p->name, !strcmp(type, "golang") || !strcmp(type, "composer"));
	}
	ward_buf_putc(&b, '@');
	ward_purl_encode(&b, p->version, 0);
out:
	ward_pkg_set(&p->purl, b.len ? b.data : NULL);
	ward_buf_free(&b);
}
