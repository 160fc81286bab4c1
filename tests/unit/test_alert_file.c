// SPDX-License-Identifier: Apache-2.0
/* File output and stdout output against real files and pipes: JSON lines, size rotation
 * keeping N files, keep=0, refusing symlinks, text vs JSON on stdout. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alert/output.h"

static char dir[] = "/tmp/ward-test-alert-file.XXXXXX";

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int teardown(void **state)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Reads a whole file; returns lines that parse as JSON objects, -1 when any line does not. */
static int count_json_lines(const char *path, off_t *size, int *first_seq, int *last_seq)
{
	FILE *f = fopen(path, "re");
	char line[8192];
	int n = 0;
	struct stat st;

	if (!f)
		return -1;
	fstat(fileno(f), &st);
	*size = st.st_size;
	while (fgets(line, sizeof(line), f)) {
		json_error_t e;
		json_t *j = json_loads(line, 0, &e);

		if (!json_is_object(j)) {
			fclose(f);
			return -1;
		}
		int seq = (int)json_integer_value(json_object_get(json_object_get(j, "output_fields"),
								   "seq"));
		if (n == 0)
			*first_seq = seq;
		*last_seq = seq;
		json_decref(j);
		n++;
	}
	fclose(f);
	return n;
}

static void write_seq(struct ward_output *o, int seq)
{
	struct ward_alert_field f = { "seq", WARD_AV_INT, { .i = seq } };
	struct ward_alert a = { .rule = "R", .output = "some output text", .fields = &f,
				.fields_cnt = 1, .priority = WARD_PRIO_NOTICE };
	struct ward_buf j, t;

	ward_buf_init(&j, 0);
	ward_buf_init(&t, 0);
	assert_int_equal(ward_alert_to_json(&a, &j), 0);
	assert_int_equal(ward_alert_to_text(&a, &t), 0);
	assert_int_equal(o->write(o, &a, j.data, j.len, t.data, t.len), 0);
	ward_buf_free(&j);
	ward_buf_free(&t);
}

static void test_rotation(void **state)
{
	char path[512], rot[520];
	struct ward_output *o;
	int total = 0, first = -1, last = -1, prev_first = 1 << 30;
	off_t size;
	const uint64_t max = 2000;

	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	assert_int_equal(ward_output_file_new(path, max, 2, &o), 0);
	for (int i = 0; i < 200; i++)
		write_seq(o, i);
	o->close(o);

	/* path, path.1, path.2 exist; path.3 does not */
	snprintf(rot, sizeof(rot), "%s.3", path);
	assert_int_equal(access(rot, F_OK), -1);
	for (int k = 0; k <= 2; k++) {
		int n;

		if (k == 0)
			snprintf(rot, sizeof(rot), "%s", path);
		else
			snprintf(rot, sizeof(rot), "%s.%d", path, k);
		n = count_json_lines(rot, &size, &first, &last);
		assert_true(n > 0);
		assert_true((uint64_t)size <= max);
		/* each file holds consecutive alerts, newer files newer alerts */
		assert_int_equal(last - first + 1, n);
		assert_true(last < prev_first);
		prev_first = first;
		if (k == 0)
			assert_int_equal(last, 199);
		total += n;
	}
	/* the rest were rotated away: fewer than 200 kept */
	assert_true(total < 200);

	/* reopening appends to the existing file and keeps counting its size */
	assert_int_equal(ward_output_file_new(path, max, 2, &o), 0);
	write_seq(o, 200);
	o->close(o);
	assert_true(count_json_lines(path, &size, &first, &last) > 0);
	assert_int_equal(last, 200);
	assert_true((uint64_t)size <= max);
}

static void test_keep_zero(void **state)
{
	char path[512], rot[520];
	struct ward_output *o;
	int first, last;
	off_t size;

	snprintf(path, sizeof(path), "%s/k0.json", dir);
	assert_int_equal(ward_output_file_new(path, 1000, 0, &o), 0);
	for (int i = 0; i < 50; i++)
		write_seq(o, i);
	o->close(o);
	snprintf(rot, sizeof(rot), "%s.1", path);
	assert_int_equal(access(rot, F_OK), -1);
	assert_true(count_json_lines(path, &size, &first, &last) > 0);
	assert_int_equal(last, 49);
	assert_true(size <= 1000);
}

static void test_refuses(void **state)
{
	char path[512];
	struct ward_output *o = NULL;

	snprintf(path, sizeof(path), "%s/link.json", dir);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_int_equal(ward_output_file_new(path, 1000, 1, &o), -ELOOP);
	assert_int_equal(ward_output_file_new(dir, 1000, 1, &o), -EISDIR);
	snprintf(path, sizeof(path), "%s/ok.json", dir);
	assert_int_equal(ward_output_file_new(path, 0, 1, &o), -EINVAL);
	assert_int_equal(ward_output_file_new(path, 10, WARD_OUTPUT_FILE_KEEP_MAX + 1, &o), -EINVAL);
	assert_int_equal(ward_output_file_new("", 10, 1, &o), -EINVAL);
	snprintf(path, sizeof(path), "%s/missing-dir/x.json", dir);
	assert_int_equal(ward_output_file_new(path, 10, 1, &o), -ENOENT);
	assert_null(o);
}

static void test_stdout(void **state)
{
	int p[2];
	struct ward_output *o;
	char got[4096];
	ssize_t n;
	json_t *j;
	json_error_t e;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(ward_output_stdout_new(p[1], false, &o), 0);
	write_seq(o, 1);
	o->close(o);
	n = read(p[0], got, sizeof(got) - 1);
	assert_true(n > 0);
	got[n] = '\0';
	assert_string_equal(got, "00:00:00.000000000: Notice some output text\n");

	assert_int_equal(ward_output_stdout_new(p[1], true, &o), 0);
	write_seq(o, 2);
	o->close(o);
	n = read(p[0], got, sizeof(got) - 1);
	assert_true(n > 1);
	got[n] = '\0';
	assert_int_equal(got[n - 1], '\n');
	j = json_loads(got, 0, &e);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "priority")), "Notice");
	json_decref(j);
	close(p[0]);
	close(p[1]);
	assert_int_equal(ward_output_stdout_new(-1, true, &o), -EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_keep_zero),
		cmocka_unit_test(test_refuses),
		cmocka_unit_test(test_stdout),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
