// SPDX-License-Identifier: Apache-2.0
/* Metrics: counters and the Prometheus text, label escaping, the histogram, the atomic file
 * write, the listen-address parser, and the real HTTP endpoint fetched with libcurl. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert/metrics.h"
#include "alert/metrics_serve.h"

static void render(struct ward_metrics *m, struct ward_buf *b)
{
	ward_buf_init(b, 0);
	assert_int_equal(ward_metrics_render(m, b), 0);
}

static void has_line(const char *text, const char *line)
{
	const char *p = text;
	size_t n = strlen(line);

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return;
		p += n;
	}
	fail_msg("missing line \"%s\" in:\n%s", line, text);
}

static struct ward_metrics *filled(void)
{
	struct ward_metrics *m;

	assert_int_equal(ward_metrics_new(&m), 0);
	ward_metrics_events_add(m, 1000);
	ward_metrics_events_add(m, 234);
	ward_metrics_drops_set(m, 0, 7);
	ward_metrics_drops_set(m, 0, 9); /* totals, not increments */
	ward_metrics_drops_set(m, WARD_METRICS_CPUS_MAX + 5, 1); /* ignored, no crash */
	ward_metrics_proc_table_set(m, 321);
	ward_metrics_alert(m, "Shell in container", WARD_PRIO_WARNING);
	ward_metrics_alert(m, "Shell in container", WARD_PRIO_WARNING);
	ward_metrics_alert(m, "Shell in container", WARD_PRIO_CRITICAL);
	ward_metrics_alert(m, "Odd \"name\"\\x\nend", WARD_PRIO_NOTICE);
	ward_metrics_suppressed_add(m, 4);
	ward_metrics_rule_eval_observe(m, 50);      /* <= 100ns */
	ward_metrics_rule_eval_observe(m, 100);     /* <= 100ns (bounds are inclusive) */
	ward_metrics_rule_eval_observe(m, 3000);    /* <= 5us */
	ward_metrics_rule_eval_observe(m, 50000000);/* +Inf */
	ward_metrics_output_dropped(m, WARD_MO_WEBHOOK, 2);
	ward_metrics_output_error(m, WARD_MO_FILE);
	return m;
}

static void test_render(void **state)
{
	struct ward_metrics *m = filled();
	struct ward_buf b;

	render(m, &b);
	has_line(b.data, "# TYPE ward_events_total counter");
	has_line(b.data, "ward_events_total 1234");
	has_line(b.data, "ward_drops_total{cpu=\"0\"} 9");
	has_line(b.data, "ward_alerts_total{rule=\"Shell in container\",priority=\"Warning\"} 2");
	has_line(b.data, "ward_alerts_total{rule=\"Shell in container\",priority=\"Critical\"} 1");
	has_line(b.data, "ward_alerts_total{rule=\"Odd \\\"name\\\"\\\\x\\nend\",priority=\"Notice\"} 1");
	has_line(b.data, "ward_alerts_suppressed_total 4");
	has_line(b.data, "# TYPE ward_rule_eval_seconds histogram");
	has_line(b.data, "ward_rule_eval_seconds_bucket{le=\"1e-07\"} 2");
	has_line(b.data, "ward_rule_eval_seconds_bucket{le=\"2.5e-06\"} 2");
	has_line(b.data, "ward_rule_eval_seconds_bucket{le=\"5e-06\"} 3");
	has_line(b.data, "ward_rule_eval_seconds_bucket{le=\"0.01\"} 3");
	has_line(b.data, "ward_rule_eval_seconds_bucket{le=\"+Inf\"} 4");
	has_line(b.data, "ward_rule_eval_seconds_count 4");
	has_line(b.data, "ward_rule_eval_seconds_sum 0.050003150");
	has_line(b.data, "# TYPE ward_proc_table_size gauge");
	has_line(b.data, "ward_proc_table_size 321");
	has_line(b.data, "ward_output_dropped_total{output=\"webhook\"} 2");
	has_line(b.data, "ward_output_errors_total{output=\"file\"} 1");
	/* no series for priorities never seen */
	assert_null(strstr(b.data, "priority=\"Debug\""));
	/* every line ends with a newline (Prometheus requires it) */
	assert_int_equal(b.data[b.len - 1], '\n');
	assert_int_equal(ward_metrics_events(m), 1234);
	assert_int_equal(ward_metrics_suppressed(m), 4);
	ward_buf_free(&b);
	ward_metrics_free(m);
}

