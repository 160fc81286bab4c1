// SPDX-License-Identifier: Apache-2.0
/*
 * Metric storage and the Prometheus text format. Counters are C11 atomics updated with
 * relaxed ordering: each is independent and a scrape that sees one a little ahead of another
 * is fine. The per-rule alert table takes a mutex because a new rule inserts; alerts are
 * orders of magnitude rarer than events, so that lock never sits on the event path.
 */
#include "alert/metrics.h"
#include "common/err.h"
#include "common/hash.h"
#include "common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#define RULE_SLOTS (WARD_METRICS_RULES_MAX * 2)
#define RULE_NAME_MAX 256

/* ward_rule_eval_seconds bucket bounds in ns; a whole event's evaluation is expected in the
 * sub-microsecond range, so the buckets are dense there. */
static const uint64_t eval_bounds_ns[] = { 100, 250, 500, 1000, 2500, 5000, 10000, 100000,
					   1000000, 10000000 };
#define EVAL_BUCKETS (sizeof(eval_bounds_ns) / sizeof(eval_bounds_ns[0]))

static const char *const output_names[WARD_MO_CNT] = { "stdout", "file", "syslog", "webhook" };

struct rule_slot {
	char *rule;     /* NULL = empty */
	uint64_t hash;
	_Atomic uint64_t by_prio[WARD_PRIO_CNT];
};

struct ward_metrics {
	_Atomic uint64_t events;
	_Atomic uint64_t drops[WARD_METRICS_CPUS_MAX];
	_Atomic uint64_t eval_bucket[EVAL_BUCKETS + 1]; /* last = +Inf */
	_Atomic uint64_t eval_sum_ns;
	_Atomic uint64_t eval_cnt;
	_Atomic uint64_t proc_table;
	_Atomic uint64_t suppressed;
	_Atomic uint64_t out_errors[WARD_MO_CNT];
	_Atomic uint64_t out_dropped[WARD_MO_CNT];
	_Atomic uint64_t webhook_retries;
	_Atomic uint64_t webhook_sent;
	unsigned ncpu;

	pthread_mutex_t lock; /* rules table inserts and renders */
	size_t rules_cnt;
	struct rule_slot rules[RULE_SLOTS];
	struct rule_slot other; /* overflow: rule="_other" */
};

#define LD(x) atomic_load_explicit(&(x), memory_order_relaxed)
#define ADD(x, n) atomic_fetch_add_explicit(&(x), (n), memory_order_relaxed)
#define ST(x, n) atomic_store_explicit(&(x), (n), memory_order_relaxed)

int ward_metrics_new(struct ward_metrics **out)
{
	struct ward_metrics *m = ward_xcalloc(1, sizeof(*m));
	int n = get_nprocs_conf();

	m->ncpu = n < 1 ? 1 : (n > WARD_METRICS_CPUS_MAX ? WARD_METRICS_CPUS_MAX : (unsigned)n);
	pthread_mutex_init(&m->lock, NULL);
	*out = m;
	return 0;
}

void ward_metrics_free(struct ward_metrics *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < RULE_SLOTS; i++)
		free(m->rules[i].rule);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

void ward_metrics_events_add(struct ward_metrics *m, uint64_t n) { ADD(m->events, n); }

void ward_metrics_drops_set(struct ward_metrics *m, unsigned cpu, uint64_t total)
{
	if (cpu >= WARD_METRICS_CPUS_MAX)
		return;
	ST(m->drops[cpu], total);
}

void ward_metrics_rule_eval_observe(struct ward_metrics *m, uint64_t ns)
{
	size_t i = 0;

	while (i < EVAL_BUCKETS && ns > eval_bounds_ns[i])
		i++;
	ADD(m->eval_bucket[i], 1);
	ADD(m->eval_sum_ns, ns);
	ADD(m->eval_cnt, 1);
}

void ward_metrics_proc_table_set(struct ward_metrics *m, uint64_t n) { ST(m->proc_table, n); }
void ward_metrics_suppressed_add(struct ward_metrics *m, uint64_t n) { ADD(m->suppressed, n); }

void ward_metrics_output_error(struct ward_metrics *m, enum ward_metrics_output o)
{
	if ((unsigned)o < WARD_MO_CNT)
		ADD(m->out_errors[o], 1);
}

