// SPDX-License-Identifier: Apache-2.0
/* Fuzzes the /proc/<pid>/mountinfo parser used by fim drift. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fim/drift.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char upper[256], lower[512], fstype[32];
	int rc = ward_fim_mountinfo_root_overlay((const char *)data, size, upper, sizeof(upper),
						 lower, sizeof(lower), fstype, sizeof(fstype));

	if (rc == 0 && (strlen(upper) >= sizeof(upper) || strlen(lower) >= sizeof(lower)))
		abort();
	return 0;
}
