// SPDX-License-Identifier: Apache-2.0
/*
 * Severity levels: names for output and parsing of the words advisories use for them
 * (GHSA's "MODERATE", Debian urgencies such as "unimportant", Ubuntu priorities such as
 * "negligible"). Not scoring: CVSS lives in cvss.c.
 */
#include "vulndb/vulndb.h"

#include <errno.h>
#include <strings.h>

static const struct {
	const char *word;
	enum ward_severity sev;
} sev_words[] = {
	{ "unknown", WARD_SEV_UNKNOWN }, { "none", WARD_SEV_NONE },
	{ "low", WARD_SEV_LOW },         { "medium", WARD_SEV_MEDIUM },
	{ "high", WARD_SEV_HIGH },       { "critical", WARD_SEV_CRITICAL },
	{ "moderate", WARD_SEV_MEDIUM }, { "important", WARD_SEV_HIGH },
	{ "negligible", WARD_SEV_LOW },  { "unimportant", WARD_SEV_LOW },
	{ "not yet assigned", WARD_SEV_UNKNOWN }, { "untriaged", WARD_SEV_UNKNOWN },
	/* Debian urgency may carry a '*' for "estimated by the security team". */
	{ "low*", WARD_SEV_LOW }, { "medium*", WARD_SEV_MEDIUM }, { "high*", WARD_SEV_HIGH },
	{ "end-of-life", WARD_SEV_UNKNOWN },
};

const char *ward_severity_name(enum ward_severity s)
{
	switch (s) {
	case WARD_SEV_NONE: return "NONE";
	case WARD_SEV_LOW: return "LOW";
	case WARD_SEV_MEDIUM: return "MEDIUM";
	case WARD_SEV_HIGH: return "HIGH";
	case WARD_SEV_CRITICAL: return "CRITICAL";
	case WARD_SEV_UNKNOWN: break;
	}
	return "UNKNOWN";
}

int ward_severity_parse(const char *s, enum ward_severity *out)
{
	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(sev_words) / sizeof(sev_words[0]); i++)
		if (!strcasecmp(s, sev_words[i].word)) {
			*out = sev_words[i].sev;
			return 0;
		}
	return -EINVAL;
}
