// SPDX-License-Identifier: Apache-2.0
/* The webhook output against a real HTTP server (tests/integration/alert/receiver.py on
 * 127.0.0.1): delivery with the JSON content type, retry when the receiver starts late,
 * retry on 503, and a full queue dropping the oldest alerts while the caller never waits.
 * Over HTTPS with a test PKI made by openssl at run time (make_certs.sh): mutual TLS with
 * configured headers arriving exactly as written, a missing client certificate refused by
 * the receiver (failure logged without the secret header, retried, counted), a wrong CA
 * failing verification, a CA directory, and insecure mode delivering with a warning.
 * The header checker and the config errors naming key and item are checked without a server.
 * Waits poll for an outcome with a generous bound; nothing asserts on durations. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alert/output.h"
#include "alert/pipeline.h"

#define RECEIVER WARD_SOURCE_DIR "/tests/integration/alert/receiver.py"
#define MAKE_CERTS WARD_SOURCE_DIR "/tests/integration/alert/make_certs.sh"
#define SECRET "Bearer s3cr3t-t0ken"
#define AUTH_HEADER ("Authorization: " SECRET)
#define WAIT_MAX_MS 60000

static char dir[] = "/tmp/ward-test-alert-webhook.XXXXXX";
static int run_no;

struct receiver {
	pid_t pid;
	char out[256];
	char portfile[256];
	char headers[256];
};

static char pki[300]; /* dir/pki, made once by make_certs.sh */
/* every receiver started, so the group teardown stops those a failed test left running
 * (they hold the test's stdout open) */
static pid_t started[64];

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static uint16_t free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static size_t count_lines(const char *path)
{
	FILE *f = fopen(path, "re");
	size_t n = 0;
	int c;

	if (!f)
		return 0;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static bool wait_lines(const char *path, size_t want)
{
	for (int i = 0; i < WAIT_MAX_MS / 20; i++) {
		if (count_lines(path) >= want)
			return true;
		sleep_ms(20);
	}
	return false;
}

/* Starts the receiver on port (0 = any) answering the first fail_n POSTs with 503; over
 * TLS with the test server certificate when tls, requiring a client certificate from the
 * test CA when mtls. */
static uint16_t receiver_start_tls(struct receiver *r, uint16_t port, int fail_n, bool tls,
				   bool mtls)
{
	char port_s[16], fail_s[16], cert[400], key[400], ca[400];
	FILE *f;
	unsigned got = 0;

	run_no++;
	snprintf(r->out, sizeof(r->out), "%s/recv%d.txt", dir, run_no);
	snprintf(r->portfile, sizeof(r->portfile), "%s/port%d", dir, run_no);
	snprintf(r->headers, sizeof(r->headers), "%s/headers%d.json", dir, run_no);
	snprintf(cert, sizeof(cert), "%s/server.pem", pki);
	snprintf(key, sizeof(key), "%s/server.key", pki);
	snprintf(ca, sizeof(ca), "%s/ca.pem", pki);
	snprintf(port_s, sizeof(port_s), "%u", port);
	snprintf(fail_s, sizeof(fail_s), "%d", fail_n);
	r->pid = fork();
	assert_true(r->pid >= 0);
	if (r->pid > 0 && run_no <= 64)
		started[run_no - 1] = r->pid;
	if (r->pid == 0) {
		char *argv[20] = { "python3", RECEIVER, "--port", port_s, "--out", r->out,
				   "--portfile", r->portfile, "--fail", fail_s,
				   "--headers", r->headers, NULL };
		int i = 12;

		if (tls) {
			argv[i++] = "--tls-cert";
			argv[i++] = cert;
			argv[i++] = "--tls-key";
			argv[i++] = key;
		}
		if (mtls) {
			argv[i++] = "--tls-client-ca";
			argv[i++] = ca;
		}
		argv[i] = NULL;

		execvp("python3", argv);
		_exit(127);
	}
	for (int i = 0; i < WAIT_MAX_MS / 20 && !got; i++) {
		f = fopen(r->portfile, "re");
		if (f) {
			if (fscanf(f, "%u", &got) != 1)
				got = 0;
			fclose(f);
		}
		if (!got)
			sleep_ms(20);
	}
	assert_true(got > 0);
	return (uint16_t)got;
}

static uint16_t receiver_start(struct receiver *r, uint16_t port, int fail_n)
{
	return receiver_start_tls(r, port, fail_n, false, false);
}

static void receiver_stop(struct receiver *r)
{
	int st;

	if (r->pid > 0) {
		kill(r->pid, SIGTERM);
		waitpid(r->pid, &st, 0);
		r->pid = 0;
	}
}

static void emit(struct ward_output *o, int seq)
{
	struct ward_alert_field f = { "seq", WARD_AV_INT, { .i = seq } };
	struct ward_alert a = { .rule = "Webhook test", .priority = WARD_PRIO_ERROR,
				.output = "hello", .fields = &f, .fields_cnt = 1 };
	struct ward_buf j;

	ward_buf_init(&j, 0);
	assert_int_equal(ward_alert_to_json(&a, &j), 0);
	assert_int_equal(o->write(o, &a, j.data, j.len, "", 0), 0);
	ward_buf_free(&j);
}

/* seq values the receiver got, in arrival order; checks content type and JSON shape. */
static size_t received(const char *path, int *seqs, size_t cap)
{
	FILE *f = fopen(path, "re");
	char line[65536];
	size_t n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) && n < cap) {
		char *tab = strchr(line, '\t');
		json_error_t e;
		json_t *j;

		assert_non_null(tab);
		*tab = '\0';
		assert_string_equal(line, "application/json");
		j = json_loads(tab + 1, 0, &e);
		assert_non_null(j);
		assert_string_equal(json_string_value(json_object_get(j, "rule")), "Webhook test");
		assert_string_equal(json_string_value(json_object_get(j, "priority")), "Error");
		seqs[n++] = (int)json_integer_value(
			json_object_get(json_object_get(j, "output_fields"), "seq"));
		json_decref(j);
	}
	fclose(f);
	return n;
}

