// SPDX-License-Identifier: Apache-2.0
/* Alert formats: the JSON is parsed back with jansson and every Falco key and ward extra is
 * checked; the text line is checked byte for byte. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <string.h>

#include "alert/alert.h"
#include "common/err.h"

/* 2026-11-22T05:50:00.123456789Z */
#define T0 (1795326600ull * 1000000000ull + 123456789ull)

static const struct ward_alert_field fields[] = {
	{ "proc.name", WARD_AV_STR, { .s = "bash" } },
	{ "proc.pid", WARD_AV_INT, { .i = -1 } },
	{ "fd.dport", WARD_AV_UINT, { .u = 4444 } },
	{ "evt.ratio", WARD_AV_DOUBLE, { .d = 0.5 } },
	{ "proc.is_exe_upper_layer", WARD_AV_BOOL, { .b = true } },
	{ "container.name", WARD_AV_NULL, { 0 } },
	{ "fd.name", WARD_AV_STR, { .s = NULL } },
};
static const char *const tags[] = { "container", "mitre_execution", "T1059.004" };
static const struct ward_alert_proc anc[] = {
	{ 42, "bash", "/usr/bin/bash", "bash -i" },
	{ 7, "nginx", "/usr/sbin/nginx", "nginx: worker process" },
};
static const struct ward_alert_action acts[] = { { "kill", "ok", "sent SIGKILL to 42" } };

static struct ward_alert sample(void)
{
	struct ward_alert a = {
		.time_ns = T0,
		.rule = "Shell spawned by a web server",
		.priority = WARD_PRIO_WARNING,
		.output = "Shell spawned (proc.name=bash parent=nginx)",
		.fields = fields, .fields_cnt = sizeof(fields) / sizeof(fields[0]),
		.tags = tags, .tags_cnt = 3,
		.hostname = "node1",
		.container = { "0123456789ab", "web", "nginx:1.25", "web-7f9", "prod" },
		.ancestry = anc, .ancestry_cnt = 2,
		.drops_since_last = 3,
		.actions = acts, .actions_cnt = 1,
		.suppressed = 5,
	};
	return a;
}

static json_t *to_json(const struct ward_alert *a)
{
	struct ward_buf b;
	json_error_t jerr;
	json_t *j;

	ward_buf_init(&b, 0);
	assert_int_equal(ward_alert_to_json(a, &b), 0);
	assert_null(memchr(b.data, '\n', b.len)); /* one line */
	j = json_loadb(b.data, b.len, 0, &jerr);
	if (!j)
		fail_msg("invalid JSON: %s in %s", jerr.text, b.data);
	ward_buf_free(&b);
	return j;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	assert_non_null(v);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

static void test_falco_keys(void **state)
{
	struct ward_alert a = sample();
	json_t *j = to_json(&a), *of, *t;

	/* exactly Falco's keys plus "ward" */
	assert_int_equal(json_object_size(j), 9);
	assert_string_equal(jstr(j, "time"), "2026-11-22T05:50:00.123456789Z");
	assert_string_equal(jstr(j, "rule"), "Shell spawned by a web server");
	assert_string_equal(jstr(j, "priority"), "Warning");
	assert_string_equal(jstr(j, "output"), "Shell spawned (proc.name=bash parent=nginx)");
	assert_string_equal(jstr(j, "hostname"), "node1");
	assert_string_equal(jstr(j, "source"), "syscall");

	of = json_object_get(j, "output_fields");
	assert_true(json_is_object(of));
	assert_int_equal(json_object_size(of), 7);
	assert_string_equal(json_string_value(json_object_get(of, "proc.name")), "bash");
	assert_int_equal(json_integer_value(json_object_get(of, "proc.pid")), -1);
	assert_int_equal(json_integer_value(json_object_get(of, "fd.dport")), 4444);
	assert_true(json_is_real(json_object_get(of, "evt.ratio")));
	assert_true(json_real_value(json_object_get(of, "evt.ratio")) == 0.5);
	assert_true(json_is_true(json_object_get(of, "proc.is_exe_upper_layer")));
	assert_true(json_is_null(json_object_get(of, "container.name")));
	assert_true(json_is_null(json_object_get(of, "fd.name")));

	t = json_object_get(j, "tags");
	assert_true(json_is_array(t));
	assert_int_equal(json_array_size(t), 3);
	assert_string_equal(json_string_value(json_array_get(t, 2)), "T1059.004");
	json_decref(j);
}

static void test_ward_extras(void **state)
{
	struct ward_alert a = sample();
	json_t *j = to_json(&a), *w, *c, *an, *ac;

	w = json_object_get(j, "ward");
	assert_true(json_is_object(w));
	c = json_object_get(w, "container");
	assert_string_equal(jstr(c, "id"), "0123456789ab");
	assert_string_equal(jstr(c, "name"), "web");
	assert_string_equal(jstr(c, "image"), "nginx:1.25");
	assert_string_equal(jstr(c, "pod"), "web-7f9");
	assert_string_equal(jstr(c, "namespace"), "prod");

	an = json_object_get(w, "ancestry");
	assert_int_equal(json_array_size(an), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(an, 0), "pid")), 42);
	assert_string_equal(jstr(json_array_get(an, 1), "exepath"), "/usr/sbin/nginx");
	assert_string_equal(jstr(json_array_get(an, 1), "cmdline"), "nginx: worker process");
	assert_string_equal(jstr(json_array_get(an, 0), "name"), "bash");

	assert_true(json_is_true(json_object_get(w, "events_dropped")));
	assert_int_equal(json_integer_value(json_object_get(w, "drops_since_last")), 3);
	assert_int_equal(json_integer_value(json_object_get(w, "suppressed")), 5);

	ac = json_object_get(w, "actions");
	assert_int_equal(json_array_size(ac), 1);
	assert_string_equal(jstr(json_array_get(ac, 0), "action"), "kill");
	assert_string_equal(jstr(json_array_get(ac, 0), "result"), "ok");
	assert_string_equal(jstr(json_array_get(ac, 0), "detail"), "sent SIGKILL to 42");
	json_decref(j);
}

