// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target: the input is split at the first newline into two version strings, compared
 * under every scheme both ways. A comparison must never crash and must be antisymmetric:
 * sign(cmp(a, b)) == -sign(cmp(b, a)) whenever both succeed; anything else aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum ward_ver_scheme schemes[] = {
		WARD_VER_DPKG, WARD_VER_APK, WARD_VER_RPM, WARD_VER_SEMVER, WARD_VER_PEP440,
		WARD_VER_MAVEN, WARD_VER_GO, WARD_VER_RUBYGEMS, WARD_VER_NUGET,
	};
	const uint8_t *nl = memchr(data, '\n', size);
	size_t al = nl ? (size_t)(nl - data) : size;
	char *a, *b;

	if (size > 1024)
		return 0;
	a = strndup((const char *)data, al);
	b = strndup(nl ? (const char *)nl + 1 : "", nl ? size - al - 1 : 0);
	if (!a || !b)
		abort();
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		int e1, e2, e3;
		int r1 = ward_ver_cmp_scheme(schemes[i], a, b, &e1);
		int r2 = ward_ver_cmp_scheme(schemes[i], b, a, &e2);
		int r3 = ward_ver_cmp_scheme(schemes[i], a, a, &e3);

		if (!e1 && !e2 && WARD_SIGN(r1) != -WARD_SIGN(r2))
			abort();
		if (!e3 && r3 != 0)
			abort();
	}
	free(a);
	free(b);
	return 0;
}
