// SPDX-License-Identifier: Apache-2.0
/* Fuzz target: ignore files, parsed both as YAML and as .trivyignore text, then applied. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "fuzz.yaml", ".trivyignore" };
	struct ward_pkg pkg = { .ecosystem = "npm", .name = "lodash", .version = "4.17.15",
				.purl = "pkg:npm/lodash@4.17.15", .kind = "lang" };
	struct ward_finding item = { .pkg = &pkg, .id = "GHSA-p6mc-m468-83gw", .aliases = "CVE-2020-8203" };

	for (int i = 0; i < 2; i++) {
		struct ward_suppress *s = ward_suppress_new();
		struct ward_finding copy = item;
		struct ward_findings f = { &copy, 1, 1 };

		ward_suppress_load_ignore_mem(s, names[i], (const char *)data, size, NULL);
		ward_suppress_apply(s, &f, "2025-01-01");
		free(copy.suppressed_reason);
		ward_suppress_free(s);
	}
	return 0;
}
