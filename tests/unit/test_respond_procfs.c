// SPDX-License-Identifier: Apache-2.0
/* /proc helpers of the responder: the stat line's state, ppid and comm; finding a process by
 * its pid inside a pid namespace (how the agent finds a ptrace victim named by the killed
 * tracer), including a child in a new pid namespace whose vpid is 1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "respond/respond.h"

static uint32_t pidns_of(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	assert_int_equal(stat(path, &st), 0);
	return (uint32_t)st.st_ino;
}

static void test_stat_self(void **state)
{
	struct ward_proc_stat st;

	(void)state;
	assert_int_equal(ward_proc_stat_read(getpid(), &st), 0);
	assert_int_equal(st.state, 'R'); /* reading its own stat, it runs */
	assert_int_equal(st.ppid, getppid());
	assert_false(st.is_kthread);
	assert_int_equal(ward_proc_stat_read(-1, &st), -EINVAL);
}

static void test_stopped_child(void **state)
{
	struct ward_proc_stat st;
	pid_t c = fork();
	int i;

	(void)state;
	assert_true(c >= 0);
	if (c == 0) {
		alarm(30);
		pause();
		_exit(0);
	}
	{
		bool stopped = true;

		for (i = 0; i < 200; i++) { /* until the child sleeps in pause() */
			assert_int_equal(ward_proc_stat_read(c, &st), 0);
			if (st.state == 'S')
				break;
			usleep(10000);
		}
		assert_int_equal(ward_proc_stop_pending(c, &stopped), 0);
		assert_false(stopped);
	}
	assert_int_equal(kill(c, SIGSTOP), 0);
	for (i = 0; i < 200; i++) {
		assert_int_equal(ward_proc_stat_read(c, &st), 0);
		if (st.state == 'T')
			break;
		usleep(10000);
	}
	assert_int_equal(st.state, 'T');
	{
		bool stopped = false;

		assert_int_equal(ward_proc_stop_pending(c, &stopped), 0);
		assert_true(stopped);
	}
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
}

static void test_find_vpid_host(void **state)
{
	pid_t got = 0;

	(void)state;
	assert_int_equal(ward_proc_find_vpid(pidns_of(getpid()), getpid(), &got), 0);
	assert_int_equal(got, getpid());
	/* pid_max is at most 4194304: this vpid cannot exist */
	assert_int_equal(ward_proc_find_vpid(pidns_of(getpid()), 4194305, &got), -ESRCH);
	assert_int_equal(ward_proc_find_vpid(pidns_of(getpid()), 0, &got), -EINVAL);
	{
		bool b;

		assert_int_equal(ward_proc_stop_pending(4194305, &b), -ESRCH);
	}
}

/* A process in a new pid namespace is pid 1 there: found by (its namespace, 1), and by its
 * pid in ours. A middle process does the unshare (LeakSanitizer cannot stop the world in a
 * process whose children go to another pid namespace) and reports the grandchild's pid.
 * Needs CAP_SYS_ADMIN; skipped otherwise. */
static void test_find_vpid_namespace(void **state)
{
	int pfd[2];
	pid_t mid, c = 0, got = 0;

	(void)state;
	assert_int_equal(pipe(pfd), 0);
	mid = fork();
	assert_true(mid >= 0);
	if (mid == 0) {
		pid_t g;

		close(pfd[0]);
		if (unshare(CLONE_NEWPID) < 0)
			_exit(3);
		g = fork(); /* the first child after unshare is pid 1 of the new namespace */
		if (g == 0) {
			alarm(30); /* never outlives a failed test */
			pause();
			_exit(0);
		}
		(void)!write(pfd[1], &g, sizeof(g));
		waitpid(g, NULL, 0);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &c, sizeof(c)) != (ssize_t)sizeof(c)) {
		int st = 0;

		waitpid(mid, &st, 0);
		close(pfd[0]);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 3) {
			skip();
			return;
		}
		fail_msg("the middle process did not report its child");
	}
	close(pfd[0]);
	assert_int_not_equal(pidns_of(c), pidns_of(getpid()));
	assert_int_equal(ward_proc_find_vpid(pidns_of(c), 1, &got), 0);
	assert_int_equal(got, c);
	got = 0;
	assert_int_equal(ward_proc_find_vpid(pidns_of(getpid()), c, &got), 0);
	assert_int_equal(got, c);
	kill(c, SIGKILL);
	waitpid(mid, NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat_self),
		cmocka_unit_test(test_stopped_child),
		cmocka_unit_test(test_find_vpid_host),
		cmocka_unit_test(test_find_vpid_namespace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
