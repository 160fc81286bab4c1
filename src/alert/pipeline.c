// SPDX-License-Identifier: Apache-2.0
/*
 * Alert pipeline: config -> outputs, filter, rate limit, format once, fan out. Owns the
 * outputs, the rate limiter, the metrics and the metrics server. Not the rule engine (it
 * receives finished alerts) and not the outputs themselves (output_*.c).
 */
#include "alert/pipeline.h"
#include "alert/metrics_serve.h"
#include "alert/output.h"
#include "alert/ratelimit.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_OUTPUTS 4
#define FILE_MAX_MB 1048576 /* 1 TiB: beyond that the setting is a typo */

struct ward_alerts {
	pthread_mutex_t lock;
	enum ward_priority min_prio;
	struct ward_ratelimit *rl;
	struct ward_metrics *metrics;
	struct ward_metrics_server *msrv;
	struct ward_output *outs[MAX_OUTPUTS];
	size_t outs_cnt;
	struct ward_buf json, text;
	char hostname[256];
};

static enum ward_metrics_output output_kind(const struct ward_output *o)
{
	if (strcmp(o->name, "file") == 0)
		return WARD_MO_FILE;
	if (strcmp(o->name, "syslog") == 0)
		return WARD_MO_SYSLOG;
	if (strcmp(o->name, "webhook") == 0)
		return WARD_MO_WEBHOOK;
	return WARD_MO_STDOUT;
}

static int int_key(const struct ward_config *cfg, const char *key, int64_t lo, int64_t hi,
		   int64_t *out, struct ward_diag *diag)
{
	int64_t v = ward_config_int(cfg, key);

	if (v < lo || v > hi)
		return ward_diag_set(diag, -EINVAL, ward_config_path(cfg), 0, 0,
				     "%s is %lld; it must be between %lld and %lld", key,
				     (long long)v, (long long)lo, (long long)hi);
	*out = v;
	return 0;
}

static int add_outputs(struct ward_alerts *p, const struct ward_config *cfg,
		       struct ward_diag *diag)
{
	const char *cfg_path = ward_config_path(cfg);
	const char *path = ward_config_str(cfg, "outputs.file.path");
	const char *url = ward_config_str(cfg, "outputs.webhook.url");
	int64_t max_mb, keep, queue, retries, timeout;
	int err;

	if (ward_config_bool(cfg, "outputs.stdout.enabled")) {
		err = ward_output_stdout_new(STDOUT_FILENO, ward_config_bool(cfg, "outputs.stdout.json"),
					     &p->outs[p->outs_cnt]);
		if (err)
			return ward_diag_set(diag, err, cfg_path, 0, 0, "outputs.stdout: %s",
					     ward_strerror(err));
		p->outs_cnt++;
	}
	if (path && *path) {
		if ((err = int_key(cfg, "outputs.file.max_mb", 1, FILE_MAX_MB, &max_mb, diag)) ||
		    (err = int_key(cfg, "outputs.file.keep", 0, WARD_OUTPUT_FILE_KEEP_MAX, &keep, diag)))
			return err;
		err = ward_output_file_new(path, (uint64_t)max_mb << 20, (unsigned)keep,
					   &p->outs[p->outs_cnt]);
		if (err)
			return ward_diag_set(diag, err, cfg_path, 0, 0,
					     "outputs.file.path %s: %s", path, ward_strerror(err));
		p->outs_cnt++;
	}
	if (ward_config_bool(cfg, "outputs.syslog.enabled")) {
		ward_output_syslog_new(&p->outs[p->outs_cnt]);
		p->outs_cnt++;
	}
	if (url && *url) {
		struct ward_webhook_opts wo = { .url = url, .metrics = p->metrics };

		if ((err = int_key(cfg, "outputs.webhook.queue", 1, WARD_WEBHOOK_QUEUE_MAX, &queue, diag)) ||
		    (err = int_key(cfg, "outputs.webhook.retries", 0, WARD_WEBHOOK_RETRIES_MAX, &retries, diag)) ||
		    (err = int_key(cfg, "outputs.webhook.timeout_s", 1, WARD_WEBHOOK_TIMEOUT_MAX, &timeout, diag)))
			return err;
		wo.queue_cap = (size_t)queue;
		wo.max_retries = (unsigned)retries;
		wo.timeout_s = (unsigned)timeout;
		err = ward_output_webhook_new(&wo, &p->outs[p->outs_cnt]);
		if (err)
			return ward_diag_set(diag, err, cfg_path, 0, 0,
					     "outputs.webhook.url \"%.200s\": must be an http:// or https:// URL (%s)",
					     url, ward_strerror(err));
		p->outs_cnt++;
	}
	return 0;
}