static void test_host_and_defaults(void **state)
{
	struct ward_alert a = { .time_ns = 0, .priority = WARD_PRIO_DEBUG };
	json_t *j, *w;

	/* everything absent: strings become "", no crash, events_dropped false */
	j = to_json(&a);
	assert_string_equal(jstr(j, "time"), "1970-01-01T00:00:00.000000000Z");
	assert_string_equal(jstr(j, "rule"), "");
	assert_string_equal(jstr(j, "output"), "");
	assert_string_equal(jstr(j, "source"), "syscall");
	assert_int_equal(json_array_size(json_object_get(j, "tags")), 0);
	w = json_object_get(j, "ward");
	assert_string_equal(jstr(json_object_get(w, "container"), "id"), "host");
	assert_true(json_is_false(json_object_get(w, "events_dropped")));
	assert_int_equal(json_array_size(json_object_get(w, "ancestry")), 0);
	json_decref(j);

	assert_true(ward_alert_is_host(&a));
	assert_string_equal(ward_alert_workload(&a), "");
	a.ancestry = anc;
	a.ancestry_cnt = 1;
	assert_string_equal(ward_alert_workload(&a), "/usr/bin/bash");
	a.container.id = "host";
	assert_true(ward_alert_is_host(&a));
	a.container.id = "abc";
	assert_false(ward_alert_is_host(&a));
	assert_string_equal(ward_alert_workload(&a), "abc");
}

static void test_hostile_strings(void **state)
{
	/* invalid UTF-8, quotes, control bytes: still valid JSON, with U+FFFD for bad bytes */
	struct ward_alert a = sample();
	static const struct ward_alert_field f[] = {
		{ "proc.cmdline", WARD_AV_STR, { .s = "a\"b\\c\n\x01\xff\xfe" } },
	};
	json_t *j;

	a.output = "bad \xc3\x28 utf8";
	a.fields = f;
	a.fields_cnt = 1;
	j = to_json(&a);
	assert_string_equal(jstr(j, "output"), "bad \xef\xbf\xbd( utf8");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "output_fields"),
							      "proc.cmdline")),
			    "a\"b\\c\n\x01\xef\xbf\xbd\xef\xbf\xbd");
	json_decref(j);
}

static void test_too_big(void **state)
{
	struct ward_alert a = sample();
	size_t n = WARD_ALERT_JSON_MAX + 10;
	char *huge = malloc(n + 1);
	struct ward_buf b;

	memset(huge, 'x', n);
	huge[n] = '\0';
	a.output = huge;
	ward_buf_init(&b, 0);
	assert_int_equal(ward_buf_puts(&b, "prefix"), 0);
	assert_int_equal(ward_alert_to_json(&a, &b), -WARD_E_LIMIT);
	/* buffer left as it was, and its own limit unchanged */
	assert_int_equal(b.len, 6);
	assert_string_equal(b.data, "prefix");
	assert_int_equal(b.max, WARD_BUF_DEFAULT_MAX);
	ward_buf_free(&b);
	free(huge);
}

static void test_text(void **state)
{
	struct ward_alert a = sample();
	struct ward_buf b;

	ward_buf_init(&b, 0);
	assert_int_equal(ward_alert_to_text(&a, &b), 0);
	assert_string_equal(b.data, "05:50:00.123456789: Warning Shell spawned (proc.name=bash "
				    "parent=nginx) (suppressed 5) (events dropped 3)");
	ward_buf_reset(&b);
	a.suppressed = 0;
	a.drops_since_last = 0;
	a.priority = WARD_PRIO_CRITICAL;
	a.output = "line1\nfake: Critical line2\r";
	assert_int_equal(ward_alert_to_text(&a, &b), 0);
	/* a newline in event data cannot forge a second line */
	assert_string_equal(b.data, "05:50:00.123456789: Critical line1?fake: Critical line2?");
	ward_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_falco_keys),
		cmocka_unit_test(test_ward_extras),
		cmocka_unit_test(test_host_and_defaults),
		cmocka_unit_test(test_hostile_strings),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
