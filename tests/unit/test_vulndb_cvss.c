// SPDX-License-Identifier: Apache-2.0
/*
 * CVSS v3.1 base scores of vectors with published scores (NVD / the v3.1 specification's
 * examples and well-known CVEs), the qualitative rating boundaries, and malformed vectors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
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
		cmocka_unit_test(test_levels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
