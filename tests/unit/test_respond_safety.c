// SPDX-License-Identifier: Apache-2.0
/* Safety policy and the small pieces around it, against real processes: pid 1, ward itself
 * and its parent, kernel threads and protected names are refused with a reason; ordinary
 * children are allowed; the per-workload rate limit; pidfd kill honours the start time;
 * allowlist parsing; the action event JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/config.h"
#include "respond/respond.h"

/* A child that renames itself (comm) and sleeps until killed. */
static pid_t spawn(const char *comm)
{
	int p[2];
	char c;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_NAME, comm);
		close(p[0]);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1); /* renamed before we look */
	close(p[0]);
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_refusals(void **state)
{
	struct ward_safety *s;
	char why[256];
	pid_t plain, precious;

	assert_int_equal(ward_safety_new(NULL, &s), 0);
	ward_safety_protect_name(s, "precious-proc");
	plain = spawn("plain-proc");
	precious = spawn("precious-proc");

	assert_int_equal(ward_safety_check_pid(s, 1, why, sizeof(why)), -WARD_E_PROTECTED);
	assert_non_null(strstr(why, "init"));
	assert_int_equal(ward_safety_check_pid(s, getpid(), why, sizeof(why)), -WARD_E_PROTECTED);
	assert_non_null(strstr(why, "ward itself"));
	assert_int_equal(ward_safety_check_pid(s, getppid(), why, sizeof(why)), -WARD_E_PROTECTED);
	assert_non_null(strstr(why, "ancestor"));
	assert_int_equal(ward_safety_check_pid(s, 2, why, sizeof(why)), -WARD_E_PROTECTED);
	assert_non_null(strstr(why, "kernel thread"));
	assert_int_equal(ward_safety_check_pid(s, precious, why, sizeof(why)), -WARD_E_PROTECTED);
	assert_non_null(strstr(why, "respond.protected"));
	assert_int_equal(ward_safety_check_pid(s, plain, why, sizeof(why)), 0);
	assert_int_equal(ward_safety_check_pid(s, 0, why, sizeof(why)), -EINVAL);
	reap(plain);
	reap(precious);
	assert_int_equal(ward_safety_check_pid(s, plain, why, sizeof(why)), -ESRCH);
	ward_safety_free(s);
}

static void test_config_lists(void **state)
{
	static const char yaml[] = "respond:\n  protected: [cfg-proc]\n"
				   "  protected_containers: [abcdef]\n  rate_limit_per_min: 2\n";
	struct ward_config *cfg;
	struct ward_safety *s;
	struct ward_target t = { .kind = WARD_TARGET_CONTAINER };
	char why[256];
	pid_t p;

	assert_int_equal(ward_config_parse("t.yaml", yaml, sizeof(yaml) - 1, &cfg, NULL), 0);
	assert_int_equal(ward_safety_new(cfg, &s), 0);
	p = spawn("cfg-proc");
	assert_int_equal(ward_safety_check_pid(s, p, why, sizeof(why)), -WARD_E_PROTECTED);
	reap(p);
	snprintf(t.id, sizeof(t.id), "abcdef0123456789");
	assert_int_equal(ward_safety_check_target(s, &t, why, sizeof(why)), -WARD_E_PROTECTED);
	assert_non_null(strstr(why, "protected_containers"));
	/* rate limit from the config: 2 per minute */
	snprintf(t.id, sizeof(t.id), "1234");
	assert_int_equal(ward_safety_rate(s, &t, 1000), 0);
	assert_int_equal(ward_safety_rate(s, &t, 2000), 0);
	assert_int_equal(ward_safety_rate(s, &t, 3000), -WARD_E_LIMIT);
	ward_safety_free(s);
	ward_config_free(cfg);
}

static void test_rate_limit(void **state)
{
	struct ward_safety *s;
	struct ward_target a = { .kind = WARD_TARGET_CONTAINER, .id = "aaaa" };
	struct ward_target b = { .kind = WARD_TARGET_CONTAINER, .id = "bbbb" };
	uint64_t t0 = 5000000000ull, min = 60000000000ull;

	assert_int_equal(ward_safety_new(NULL, &s), 0); /* default: 10 per minute */
	for (int i = 0; i < 10; i++)
		assert_int_equal(ward_safety_rate(s, &a, t0 + (uint64_t)i), 0);
	assert_int_equal(ward_safety_rate(s, &a, t0 + 10), -WARD_E_LIMIT);
	assert_int_equal(ward_safety_rate(s, &b, t0 + 11), 0); /* other workloads unaffected */
	assert_int_equal(ward_safety_rate(s, &a, t0 + min + 1), 0); /* next window */
	ward_safety_free(s);
}

