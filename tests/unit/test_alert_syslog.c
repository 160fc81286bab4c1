// SPDX-License-Identifier: Apache-2.0
/* ward-test: serial (drives the live system; runs alone)
 */
/* The syslog output against a real syslog socket: a child process enters a private mount
 * namespace, mounts a tmpfs over /dev, binds its own datagram socket at /dev/log (the path
 * glibc's syslog() writes to) and checks the datagrams the output sends: facility daemon,
 * level from the priority, ident "ward", the text form without its time stamp. The host's
 * /dev/log is never touched. Needs root (mount namespaces); skipped otherwise. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "alert/output.h"

/* Child-side check: returns 0 or a distinct code naming the first failed step. */
static int child(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	struct ward_output *o;
	struct ward_alert a = { .time_ns = 1, .rule = "R", .priority = WARD_PRIO_CRITICAL,
				.output = "Shell spawned by web server (proc=sh)" };
	struct ward_buf j, t;
	char got[2048], want[64];
	struct timeval tv = { 10, 0 };
	ssize_t n;
	int fd;

	if (unshare(CLONE_NEWNS) < 0)
		return 10;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 11;
	if (mount("none", "/dev", "tmpfs", 0, NULL) < 0)
		return 12;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return 13;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	ward_buf_init(&j, 0);
	ward_buf_init(&t, 0);
	if (ward_alert_to_json(&a, &j) || ward_alert_to_text(&a, &t))
		return 14;
	if (ward_output_syslog_new(&o))
		return 15;
	if (o->write(o, &a, j.data, j.len, t.data, t.len))
		return 16;
	n = recv(fd, got, sizeof(got) - 1, 0);
	if (n <= 0)
		return 17;
	got[n] = '\0';
	/* <PRI> = facility * 8 + level: daemon (3) and critical (2) */
	snprintf(want, sizeof(want), "<%d>", LOG_DAEMON | LOG_CRIT);
	if (strncmp(got, want, strlen(want)) != 0)
		return 18;
	if (!strstr(got, " ward[") || !strstr(got, "]: Critical Shell spawned by web server (proc=sh)"))
		return 19;
	/* the alert's own time stamp is not repeated inside the message */
	if (strstr(got, "00:00:00.000000001"))
		return 20;

	a.priority = WARD_PRIO_DEBUG;
	ward_buf_reset(&t);
	ward_alert_to_text(&a, &t);
	o->write(o, &a, j.data, j.len, t.data, t.len);
	n = recv(fd, got, sizeof(got) - 1, 0);
	if (n <= 0)
		return 21;
	got[n] = '\0';
	snprintf(want, sizeof(want), "<%d>", LOG_DAEMON | LOG_DEBUG);
	if (strncmp(got, want, strlen(want)) != 0)
		return 22;
	o->close(o);
	ward_buf_free(&j);
	ward_buf_free(&t);
	return 0;
}

static void test_syslog_datagrams(void **state)
{
	pid_t pid;
	int st;

	if (geteuid() != 0) {
		print_message("SKIP: needs root for a private mount namespace\n");
		skip();
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child());
	while (waitpid(pid, &st, 0) < 0)
		assert_int_equal(errno, EINTR);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) != 0)
		fail_msg("syslog check failed at step %d", WEXITSTATUS(st));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syslog_datagrams),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
