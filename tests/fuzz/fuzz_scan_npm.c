// SPDX-License-Identifier: Apache-2.0
/* libFuzzer target: npm package.json and package-lock.json (first byte picks which). */
#include <stddef.h>
#include <stdint.h>

#include "scan/parsers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_pkg_list l;
	struct ward_diag d = { 0 };

	ward_pkg_list_init(&l);
	if (size && (data[0] & 1))
		ward_parse_npm_lock((const char *)data + 1, size - 1, "package-lock.json", &l, &d);
	else if (size)
		ward_parse_npm_package_json((const char *)data + 1, size - 1, "package.json", &l, &d);
	ward_pkg_list_free(&l);
	return 0;
}
