// SPDX-License-Identifier: Apache-2.0
/* Fuzz target: one OSV record through the parser (jansson + ward's checks). */
#include <stddef.h>
#include <stdint.h>

#include "vulndb/osv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_osv_record r;
	struct ward_diag d = { 0 };

	if (!ward_osv_parse("fuzz.json", (const char *)data, size, &r, &d))
		ward_osv_record_free(&r);
	return 0;
}