static struct ward_output *webhook(uint16_t port, struct ward_metrics *m, size_t queue,
				   unsigned retries, unsigned backoff_ms)
{
	char url[64];
	struct ward_output *o = NULL;
	struct ward_webhook_opts wo = { .url = url, .queue_cap = queue, .max_retries = retries,
					.backoff_min_ms = backoff_ms, .backoff_max_ms = backoff_ms * 4,
					.timeout_s = 10, .flush_s = 30, .metrics = m };

	snprintf(url, sizeof(url), "http://127.0.0.1:%u/alerts", port);
	assert_int_equal(ward_output_webhook_new(&wo, &o), 0);
	return o;
}

static bool wait_retries(struct ward_metrics *m, uint64_t want)
{
	for (int i = 0; i < WAIT_MAX_MS / 20; i++) {
		if (ward_metrics_webhook_retries(m) >= want)
			return true;
		sleep_ms(20);
	}
	return false;
}

static void test_delivery(void **state)
{
	struct receiver r = { 0 };
	struct ward_metrics *m;
	struct ward_output *o;
	int seqs[8];

	ward_metrics_new(&m);
	o = webhook(receiver_start(&r, 0, 0), m, 16, 3, 50);
	for (int i = 0; i < 3; i++)
		emit(o, i);
	o->close(o); /* flushes */
	assert_true(wait_lines(r.out, 3));
	assert_int_equal(received(r.out, seqs, 8), 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(seqs[i], i); /* in order */
	assert_int_equal(ward_metrics_webhook_sends(m), 3);
	assert_int_equal(ward_metrics_errors(m, WARD_MO_WEBHOOK), 0);
	receiver_stop(&r);
	ward_metrics_free(m);
}

static void test_late_receiver(void **state)
{
	struct receiver r = { 0 };
	struct ward_metrics *m;
	struct ward_output *o;
	uint16_t port = free_port();
	int seqs[4];

	ward_metrics_new(&m);
	o = webhook(port, m, 16, WARD_WEBHOOK_RETRIES_MAX, 50);
	emit(o, 42);
	/* the first attempt fails (nothing listens) and a retry is scheduled */
	assert_true(wait_retries(m, 1));
	assert_int_equal(ward_metrics_webhook_sends(m), 0);
	assert_int_equal(receiver_start(&r, port, 0), port);
	assert_true(wait_lines(r.out, 1));
	assert_int_equal(received(r.out, seqs, 4), 1);
	assert_int_equal(seqs[0], 42);
	o->close(o);
	assert_int_equal(ward_metrics_webhook_sends(m), 1);
	assert_int_equal(ward_metrics_errors(m, WARD_MO_WEBHOOK), 0);
	receiver_stop(&r);
	ward_metrics_free(m);
}

static void test_retry_on_503(void **state)
{
	struct receiver r = { 0 };
	struct ward_metrics *m;
	struct ward_output *o;
	int seqs[4];

	ward_metrics_new(&m);
	o = webhook(receiver_start(&r, 0, 2), m, 16, 5, 20);
	emit(o, 7);
	assert_true(wait_lines(r.out, 1));
	o->close(o);
	assert_int_equal(received(r.out, seqs, 4), 1);
	assert_int_equal(seqs[0], 7);
	assert_int_equal(ward_metrics_webhook_retries(m), 2);
	assert_int_equal(ward_metrics_webhook_sends(m), 1);
	receiver_stop(&r);
	ward_metrics_free(m);
}

static void test_queue_drops_oldest(void **state)
{
	struct receiver r = { 0 };
	struct ward_metrics *m;
	struct ward_output *o;
	uint16_t port = free_port();
	int seqs[16];
	size_t n;

	ward_metrics_new(&m);
	/* long backoff: the worker holds alert 0 while the queue (4) overflows */
	o = webhook(port, m, 4, WARD_WEBHOOK_RETRIES_MAX, 60000);
	emit(o, 0);
	assert_true(wait_retries(m, 1));
	for (int i = 1; i <= 10; i++)
		emit(o, i); /* returns at once although nothing can be delivered */
	assert_int_equal(ward_metrics_dropped(m, WARD_MO_WEBHOOK), 6);
	assert_int_equal(receiver_start(&r, port, 0), port);
	o->close(o); /* wakes the worker: alert 0, then the newest four */
	assert_true(wait_lines(r.out, 5));
	n = received(r.out, seqs, 16);
	assert_int_equal(n, 5);
	assert_int_equal(seqs[0], 0);
	for (int i = 1; i < 5; i++)
		assert_int_equal(seqs[i], 6 + i);
	receiver_stop(&r);
	ward_metrics_free(m);
}

static void test_bad_opts(void **state)
{
	struct ward_output *o = NULL;
	struct ward_webhook_opts wo = { .url = "file:///etc/passwd" };

	assert_int_equal(ward_output_webhook_new(&wo, &o), -EINVAL);
	wo.url = "";
	assert_int_equal(ward_output_webhook_new(&wo, &o), -EINVAL);
	wo.url = "http://127.0.0.1:1/";
	wo.queue_cap = WARD_WEBHOOK_QUEUE_MAX + 1;
	assert_int_equal(ward_output_webhook_new(&wo, &o), -EINVAL);
	wo.queue_cap = 1;
	wo.max_retries = WARD_WEBHOOK_RETRIES_MAX + 1;
	assert_int_equal(ward_output_webhook_new(&wo, &o), -EINVAL);
	wo.max_retries = 0;
	/* the constructor checks headers itself too: callers other than the pipeline exist */
	{
		static const char *const hdr_crlf[] = { "X-A: a", "X-B: b\r\nX-C: c" };
		static const char *const hdr_ok[] = { "X-A: a" };

		wo.headers = hdr_crlf;
		wo.headers_cnt = 2;
		assert_int_equal(ward_output_webhook_new(&wo, &o), -EINVAL);
		wo.headers = hdr_ok;
		wo.headers_cnt = WARD_WEBHOOK_HEADERS_MAX + 1;
		assert_int_equal(ward_output_webhook_new(&wo, &o), -EINVAL);
		wo.headers_cnt = 1;
		wo.user_agent = "ua\r\nX-Evil: 1";
		assert_int_equal(ward_output_webhook_new(&wo, &o), -EINVAL);
		wo.user_agent = NULL;
		wo.client_key = "/etc/hostname"; /* a key without its certificate */
		assert_int_equal(ward_output_webhook_new(&wo, &o), -EINVAL);
	}
	assert_null(o);
}

/* ---- TLS, headers, config ------------------------------------------------------------- */

static char *pki_file(const char *name)
{
	static char bufs[8][400];
	static int n;
	char *b = bufs[n++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s/%s", pki, name);
	return b;
}

/* Runs fn with stderr going to a file; returns what was written (static buffer). */
static const char *stderr_of(void (*fn)(void *), void *arg)
{
	static char got[16384];
	char path[300];
	int fd, saved;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/stderr.txt", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	fn(arg);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	f = fopen(path, "re");
	assert_non_null(f);
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	unlink(path);
	return got;
}

struct tls_case {
	uint16_t port;
	const char *ca_cert, *ca_path, *client_cert, *client_key;
	bool insecure;
	unsigned retries;
	struct ward_metrics *m;
	struct receiver *r;
	size_t want_lines; /* wait for these before closing (0: wait for the retries) */
};

static const char *const test_headers[] = { AUTH_HEADER, "X-Tenant: a",
					    "X-Trace:  two  spaces\tand tab" };

static void run_tls_case(void *arg)
{
	struct tls_case *c = arg;
	char url[64];
	struct ward_output *o = NULL;
	struct ward_webhook_opts wo = {
		.url = url, .queue_cap = 4, .max_retries = c->retries, .backoff_min_ms = 20,
		.backoff_max_ms = 40, .timeout_s = 10, .flush_s = 30, .metrics = c->m,
		.headers = test_headers, .headers_cnt = 3, .user_agent = "ward-test/1",
		.ca_cert = c->ca_cert, .ca_path = c->ca_path, .client_cert = c->client_cert,
		.client_key = c->client_key, .insecure = c->insecure,
	};

	snprintf(url, sizeof(url), "https://127.0.0.1:%u/alerts", c->port);
	assert_int_equal(ward_output_webhook_new(&wo, &o), 0);
	emit(o, 5);
	if (c->want_lines)
		assert_true(wait_lines(c->r->out, c->want_lines));
	else
		assert_true(wait_retries(c->m, c->retries));
	o->close(o);
}

/* The receiver's record of the request headers: exactly these values, once each. */
static void check_headers(const char *path)
{
	FILE *f = fopen(path, "re");
	char line[65536];
	json_error_t e;
	json_t *j, *pair;
	size_t i;
	int auth = 0, tenant = 0, trace = 0, ua = 0;

	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	j = json_loads(line, 0, &e);
	assert_non_null(j);
	json_array_foreach(j, i, pair) {
		const char *k = json_string_value(json_array_get(pair, 0));
		const char *v = json_string_value(json_array_get(pair, 1));

		if (strcasecmp(k, "Authorization") == 0) {
			assert_string_equal(v, SECRET);
			auth++;
		} else if (strcasecmp(k, "X-Tenant") == 0) {
			assert_string_equal(v, "a");
			tenant++;
		} else if (strcasecmp(k, "X-Trace") == 0) {
			/* leading whitespace is not part of a field value (RFC 9110); inner kept */
			assert_string_equal(v, "two  spaces\tand tab");
			trace++;
		} else if (strcasecmp(k, "User-Agent") == 0) {
			assert_string_equal(v, "ward-test/1");
			ua++;
		} else if (strcasecmp(k, "Content-Type") == 0) {
			assert_string_equal(v, "application/json");
		}
	}
	assert_int_equal(auth, 1);
	assert_int_equal(tenant, 1);
	assert_int_equal(trace, 1);
	assert_int_equal(ua, 1);
	json_decref(j);
}

static void test_tls_mutual(void **state)
{
	struct receiver r = { 0 };
	struct tls_case c = { .ca_cert = pki_file("ca.pem"), .client_cert = pki_file("client.pem"),
			      .client_key = pki_file("client.key"), .retries = 3, .r = &r,
			      .want_lines = 1 };
	const char *err;
	int seqs[4];

	ward_metrics_new(&c.m);
	c.port = receiver_start_tls(&r, 0, 0, true, true);
	err = stderr_of(run_tls_case, &c);
	assert_int_equal(received(r.out, seqs, 4), 1);
	assert_int_equal(seqs[0], 5);
	check_headers(r.headers);
	assert_int_equal(ward_metrics_webhook_sends(c.m), 1);
	assert_int_equal(ward_metrics_errors(c.m, WARD_MO_WEBHOOK), 0);
	assert_null(strstr(err, "s3cr3t"));
	receiver_stop(&r);
	ward_metrics_free(c.m);
}

static void test_tls_ca_path(void **state)
{
	struct receiver r = { 0 };
	struct tls_case c = { .ca_path = pki_file("capath"), .client_cert = pki_file("client.pem"),
			      .client_key = pki_file("client.key"), .retries = 3, .r = &r,
			      .want_lines = 1 };

	ward_metrics_new(&c.m);
	c.port = receiver_start_tls(&r, 0, 0, true, true);
	stderr_of(run_tls_case, &c);
	assert_int_equal(ward_metrics_webhook_sends(c.m), 1);
	receiver_stop(&r);
	ward_metrics_free(c.m);
}

static void test_tls_no_client_cert(void **state)
{
	struct receiver r = { 0 };
	struct tls_case c = { .ca_cert = pki_file("ca.pem"), .retries = 2, .r = &r };
	const char *err;
	char want[128];

	ward_metrics_new(&c.m);
	c.port = receiver_start_tls(&r, 0, 0, true, true);
	err = stderr_of(run_tls_case, &c);
	/* refused every time: the documented retries, then one error; nothing recorded */
	assert_int_equal(ward_metrics_webhook_retries(c.m), 2);
	assert_int_equal(ward_metrics_webhook_sends(c.m), 0);
	assert_int_equal(ward_metrics_errors(c.m, WARD_MO_WEBHOOK), 1);
	assert_int_equal(count_lines(r.out), 0);
	/* reported once, naming the URL, never the configured secret */
	snprintf(want, sizeof(want), "webhook: https://127.0.0.1:%u/alerts: ", c.port);
	if (!strstr(err, want) || !strstr(err, "(will retry)"))
		fail_msg("stderr: %s", err);
	assert_null(strstr(strstr(err, want) + 1, want));
	assert_null(strstr(err, "s3cr3t"));
	receiver_stop(&r);
	ward_metrics_free(c.m);
}

static void test_tls_wrong_ca(void **state)
{
	struct receiver r = { 0 };
	struct tls_case c = { .ca_cert = pki_file("other-ca.pem"),
			      .client_cert = pki_file("client.pem"),
			      .client_key = pki_file("client.key"), .retries = 1, .r = &r };
	const char *err;

	ward_metrics_new(&c.m);
	c.port = receiver_start_tls(&r, 0, 0, true, true);
	err = stderr_of(run_tls_case, &c);
	assert_int_equal(ward_metrics_webhook_sends(c.m), 0);
	assert_int_equal(ward_metrics_errors(c.m, WARD_MO_WEBHOOK), 1);
	assert_int_equal(count_lines(r.out), 0);
	/* libcurl's detail says why: the server's certificate did not verify */
	if (!strstr(err, "certificate"))
		fail_msg("stderr: %s", err);
	receiver_stop(&r);
	ward_metrics_free(c.m);
}

static void test_tls_insecure(void **state)
{
	struct receiver r = { 0 };
	/* the wrong CA, but verification is off: delivered, and warned about */
	struct tls_case c = { .ca_cert = pki_file("other-ca.pem"),
			      .client_cert = pki_file("client.pem"),
			      .client_key = pki_file("client.key"), .insecure = true, .retries = 3,
			      .r = &r, .want_lines = 1 };
	const char *err;

	ward_metrics_new(&c.m);
	c.port = receiver_start_tls(&r, 0, 0, true, true);
	err = stderr_of(run_tls_case, &c);
	assert_int_equal(ward_metrics_webhook_sends(c.m), 1);
	if (!strstr(err, "insecure is true") || !strstr(err, "NOT verified"))
		fail_msg("stderr: %s", err);
	receiver_stop(&r);
	ward_metrics_free(c.m);
}

static void post_to_bad_url(void *arg)
{
	struct ward_metrics *m = arg;
	struct ward_output *o = NULL;
	struct ward_webhook_opts wo = { .url = "http://user:s3cr3t@127.0.0.1:1/a?token=s3cr3t#f",
					.max_retries = 0, .timeout_s = 5, .metrics = m };

	assert_int_equal(ward_output_webhook_new(&wo, &o), 0);
	emit(o, 1);
	o->close(o); /* one attempt, fails: nothing listens on port 1 */
}

/* Credentials in the URL (userinfo, query) stay out of the log. */
static void test_log_url_redacted(void **state)
{
	struct ward_metrics *m;
	const char *err;

	ward_metrics_new(&m);
	err = stderr_of(post_to_bad_url, m);
	assert_int_equal(ward_metrics_errors(m, WARD_MO_WEBHOOK), 1);
	if (!strstr(err, "webhook: http://127.0.0.1:1/a: ") || strstr(err, "s3cr3t") ||
	    strstr(err, "user"))
		fail_msg("stderr: %s", err);
	ward_metrics_free(m);
}

static void test_header_check(void **state)
{
	static const struct { const char *s; size_t name_len; } ok[] = {
		{ "Authorization: Bearer x", 13 }, { "X-Tenant: a", 8 }, { "x:y", 1 },
		{ "X-A!#$%&'*+-.^_`|~9: v\tw", 19 }, { "X-Utf8: caf\xc3\xa9", 6 },
	};
	static const char *const bad[] = {
		"", "no colon here", ": value", "X Bad: v", "X-Bad : v", "X-A: a\r\nX-B: b",
		"X-A: a\nX-B: b", "X-A: a\r", "X-A:", "X-A:   \t", "X-A: \x01", "X-A: a\x7f",
		"content-type: text/plain", "Content-Length: 5", "Host: evil", "User-Agent: x",
		"Transfer-Encoding: chunked", "X(A): v", "X\x80: v",
	};
	char big[WARD_WEBHOOK_HEADER_MAX + 2];
	const char *why;
	size_t nl;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		nl = 0;
		if (ward_webhook_header_check(ok[i].s, strlen(ok[i].s), &nl, NULL))
			fail_msg("ok case %zu refused", i);
		assert_int_equal(nl, ok[i].name_len);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (ward_webhook_header_check(bad[i], strlen(bad[i]), NULL, &why) >= 0)
			fail_msg("bad case %zu accepted", i);
		assert_non_null(why);
	}
	/* a NUL inside the length is a control character, not an end */
	assert_true(ward_webhook_header_check("X-A: a\0b", 8, NULL, &why) < 0);
	memset(big, 'a', sizeof(big));
	memcpy(big, "X-Big: ", 7);
	assert_int_equal(ward_webhook_header_check(big, WARD_WEBHOOK_HEADER_MAX, NULL, NULL), 0);
	assert_int_equal(ward_webhook_header_check(big, WARD_WEBHOOK_HEADER_MAX + 1, NULL, &why),
			 -WARD_E_LIMIT);
}

/* Config errors from the pipeline: key and item named, the value never quoted. */
static void test_config_errors(void **state)
{
	static const struct { const char *yaml; const char *want; } cases[] = {
		{ "  headers: [\"X-Tenant: a\", \"Authorization: Bearer s3cr3t\\r\\nX-Evil: 1\"]\n",
		  "outputs.webhook.headers item 2 (\"Authorization: ...\") contains a CR or LF" },
		{ "  headers: [\"X-Tenant: a\", \"X-B: b\", \"Bearer s3cr3t\"]\n",
		  "outputs.webhook.headers item 3 has no ':'" },
		{ "  headers: [\"X-Tenant: s3cr3t\\nX-Evil: 1\"]\n",
		  "outputs.webhook.headers item 1 (\"X-Tenant: ...\") contains a CR or LF" },
		{ "  headers: [\"Content-Length: 0\"]\n", "outputs.webhook.headers item 1" },
		{ "  headers: [\"s3cr3t\\r\\nX-Evil: 1\"]\n",
		  "outputs.webhook.headers item 1 has a character that is not allowed" },
		{ "  headers: [\"Bearer s3cr3t: x\"]\n",
		  "outputs.webhook.headers item 1 has a character that is not allowed" },
		{ "  user_agent: \"a\\r\\nX-Evil: s3cr3t\"\n", "outputs.webhook.user_agent" },
		{ "  ca_cert: /nonexistent/ca.pem\n", "outputs.webhook.ca_cert /nonexistent/ca.pem" },
		{ "  ca_path: /etc/hostname\n", "outputs.webhook.ca_path" },
		{ "  client_key: /etc/hostname\n", "client_key is set without" },
		{ "  client_cert: /etc\n", "outputs.webhook.client_cert" },
	};
	char yaml[1024], many[4096];
	size_t n;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]) + 2; i++) {
		struct ward_config *cfg = NULL;
		struct ward_alerts *p = NULL;
		struct ward_diag d = { 0 };
		const char *want;
		int rc;

		if (i < sizeof(cases) / sizeof(cases[0])) {
			snprintf(yaml, sizeof(yaml),
				 "outputs:\n  stdout:\n    enabled: false\n  webhook:\n"
				 "    url: https://127.0.0.1:1/\n  %s", cases[i].yaml);
			want = cases[i].want;
		} else if (i == sizeof(cases) / sizeof(cases[0])) {
			/* TLS settings on plain http */
			snprintf(yaml, sizeof(yaml),
				 "outputs:\n  webhook:\n    url: http://127.0.0.1:1/\n"
				 "    insecure: true\n");
			want = "need an https:// outputs.webhook.url";
		} else {
			n = (size_t)snprintf(many, sizeof(many), "[");
			for (int k = 0; k <= WARD_WEBHOOK_HEADERS_MAX; k++)
				n += (size_t)snprintf(many + n, sizeof(many) - n, "%s\"X-%d: v\"",
						      k ? "," : "", k);
			snprintf(many + n, sizeof(many) - n, "]");
			snprintf(yaml, sizeof(yaml),
				 "outputs:\n  webhook:\n    url: https://127.0.0.1:1/\n"
				 "    headers: %s\n", many);
			want = "outputs.webhook.headers has 33 items; at most 32";
		}
		if (ward_config_parse("t.yaml", yaml, strlen(yaml), &cfg, &d))
			fail_msg("case %zu: config: %s", i, d.msg);
		rc = ward_alerts_setup(cfg, &p, &d);
		if (rc >= 0 || p || !strstr(d.msg, want) || strstr(d.msg, "s3cr3t") ||
		    strpbrk(d.msg, "\r\n"))
			fail_msg("case %zu: rc %d msg \"%s\"", i, rc, d.msg);
		ward_config_free(cfg);
	}
}

