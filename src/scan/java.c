// SPDX-License-Identifier: Apache-2.0
/*
 * Java archives (jar, war, ear) held in memory: META-INF/maven/<g>/<a>/pom.properties gives
 * group:artifact and version; without one, MANIFEST.MF's Implementation-Title/Version (or
 * Bundle-SymbolicName) stand in. Nested archives (WEB-INF/lib/x.jar, ear modules) are read
 * from memory up to WARD_SCAN_MAX_ARCHIVE_NEST deep, each capped at WARD_SCAN_MAX_FILE.
 * Paths of nested finds read "outer.war!/WEB-INF/lib/x.jar". Not a class-file scanner.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "scan/parsers.h"

static void prop(const char *data, size_t len, const char *key, char sep, char *dst, size_t dl)
{
	size_t k = strlen(key);
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n > k && !memcmp(p, key, k) && p[k] == sep) {
			const char *v = p + k + 1;
			size_t vn = n - k - 1;

			while (vn && *v == ' ') {
				v++;
				vn--;
			}
			while (vn && (v[vn - 1] == '\r' || v[vn - 1] == ' '))
				vn--;
			if (vn >= dl)
				vn = dl - 1;
			memcpy(dst, v, vn);
			dst[vn] = '\0';
			return;
		}
		p += n + 1;
	}
}

static bool is_archive_name(const char *n)
{
	size_t l = strlen(n);

	return l > 4 && (!strcasecmp(n + l - 4, ".jar") || !strcasecmp(n + l - 4, ".war") ||
			 !strcasecmp(n + l - 4, ".ear"));
}

static int read_entry(struct archive *a, int64_t size, unsigned char **out, size_t *len)
{
	unsigned char *b;
	la_ssize_t n;
	size_t got = 0;

	if (size < 0 || size > WARD_SCAN_MAX_FILE)
		return -WARD_E_LIMIT;
	b = malloc((size_t)size + 1);
	if (!b)
		return -ENOMEM;
	while (got < (size_t)size && (n = archive_read_data(a, b + got, (size_t)size - got)) > 0)
		got += (size_t)n;
	*out = b;
	*len = got;
	return 0;
}

static int scan_archive(const unsigned char *data, size_t len, const char *path, int depth,
			struct ward_pkg_list *out, struct ward_diag *d)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char mf_title[256] = "", mf_ver[256] = "", mf_bundle[256] = "";
	int added = 0, pom_cnt = 0, rc = 0, r;

	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		rc = ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0, "not a zip archive: %s",
				   archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *n = archive_entry_pathname(e);
		int64_t size = archive_entry_size(e);
		const char *b;
		unsigned char *buf = NULL;
		size_t bl = 0;

		if (!n || archive_entry_filetype(e) != AE_IFREG)
			continue;
		b = strrchr(n, '/');
		b = b ? b + 1 : n;
		if (!strcmp(b, "pom.properties") && !strncmp(n, "META-INF/maven/", 15)) {
			char g[256] = "", art[256] = "", v[256] = "", name[600];

			if (read_entry(a, size, &buf, &bl) < 0)
				continue;
			prop((char *)buf, bl, "groupId", '=', g, sizeof(g));
			prop((char *)buf, bl, "artifactId", '=', art, sizeof(art));
			prop((char *)buf, bl, "version", '=', v, sizeof(v));
			free(buf);
			if (!g[0] || !art[0] || !v[0])
				continue;
			snprintf(name, sizeof(name), "%s:%s", g, art);
			rc = ward_scan_add_lang(out, WARD_ECO_MAVEN, name, v, NULL, path);
			if (rc < 0)
				goto out;
			added += rc;
			pom_cnt++;
		} else if (!strcmp(n, "META-INF/MANIFEST.MF")) {
			if (read_entry(a, size, &buf, &bl) < 0)
				continue;
			prop((char *)buf, bl, "Implementation-Title", ':', mf_title, sizeof(mf_title));
			prop((char *)buf, bl, "Implementation-Version", ':', mf_ver, sizeof(mf_ver));
			prop((char *)buf, bl, "Bundle-SymbolicName", ':', mf_bundle, sizeof(mf_bundle));
			free(buf);
		} else if (is_archive_name(n) && depth < WARD_SCAN_MAX_ARCHIVE_NEST) {
			char sub[WARD_SCAN_MAX_PATH];

			if (read_entry(a, size, &buf, &bl) < 0)
				continue;
			if (snprintf(sub, sizeof(sub), "%s!/%s", path, n) < (int)sizeof(sub)) {
				struct ward_diag sd = { 0 };
				int k = scan_archive(buf, bl, sub, depth + 1, out, &sd);

				if (k > 0)
					added += k;
			}
			free(buf);
		}
	}
	if (r != ARCHIVE_EOF && added == 0) {
		rc = ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0, "corrupt archive: %s",
				   archive_error_string(a));
		goto out;
	}
	/* MANIFEST.MF only when no pom.properties named the artifact */
	if (!pom_cnt && mf_ver[0] && (mf_title[0] || mf_bundle[0])) {
		char name[600];
		const char *art = mf_title[0] ? mf_title : mf_bundle;

		snprintf(name, sizeof(name), "%.*s", (int)strcspn(art, ";"), art);
		rc = ward_scan_add_lang(out, WARD_ECO_MAVEN, name, mf_ver, NULL, path);
		if (rc < 0)
			goto out;
		added += rc;
	}
	rc = added;
out:
	archive_read_free(a);
	return rc;
}

int ward_parse_java_archive(const unsigned char *data, size_t len, const char *path,
			    struct ward_pkg_list *out, struct ward_diag *d)
{
	return scan_archive(data, len, path, 0, out, d);
}