void ward_metrics_output_dropped(struct ward_metrics *m, enum ward_metrics_output o, uint64_t n)
{
	if ((unsigned)o < WARD_MO_CNT)
		ADD(m->out_dropped[o], n);
}

void ward_metrics_webhook_retry(struct ward_metrics *m) { ADD(m->webhook_retries, 1); }
void ward_metrics_webhook_sent(struct ward_metrics *m) { ADD(m->webhook_sent, 1); }

/* Readers cast away const: atomic loads take non-const pointers in C11. */
#define MUT(m) ((struct ward_metrics *)(uintptr_t)(m))
uint64_t ward_metrics_events(const struct ward_metrics *m) { return LD(MUT(m)->events); }
uint64_t ward_metrics_suppressed(const struct ward_metrics *m) { return LD(MUT(m)->suppressed); }
uint64_t ward_metrics_dropped(const struct ward_metrics *m, enum ward_metrics_output o)
{
	return (unsigned)o < WARD_MO_CNT ? LD(MUT(m)->out_dropped[o]) : 0;
}
uint64_t ward_metrics_errors(const struct ward_metrics *m, enum ward_metrics_output o)
{
	return (unsigned)o < WARD_MO_CNT ? LD(MUT(m)->out_errors[o]) : 0;
}
uint64_t ward_metrics_webhook_retries(const struct ward_metrics *m)
{
	return LD(MUT(m)->webhook_retries);
}
uint64_t ward_metrics_webhook_sends(const struct ward_metrics *m)
{
	return LD(MUT(m)->webhook_sent);
}

void ward_metrics_alert(struct ward_metrics *m, const char *rule, enum ward_priority p)
{
	size_t len, i;
	uint64_t h;
	struct rule_slot *s = NULL;

	if ((unsigned)p >= WARD_PRIO_CNT)
		p = WARD_PRIO_DEBUG;
	rule = rule ? rule : "";
	len = strnlen(rule, RULE_NAME_MAX);
	h = ward_hash64(rule, len);
	pthread_mutex_lock(&m->lock);
	for (i = h & (RULE_SLOTS - 1); m->rules[i].rule; i = (i + 1) & (RULE_SLOTS - 1)) {
		if (m->rules[i].hash == h && strncmp(m->rules[i].rule, rule, len) == 0 &&
		    m->rules[i].rule[len] == '\0') {
			s = &m->rules[i];
			break;
		}
	}
	if (!s && m->rules_cnt < WARD_METRICS_RULES_MAX) {
		s = &m->rules[i];
		s->rule = ward_xstrndup(rule, len);
		s->hash = h;
		m->rules_cnt++;
	}
	if (!s)
		s = &m->other;
	ADD(s->by_prio[p], 1);
	pthread_mutex_unlock(&m->lock);
}

/* Label values escape backslash, double quote and newline (exposition format rules). */
static int put_label(struct ward_buf *b, const char *s)
{
	int err = 0;

	for (; *s && !err; s++) {
		switch (*s) {
		case '\\': err = ward_buf_puts(b, "\\\\"); break;
		case '"': err = ward_buf_puts(b, "\\\""); break;
		case '\n': err = ward_buf_puts(b, "\\n"); break;
		default: err = ward_buf_putc(b, *s);
		}
	}
	return err;
}

static int render_rule(struct ward_buf *b, const char *rule, struct rule_slot *s)
{
	int err = 0;

	for (int p = 0; p < WARD_PRIO_CNT && !err; p++) {
		uint64_t v = LD(s->by_prio[p]);

		if (!v)
			continue;
		err = ward_buf_puts(b, "ward_alerts_total{rule=\"");
		if (!err)
			err = put_label(b, rule);
		if (!err)
			err = ward_buf_printf(b, "\",priority=\"%s\"} %" PRIu64 "\n",
					      ward_priority_name((enum ward_priority)p), v);
	}
	return err;
}

