/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Prometheus metrics: counters the agent bumps from the event thread (relaxed atomics, no
 * locks, no allocation) and the text exposition format. Alerts per rule sit in a bounded
 * table; rules past its capacity are counted under rule="_other".
 *
 * Serving them (HTTP or a file rewritten atomically) is metrics_serve.c; this file only
 * counts and renders.
 */
#ifndef WARD_ALERT_METRICS_H
#define WARD_ALERT_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "alert/alert.h"
#include "common/buf.h"
#include "common/limits.h"

/* Outputs that report delivery failures and drops. */
enum ward_metrics_output {
	WARD_MO_STDOUT,
	WARD_MO_FILE,
	WARD_MO_SYSLOG,
	WARD_MO_WEBHOOK,
	WARD_MO_CNT
};

struct ward_metrics;

/* Returns 0; *out set. Control plane (aborts on OOM). */
int ward_metrics_new(struct ward_metrics **out);
void ward_metrics_free(struct ward_metrics *m);

/* Event-thread setters: lock-free, safe from any thread. */
void ward_metrics_events_add(struct ward_metrics *m, uint64_t n);
/* The sensor's running drop total for one CPU (the value, not an increment). CPUs at or past
 * WARD_METRICS_CPUS_MAX are ignored. */
void ward_metrics_drops_set(struct ward_metrics *m, unsigned cpu, uint64_t total);
/* Time one event spent in rule evaluation. */
void ward_metrics_rule_eval_observe(struct ward_metrics *m, uint64_t ns);
void ward_metrics_proc_table_set(struct ward_metrics *m, uint64_t n);

/* Alert-path counters (the pipeline calls these). */
void ward_metrics_alert(struct ward_metrics *m, const char *rule, enum ward_priority p);
void ward_metrics_suppressed_add(struct ward_metrics *m, uint64_t n);
void ward_metrics_output_error(struct ward_metrics *m, enum ward_metrics_output o);
void ward_metrics_output_dropped(struct ward_metrics *m, enum ward_metrics_output o, uint64_t n);
void ward_metrics_webhook_retry(struct ward_metrics *m);
void ward_metrics_webhook_sent(struct ward_metrics *m);

/* Readers, mostly for tests and the agent's status line. */
uint64_t ward_metrics_events(const struct ward_metrics *m);
uint64_t ward_metrics_suppressed(const struct ward_metrics *m);
uint64_t ward_metrics_dropped(const struct ward_metrics *m, enum ward_metrics_output o);
uint64_t ward_metrics_errors(const struct ward_metrics *m, enum ward_metrics_output o);
uint64_t ward_metrics_webhook_retries(const struct ward_metrics *m);
uint64_t ward_metrics_webhook_sends(const struct ward_metrics *m);

/* Appends the Prometheus text format (version 0.0.4) to b. Returns 0 or -WARD_E_LIMIT. */
int ward_metrics_render(struct ward_metrics *m, struct ward_buf *b);
/* Renders into path atomically: writes path.tmp, fsyncs, renames. Returns 0 or -errno. */
int ward_metrics_write_file(struct ward_metrics *m, const char *path);

#endif
