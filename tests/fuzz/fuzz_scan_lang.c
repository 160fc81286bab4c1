// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for the scanner's remaining file parsers, the first byte picking which:
 * os-release, composer installed.json, .NET deps.json, Cargo.lock, a gemspec (name and
 * version from its path, which the rest of the input supplies up to a NUL), a jar/war held
 * in memory (nested archives included) and a whole rpmdb.sqlite image. Each must return
 * 0 or an error; no crash, hang or leak, and every package it lists has its name and
 * version strings.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/parsers.h"

static void check(const struct ward_pkg_list *l)
{
	for (size_t i = 0; i < l->cnt; i++)
		if (!l->items[i].name || !l->items[i].version)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_pkg_list l;
	struct ward_diag d = { 0 };
	const char *s = (const char *)data + 1;
	size_t n = size ? size - 1 : 0;

	if (!size)
		return 0;
	ward_pkg_list_init(&l);
	switch (data[0] % 7) {
	case 0: {
		struct ward_os os;

		memset(&os, 0, sizeof(os));
		ward_parse_os_release(s, n, &os);
		if (!memchr(os.id, '\0', sizeof(os.id)) || !memchr(os.pretty, '\0', sizeof(os.pretty)))
			abort();
		break;
	}
	case 1:
		ward_parse_composer_installed(s, n, "vendor/composer/installed.json", &l, &d);
		break;
	case 2:
		ward_parse_dotnet_deps(s, n, "app.deps.json", &l, &d);
		break;
	case 3:
		ward_parse_cargo_lock(s, n, "Cargo.lock", &l, &d);
		break;
	case 4: {
		/* "path\0content": the path names the gem */
		const char *nul = memchr(s, '\0', n);
		char path[256];
		size_t pl = nul ? (size_t)(nul - s) : 0;

		if (!nul || pl >= sizeof(path))
			break;
		memcpy(path, s, pl);
		path[pl] = '\0';
		ward_parse_gemspec(nul + 1, n - pl - 1, path, &l, &d);
		break;
	}
	case 5:
		ward_parse_java_archive((const unsigned char *)s, n, "app.jar", &l, &d);
		break;
	default:
		ward_parse_rpmdb_sqlite((const unsigned char *)s, n, "var/lib/rpm/rpmdb.sqlite", &l, &d);
		break;
	}
	check(&l);
	ward_pkg_list_free(&l);
	return 0;
}
