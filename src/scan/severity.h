/* SPDX-License-Identifier: Apache-2.0 */
/* Severity names for scan findings; see severity.c. */
#ifndef WARD_SCAN_SEVERITY_H
#define WARD_SCAN_SEVERITY_H

#include "vulndb/vulndb.h"

const char *ward_scan_sev_name(enum ward_severity s);
/* Case-insensitive "CRITICAL".."UNKNOWN"; 0 or -EINVAL. */
int ward_scan_sev_parse(const char *s, enum ward_severity *out);

#endif