static int rm_dir(void **state)
{
	pid_t pid;
	int st;

	for (int i = 0; i < 64; i++) {
		if (started[i] > 0 && waitpid(started[i], &st, WNOHANG) == 0) {
			kill(started[i], SIGTERM);
			waitpid(started[i], &st, 0);
		}
	}
	pid = fork();

	/* the test PKI and receiver files: rm -rf of our own mkdtemp directory */
	if (pid == 0) {
		char *argv[] = { "rm", "-rf", dir, NULL };

		execvp("rm", argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int mk_dir(void **state)
{
	pid_t pid;
	int st;

	if (!mkdtemp(dir))
		return -1;
	snprintf(pki, sizeof(pki), "%s/pki", dir);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "bash", MAKE_CERTS, pki, NULL };

		execvp("bash", argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delivery),
		cmocka_unit_test(test_late_receiver),
		cmocka_unit_test(test_retry_on_503),
		cmocka_unit_test(test_queue_drops_oldest),
		cmocka_unit_test(test_bad_opts),
		cmocka_unit_test(test_header_check),
		cmocka_unit_test(test_log_url_redacted),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_tls_mutual),
		cmocka_unit_test(test_tls_ca_path),
		cmocka_unit_test(test_tls_no_client_cert),
		cmocka_unit_test(test_tls_wrong_ca),
		cmocka_unit_test(test_tls_insecure),
	};
	return cmocka_run_group_tests(tests, mk_dir, rm_dir);
}