static void test_root_cgroup_refused(void **state)
{
	struct ward_safety *s;
	struct ward_target t = { .kind = WARD_TARGET_PID, .pid = 12345 };
	char why[256];

	snprintf(t.cg_v2, sizeof(t.cg_v2), "%s", ward_cgroup_v2_root());
	snprintf(t.cg_freezer, sizeof(t.cg_freezer), "%s", WARD_CGROUP_ROOT_FREEZER);
	assert_int_equal(ward_safety_new(NULL, &s), 0);
	assert_int_equal(ward_safety_check_cgroup(s, &t, why, sizeof(why)), -WARD_E_PROTECTED);
	assert_non_null(strstr(why, "root cgroup"));
	ward_safety_free(s);
}

static void test_kill_checks_start_time(void **state)
{
	struct ward_kill_result r;
	struct ward_target t;
	pid_t p = spawn("victim");
	int status;

	assert_int_equal(ward_target_from_pid(p, &t), 0);
	assert_true(t.pid_start > 0);
	/* a different start time means the pid now names another process: no signal */
	assert_int_equal(ward_kill_pid(p, t.pid_start + 1, 0, &r), -ESRCH);
	assert_int_equal(kill(p, 0), 0);
	assert_int_equal(ward_kill_pid(p, t.pid_start, 2000, &r), 0);
	assert_true(r.confirmed);
	assert_int_equal(r.killed_cnt, 1);
	assert_int_equal(waitpid(p, &status, 0), p);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_int_equal(ward_kill_pid(p, 0, 0, &r), -ESRCH);
}

static void test_allow_parse(void **state)
{
	static const struct { const char *in; int ok; int family; int plen; int port; } cases[] = {
		{ "127.0.0.1:8443", 1, AF_INET, 32, 8443 },
		{ "10.0.0.0/8", 1, AF_INET, 8, 0 },
		{ "10.0.0.0/8:53", 1, AF_INET, 8, 53 },
		{ "::1", 1, AF_INET6, 128, 0 },
		{ "[::1]:8443", 1, AF_INET6, 128, 8443 },
		{ "fd00::/8", 1, AF_INET6, 8, 0 },
		{ "[fd00::]/8:443", 1, AF_INET6, 8, 443 },
		{ "", 0 }, { "host:80", 0 }, { "1.2.3.4:0", 0 }, { "1.2.3.4:65536", 0 },
		{ "1.2.3.4/33", 0 }, { "[::1", 0 }, { "1.2.3.4:80x", 0 }, { "::1/129", 0 },
	};
	struct ward_allow a;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = ward_allow_parse(cases[i].in, &a);

		if (!cases[i].ok) {
			assert_int_equal(rc, -EINVAL);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(a.family, cases[i].family);
		assert_int_equal(a.prefix_len, cases[i].plen);
		assert_int_equal(a.port, cases[i].port);
	}
}

static void test_action_event_json(void **state)
{
	struct ward_target t = { .kind = WARD_TARGET_CONTAINER, .id = "abc\"def", .cgroup_id = 7 };
	struct ward_action_event ev = { .action = "kill", .reason = "rule \"x\"", .target = &t,
					.result = -WARD_E_PROTECTED, .time_ns = 1, .latency_ns = 42,
					.detail = "why\nnot" };
	struct ward_buf b;
	json_t *j;

	ward_buf_init(&b, 0);
	assert_int_equal(ward_action_event_json(&ev, &b), 0);
	j = json_loads(b.data, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "action")), "kill");
	assert_string_equal(json_string_value(json_object_get(j, "result")), "refused");
	assert_string_equal(json_string_value(json_object_get(j, "reason")), "rule \"x\"");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "target"), "container_id")), "abc\"def");
	assert_int_equal(json_integer_value(json_object_get(j, "latency_ns")), 42);
	assert_non_null(json_object_get(j, "time"));
	json_decref(j);
	ward_buf_reset(&b);
	assert_int_equal(ward_action_event_text(&ev, &b), 0);
	assert_non_null(strstr(b.data, "kill container abc\"def: refused"));
	ward_buf_free(&b);
}

static void test_container_id_validation(void **state)
{
	struct ward_target t;
	struct ward_diag d = { 0 };

	assert_int_equal(ward_target_from_container("ab", &t, &d), -EINVAL);
	assert_int_equal(ward_target_from_container("../../etc", &t, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "expected"));
	assert_int_equal(ward_target_from_container("0000ffff0000ffffdeadbeef", &t, &d), -WARD_E_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_config_lists),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_root_cgroup_refused),
		cmocka_unit_test(test_kill_checks_start_time),
		cmocka_unit_test(test_allow_parse),
		cmocka_unit_test(test_action_event_json),
		cmocka_unit_test(test_container_id_validation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
