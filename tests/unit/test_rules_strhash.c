// SPDX-License-Identifier: Apache-2.0
/* The hash index over a string table (strhash.c) against a linear search of the same table,
 * over a grid of tables (sizes around the growth steps, the empty string, bytes 0 and 0xff,
 * strings that are prefixes of each other, long strings differing in their last byte) and of
 * probes (every entry, their one-byte cuts and extensions, absent strings). Also that probe
 * chains really occur (entries away from their home slot), and that a string group answers
 * through the index as through binary search. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rules/rules_int.h"

#define LONG_LEN 5000

static struct ward_ruleset *RS;
static char *strs[2000];
static size_t lens[2000];

static int setup(void **state)
{
	static const char doc[] = "- list: none\n  items: []\n";
	struct ward_rules_report rep;

	assert_int_equal(ward_rules_load_mem("t.yaml", doc, sizeof(doc) - 1, NULL, &rep, &RS), 0);
	ward_rules_report_free(&rep);
	return 0;
}

static int teardown(void **state)
{
	ward_rules_free(RS);
	for (size_t i = 0; i < 2000; i++)
		free(strs[i]);
	return 0;
}

/* The i-th string of the grid: short strings over a few bytes (0 and 0xff included), then
 * longer ones sharing prefixes, then long ones differing at the end. */
static size_t make(size_t i, char *out)
{
	static const char alpha[] = { 'a', 'b', '/', '\0', (char)0xff };

	if (i == 0)
		return 0; /* the empty string */
	if (i < 1 + 5 + 25 + 125) {
		size_t k = i - 1, w = 1, cnt = 5;

		while (k >= cnt) {
			k -= cnt;
			w++;
			cnt *= 5;
		}
		/* w bytes: k in base 5 */
		for (size_t n = 0; n < w; n++, k /= 5)
			out[n] = alpha[k % 5];
		return w;
	}
	if (i < 1000)
		return (size_t)snprintf(out, 64, "/usr/lib/x86_64-linux-gnu/lib%zu.so.%zu", i % 97, i);
	memset(out, 'x', LONG_LEN);
	if (i < 1004) {
		/* as long as the buffer, differing in the last byte only */
		out[LONG_LEN - 1] = (char)('A' + i % 4);
		return LONG_LEN;
	}
	snprintf(out, 8, "%04zu", i);
	out[4] = 'x';
	return 16 + i % 300;
}

static uint32_t linear(const struct ward_rgstr *t, uint32_t cnt, const char *s, size_t len)
{
	for (uint32_t i = 0; i < cnt; i++)
		if (t[i].len == len && memcmp(t[i].s, s, len) == 0)
			return i;
	return UINT32_MAX;
}

static void check_table(const struct ward_rgstr *t, uint32_t cnt, size_t *displaced)
{
	struct ward_rshash h;
	char probe[LONG_LEN + 1];

	assert_int_equal(ward_rshash_build(RS, t, cnt, &h), 0);
	assert_non_null(h.slot);
	assert_true(h.mask + 1 >= 2ull * cnt);
	for (uint32_t i = 0; i < cnt; i++) {
		uint32_t home = ward_rstr_hash(t[i].s, t[i].len) & h.mask;

		*displaced += h.slot[home] != i + 1;
		for (int cut = -1; cut <= 1; cut++) {
			size_t len = t[i].len;

			if (cut < 0 && !len)
				continue;
			len = cut < 0 ? len - 1 : len;
			memcpy(probe, t[i].s, len);
			if (cut > 0)
				probe[len++] = 'z';
			assert_int_equal(ward_rshash_find(&h, t, probe, len), linear(t, cnt, probe, len));
		}
	}
	assert_int_equal(ward_rshash_find(&h, t, "absent", 6), UINT32_MAX);
}

static void test_index_grid(void **state)
{
	static const uint32_t sizes[] = { 1, 2, 3, 4, 7, 8, 9, 31, 32, 33, 148, 235, 1000, 2000 };
	struct ward_rgstr *t = calloc(2000, sizeof(*t));
	size_t displaced = 0;

	assert_non_null(t);
	for (size_t i = 0; i < 2000; i++) {
		strs[i] = malloc(LONG_LEN);
		assert_non_null(strs[i]);
		lens[i] = make(i, strs[i]);
	}
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		/* every table is a window of the grid, so sizes mix the kinds of strings */
		for (size_t start = 0; start + sizes[k] <= 2000; start += sizes[k] > 300 ? 1000 : 151) {
			for (uint32_t i = 0; i < sizes[k]; i++)
				t[i] = (struct ward_rgstr){ strs[start + i], (uint32_t)lens[start + i],
							   UINT32_MAX, 1ull << (i % 64) };
			check_table(t, sizes[k], &displaced);
		}
	}
	/* probing is exercised, not just home slots */
	assert_true(displaced > 100);
	free(t);
}

/* A group with enough exact strings to get the index answers as the sorted table does. */
static void test_group_same_answers(void **state)
{
	struct ward_rgstr *t = calloc(300, sizeof(*t));
	struct ward_rgroup g;
	struct ward_rshash h;
	char probe[80];

	assert_non_null(t);
	/* sorted and distinct, as program.c builds them */
	for (uint32_t i = 0; i < 300; i++) {
		char *s = malloc(16);

		assert_non_null(s);
		t[i].len = (uint32_t)snprintf(s, 16, "n%04u", i * 3);
		t[i].s = s;
		t[i].up = UINT32_MAX;
		t[i].mask = 1ull << (i % 64) | 1ull << (i % 7);
	}
	memset(&g, 0, sizeof(g));
	g.exact = t;
	g.exact_cnt = 300;
	assert_int_equal(ward_rshash_build(RS, t, 300, &h), 0);
	for (unsigned v = 0; v < 1000; v++) {
		size_t len = (size_t)snprintf(probe, sizeof(probe), "n%04u", v);
		uint64_t want, got;

		g.exact_hash.slot = NULL;
		want = ward_rgroup_match(&g, probe, len);
		g.exact_hash = h;
		got = ward_rgroup_match(&g, probe, len);
		assert_true(got == want);
		assert_true((want != 0) == (v % 3 == 0 && v < 900));
	}
	for (uint32_t i = 0; i < 300; i++)
		free((char *)t[i].s);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_grid),
		cmocka_unit_test(test_group_same_answers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
