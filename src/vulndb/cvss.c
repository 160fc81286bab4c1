// SPDX-License-Identifier: Apache-2.0
/*
 * CVSS v3.x base score from a vector string, using the CVSS v3.1 specification's formulas
 * (section 7.1) and its Roundup definition (Appendix A), and the qualitative rating scale
 * (section 5). A v3.0 vector is scored with the same formulas: the two versions differ only
 * in Roundup's floating-point handling. Temporal and environmental metrics are validated and
 * ignored (the base score is what advisories publish). Not CVSS v4: its scoring needs the
 * published MacroVector lookup table, so v4 vectors are kept as text and the level comes
 * from the record (see docs/vulndb.md).
 */
#include "vulndb/vulndb.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "common/err.h"

struct cvss_metric {
	const char *key;
	const char *vals;   /* allowed one-letter values */
	int base;           /* 1 when part of the base score (required) */
};

static const struct cvss_metric metrics[] = {
	{ "AV", "NALP", 1 }, { "AC", "LH", 1 }, { "PR", "NLH", 1 }, { "UI", "NR", 1 },
	{ "S", "UC", 1 },    { "C", "HLN", 1 }, { "I", "HLN", 1 },  { "A", "HLN", 1 },
	{ "E", "XUPFH", 0 }, { "RL", "XOTWU", 0 }, { "RC", "XURC", 0 }, { "CR", "XLMH", 0 },
	{ "IR", "XLMH", 0 }, { "AR", "XLMH", 0 }, { "MAV", "XNALP", 0 }, { "MAC", "XLH", 0 },
	{ "MPR", "XNLH", 0 }, { "MUI", "XNR", 0 }, { "MS", "XUC", 0 }, { "MC", "XNLH", 0 },
	{ "MI", "XNLH", 0 }, { "MA", "XNLH", 0 },
};
#define CVSS_METRICS (sizeof(metrics) / sizeof(metrics[0]))

/* Smallest number with one decimal place >= x, computed on integers so that 4.0000001 does
 * not become 4.1 through binary rounding (CVSS v3.1 Appendix A). */
static double cvss_roundup(double x)
{
	long long i = llround(x * 100000.0);

	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (double)(i / 10000 + 1) / 10.0;
}

enum ward_severity ward_cvss_level(double score)
{
	if (score <= 0.0)
		return WARD_SEV_NONE;
	if (score < 4.0)
		return WARD_SEV_LOW;
	if (score < 7.0)
		return WARD_SEV_MEDIUM;
	if (score < 9.0)
		return WARD_SEV_HIGH;
	return WARD_SEV_CRITICAL;
}

int ward_cvss3_score(const char *vector, double *score, struct ward_diag *d)
{
	char val[CVSS_METRICS] = { 0 };
	const char *p;

	if (!vector)
		return -EINVAL;
	if (strncmp(vector, "CVSS:3.1/", 9) && strncmp(vector, "CVSS:3.0/", 9))
		return ward_diag_set(d, -WARD_E_UNSUPPORTED, NULL, 0, 0,
				     "'%.64s' is not a CVSS v3 vector (want CVSS:3.0/ or CVSS:3.1/)", vector);
	p = vector + 9;
	while (*p) {
		const char *colon = strchr(p, ':'), *slash;
		size_t klen, k;

		if (!colon)
			return ward_diag_set(d, -WARD_E_SYNTAX, NULL, 0, 0,
					     "CVSS vector: metric without value at '%.32s'", p);
		klen = (size_t)(colon - p);
		for (k = 0; k < CVSS_METRICS; k++)
			if (strlen(metrics[k].key) == klen && !strncmp(metrics[k].key, p, klen))
				break;
		if (k == CVSS_METRICS)
			return ward_diag_set(d, -WARD_E_SYNTAX, NULL, 0, 0,
					     "CVSS vector: unknown metric '%.*s'", (int)(klen > 8 ? 8 : klen), p);
		slash = strchr(colon, '/');
		if ((slash ? (size_t)(slash - colon) : strlen(colon)) != 2 || !colon[1] ||
		    !strchr(metrics[k].vals, colon[1]))
			return ward_diag_set(d, -WARD_E_SYNTAX, NULL, 0, 0,
					     "CVSS vector: bad value for %s", metrics[k].key);
		if (val[k])
			return ward_diag_set(d, -WARD_E_SYNTAX, NULL, 0, 0,
					     "CVSS vector: %s given twice", metrics[k].key);
		val[k] = colon[1];
		if (!slash)
			break;
		p = slash + 1;
		if (!*p)
			return ward_diag_set(d, -WARD_E_SYNTAX, NULL, 0, 0, "CVSS vector: trailing '/'");
	}
	for (size_t k = 0; k < CVSS_METRICS; k++)
		if (metrics[k].base && !val[k])
			return ward_diag_set(d, -WARD_E_SYNTAX, NULL, 0, 0,
					     "CVSS vector: base metric %s missing", metrics[k].key);

	int changed = val[4] == 'C';
	double av = val[0] == 'N' ? 0.85 : val[0] == 'A' ? 0.62 : val[0] == 'L' ? 0.55 : 0.2;
	double ac = val[1] == 'L' ? 0.77 : 0.44;
	double pr = val[2] == 'N' ? 0.85 : val[2] == 'L' ? (changed ? 0.68 : 0.62) : (changed ? 0.5 : 0.27);
	double ui = val[3] == 'N' ? 0.85 : 0.62;
	double cia[3];

	for (int k = 0; k < 3; k++)
		cia[k] = val[5 + k] == 'H' ? 0.56 : val[5 + k] == 'L' ? 0.22 : 0.0;
	double iss = 1.0 - (1.0 - cia[0]) * (1.0 - cia[1]) * (1.0 - cia[2]);
	double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss;
	double expl = 8.22 * av * ac * pr * ui;

	if (impact <= 0)
		*score = 0.0;
	else if (changed)
		*score = cvss_roundup(fmin(1.08 * (impact + expl), 10.0));
	else
		*score = cvss_roundup(fmin(impact + expl, 10.0));
	return 0;
}
