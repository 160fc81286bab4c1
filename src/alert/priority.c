// SPDX-License-Identifier: Apache-2.0
/*
 * Falco's priority names: parsing (case-insensitive, bounded), formatting and ordering.
 * Not the minimum-priority policy itself; the pipeline applies that.
 */
#include "alert/alert.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

static const char *const prio_names[WARD_PRIO_CNT] = {
	"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
};

int ward_priority_parse(const char *s, size_t len, enum ward_priority *out)
{
	if (!s || len == 0 || len > WARD_PRIO_NAME_MAX)
		return -EINVAL;
	for (int i = 0; i < WARD_PRIO_CNT; i++) {
		if (strlen(prio_names[i]) == len && strncasecmp(s, prio_names[i], len) == 0) {
			*out = (enum ward_priority)i;
			return 0;
		}
	}
	/* Falco's rule loader takes "info" as well; rule files in the wild use it */
	if (len == 4 && strncasecmp(s, "info", 4) == 0) {
		*out = WARD_PRIO_INFORMATIONAL;
		return 0;
	}
	return -EINVAL;
}

const char *ward_priority_name(enum ward_priority p)
{
	if ((unsigned)p >= WARD_PRIO_CNT)
		return "Unknown";
	return prio_names[p];
}

bool ward_priority_at_least(enum ward_priority p, enum ward_priority min)
{
	return (unsigned)p <= (unsigned)min;
}
