// SPDX-License-Identifier: Apache-2.0
/* Fuzz target: OpenVEX documents, loaded and applied to one finding. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_pkg pkg = { .ecosystem = "npm", .name = "lodash", .version = "4.17.15",
				.purl = "pkg:npm/lodash@4.17.15", .kind = "lang" };
	struct ward_finding item = { .pkg = &pkg, .id = "GHSA-p6mc-m468-83gw", .aliases = "CVE-2020-8203" };
	struct ward_findings f = { &item, 1, 1 };
	struct ward_suppress *s = ward_suppress_new();

	ward_suppress_load_vex_mem(s, "fuzz.vex.json", (const char *)data, size, NULL);
	ward_suppress_apply(s, &f, "2025-01-01");
	free(item.suppressed_reason);
	ward_suppress_free(s);
	return 0;
}
