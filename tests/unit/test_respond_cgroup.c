// SPDX-License-Identifier: Apache-2.0
/* ward-test: serial (drives the live system; runs alone)
 */
/* The fallback paths of whole-cgroup actions on a real v1 freezer cgroup made here (no v2
 * directory, so no cgroup.kill and no cgroup.freeze): freeze waits for FROZEN and thaw
 * resumes; kill signals every member, including ones forked after the first round, until
 * the cgroup is empty. Needs root and the v1 freezer; skipped otherwise. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "respond/respond.h"

static char cg[256];
static pid_t leader = -1;

/* A leader that keeps forking short-lived workers and a long sleeper, inside the cgroup. */
static pid_t spawn_in_cgroup(void)
{
	int p[2];
	char c;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char procs[300], me[32];

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
		snprintf(me, sizeof(me), "%d", (int)getpid());
		if (ward_write_file(procs, me))
			_exit(1);
		if (fork() == 0) { /* a sleeper */
			for (;;)
				pause();
		}
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		for (;;) { /* a forker: new members keep appearing */
			pid_t w = fork();

			if (w == 0) {
				usleep(1000);
				_exit(0);
			}
			if (w > 0)
				waitpid(w, NULL, 0);
		}
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

static int setup(void **state)
{
	if (geteuid() != 0 || access(WARD_CGROUP_ROOT_FREEZER "/cgroup.procs", W_OK) != 0)
		return 0; /* tests skip */
	snprintf(cg, sizeof(cg), "%s/ward-test-respond-%d", WARD_CGROUP_ROOT_FREEZER, (int)getpid());
	if (mkdir(cg, 0755) < 0)
		cg[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	if (!cg[0])
		return 0;
	if (leader > 0) {
		char st[300];

		snprintf(st, sizeof(st), "%s/freezer.state", cg);
		ward_write_file(st, "THAWED");
		kill(leader, SIGKILL);
		waitpid(leader, NULL, 0);
	}
	/* members killed above may take a moment to leave */
	for (int i = 0; i < 100 && rmdir(cg) < 0 && errno == EBUSY; i++)
		usleep(10000);
	return 0;
}

static void test_v1_freeze_then_kill(void **state)
{
	struct ward_target t = { .kind = WARD_TARGET_CONTAINER, .id = "v1test" };
	struct ward_kill_result r;
	struct ward_buf b;
	pid_t pids[64];
	char st[300];
	int n;

	if (!cg[0])
		skip();
	snprintf(t.cg_freezer, sizeof(t.cg_freezer), "%s", cg);
	leader = spawn_in_cgroup();
	n = ward_target_pids(&t, pids, 64);
	assert_true(n >= 2);

	assert_int_equal(ward_freeze(&t, 5000), 0);
	snprintf(st, sizeof(st), "%s/freezer.state", cg);
	ward_buf_init(&b, 64);
	assert_true(ward_read_file(st, &b) > 0);
	assert_non_null(strstr(b.data, "FROZEN"));
	ward_buf_free(&b);
	assert_int_equal(ward_thaw(&t, 5000), 0);
	ward_buf_init(&b, 64);
	assert_true(ward_read_file(st, &b) > 0);
	assert_non_null(strstr(b.data, "THAWED"));
	ward_buf_free(&b);

	/* no v2 dir: the pidfd loop, repeated while the forker adds members */
	assert_int_equal(ward_kill_cgroup(&t, 5000, &r), 0);
	assert_true(r.confirmed);
	assert_true(r.killed_cnt >= 2);
	assert_int_equal(ward_target_pids(&t, pids, 64), 0);
	int status;
	assert_int_equal(waitpid(leader, &status, 0), leader);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	leader = -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_freeze_then_kill),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
