// SPDX-License-Identifier: Apache-2.0
/* Priority names: parsing (table-driven, case-insensitive, bounded), names, ordering and the
 * syslog mapping. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "alert/alert.h"
#include "alert/output.h"

static const struct {
	const char *in;
	int ok;
	enum ward_priority want;
} cases[] = {
	{ "Emergency", 1, WARD_PRIO_EMERGENCY },
	{ "EMERGENCY", 1, WARD_PRIO_EMERGENCY },
	{ "alert", 1, WARD_PRIO_ALERT },
	{ "Critical", 1, WARD_PRIO_CRITICAL },
	{ "error", 1, WARD_PRIO_ERROR },
	{ "WARNING", 1, WARD_PRIO_WARNING },
	{ "wArNiNg", 1, WARD_PRIO_WARNING },
	{ "notice", 1, WARD_PRIO_NOTICE },
	{ "Informational", 1, WARD_PRIO_INFORMATIONAL },
	{ "INFO", 1, WARD_PRIO_INFORMATIONAL },
	{ "debug", 1, WARD_PRIO_DEBUG },
	{ "", 0, 0 },
	{ "warn", 0, 0 },
	{ "Warnings", 0, 0 },
	{ " warning", 0, 0 },
	{ "informationalinformational", 0, 0 },
	{ "crit", 0, 0 },
	{ "7", 0, 0 },
};

static void test_parse_table(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum ward_priority p = (enum ward_priority)99;
		int rc = ward_priority_parse(cases[i].in, strlen(cases[i].in), &p);

		if (cases[i].ok) {
			if (rc != 0 || p != cases[i].want)
				fail_msg("\"%s\": rc %d prio %d", cases[i].in, rc, p);
		} else {
			if (rc != -EINVAL || p != (enum ward_priority)99)
				fail_msg("\"%s\" should be rejected, out untouched", cases[i].in);
		}
	}
	/* len is honoured: no NUL needed, trailing bytes ignored */
	enum ward_priority p;

	assert_int_equal(ward_priority_parse("debugXYZ", 5, &p), 0);
	assert_int_equal(p, WARD_PRIO_DEBUG);
	assert_int_equal(ward_priority_parse(NULL, 3, &p), -EINVAL);
}

static void test_names_roundtrip(void **state)
{
	static const char *const want[] = { "Emergency", "Alert", "Critical", "Error",
					    "Warning", "Notice", "Informational", "Debug" };

	for (int i = 0; i < WARD_PRIO_CNT; i++) {
		enum ward_priority p;
		const char *n = ward_priority_name((enum ward_priority)i);

		assert_string_equal(n, want[i]);
		assert_int_equal(ward_priority_parse(n, strlen(n), &p), 0);
		assert_int_equal(p, i);
	}
	assert_string_equal(ward_priority_name((enum ward_priority)8), "Unknown");
	assert_string_equal(ward_priority_name((enum ward_priority)-1), "Unknown");
}

static void test_ordering(void **state)
{
	assert_true(ward_priority_at_least(WARD_PRIO_CRITICAL, WARD_PRIO_WARNING));
	assert_true(ward_priority_at_least(WARD_PRIO_WARNING, WARD_PRIO_WARNING));
	assert_false(ward_priority_at_least(WARD_PRIO_NOTICE, WARD_PRIO_WARNING));
	assert_false(ward_priority_at_least(WARD_PRIO_DEBUG, WARD_PRIO_INFORMATIONAL));
	assert_true(ward_priority_at_least(WARD_PRIO_EMERGENCY, WARD_PRIO_EMERGENCY));
	for (int i = 0; i < WARD_PRIO_CNT; i++)
		assert_true(ward_priority_at_least((enum ward_priority)i, WARD_PRIO_DEBUG));
}

static void test_syslog_levels(void **state)
{
	assert_int_equal(ward_output_syslog_level(WARD_PRIO_EMERGENCY), LOG_EMERG);
	assert_int_equal(ward_output_syslog_level(WARD_PRIO_ALERT), LOG_ALERT);
	assert_int_equal(ward_output_syslog_level(WARD_PRIO_CRITICAL), LOG_CRIT);
	assert_int_equal(ward_output_syslog_level(WARD_PRIO_ERROR), LOG_ERR);
	assert_int_equal(ward_output_syslog_level(WARD_PRIO_WARNING), LOG_WARNING);
	assert_int_equal(ward_output_syslog_level(WARD_PRIO_NOTICE), LOG_NOTICE);
	assert_int_equal(ward_output_syslog_level(WARD_PRIO_INFORMATIONAL), LOG_INFO);
	assert_int_equal(ward_output_syslog_level(WARD_PRIO_DEBUG), LOG_DEBUG);
	assert_int_equal(ward_output_syslog_level((enum ward_priority)42), LOG_DEBUG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_names_roundtrip),
		cmocka_unit_test(test_ordering),
		cmocka_unit_test(test_syslog_levels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
