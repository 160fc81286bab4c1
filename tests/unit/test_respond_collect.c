// SPDX-License-Identifier: Apache-2.0
/* ward_collect() through the library on a real process tree: a parent and its child are
 * both collected, the caller's events land in events.jsonl, the memory dump respects
 * mem_max and holds the parent's data marker, an empty mem_max dumps nothing, and the bundle
 * verifies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "respond/bundle.h"
#include "respond/respond.h"

static char dir[] = "/tmp/ward-test-respond-collect.XXXXXX";
static pid_t parent = -1;
/* initialized data: lives in a writable file-backed mapping, dumped before anonymous memory */
static char data_marker[64] = "DATA-MARKER-424242";

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* A parent that forks one child; both sleep. Returns the parent. */
static pid_t spawn_tree(int ready_fd_out[1])
{
	int p[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		data_marker[0] = 'D'; /* touch it: the page is the child's own copy */
		if (fork() == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL); /* dies with the parent */
			for (;;)
				pause();
		}
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

static json_t *manifest_of(const char *path)
{
	struct ward_bundle_report r;
	json_t *m;

	assert_int_equal(ward_bundle_verify_file(path, NULL, &r), 0);
	m = json_loads(r.manifest, 0, NULL);
	ward_bundle_report_free(&r);
	assert_non_null(m);
	return m;
}

static uint64_t sum_sizes(json_t *m, const char *needle, size_t *cnt)
{
	json_t *it;
	size_t i;
	uint64_t total = 0;

	*cnt = 0;
	json_array_foreach(json_object_get(m, "artifacts"), i, it) {
		if (strstr(json_string_value(json_object_get(it, "path")), needle)) {
			total += (uint64_t)json_integer_value(json_object_get(it, "size"));
			(*cnt)++;
		}
	}
	return total;
}

/* True when one of pid's memory artifacts in the bundle contains needle. */
static bool mem_has(const char *bundle, pid_t pid, const char *needle)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char prefix[64];
	bool found = false;

	snprintf(prefix, sizeof(prefix), "proc/%d/mem/", (int)pid);
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_filename(a, bundle, 10240), ARCHIVE_OK);
	while (!found && archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		size_t size = (size_t)archive_entry_size(e);
		char *buf;

		if (strncmp(name, prefix, strlen(prefix)) != 0 || !strstr(name, ".bin"))
			continue;
		buf = malloc(size ? size : 1);
		assert_int_equal(archive_read_data(a, buf, size), (la_ssize_t)size);
		found = memmem(buf, size, needle, strlen(needle)) != NULL;
		free(buf);
	}
	archive_read_free(a);
	return found;
}

static void test_collect_tree(void **state)
{
	static const char events[] = "{\"evt\":\"execve\",\"n\":1}\n{\"evt\":\"connect\",\"n\":2}\n";
	struct ward_collect_result res = { 0 };
	struct ward_diag diag = { 0 };
	struct ward_target t;
	char out[300], key[300], tree_name[64];
	size_t cnt;
	json_t *m;

	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/b.tar", dir);
	snprintf(key, sizeof(key), "%s/host.key", dir);
	parent = spawn_tree(NULL);
	assert_int_equal(ward_target_from_pid(parent, &t), 0);
	struct ward_collect_opts o = {
		.out_path = out, .key_path = key, .mem_max = 1u << 20, .exe_max = 64u << 20,
		.upper_max = 0, .events = events, .events_len = sizeof(events) - 1,
		.reason = "unit-test",
	};
	assert_int_equal(ward_collect(&t, &o, &res, &diag), 0);
	assert_int_equal(res.proc_cnt, 2); /* parent and child */
	m = manifest_of(out);
	assert_string_equal(json_string_value(json_object_get(json_object_get(m, "meta"), "reason")),
			    "unit-test");
	assert_int_equal(sum_sizes(m, "events.jsonl", &cnt), sizeof(events) - 1);
	assert_int_equal(cnt, 1);
	snprintf(tree_name, sizeof(tree_name), "proc/%d/cmdline", (int)parent);
	sum_sizes(m, tree_name, &cnt);
	assert_int_equal(cnt, 1);
	assert_true(sum_sizes(m, ".bin", &cnt) <= (1u << 20));
	assert_true(cnt > 0);
	json_decref(m);

	/* the data marker is somewhere in the dumped memory */
	assert_true(mem_has(out, parent, "DATA-MARKER-424242"));

	/* no memory budget: no dump */
	snprintf(out, sizeof(out), "%s/nomem.tar", dir);
	o.out_path = out;
	o.mem_max = 0;
	o.events = NULL;
	assert_int_equal(ward_collect(&t, &o, &res, &diag), 0);
	m = manifest_of(out);
	sum_sizes(m, "/mem/", &cnt);
	assert_int_equal(cnt, 0);
	sum_sizes(m, "events.jsonl", &cnt);
	assert_int_equal(cnt, 0);
	json_decref(m);

	/* an existing output is never overwritten, and the error names it */
	assert_int_equal(ward_collect(&t, &o, &res, &diag), -EEXIST);
	assert_non_null(strstr(diag.file, "nomem.tar"));

}

/* Runs even when an assertion failed: the sleeping tree must not outlive the test. */
static int teardown(void **state)
{
	if (parent > 0) {
		kill(parent, SIGKILL);
		waitpid(parent, NULL, 0);
	}
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_collect_tree, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
