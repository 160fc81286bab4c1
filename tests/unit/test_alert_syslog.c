// SPDX-License-Identifier: Apache-2.0
/* ward-test: serial (drives the live system; runs alone)
 */
/* The syslog output against a real syslog socket: a child process enters a private mount
 * namespace, mounts a tmpfs over /dev, binds its own datagram socket at /dev/log (the path
 * glibc's syslog() writes to) and checks the datagrams the output sends: facility daemon
 * (the default) or the configured one, level from the priority, ident "ward", the text form
 * without its time stamp. Then the pipeline built from a config document with
 * outputs.syslog.facility and outputs.syslog.min_priority: only alerts at or above that
 * minimum reach the socket, with that facility. The host's /dev/log is never touched.
 * Needs root (mount namespaces); skipped otherwise. */
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
#include "alert/pipeline.h"

/* Through the pipeline from config: facility local5, minimum error. A Warning is sent first
 * and must not arrive; the first datagram must be the Critical one at local5. */
static int pipeline_child(int fd)
{
	static const char yaml[] = "rules:\n  rate_limit_per_min: 0\n"
				   "outputs:\n  stdout:\n    enabled: false\n"
				   "  syslog:\n    enabled: true\n    facility: local5\n"
				   "    min_priority: error\n";
	struct ward_config *cfg = NULL;
	struct ward_alerts *p = NULL;
	struct ward_diag d = { 0 };
	struct ward_alert a = { .time_ns = 1, .rule = "R", .priority = WARD_PRIO_WARNING,
				.output = "below the minimum", .container = { .id = "c" } };
	char got[2048], want[64];
	ssize_t n;

	if (ward_config_parse("t.yaml", yaml, strlen(yaml), &cfg, &d))
		return 30;
	if (ward_alerts_setup(cfg, &p, &d))
		return 31;
	if (ward_alerts_emit(p, &a) != WARD_ALERT_FILTERED)
		return 32;
	a.priority = WARD_PRIO_CRITICAL;
	a.output = "at the minimum or above";
	if (ward_alerts_emit(p, &a) != WARD_ALERT_SENT)
		return 33;
	n = recv(fd, got, sizeof(got) - 1, 0);
	if (n <= 0)
		return 34;
	got[n] = '\0';
	snprintf(want, sizeof(want), "<%d>", LOG_LOCAL5 | LOG_CRIT);
	if (strncmp(got, want, strlen(want)) != 0)
		return 35;
	if (!strstr(got, "Critical at the minimum or above"))
		return 36;
	ward_alerts_shutdown(p);
	ward_config_free(cfg);
	return 0;
}

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
	if (ward_output_syslog_new(LOG_DAEMON, &o))
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

	/* a configured facility: local3 on the datagram */
	if (ward_output_syslog_new(LOG_LOCAL3, &o))
		return 23;
	o->write(o, &a, j.data, j.len, t.data, t.len);
	n = recv(fd, got, sizeof(got) - 1, 0);
	if (n <= 0)
		return 24;
	got[n] = '\0';
	snprintf(want, sizeof(want), "<%d>", LOG_LOCAL3 | LOG_DEBUG);
	if (strncmp(got, want, strlen(want)) != 0)
		return 25;
	o->close(o);
	ward_buf_free(&j);
	ward_buf_free(&t);
	return pipeline_child(fd);
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
