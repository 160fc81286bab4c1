// SPDX-License-Identifier: Apache-2.0
/* Per-output minimum priority (outputs.<name>.min_priority) through the pipeline built from a
 * config document: stdout (redirected into a file), the file output and the webhook each get
 * only what their own minimum allows, rules.min_priority still applies first, an alert no
 * output wants is not counted as delivered, and bad values fail setup naming the key.
 * Syslog's minimum and facility are checked on real datagrams in test_alert_syslog. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "alert/output.h"
#include "alert/pipeline.h"

static char dir[] = "/tmp/ward-test-alert-output-prio.XXXXXX";

static struct ward_config *cfg_from(const char *yaml)
{
	struct ward_config *cfg = NULL;
	struct ward_diag d = { 0 };

	if (ward_config_parse("test.yaml", yaml, strlen(yaml), &cfg, &d))
		fail_msg("config: %s", d.msg);
	return cfg;
}

/* Priorities (as "Name" strings) of the alerts in a JSON-lines file, joined by ','. */
static void prios_in(const char *path, char *out, size_t out_len)
{
	FILE *f = fopen(path, "re");
	char line[4096];
	size_t n = 0;

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "\"priority\":\"");
		int w;

		assert_non_null(p);
		p += 12;
		w = (int)strcspn(p, "\"");
		n += (size_t)snprintf(out + n, out_len - n, "%s%.*s", n ? "," : "", w, p);
		assert_true(n < out_len);
	}
	fclose(f);
}

