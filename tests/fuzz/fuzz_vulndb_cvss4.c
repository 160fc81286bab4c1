// SPDX-License-Identifier: Apache-2.0
/* libFuzzer target: CVSS v4.0 vector parsing and scoring (and v3 on the same input). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char v[WARD_CVSS4_MAX_LEN + 16];
	struct ward_diag d = { 0 };
	double s;

	if (size >= sizeof(v))
		size = sizeof(v) - 1;
	memcpy(v, data, size);
	v[size] = '\0';
	if (ward_cvss4_score(v, &s, &d) == 0 && (s < 0.0 || s > 10.0))
		__builtin_trap();
	ward_cvss3_score(v, &s, &d);
	return 0;
}