int ward_metrics_render(struct ward_metrics *m, struct ward_buf *b)
{
	size_t start = b->len;
	uint64_t cum = 0;
	int err;

	err = ward_buf_printf(b,
		"# HELP ward_events_total Events received from the sensor.\n"
		"# TYPE ward_events_total counter\n"
		"ward_events_total %" PRIu64 "\n"
		"# HELP ward_drops_total Events the sensor lost because the ring buffer was full.\n"
		"# TYPE ward_drops_total counter\n", LD(m->events));
	for (unsigned c = 0; c < m->ncpu && !err; c++)
		err = ward_buf_printf(b, "ward_drops_total{cpu=\"%u\"} %" PRIu64 "\n", c,
				      LD(m->drops[c]));
	if (!err)
		err = ward_buf_puts(b, "# HELP ward_alerts_total Alerts raised, by rule and priority.\n"
				       "# TYPE ward_alerts_total counter\n");
	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < RULE_SLOTS && !err; i++)
		if (m->rules[i].rule)
			err = render_rule(b, m->rules[i].rule, &m->rules[i]);
	if (!err)
		err = render_rule(b, "_other", &m->other);
	pthread_mutex_unlock(&m->lock);
	if (!err)
		err = ward_buf_printf(b,
			"# HELP ward_alerts_suppressed_total Alerts held back by rate limiting.\n"
			"# TYPE ward_alerts_suppressed_total counter\n"
			"ward_alerts_suppressed_total %" PRIu64 "\n"
			"# HELP ward_rule_eval_seconds Time spent evaluating rules per event.\n"
			"# TYPE ward_rule_eval_seconds histogram\n", LD(m->suppressed));
	for (size_t i = 0; i < EVAL_BUCKETS && !err; i++) {
		cum += LD(m->eval_bucket[i]);
		err = ward_buf_printf(b, "ward_rule_eval_seconds_bucket{le=\"%g\"} %" PRIu64 "\n",
				      (double)eval_bounds_ns[i] / 1e9, cum);
	}
	cum += LD(m->eval_bucket[EVAL_BUCKETS]);
	if (!err)
		err = ward_buf_printf(b,
			"ward_rule_eval_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n"
			"ward_rule_eval_seconds_sum %.9f\n"
			"ward_rule_eval_seconds_count %" PRIu64 "\n"
			"# HELP ward_proc_table_size Processes in the process table.\n"
			"# TYPE ward_proc_table_size gauge\n"
			"ward_proc_table_size %" PRIu64 "\n"
			"# HELP ward_output_errors_total Alerts an output failed to deliver.\n"
			"# TYPE ward_output_errors_total counter\n",
			cum, (double)LD(m->eval_sum_ns) / 1e9, LD(m->eval_cnt), LD(m->proc_table));
	for (int o = 0; o < WARD_MO_CNT && !err; o++)
		err = ward_buf_printf(b, "ward_output_errors_total{output=\"%s\"} %" PRIu64 "\n",
				      output_names[o], LD(m->out_errors[o]));
	if (!err)
		err = ward_buf_puts(b, "# HELP ward_output_dropped_total Alerts dropped by a full output queue.\n"
				       "# TYPE ward_output_dropped_total counter\n");
	for (int o = 0; o < WARD_MO_CNT && !err; o++)
		err = ward_buf_printf(b, "ward_output_dropped_total{output=\"%s\"} %" PRIu64 "\n",
				      output_names[o], LD(m->out_dropped[o]));
	if (!err)
		err = ward_buf_printf(b,
			"# HELP ward_webhook_retries_total Webhook deliveries retried after a failure.\n"
			"# TYPE ward_webhook_retries_total counter\n"
			"ward_webhook_retries_total %" PRIu64 "\n"
			"# HELP ward_webhook_sent_total Alerts the webhook receiver accepted.\n"
			"# TYPE ward_webhook_sent_total counter\n"
			"ward_webhook_sent_total %" PRIu64 "\n",
			LD(m->webhook_retries), LD(m->webhook_sent));
	if (err) {
		b->len = start;
		if (b->data)
			b->data[start] = '\0';
	}
	return err;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int ward_metrics_write_file(struct ward_metrics *m, const char *path)
{
	struct ward_buf b;
	char tmp[4096];
	int fd = -1, err;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	ward_buf_init(&b, WARD_METRICS_TEXT_MAX);
	err = ward_metrics_render(m, &b);
	if (err)
		goto out;
	/* O_NOFOLLOW: a planted symlink at the tmp name must not redirect the write */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	err = write_all(fd, b.data, b.len);
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	fd = -1;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
out:
	ward_buf_free(&b);
	return err;
}
