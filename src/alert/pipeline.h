/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The alert pipeline the agent talks to: set up from the config file, emit matched alerts,
 * shut down (flushing). An emitted alert goes through the minimum-priority filter and the
 * per-(rule, workload) rate limiter, is formatted once (JSON and text) and handed to every
 * configured output. Counters land in the pipeline's metrics, which the agent also bumps for
 * events, drops, rule timing and the process table.
 *
 * Thread-safe: emit may be called from several threads (the calls are serialized).
 */
#ifndef WARD_ALERT_PIPELINE_H
#define WARD_ALERT_PIPELINE_H

#include "alert/alert.h"
#include "alert/metrics.h"
#include "common/err.h"
#include "config/config.h"

struct ward_alerts;

/* Builds outputs, rate limiter, metrics and (if configured) the metrics endpoint/file from
 * cfg. Returns 0, or -EINVAL/-errno with diag naming the config key that is wrong. */
int ward_alerts_setup(const struct ward_config *cfg, struct ward_alerts **out,
		      struct ward_diag *diag);

/* What emit did with an alert (non-negative), or -errno when it could not be formatted. */
#define WARD_ALERT_SENT 1
#define WARD_ALERT_FILTERED 0 /* below rules.min_priority, or rate limited */

/* Delivers a copy of *a: the caller's struct and strings only need to live for the call.
 * Fills hostname when NULL and ward.suppressed from the rate limiter. */
int ward_alerts_emit(struct ward_alerts *p, const struct ward_alert *a);

/* The pipeline's metrics, for the agent's setters. Owned by the pipeline. */
struct ward_metrics *ward_alerts_metrics(struct ward_alerts *p);
/* Bound metrics HTTP port (0 if not serving); for tests and the startup banner. */
uint16_t ward_alerts_metrics_port(const struct ward_alerts *p);
/* Number of outputs configured. */
size_t ward_alerts_output_count(const struct ward_alerts *p);

/* Says, at exit, what the rate limiter held back after each key's last alert: a count no
 * alert will ever carry (ward.suppressed is reported by the next alert that passes). Logs one
 * line per such (rule, workload), at most WARD_RL_EXIT_KEYS_MAX, and returns the number of
 * alerts held back that way. No emit may run concurrently. */
uint64_t ward_alerts_report_pending(struct ward_alerts *p);

/* Flushes outputs (the webhook gets a bounded time), stops the metrics server, frees.
 * Call after the last emit has returned; no emit may run concurrently. Accepts NULL. */
void ward_alerts_shutdown(struct ward_alerts *p);

#endif
