// SPDX-License-Identifier: Apache-2.0
/* The webhook output against a real HTTP server (tests/integration/alert/receiver.py on
 * 127.0.0.1): delivery with the JSON content type, retry when the receiver starts late,
 * retry on 503, and a full queue dropping the oldest alerts while the caller never waits.
 * Waits poll for an outcome with a generous bound; nothing asserts on durations. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alert/output.h"

#define RECEIVER WARD_SOURCE_DIR "/tests/integration/alert/receiver.py"
#define WAIT_MAX_MS 60000

static char dir[] = "/tmp/ward-test-alert-webhook.XXXXXX";
static int run_no;

struct receiver {
	pid_t pid;
	char out[256];
	char portfile[256];
};

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

/* Starts the receiver on port (0 = any) answering the first fail_n POSTs with 503. */
static uint16_t receiver_start(struct receiver *r, uint16_t port, int fail_n)
{
	char port_s[16], fail_s[16];
	FILE *f;
	unsigned got = 0;

	run_no++;
	snprintf(r->out, sizeof(r->out), "%s/recv%d.txt", dir, run_no);
	snprintf(r->portfile, sizeof(r->portfile), "%s/port%d", dir, run_no);
	snprintf(port_s, sizeof(port_s), "%u", port);
	snprintf(fail_s, sizeof(fail_s), "%d", fail_n);
	r->pid = fork();
	assert_true(r->pid >= 0);
	if (r->pid == 0) {
		char *argv[] = { "python3", RECEIVER, "--port", port_s, "--out", r->out,
				 "--portfile", r->portfile, "--fail", fail_s, NULL };

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
	assert_null(o);
}

static int rm_dir(void **state)
{
	char path[512];

	for (int i = 1; i <= run_no; i++) {
		snprintf(path, sizeof(path), "%s/recv%d.txt", dir, i);
		unlink(path);
		snprintf(path, sizeof(path), "%s/port%d", dir, i);
		unlink(path);
	}
	return rmdir(dir);
}

static int mk_dir(void **state) { return mkdtemp(dir) ? 0 : -1; }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delivery),
		cmocka_unit_test(test_late_receiver),
		cmocka_unit_test(test_retry_on_503),
		cmocka_unit_test(test_queue_drops_oldest),
		cmocka_unit_test(test_bad_opts),
	};
	return cmocka_run_group_tests(tests, mk_dir, rm_dir);
}
