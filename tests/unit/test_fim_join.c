// SPDX-License-Identifier: Apache-2.0
/* Unit tests for the fim watch who-data join table (src/fim/join.c): path, path-tail and
 * pid matches, the pid check, the time limits, and the bound (oldest overwritten, chains
 * intact after thousands of overwrites). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fim/join.h"

#define S 1000000000ull
#define P(s) (s), strlen(s)

static void test_match_kinds(void **state)
{
	struct ward_fim_join *j = ward_fim_join_new(16, 10 * S, 2 * S);
	struct ward_fim_join_rec r;
	static const struct {
		const char *path;
		uint32_t pid;
		uint64_t ts;
		enum ward_fim_join_match want;
		uint64_t want_start;
	} cases[] = {
		{ "/etc/passwd", 100, 100 * S, WARD_FIM_JOIN_PATH, 1 },
		/* another pid wrote it: the path alone does not attribute */
		{ "/etc/passwd", 300, 100 * S, WARD_FIM_JOIN_NONE, 0 },
		/* pid 0 (unknown writer): path alone */
		{ "/etc/passwd", 0, 100 * S, WARD_FIM_JOIN_PATH, 1 },
		/* a container process named it /data/f; the host sees the bundle path */
		{ "/run/b/rootfs/data/f", 200, 100 * S, WARD_FIM_JOIN_SUFFIX, 2 },
		/* a tail that does not start at '/' is no match; the pid still is */
		{ "/run/b/rootfsx/ata/f", 200, 100 * S, WARD_FIM_JOIN_PID, 2 },
		/* pid-only: some other file of pid 100 */
		{ "/etc/shadow", 100, 100 * S, WARD_FIM_JOIN_PID, 1 },
		/* too old (record at 99 s, change 10 s + 1 ns later) */
		{ "/etc/passwd", 100, 109 * S + 1, WARD_FIM_JOIN_NONE, 0 },
		/* within max age */
		{ "/etc/passwd", 100, 109 * S, WARD_FIM_JOIN_PATH, 1 },
		/* the record may come up to slack after the change, not more */
		{ "/etc/passwd", 100, 97 * S, WARD_FIM_JOIN_PATH, 1 },
		{ "/etc/passwd", 100, 97 * S - 1, WARD_FIM_JOIN_NONE, 0 },
		{ "", 100, 100 * S, WARD_FIM_JOIN_PID, 1 },
	};

	(void)state;
	ward_fim_join_add(j, P("/etc/passwd"), 100, 1, 257, 99 * S);
	ward_fim_join_add(j, P("/data/f"), 200, 2, 257, 99 * S);
	assert_int_equal(ward_fim_join_count(j), 2);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum ward_fim_join_match m;

		memset(&r, 0, sizeof(r));
		m = ward_fim_join_find(j, P(cases[i].path), cases[i].pid, cases[i].ts, &r);
		if (m != cases[i].want)
			fail_msg("case %zu (%s pid %u): match %s, want %s", i, cases[i].path,
				 cases[i].pid, ward_fim_join_match_name(m),
				 ward_fim_join_match_name(cases[i].want));
		if (m != WARD_FIM_JOIN_NONE)
			assert_int_equal(r.start, cases[i].want_start);
	}
	ward_fim_join_free(j);
}

static void test_newest_wins_and_pid_reuse(void **state)
{
	struct ward_fim_join *j = ward_fim_join_new(16, 10 * S, 2 * S);
	struct ward_fim_join_rec r;

	(void)state;
	/* pid 42 wrote /x at 10 s and exited; a new process reused pid 42 and wrote at 14 s */
	ward_fim_join_add(j, P("/x"), 42, 1000, 2, 10 * S);
	ward_fim_join_add(j, P("/x"), 42, 5000, 2, 14 * S);
	assert_int_equal(ward_fim_join_find(j, P("/x"), 42, 14 * S, &r), WARD_FIM_JOIN_PATH);
	assert_int_equal(r.start, 5000);
	/* a change at 10 s: the write at 14 s is beyond the slack, so the first process */
	assert_int_equal(ward_fim_join_find(j, P("/x"), 42, 10 * S, &r), WARD_FIM_JOIN_PATH);
	assert_int_equal(r.start, 1000);
	/* at 13 s both are usable: the newest wins */
	assert_int_equal(ward_fim_join_find(j, P("/x"), 42, 13 * S, &r), WARD_FIM_JOIN_PATH);
	assert_int_equal(r.start, 5000);
	/* an unknown-path record (fchmod on an fd the decoder could not name) joins by pid */
	ward_fim_join_add(j, "", 0, 77, 9, 90, 20 * S);
	assert_int_equal(ward_fim_join_find(j, P("/y"), 77, 20 * S, &r), WARD_FIM_JOIN_PID);
	assert_int_equal(r.nr, 90);
	ward_fim_join_free(j);
}

static void test_bounds(void **state)
{
	enum { CAP = 64 };
	struct ward_fim_join *j = ward_fim_join_new(CAP, 1000 * S, 2 * S);
	struct ward_fim_join_rec r;
	char path[64];

	(void)state;
	/* many times the capacity: only the last CAP records remain findable, and every one
	 * of them is, with the right pid (chains survive overwrites) */
	for (uint32_t i = 0; i < CAP * 50; i++) {
		snprintf(path, sizeof(path), "/t/%u", i);
		ward_fim_join_add(j, P(path), 1000 + i % 7, i, 2, (uint64_t)i * 1000);
	}
	assert_int_equal(ward_fim_join_count(j), CAP);
	for (uint32_t i = 0; i < CAP * 50; i++) {
		snprintf(path, sizeof(path), "/t/%u", i);
		enum ward_fim_join_match m = ward_fim_join_find(j, P(path), 1000 + i % 7,
								  (uint64_t)i * 1000, &r);

		if (i >= CAP * 49) {
			assert_int_equal(m, WARD_FIM_JOIN_PATH);
			assert_int_equal(r.start, i);
		} else {
			/* the path is gone; an unrelated record of the same pid may remain */
			assert_true(m == WARD_FIM_JOIN_PID || m == WARD_FIM_JOIN_NONE);
			if (m == WARD_FIM_JOIN_PID)
				assert_true(r.start >= CAP * 49);
		}
	}
	/* cap 0 picks the default */
	ward_fim_join_free(j);
	j = ward_fim_join_new(0, S, S);
	for (uint32_t i = 0; i < WARD_FIM_JOIN_CAP + 5; i++)
		ward_fim_join_add(j, P("/same"), 1, i, 2, S);
	assert_int_equal(ward_fim_join_count(j), WARD_FIM_JOIN_CAP);
	assert_int_equal(ward_fim_join_find(j, P("/same"), 1, S, &r), WARD_FIM_JOIN_PATH);
	ward_fim_join_free(j);
	ward_fim_join_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_kinds),
		cmocka_unit_test(test_newest_wins_and_pid_reuse),
		cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