int ward_alerts_setup(const struct ward_config *cfg, struct ward_alerts **out,
		      struct ward_diag *diag)
{
	const char *cfg_path = ward_config_path(cfg);
	const char *min = ward_config_str(cfg, "rules.min_priority");
	struct ward_alerts *p;
	int64_t rate, interval;
	int err;

	p = ward_xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	ward_buf_init(&p->json, WARD_ALERT_JSON_MAX);
	ward_buf_init(&p->text, WARD_ALERT_JSON_MAX);
	ward_metrics_new(&p->metrics);
	if (gethostname(p->hostname, sizeof(p->hostname) - 1) < 0)
		snprintf(p->hostname, sizeof(p->hostname), "unknown");

	if (ward_priority_parse(min, strlen(min), &p->min_prio)) {
		err = ward_diag_set(diag, -EINVAL, cfg_path, 0, 0,
				    "rules.min_priority \"%.32s\" is not a priority (emergency, alert, "
				    "critical, error, warning, notice, informational, debug)", min);
		goto fail;
	}
	if ((err = int_key(cfg, "rules.rate_limit_per_min", 0, WARD_RL_PER_MIN_MAX, &rate, diag)) ||
	    (err = int_key(cfg, "metrics.interval_s", 1, WARD_METRICS_INTERVAL_MAX, &interval, diag)))
		goto fail;
	ward_ratelimit_new((uint32_t)rate, 0, &p->rl);
	err = add_outputs(p, cfg, diag);
	if (err)
		goto fail;
	err = ward_metrics_server_start(p->metrics, ward_config_str(cfg, "metrics.listen"),
					ward_config_str(cfg, "metrics.file"), (unsigned)interval,
					&p->msrv, diag);
	if (err)
		goto fail;
	*out = p;
	return 0;
fail:
	ward_alerts_shutdown(p);
	return err;
}

int ward_alerts_emit(struct ward_alerts *p, const struct ward_alert *in)
{
	struct ward_alert a = *in;
	uint64_t suppressed = 0;
	int err;

	if (!ward_priority_at_least(a.priority, p->min_prio))
		return WARD_ALERT_FILTERED;
	if (!a.hostname)
		a.hostname = p->hostname;
	pthread_mutex_lock(&p->lock);
	if (!ward_ratelimit_check(p->rl, a.rule, ward_alert_workload(&a), ward_mono_ns(),
				  &suppressed)) {
		pthread_mutex_unlock(&p->lock);
		ward_metrics_suppressed_add(p->metrics, 1);
		return WARD_ALERT_FILTERED;
	}
	a.suppressed = suppressed;
	ward_buf_reset(&p->json);
	ward_buf_reset(&p->text);
	err = ward_alert_to_json(&a, &p->json);
	if (!err)
		err = ward_alert_to_text(&a, &p->text);
	if (err) {
		pthread_mutex_unlock(&p->lock);
		for (size_t i = 0; i < p->outs_cnt; i++)
			ward_metrics_output_error(p->metrics, output_kind(p->outs[i]));
		return err;
	}
	ward_metrics_alert(p->metrics, a.rule, a.priority);
	for (size_t i = 0; i < p->outs_cnt; i++) {
		struct ward_output *o = p->outs[i];

		if (o->write(o, &a, p->json.data, p->json.len, p->text.data, p->text.len))
			ward_metrics_output_error(p->metrics, output_kind(o));
	}
	pthread_mutex_unlock(&p->lock);
	return WARD_ALERT_SENT;
}

struct ward_metrics *ward_alerts_metrics(struct ward_alerts *p) { return p->metrics; }
uint16_t ward_alerts_metrics_port(const struct ward_alerts *p)
{
	return ward_metrics_server_port(p->msrv);
}
size_t ward_alerts_output_count(const struct ward_alerts *p) { return p->outs_cnt; }

void ward_alerts_shutdown(struct ward_alerts *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->outs_cnt; i++)
		p->outs[i]->close(p->outs[i]);
	/* the metrics server goes last so its final file write counts the flushed alerts */
	ward_metrics_server_stop(p->msrv);
	ward_ratelimit_free(p->rl);
	ward_metrics_free(p->metrics);
	ward_buf_free(&p->json);
	ward_buf_free(&p->text);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
