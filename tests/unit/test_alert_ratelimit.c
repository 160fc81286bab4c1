// SPDX-License-Identifier: Apache-2.0
/* Rate limiting per (rule, workload): token buckets, suppressed counts, independence of keys,
 * LRU eviction. Time is passed in, so nothing here depends on the clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>

#include "alert/ratelimit.h"

#define SEC 1000000000ull

static void test_bucket(void **state)
{
	struct ward_ratelimit *rl;
	uint64_t sup = 99, t = 1000 * SEC;

	assert_int_equal(ward_ratelimit_new(3, 0, &rl), 0);
	/* a burst: 3 pass with nothing suppressed, then everything is held back */
	for (int i = 0; i < 3; i++) {
		assert_true(ward_ratelimit_check(rl, "R", "c1", t, &sup));
		assert_int_equal(sup, 0);
	}
	for (int i = 0; i < 7; i++)
		assert_false(ward_ratelimit_check(rl, "R", "c1", t + (uint64_t)i * SEC, &sup));
	/* 3/min refills one token every 20 s; at 19.9 s there is none yet */
	assert_false(ward_ratelimit_check(rl, "R", "c1", t + 19 * SEC + SEC / 2, &sup));
	/* the next pass reports all 8 held back, then the count restarts */
	assert_true(ward_ratelimit_check(rl, "R", "c1", t + 20 * SEC, &sup));
	assert_int_equal(sup, 8);
	assert_false(ward_ratelimit_check(rl, "R", "c1", t + 21 * SEC, &sup));
	assert_true(ward_ratelimit_check(rl, "R", "c1", t + 40 * SEC, &sup));
	assert_int_equal(sup, 1);
	/* a long pause refills to the burst size, not beyond */
	t += 3600 * SEC;
	for (int i = 0; i < 3; i++)
		assert_true(ward_ratelimit_check(rl, "R", "c1", t, &sup));
	assert_false(ward_ratelimit_check(rl, "R", "c1", t, &sup));
	assert_int_equal(ward_ratelimit_count(rl), 1);
	ward_ratelimit_free(rl);
}

static void test_keys_independent(void **state)
{
	struct ward_ratelimit *rl;
	uint64_t sup;

	assert_int_equal(ward_ratelimit_new(1, 0, &rl), 0);
	assert_true(ward_ratelimit_check(rl, "R1", "c1", 0, &sup));
	assert_false(ward_ratelimit_check(rl, "R1", "c1", 0, &sup));
	/* other workload, other rule: own buckets */
	assert_true(ward_ratelimit_check(rl, "R1", "c2", 0, &sup));
	assert_true(ward_ratelimit_check(rl, "R2", "c1", 0, &sup));
	/* rule "R1"+"c1x" vs "R1c"+"1x": the split matters */
	assert_true(ward_ratelimit_check(rl, "R1c", "1", 0, &sup));
	assert_int_equal(ward_ratelimit_count(rl), 4);
	ward_ratelimit_free(rl);
}

static void test_unlimited(void **state)
{
	struct ward_ratelimit *rl;
	uint64_t sup = 5;

	assert_int_equal(ward_ratelimit_new(0, 0, &rl), 0);
	for (int i = 0; i < 1000; i++)
		assert_true(ward_ratelimit_check(rl, "R", "w", 0, &sup));
	assert_int_equal(sup, 0);
	ward_ratelimit_free(rl);
}

static void test_eviction(void **state)
{
	struct ward_ratelimit *rl;
	uint64_t sup;
	char wl[32];

	assert_int_equal(ward_ratelimit_new(1, 2, &rl), 0);
	assert_true(ward_ratelimit_check(rl, "R", "a", 1, &sup));
	assert_true(ward_ratelimit_check(rl, "R", "b", 2, &sup));
	assert_false(ward_ratelimit_check(rl, "R", "a", 3, &sup)); /* a is now the newest */
	assert_true(ward_ratelimit_check(rl, "R", "c", 4, &sup));  /* evicts b */
	assert_int_equal(ward_ratelimit_count(rl), 2);
	assert_int_equal(ward_ratelimit_evictions(rl), 1);
	/* a kept its empty bucket; b comes back fresh */
	assert_false(ward_ratelimit_check(rl, "R", "a", 5, &sup));
	assert_true(ward_ratelimit_check(rl, "R", "b", 6, &sup));
	/* many keys through a tiny table: stays bounded, every lookup terminates */
	for (int i = 0; i < 5000; i++) {
		snprintf(wl, sizeof(wl), "w%d", i);
		assert_true(ward_ratelimit_check(rl, "R", wl, 10 + (uint64_t)i, &sup));
		assert_true(ward_ratelimit_count(rl) <= 2);
	}
	ward_ratelimit_free(rl);
}

static void test_bad_args(void **state)
{
	struct ward_ratelimit *rl = NULL;

	assert_int_equal(ward_ratelimit_new(WARD_RL_PER_MIN_MAX + 1, 0, &rl), -EINVAL);
	assert_int_equal(ward_ratelimit_new(1, WARD_RL_KEYS_MAX + 1, &rl), -EINVAL);
	assert_null(rl);
	ward_ratelimit_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket),
		cmocka_unit_test(test_keys_independent),
		cmocka_unit_test(test_unlimited),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_bad_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
