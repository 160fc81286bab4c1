// SPDX-License-Identifier: Apache-2.0
/* ward_read_full: stops at the cap, at end of file (a pipe delivering in pieces) and at an
 * error, and says how much arrived in each case. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/fileio.h"

static void test_read_full(void **state)
{
	char buf[16];
	size_t got = 99;
	int p[2];

	(void)state;
	/* end of file before the cap, the data arriving in two writes */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "abc", 3), 3);
	assert_int_equal(write(p[1], "defg", 4), 4);
	close(p[1]);
	assert_int_equal(ward_read_full(p[0], buf, sizeof(buf), &got), 0);
	assert_int_equal(got, 7);
	assert_memory_equal(buf, "abcdefg", 7);
	close(p[0]);

	/* the cap: nothing past it is read */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "0123456789", 10), 10);
	close(p[1]);
	assert_int_equal(ward_read_full(p[0], buf, 4, &got), 0);
	assert_int_equal(got, 4);
	assert_int_equal(ward_read_full(p[0], buf, sizeof(buf), &got), 0);
	assert_int_equal(got, 6);
	assert_memory_equal(buf, "456789", 6);
	close(p[0]);

	/* an error: -errno, and nothing arrived */
	got = 99;
	assert_int_equal(ward_read_full(-1, buf, sizeof(buf), &got), -EBADF);
	assert_int_equal(got, 0);
	/* a zero cap reads nothing */
	assert_int_equal(ward_read_full(-1, buf, 0, &got), 0);
	assert_int_equal(got, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
