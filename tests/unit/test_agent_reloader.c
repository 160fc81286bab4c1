// SPDX-License-Identifier: Apache-2.0
/* The agent's background reload worker (src/agent/reloader.c) against real rule files: a
 * compile held by the test gate (WARD_TEST_RELOAD_GATE) gives nothing to take, requests made
 * meanwhile coalesce into exactly one more compile after it, the worker is idle afterwards, and freeing it with a compile held or a result
 * untaken neither hangs nor leaks (ASan; TSan under make tsan). Also the rules engine's
 * cancel flag, which stops a compile when the agent stops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent/reloader.h"

static const char rule_a[] =
	"- rule: A\n  desc: a\n  condition: evt.type = execve and proc.name = a\n"
	"  output: a\n  priority: WARNING\n";
static const char rule_b[] =
	"- rule: B\n  desc: b\n  condition: evt.type = execve and proc.name = b\n"
	"  output: b\n  priority: WARNING\n";

struct fixture {
	char dir[64];
	char file[96];
	char gate[96];
	const char *paths[1];
	struct ward_rules_opts ropts;
};

static void write_file(const char *path, const char *a, const char *b)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(a, f);
	if (b)
		fputs(b, f);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/ward-reloader-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->file, sizeof(fx->file), "%s/rules.yaml", fx->dir);
	snprintf(fx->gate, sizeof(fx->gate), "%s/gate", fx->dir);
	write_file(fx->file, rule_a, NULL);
	fx->paths[0] = fx->file;
	fx->ropts.min_priority = WARD_PRIO_DEBUG;
	assert_int_equal(setenv("WARD_TEST_RELOAD_GATE", fx->gate, 1), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->file);
	unlink(fx->gate);
	rmdir(fx->dir);
	unsetenv("WARD_TEST_RELOAD_GATE");
	free(fx);
	return 0;
}

/* Waits for a finished compile: a hang guard (30 s), not a timing assertion. */
static void take_wait_at(struct ward_reloader *r, struct ward_reload_result *res, int line)
{
	struct timespec ms = { 0, 1000000 };

	for (int i = 0; i < 30000; i++) {
		if (ward_reloader_take(r, res))
			return;
		nanosleep(&ms, NULL);
	}
	fail_msg("line %d: no compile finished within 30 s", line);
}

/* Waits until the worker picked up the request (hang guard as above). */
static void wait_compiling(struct ward_reloader *r)
{
	struct timespec ms = { 0, 1000000 };

	for (int i = 0; i < 30000; i++) {
		if (ward_reloader_is_compiling(r))
			return;
		nanosleep(&ms, NULL);
	}
	fail_msg("the worker never picked up the request");
}

#define take_wait(r, res) take_wait_at(r, res, __LINE__)

static void result_free(struct ward_reload_result *res)
{
	ward_rules_free(res->rs);
	ward_rules_report_free(&res->rep);
}

static void test_coalesce(void **state)
{
	struct fixture *fx = *state;
	struct ward_reloader *r = NULL;
	struct ward_reload_result res;

	assert_int_equal(ward_reloader_new(fx->paths, 1, &fx->ropts, &r), 0);
	assert_false(ward_reloader_request(r));       /* idle: starts a compile */
	wait_compiling(r);                            /* the worker holds it at the gate */
	assert_true(ward_reloader_request(r));        /* in flight: coalesces */
	assert_true(ward_reloader_request(r));
	assert_false(ward_reloader_take(r, &res));    /* the gate holds it */

	/* the file changes while the compile is held: the compile reads it after the gate */
	write_file(fx->file, rule_a, rule_b);
	write_file(fx->gate, "", NULL);
	take_wait(r, &res);
	assert_int_equal(res.err, 0);
	assert_int_equal(res.rep.rules_compiled, 2);
	result_free(&res);

	/* the coalesced compile: one, after the first was taken */
	take_wait(r, &res);
	assert_int_equal(res.err, 0);
	assert_int_equal(res.rep.rules_compiled, 2);
	assert_int_equal(res.rep.errors, 0);
	result_free(&res);

	/* three requests, two compiles: nothing is pending or running now */
	assert_false(ward_reloader_request(r));
	take_wait(r, &res);
	result_free(&res);
	ward_reloader_free(r);
}

static void test_errors_are_results(void **state)
{
	struct fixture *fx = *state;
	struct ward_reloader *r = NULL;
	struct ward_reload_result res;

	write_file(fx->gate, "", NULL);
	write_file(fx->file, "- rule: [unclosed\n", NULL);
	assert_int_equal(ward_reloader_new(fx->paths, 1, &fx->ropts, &r), 0);
	ward_reloader_request(r);
	take_wait(r, &res);
	/* the caller (agent.c) decides: the report says what failed */
	assert_int_equal(res.err, 0);
	assert_true(res.rep.errors > 0);
	assert_int_equal(res.rep.rules_compiled, 0);
	assert_string_equal(res.rep.msgs[0].d.file, fx->file);
	result_free(&res);
	ward_reloader_free(r);
}

static void test_free_while_held(void **state)
{
	struct fixture *fx = *state;
	struct ward_reloader *r = NULL;

	assert_int_equal(ward_reloader_new(fx->paths, 1, &fx->ropts, &r), 0);
	ward_reloader_request(r);
	ward_reloader_free(r); /* must not wait for the gate */
}

static void test_free_untaken(void **state)
{
	struct fixture *fx = *state;
	struct ward_reloader *r = NULL;

	struct timespec ms = { 0, 1000000 };
	int i;

	assert_int_equal(ward_reloader_new(fx->paths, 1, &fx->ropts, &r), 0);
	ward_reloader_request(r);
	wait_compiling(r);
	write_file(fx->gate, "", NULL);
	for (i = 0; i < 30000 && ward_reloader_is_compiling(r); i++)
		nanosleep(&ms, NULL);
	assert_false(ward_reloader_is_compiling(r));
	/* the finished set was never taken: freeing the reloader frees it (else ASan's leak
	 * check fails this test) */
	ward_reloader_free(r);
	ward_reloader_free(NULL);
}

static void test_cancel_flag(void **state)
{
	atomic_bool cancel;
	struct ward_rules_opts o = { .min_priority = WARD_PRIO_DEBUG, .cancel = &cancel };
	struct ward_rules_report rep;
	struct ward_ruleset *rs = NULL;
	bool seen = false;

	(void)state;
	atomic_init(&cancel, false);
	assert_int_equal(ward_rules_load_mem("c.yaml", rule_a, sizeof(rule_a) - 1, &o, &rep, &rs), 0);
	assert_int_equal(rep.rules_compiled, 1);
	ward_rules_report_free(&rep);
	ward_rules_free(rs);

	atomic_store(&cancel, true);
	assert_int_equal(ward_rules_load_mem("c.yaml", rule_a, sizeof(rule_a) - 1, &o, &rep, &rs), 0);
	assert_int_equal(rep.rules_compiled, 0);
	for (size_t i = 0; i < rep.msgs_cnt; i++)
		seen = seen || strstr(rep.msgs[i].d.msg, "cancelled") != NULL;
	assert_true(seen);
	ward_rules_report_free(&rep);
	ward_rules_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_coalesce, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_are_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_while_held, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_untaken, setup, teardown),
		cmocka_unit_test(test_cancel_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
