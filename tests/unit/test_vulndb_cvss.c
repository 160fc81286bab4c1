// SPDX-License-Identifier: Apache-2.0
/*
 * CVSS v3.1 base scores of vectors with published scores (NVD / the v3.1 specification's
 * examples and well-known CVEs), CVSS v4.0 scores of the examples FIRST publishes with the
 * v4.0 specification (first.org/cvss/v4.0/examples) and of threat/environmental vectors
 * with scores from FIRST's calculator, the qualitative rating boundaries, and malformed
 * vectors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "vulndb/osv.h"
#include "vulndb/vulndb.h"

static const struct {
	const char *v;
	double score;
	enum ward_severity level;
} known[] = {
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, WARD_SEV_CRITICAL },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, WARD_SEV_MEDIUM },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, WARD_SEV_CRITICAL }, /* Log4Shell */
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H", 7.4, WARD_SEV_HIGH },     /* CVE-2020-8203 */
	{ "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2, WARD_SEV_HIGH },     /* CVE-2021-23337 */
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, WARD_SEV_HIGH },     /* CVE-2023-4911 */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, WARD_SEV_HIGH },
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N", 6.1, WARD_SEV_MEDIUM },   /* CVE-2023-32681 */
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9, WARD_SEV_CRITICAL },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8, WARD_SEV_HIGH },
	{ "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 6.5, WARD_SEV_MEDIUM },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N", 4.3, WARD_SEV_MEDIUM },
	{ "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6, WARD_SEV_LOW },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, WARD_SEV_NONE },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, WARD_SEV_CRITICAL },
	/* temporal metrics are accepted and do not change the base score */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C", 9.8, WARD_SEV_CRITICAL },
	/* metric order is free */
	{ "CVSS:3.1/S:U/AV:N/UI:N/AC:L/PR:N/A:H/I:H/C:H", 9.8, WARD_SEV_CRITICAL },
};

static const char *const bad[] = {
	"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",          /* A missing */
	"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H",  /* duplicate */
	"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",      /* bad value */
	"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",     /* trailing slash */
	"CVSS:3.1/AV:NN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	"CVSS:3.1/ZZ:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	"CVSS:3.1/AV",
	"AV:N/AC:L/Au:N/C:P/I:P/A:P",                        /* v2 */
	"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	"",
};

static void test_known(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		double s = -1;
		int err = ward_cvss3_score(known[i].v, &s, NULL);

		if (err || s != known[i].score || ward_cvss_level(s) != known[i].level)
			fail_msg("%s: score %.1f err %d, want %.1f", known[i].v, s, err, known[i].score);
	}
}

