// SPDX-License-Identifier: Apache-2.0
/* The pipeline from a real config document: outputs chosen by keys, min_priority filtering,
 * rate limiting with the suppressed count carried into the next alert, metrics, metrics
 * file at shutdown, and config errors that name the key. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert/pipeline.h"

static char dir[] = "/tmp/ward-test-alert-pipeline.XXXXXX";

static struct ward_config *cfg_from(const char *yaml)
{
	struct ward_config *cfg = NULL;
	struct ward_diag d = { 0 };

	if (ward_config_parse("test.yaml", yaml, strlen(yaml), &cfg, &d))
		fail_msg("config: %s", d.msg);
	return cfg;
}

static struct ward_alert make(const char *rule, enum ward_priority p, const char *cid,
			      const struct ward_alert_proc *proc)
{
	struct ward_alert a = { .time_ns = 1, .rule = rule, .priority = p, .output = "out",
				.container = { .id = cid }, .ancestry = proc,
				.ancestry_cnt = proc ? 1 : 0 };
	return a;
}

static json_t *read_lines(const char *path, size_t *cnt)
{
	FILE *f = fopen(path, "re");
	char line[65536];
	json_t *arr = json_array();

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		json_error_t e;
		json_t *j = json_loads(line, 0, &e);

		assert_non_null(j);
		json_array_append_new(arr, j);
	}
	fclose(f);
	*cnt = json_array_size(arr);
	return arr;
}

static void test_flow(void **state)
{
	char yaml[1024], path[256], mpath[256];
	struct ward_config *cfg;
	struct ward_alerts *p = NULL;
	struct ward_diag d = { 0 };
	struct ward_alert a;
	struct ward_alert_proc bash = { 10, "bash", "/usr/bin/bash", "bash" };
	struct ward_alert_proc curl = { 11, "curl", "/usr/bin/curl", "curl x" };
	json_t *arr, *w;
	size_t n;
	char got[65536];
	FILE *f;

	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	snprintf(mpath, sizeof(mpath), "%s/ward.prom", dir);
	snprintf(yaml, sizeof(yaml),
		 "rules:\n  min_priority: notice\n  rate_limit_per_min: 2\n"
		 "outputs:\n  stdout:\n    enabled: false\n  file:\n    path: %s\n"
		 "metrics:\n  file: %s\n  interval_s: 3600\n", path, mpath);
	cfg = cfg_from(yaml);
	assert_int_equal(ward_alerts_setup(cfg, &p, &d), 0);
	assert_int_equal(ward_alerts_output_count(p), 1);

	/* below the minimum: filtered, not counted as suppressed */
	a = make("R", WARD_PRIO_INFORMATIONAL, "c1", NULL);
	assert_int_equal(ward_alerts_emit(p, &a), WARD_ALERT_FILTERED);
	/* 2 per minute per (rule, container): third and fourth held back */
	a = make("R", WARD_PRIO_WARNING, "c1", NULL);
	for (int i = 0; i < 2; i++)
		assert_int_equal(ward_alerts_emit(p, &a), WARD_ALERT_SENT);
	assert_int_equal(ward_alerts_emit(p, &a), WARD_ALERT_FILTERED);
	assert_int_equal(ward_alerts_emit(p, &a), WARD_ALERT_FILTERED);
	/* another container, and host processes keyed by exepath, have their own budget */
	a = make("R", WARD_PRIO_WARNING, "c2", NULL);
	assert_int_equal(ward_alerts_emit(p, &a), WARD_ALERT_SENT);
	a = make("R", WARD_PRIO_WARNING, "host", &bash);
	assert_int_equal(ward_alerts_emit(p, &a), WARD_ALERT_SENT);
	assert_int_equal(ward_alerts_emit(p, &a), WARD_ALERT_SENT);
	assert_int_equal(ward_alerts_emit(p, &a), WARD_ALERT_FILTERED);
	a = make("R", WARD_PRIO_WARNING, NULL, &curl);
	assert_int_equal(ward_alerts_emit(p, &a), WARD_ALERT_SENT);
	assert_int_equal(ward_metrics_suppressed(ward_alerts_metrics(p)), 3);
	ward_metrics_events_add(ward_alerts_metrics(p), 77);
	ward_alerts_shutdown(p);
	ward_config_free(cfg);

	arr = read_lines(path, &n);
	assert_int_equal(n, 6);
	/* hostname was filled in; source defaulted */
	assert_true(strlen(json_string_value(json_object_get(json_array_get(arr, 0), "hostname"))) > 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 0), "priority")),
			    "Warning");
	w = json_object_get(json_array_get(arr, 3), "ward");
	assert_string_equal(json_string_value(json_object_get(json_object_get(w, "container"), "id")),
			    "host");
	json_decref(arr);

	/* the metrics file was written at shutdown with the final counts */
	f = fopen(mpath, "re");
	assert_non_null(f);
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	assert_non_null(strstr(got, "\nward_events_total 77\n"));
	assert_non_null(strstr(got, "\nward_alerts_total{rule=\"R\",priority=\"Warning\"} 6\n"));
	assert_non_null(strstr(got, "\nward_alerts_suppressed_total 3\n"));
	unlink(path);
	unlink(mpath);
}

