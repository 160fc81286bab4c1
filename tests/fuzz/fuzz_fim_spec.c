// SPDX-License-Identifier: Apache-2.0
/* Fuzzes AIDE-style attribute group specs: lines before the last are "NAME=SPEC" group
 * definitions, the last line is a spec parsed with those groups. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fim/attr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_fim_groups *g = ward_fim_groups_new(WARD_FIM_A_SHA256);
	struct ward_diag d;
	const char *p = (const char *)data, *end = p + size;
	uint32_t mask;

	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl) {
			if (ward_fim_spec_parse(g, p, (size_t)(end - p), &mask, &d) == 0 &&
			    !(mask & WARD_FIM_A_TYPE))
				abort(); /* the type is always compared */
			break;
		}
		ward_fim_groups_define(g, p, (size_t)(nl - p), &d);
		p = nl + 1;
	}
	ward_fim_groups_free(g);
	return 0;
}