/* CVSS v4.0: FIRST's published examples (base, threat, environmental, supplemental). */
static const struct {
	const char *v;
	double score;
} known4[] = {
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.3 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.7 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 5.2 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N", 8.3 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N/CR:H/IR:L/AR:L/MAV:N/MAC:H/MVC:H/MVI:L/MVA:L", 8.1 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 4.6 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", 5.1 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", 6.9 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:N/VI:N/VA:N/SC:H/SI:N/SA:N", 5.9 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 9.4 },
	{ "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:H/SA:N/S:P/V:D", 8.3 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N/E:A", 8.7 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A", 10.0 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A", 9.3 },
	{ "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:H/SI:N/SA:H", 6.4 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/R:I", 9.3 },
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:H/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/R:I", 8.7 },
	{ "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 8.6 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N", 7.1 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N", 8.2 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:L", 8.7 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:L/E:U", 6.6 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", 5.1 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.7 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N", 8.3 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N/E:U", 5.6 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A", 9.2 },
	{ "CVSS:4.0/AV:P/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 5.4 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N", 8.7 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N", 6.9 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:L/SA:N", 6.9 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:P", 8.5 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/S:P/AU:Y/V:C/RE:L", 9.4 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P/CR:L/IR:H/AR:L/MAV:L/MAC:H/MAT:N/MPR:N/MUI:N/MVC:N/MVI:H/MVA:L/MSC:N/MSI:S/MSA:L", 7.0 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MAV:A/MAC:H/MAT:N/MPR:L/MUI:N/MVC:L/MVI:H/MVA:H/MSC:L/MSI:S/MSA:S/CR:L/IR:H/AR:H/E:P", 7.4 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MAV:N/MAC:H/MAT:N/MPR:L/MUI:N/MVC:H/MVI:H/MVA:H/MSC:H/MSI:S/MSA:H/CR:M/IR:H/AR:M/E:P", 8.7 },
	{ "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N/S:P", 8.6 },
	{ "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N/MSI:S/S:P", 9.7 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N/V:C", 8.7 },
	/* FIRST calculator: all-high, no impact, subsequent-only, threat, safety */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:H/SA:H", 7.9 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U", 9.1 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MVI:L/MSA:S", 9.8 },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 1.0 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:P/VC:N/VI:H/VA:H/SC:N/SI:L/SA:L", 5.2 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:P/VC:N/VI:H/VA:H/SC:N/SI:L/SA:L/E:P/CR:H/IR:M/AR:H/MAV:A/MAT:P/MPR:N/MVI:H/MVA:N/MSI:H/MSA:N/S:N/V:C/U:Amber", 4.7 },
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:N/VC:N/VI:N/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L", 5.8 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A", 8.7 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 6.9 },
};

static const char *const bad4[] = {
	"CVSS:4.0/AV:F/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N",   /* bad value */
	"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/ui:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N",   /* lowercase key */
	"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/SC:N/SI:N/SA:N",        /* VA missing */
	"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N/",  /* trailing '/' */
	"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N/AV:N", /* twice */
	"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:S/SI:N/SA:N",   /* Safety only in MSI/MSA */
	"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N/U:Purple",
	"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N/E:AA",
	"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA",
	"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	"CVSS:4.0/",
	"",
};

static void test_known4(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(known4) / sizeof(known4[0]); i++) {
		double s = -1;
		int err = ward_cvss4_score(known4[i].v, &s, NULL);

		if (err || s != known4[i].score)
			fail_msg("%s: score %.1f err %d, want %.1f", known4[i].v, s, err, known4[i].score);
	}
}

static void test_bad4(void **state)
{
	char big[WARD_CVSS4_MAX_LEN + 64];
	struct ward_diag d;
	double s = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(bad4) / sizeof(bad4[0]); i++) {
		memset(&d, 0, sizeof(d));
		if (ward_cvss4_score(bad4[i], &s, &d) == 0)
			fail_msg("'%s' accepted", bad4[i]);
		assert_true(d.msg[0] != 0);
	}
	/* over the length limit: refused before parsing */
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "CVSS:4.0/", 9);
	assert_int_equal(ward_cvss4_score(big, &s, &d), -WARD_E_LIMIT);
}

/* How an OSV record's severity[] picks its score: v3 first, else the highest v4. */
static void test_osv_pick(void **state)
{
	static const struct {
		const char *sev;
		const char *want_vector;   /* prefix */
		double score;
		enum ward_severity level;
	} cases[] = {
		{ "[{\"type\":\"CVSS_V4\",\"score\":\"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N\"}]",
		  "CVSS:4.0/", 8.7, WARD_SEV_HIGH },
		{ "[{\"type\":\"CVSS_V4\",\"score\":\"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\"},"
		  "{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H\"}]",
		  "CVSS:3.1/", 7.4, WARD_SEV_HIGH },
		{ "[{\"type\":\"CVSS_V4\",\"score\":\"CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N\"},"
		  "{\"type\":\"CVSS_V4\",\"score\":\"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\"}]",
		  "CVSS:4.0/AV:N", 9.3, WARD_SEV_CRITICAL },
		/* a v4 vector that does not score is kept, the record still imports */
		{ "[{\"type\":\"CVSS_V4\",\"score\":\"CVSS:4.0/AV:F/AC:L\"}]", "CVSS:4.0/AV:F", 0.0,
		  WARD_SEV_UNKNOWN },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char json[1024];
		struct ward_osv_record r;
		struct ward_diag d = { 0 };
		int n = snprintf(json, sizeof(json),
				 "{\"id\":\"GHSA-test\",\"modified\":\"2024-01-01T00:00:00Z\","
				 "\"affected\":[],\"severity\":%s}", cases[i].sev);

		assert_true(n > 0 && (size_t)n < sizeof(json));
		if (ward_osv_parse("t.json", json, (size_t)n, &r, &d) != 0)
			fail_msg("case %zu: %s", i, d.msg);
		assert_non_null(r.cvss_vector);
		assert_true(!strncmp(r.cvss_vector, cases[i].want_vector, strlen(cases[i].want_vector)));
		assert_true(r.cvss_score == cases[i].score);
		assert_int_equal(r.severity, cases[i].level);
		ward_osv_record_free(&r);
	}
}

static void test_bad(void **state)
{
	struct ward_diag d;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		double s = 0;

		memset(&d, 0, sizeof(d));
		if (ward_cvss3_score(bad[i], &s, &d) == 0)
			fail_msg("'%s' accepted", bad[i]);
		assert_true(d.msg[0] != 0);
	}
}

static void test_levels(void **state)
{
	enum ward_severity s;

	(void)state;
	assert_int_equal(ward_cvss_level(0.0), WARD_SEV_NONE);
	assert_int_equal(ward_cvss_level(0.1), WARD_SEV_LOW);
	assert_int_equal(ward_cvss_level(3.9), WARD_SEV_LOW);
	assert_int_equal(ward_cvss_level(4.0), WARD_SEV_MEDIUM);
	assert_int_equal(ward_cvss_level(6.9), WARD_SEV_MEDIUM);
	assert_int_equal(ward_cvss_level(7.0), WARD_SEV_HIGH);
	assert_int_equal(ward_cvss_level(8.9), WARD_SEV_HIGH);
	assert_int_equal(ward_cvss_level(9.0), WARD_SEV_CRITICAL);
	assert_int_equal(ward_cvss_level(10.0), WARD_SEV_CRITICAL);
	assert_int_equal(ward_severity_parse("MODERATE", &s), 0);
	assert_int_equal(s, WARD_SEV_MEDIUM);
	assert_int_equal(ward_severity_parse("unimportant", &s), 0);
	assert_int_equal(s, WARD_SEV_LOW);
	assert_int_equal(ward_severity_parse("Critical", &s), 0);
	assert_int_equal(s, WARD_SEV_CRITICAL);
	assert_int_not_equal(ward_severity_parse("severe", &s), 0);
	assert_string_equal(ward_severity_name(WARD_SEV_HIGH), "HIGH");
	assert_string_equal(ward_severity_name(WARD_SEV_UNKNOWN), "UNKNOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_known4),
		cmocka_unit_test(test_bad4),
		cmocka_unit_test(test_osv_pick),
		cmocka_unit_test(test_levels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