static void test_suppressed_reported(void **state)
{
	char yaml[512], path[256];
	struct ward_config *cfg;
	struct ward_alerts *p = NULL;
	struct ward_diag d = { 0 };
	struct ward_alert a = make("R", WARD_PRIO_CRITICAL, "c9", NULL);
	json_t *arr;
	size_t n;

	/* 1/min: one passes reporting 0, the next five are held back and counted */
	snprintf(path, sizeof(path), "%s/s.json", dir);
	snprintf(yaml, sizeof(yaml),
		 "rules:\n  rate_limit_per_min: 1\noutputs:\n  stdout:\n    enabled: false\n"
		 "  file:\n    path: %s\n", path);
	cfg = cfg_from(yaml);
	assert_int_equal(ward_alerts_setup(cfg, &p, &d), 0);
	assert_int_equal(ward_alerts_emit(p, &a), WARD_ALERT_SENT);
	for (int i = 0; i < 5; i++)
		assert_int_equal(ward_alerts_emit(p, &a), WARD_ALERT_FILTERED);
	assert_int_equal(ward_metrics_suppressed(ward_alerts_metrics(p)), 5);
	ward_alerts_shutdown(p);
	ward_config_free(cfg);
	arr = read_lines(path, &n);
	assert_int_equal(n, 1);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_array_get(arr, 0), "ward"), "suppressed")), 0);
	json_decref(arr);
	unlink(path);
}

static void test_bad_config(void **state)
{
	static const struct { const char *yaml; const char *key; } cases[] = {
		{ "rules:\n  min_priority: loud\n", "rules.min_priority" },
		{ "rules:\n  rate_limit_per_min: -1\n", "rules.rate_limit_per_min" },
		{ "outputs:\n  webhook:\n    url: ftp://x/\n", "outputs.webhook.url" },
		{ "outputs:\n  webhook:\n    url: http://127.0.0.1:1/\n    queue: 0\n", "outputs.webhook.queue" },
		{ "outputs:\n  file:\n    path: /nonexistent-dir/a.json\n", "outputs.file.path" },
		{ "outputs:\n  file:\n    path: /tmp/x.json\n    max_mb: 0\n", "outputs.file.max_mb" },
		{ "metrics:\n  listen: nowhere\n", "metrics.listen" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ward_config *cfg = cfg_from(cases[i].yaml);
		struct ward_alerts *p = NULL;
		struct ward_diag d = { 0 };
		int rc = ward_alerts_setup(cfg, &p, &d);

		if (rc >= 0 || p || !strstr(d.msg, cases[i].key))
			fail_msg("case %zu: rc %d msg \"%s\"", i, rc, d.msg);
		ward_config_free(cfg);
	}
}

static int setup(void **state) { return mkdtemp(dir) ? 0 : -1; }
static int teardown(void **state) { return rmdir(dir); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flow),
		cmocka_unit_test(test_suppressed_reported),
		cmocka_unit_test(test_bad_config),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