static void test_each_output_its_minimum(void **state)
{
	static const enum ward_priority sent[] = {
		WARD_PRIO_DEBUG, WARD_PRIO_INFORMATIONAL, WARD_PRIO_NOTICE, WARD_PRIO_WARNING,
		WARD_PRIO_ERROR, WARD_PRIO_CRITICAL, WARD_PRIO_EMERGENCY,
	};
	char yaml[1024], fpath[256], spath[256], got[512];
	struct ward_config *cfg;
	struct ward_alerts *p = NULL;
	struct ward_diag d = { 0 };
	int saved, fd;
	int results[7];

	snprintf(fpath, sizeof(fpath), "%s/alerts.json", dir);
	snprintf(spath, sizeof(spath), "%s/stdout.json", dir);
	/* rules.min_priority informational drops Debug for everyone; stdout takes warning and
	 * up, the file error and up, the webhook (nothing listens, no retries) critical and up */
	snprintf(yaml, sizeof(yaml),
		 "rules:\n  min_priority: informational\n  rate_limit_per_min: 0\n"
		 "outputs:\n  stdout:\n    json: true\n    min_priority: Warning\n"
		 "  file:\n    path: %s\n    min_priority: error\n"
		 "  webhook:\n    url: http://127.0.0.1:1/\n    retries: 0\n    timeout_s: 2\n"
		 "    min_priority: critical\n", fpath);
	cfg = cfg_from(yaml);
	fd = open(spath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
	close(fd);

	assert_int_equal(ward_alerts_setup(cfg, &p, &d), 0);
	assert_int_equal(ward_alerts_output_count(p), 3);
	for (size_t i = 0; i < 7; i++) {
		struct ward_alert a = { .time_ns = 1, .rule = "R", .priority = sent[i],
					.output = "o", .container = { .id = "c" } };

		results[i] = ward_alerts_emit(p, &a);
	}
	ward_alerts_shutdown(p); /* flushes: one webhook attempt each */

	fflush(stdout);
	assert_int_equal(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
	close(saved);

	/* Debug is below rules.min_priority; Informational and Notice are below every output's
	 * minimum, so they are filtered before delivery like Debug */
	assert_int_equal(results[0], WARD_ALERT_FILTERED);
	assert_int_equal(results[1], WARD_ALERT_FILTERED);
	assert_int_equal(results[2], WARD_ALERT_FILTERED);
	for (size_t i = 3; i < 7; i++)
		assert_int_equal(results[i], WARD_ALERT_SENT);

	prios_in(spath, got, sizeof(got));
	assert_string_equal(got, "Warning,Error,Critical,Emergency");
	prios_in(fpath, got, sizeof(got));
	assert_string_equal(got, "Error,Critical,Emergency");
	unlink(spath);
	unlink(fpath);
	ward_config_free(cfg);
}

static void test_webhook_minimum(void **state)
{
	char yaml[512], mpath[256], got[65536];
	struct ward_config *cfg;
	struct ward_alerts *p = NULL;
	struct ward_diag d = { 0 };
	FILE *f;
	size_t n;

	/* the webhook alone; each alert it is handed fails once (nothing listens, no retries)
	 * and is counted as an error, so the final error count (in the metrics file written at
	 * shutdown, after the flush) is the number it was handed */
	snprintf(mpath, sizeof(mpath), "%s/w.prom", dir);
	snprintf(yaml, sizeof(yaml),
		 "rules:\n  rate_limit_per_min: 0\noutputs:\n  stdout:\n    enabled: false\n"
		 "  webhook:\n    url: http://127.0.0.1:1/\n    retries: 0\n    timeout_s: 2\n"
		 "    min_priority: error\nmetrics:\n  file: %s\n  interval_s: 3600\n", mpath);
	cfg = cfg_from(yaml);
	assert_int_equal(ward_alerts_setup(cfg, &p, &d), 0);
	for (int i = 0; i < WARD_PRIO_CNT; i++) {
		struct ward_alert a = { .time_ns = 1, .rule = "R", .priority = (enum ward_priority)i,
					.output = "o", .container = { .id = "c" } };

		assert_int_equal(ward_alerts_emit(p, &a),
				 i <= WARD_PRIO_ERROR ? WARD_ALERT_SENT : WARD_ALERT_FILTERED);
	}
	ward_alerts_shutdown(p);
	f = fopen(mpath, "re");
	assert_non_null(f);
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	/* Emergency, Alert, Critical, Error: four handed to the webhook, four failed */
	if (!strstr(got, "ward_output_errors_total{output=\"webhook\"} 4\n"))
		fail_msg("metrics:\n%s", got);
	unlink(mpath);
	ward_config_free(cfg);
}

static void test_bad_values_name_the_key(void **state)
{
	static const struct { const char *yaml; const char *key; } cases[] = {
		{ "outputs:\n  stdout:\n    min_priority: loud\n", "outputs.stdout.min_priority" },
		{ "outputs:\n  file:\n    path: /tmp/ward-prio-x.json\n    min_priority: warn\n",
		  "outputs.file.min_priority" },
		{ "outputs:\n  syslog:\n    enabled: true\n    min_priority: 3\n",
		  "outputs.syslog.min_priority" },
		{ "outputs:\n  webhook:\n    url: http://127.0.0.1:1/\n    min_priority: errors\n",
		  "outputs.webhook.min_priority" },
		{ "outputs:\n  syslog:\n    enabled: true\n    facility: local8\n",
		  "outputs.syslog.facility" },
		{ "outputs:\n  syslog:\n    enabled: true\n    facility: kern\n",
		  "outputs.syslog.facility" },
		{ "outputs:\n  syslog:\n    enabled: true\n    facility: \"\"\n",
		  "outputs.syslog.facility" },
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
	unlink("/tmp/ward-prio-x.json");
}

static void test_facility_parse(void **state)
{
	static const struct { const char *s; int want; } ok[] = {
		{ "daemon", LOG_DAEMON }, { "user", LOG_USER }, { "auth", LOG_AUTH },
		{ "authpriv", LOG_AUTHPRIV }, { "local0", LOG_LOCAL0 }, { "LOCAL7", LOG_LOCAL7 },
		{ "Local4", LOG_LOCAL4 },
	};
	static const char *const bad[] = { "", "local", "local8", "local-1", "kern", "mail",
					    "daemon ", " daemon", "daemonx", "16" };
	int f;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		f = -1;
		assert_int_equal(ward_syslog_facility_parse(ok[i].s, strlen(ok[i].s), &f), 0);
		assert_int_equal(f, ok[i].want);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ward_syslog_facility_parse(bad[i], strlen(bad[i]), &f) != -EINVAL)
			fail_msg("facility \"%s\" accepted", bad[i]);
	/* bounded by len, not by a NUL */
	assert_int_equal(ward_syslog_facility_parse("authpriv", 4, &f), 0);
	assert_int_equal(f, LOG_AUTH);
	assert_int_equal(ward_syslog_facility_parse(NULL, 0, &f), -EINVAL);
}

static int setup(void **state) { return mkdtemp(dir) ? 0 : -1; }
static int teardown(void **state) { return rmdir(dir); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_output_its_minimum),
		cmocka_unit_test(test_webhook_minimum),
		cmocka_unit_test(test_bad_values_name_the_key),
		cmocka_unit_test(test_facility_parse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