static void test_rule_overflow(void **state)
{
	struct ward_metrics *m;
	struct ward_buf b;
	char name[32];

	assert_int_equal(ward_metrics_new(&m), 0);
	for (int i = 0; i < WARD_METRICS_RULES_MAX + 10; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		ward_metrics_alert(m, name, WARD_PRIO_ERROR);
	}
	render(m, &b);
	has_line(b.data, "ward_alerts_total{rule=\"r0\",priority=\"Error\"} 1");
	has_line(b.data, "ward_alerts_total{rule=\"_other\",priority=\"Error\"} 10");
	ward_buf_free(&b);
	ward_metrics_free(m);
}

static void test_file(void **state)
{
	char dir[] = "/tmp/ward-test-alert-metrics.XXXXXX", path[128], tmp[140], got[65536];
	struct ward_metrics *m = filled();
	FILE *f;
	size_t n;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ward.prom", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(ward_metrics_write_file(m, path), 0);
	assert_int_equal(access(tmp, F_OK), -1); /* renamed away */
	f = fopen(path, "re");
	assert_non_null(f);
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	has_line(got, "ward_events_total 1234");
	/* a symlink planted at the tmp name is not followed */
	assert_int_equal(symlink("/nonexistent/x", tmp), 0);
	assert_int_equal(ward_metrics_write_file(m, path), -ELOOP);
	unlink(tmp);
	unlink(path);
	rmdir(dir);
	snprintf(path, sizeof(path), "%s/ward.prom", dir);
	assert_int_equal(ward_metrics_write_file(m, path), -ENOENT);
	ward_metrics_free(m);
}

static void test_parse_listen(void **state)
{
	static const struct { const char *in; int ok; int family; unsigned port; } cases[] = {
		{ "127.0.0.1:9376", 1, AF_INET, 9376 },
		{ "localhost:80", 1, AF_INET, 80 },
		{ ":9376", 1, AF_INET, 9376 },
		{ "0.0.0.0:0", 1, AF_INET, 0 },
		{ "[::1]:9376", 1, AF_INET6, 9376 },
		{ "127.0.0.1", 0, 0, 0 },
		{ "127.0.0.1:", 0, 0, 0 },
		{ "127.0.0.1:65536", 0, 0, 0 },
		{ "127.0.0.1:-1", 0, 0, 0 },
		{ "127.0.0.1:12x", 0, 0, 0 },
		{ "300.0.0.1:80", 0, 0, 0 },
		{ "example.com:80", 0, 0, 0 },
		{ "[::1:80", 0, 0, 0 },
		{ "[::1]80", 0, 0, 0 },
		{ "", 0, 0, 0 },
	};
	char big[WARD_METRICS_LISTEN_MAX + 10];
	struct sockaddr_storage ss;
	socklen_t len;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = ward_metrics_parse_listen(cases[i].in, &ss, &len);

		if (!cases[i].ok) {
			if (rc != -EINVAL)
				fail_msg("\"%s\" accepted", cases[i].in);
			continue;
		}
		if (rc)
			fail_msg("\"%s\" rejected", cases[i].in);
		assert_int_equal(ss.ss_family, cases[i].family);
		if (ss.ss_family == AF_INET)
			assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), cases[i].port);
		else
			assert_int_equal(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), cases[i].port);
	}
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(ward_metrics_parse_listen(big, &ss, &len), -EINVAL);
}

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
	struct ward_buf *b = arg;

	return ward_buf_append(b, p, size * n) ? 0 : size * n;
}

static long http_get(uint16_t port, const char *path, struct ward_buf *body)
{
	char url[128];
	long code = 0;
	CURL *c = curl_easy_init();

	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	return code;
}

static void test_http(void **state)
{
	struct ward_metrics *m = filled();
	struct ward_metrics_server *s = NULL;
	struct ward_diag d = { 0 };
	struct ward_buf b;
	uint16_t port;

	assert_int_equal(ward_metrics_server_start(m, "127.0.0.1:0", "", 0, &s, &d), 0);
	port = ward_metrics_server_port(s);
	assert_true(port > 0);
	ward_buf_init(&b, 1 << 20);
	assert_int_equal(http_get(port, "/metrics", &b), 200);
	has_line(b.data, "ward_events_total 1234");
	/* counters move between scrapes */
	ward_metrics_events_add(m, 1);
	ward_buf_reset(&b);
	assert_int_equal(http_get(port, "/metrics", &b), 200);
	has_line(b.data, "ward_events_total 1235");
	ward_buf_reset(&b);
	assert_int_equal(http_get(port, "/other", &b), 404);
	ward_buf_free(&b);
	ward_metrics_server_stop(s);

	/* a bad address is a diagnostic naming the key, not a crash */
	assert_int_equal(ward_metrics_server_start(m, "nonsense", "", 0, &s, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "metrics.listen"));
	ward_metrics_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_rule_overflow),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_parse_listen),
		cmocka_unit_test(test_http),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
