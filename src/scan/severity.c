// SPDX-License-Identifier: Apache-2.0
/*
 * Severity names for scan findings (secrets, malware, the --severity filter). Kept apart
 * from src/vulndb's own helpers so the scanner does not depend on that module being built.
 */
#include "scan/severity.h"

#include <errno.h>
#include <strings.h>

static const char *const NAMES[] = { "UNKNOWN", "NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL" };

const char *ward_scan_sev_name(enum ward_severity s)
{
	return (unsigned)s < sizeof(NAMES) / sizeof(NAMES[0]) ? NAMES[s] : "UNKNOWN";
}

int ward_scan_sev_parse(const char *s, enum ward_severity *out)
{
	for (unsigned i = 0; i < sizeof(NAMES) / sizeof(NAMES[0]); i++) {
		if (!strcasecmp(s, NAMES[i])) {
			*out = (enum ward_severity)i;
			return 0;
		}
	}
	return -EINVAL;
}
