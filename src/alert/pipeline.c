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
#include <stdint.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#define MAX_OUTPUTS 4
#define FILE_MAX_MB 1048576 /* 1 TiB: beyond that the setting is a typo */

struct ward_alerts {
	pthread_mutex_t lock;
	enum ward_priority min_prio;   /* rules.min_priority, tightened to what any output takes */
	struct ward_ratelimit *rl;
	struct ward_metrics *metrics;
	struct ward_metrics_server *msrv;
	struct ward_output *outs[MAX_OUTPUTS];
	enum ward_priority outs_min[MAX_OUTPUTS]; /* outputs.<name>.min_priority */
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

static bool url_scheme_ok(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0;
}

static int prio_key(const struct ward_config *cfg, const char *key, enum ward_priority *out,
		    struct ward_diag *diag)
{
	const char *s = ward_config_str(cfg, key);

	*out = WARD_PRIO_DEBUG; /* unset: whatever rules.min_priority lets through */
	if (!*s || ward_priority_parse(s, strlen(s), out) == 0)
		return 0;
	return ward_diag_set(diag, -EINVAL, ward_config_path(cfg), 0, 0,
			     "%s \"%.32s\" is not a priority (emergency, alert, critical, error, "
			     "warning, notice, informational, debug)", key, s);
}

/* Adds o (just built for the output named name) with its outputs.<name>.min_priority. */
static int push_output(struct ward_alerts *p, const struct ward_config *cfg, const char *name,
		       struct ward_output *o, struct ward_diag *diag)
{
	char key[64];
	int err;

	snprintf(key, sizeof(key), "outputs.%s.min_priority", name);
	p->outs[p->outs_cnt++] = o; /* owned from here on, freed at shutdown even on error */
	err = prio_key(cfg, key, &p->outs_min[p->outs_cnt - 1], diag);
	return err;
}

/* A TLS file or directory named in the config must be readable now, so a typo fails at
 * start naming the key instead of as a TLS error on the first alert. */
static int tls_path_key(const struct ward_config *cfg, const char *key, bool is_dir,
			const char **out, struct ward_diag *diag)
{
	const char *path = ward_config_str(cfg, key);
	struct stat st;
	int fd, err = 0;

	*out = NULL;
	if (!*path)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | (is_dir ? O_DIRECTORY : 0));
	if (fd < 0)
		err = -errno;
	else if (fstat(fd, &st) < 0)
		err = -errno;
	else if (!is_dir && !S_ISREG(st.st_mode))
		err = -EINVAL;
	if (fd >= 0)
		close(fd);
	if (err)
		return ward_diag_set(diag, err, ward_config_path(cfg), 0, 0, "%s %s: %s%s", key,
				     path, is_dir ? "" : "want a readable PEM file: ",
				     ward_strerror(err));
	*out = path;
	return 0;
}

static int webhook_opts(const struct ward_config *cfg, struct ward_webhook_opts *wo,
			struct ward_diag *diag)
{
	const char *cfg_path = ward_config_path(cfg);
	const char *ua = ward_config_str(cfg, "outputs.webhook.user_agent");
	bool is_https = strncasecmp(wo->url, "https://", 8) == 0;
	size_t n;
	int err;

	wo->headers = ward_config_list(cfg, "outputs.webhook.headers", &n);
	wo->headers_cnt = n;
	if (n > WARD_WEBHOOK_HEADERS_MAX)
		return ward_diag_set(diag, -WARD_E_LIMIT, cfg_path, 0, 0,
				     "outputs.webhook.headers has %zu items; at most %d", n,
				     WARD_WEBHOOK_HEADERS_MAX);
	for (size_t i = 0; i < n; i++) {
		const char *why = "";
		size_t name_len = 0, len = strnlen(wo->headers[i], WARD_WEBHOOK_HEADER_MAX + 1);

		if (ward_webhook_header_check(wo->headers[i], len, &name_len, &why) == 0)
			continue;
		/* name the item by position and header name only: the value is often a secret.
		 * Quote the name only when it looks like one (printable, no spaces, a colon after
		 * it): "Bearer abc: x" or a bare token must not be echoed. */
		for (name_len = 0; name_len < len && name_len < 64; name_len++) {
			unsigned char c = (unsigned char)wo->headers[i][name_len];

			if (c == ':' || c <= ' ' || c >= 0x7f)
				break;
		}
		if (name_len == len || name_len == 64 || wo->headers[i][name_len] != ':')
			name_len = 0;
		return ward_diag_set(diag, -EINVAL, cfg_path, 0, 0,
				     "outputs.webhook.headers item %zu%s%.*s%s %s", i + 1,
				     name_len ? " (\"" : "", (int)name_len, wo->headers[i],
				     name_len ? ": ...\")" : "", why);
	}
	if (strnlen(ua, WARD_WEBHOOK_UA_MAX + 1) > WARD_WEBHOOK_UA_MAX || strpbrk(ua, "\r\n"))
		return ward_diag_set(diag, -EINVAL, cfg_path, 0, 0,
				     "outputs.webhook.user_agent must be one line of at most %d bytes",
				     WARD_WEBHOOK_UA_MAX);
	wo->user_agent = ua;
	if ((err = tls_path_key(cfg, "outputs.webhook.ca_cert", false, &wo->ca_cert, diag)) ||
	    (err = tls_path_key(cfg, "outputs.webhook.ca_path", true, &wo->ca_path, diag)) ||
	    (err = tls_path_key(cfg, "outputs.webhook.client_cert", false, &wo->client_cert, diag)) ||
	    (err = tls_path_key(cfg, "outputs.webhook.client_key", false, &wo->client_key, diag)))
		return err;
	wo->insecure = ward_config_bool(cfg, "outputs.webhook.insecure");
	if (wo->client_key && !wo->client_cert)
		return ward_diag_set(diag, -EINVAL, cfg_path, 0, 0,
				     "outputs.webhook.client_key is set without outputs.webhook.client_cert");
	/* TLS settings on a plain http URL would silently send alerts (and headers) in clear */
	if (!is_https && (wo->ca_cert || wo->ca_path || wo->client_cert || wo->insecure))
		return ward_diag_set(diag, -EINVAL, cfg_path, 0, 0,
				     "outputs.webhook TLS settings (ca_cert, ca_path, client_cert, "
				     "client_key, insecure) need an https:// outputs.webhook.url");
	return 0;
}

static int add_outputs(struct ward_alerts *p, const struct ward_config *cfg,
		       struct ward_diag *diag)
{
	struct ward_output *o;
	const char *fac = ward_config_str(cfg, "outputs.syslog.facility");
	int facility;
	const char *cfg_path = ward_config_path(cfg);
	const char *path = ward_config_str(cfg, "outputs.file.path");
	const char *url = ward_config_str(cfg, "outputs.webhook.url");
	int64_t max_mb, keep, queue, retries, timeout;
	int err;

	if (ward_config_bool(cfg, "outputs.stdout.enabled")) {
		err = ward_output_stdout_new(STDOUT_FILENO, ward_config_bool(cfg, "outputs.stdout.json"),
					     &o);
		if (err)
			return ward_diag_set(diag, err, cfg_path, 0, 0, "outputs.stdout: %s",
					     ward_strerror(err));
		if ((err = push_output(p, cfg, "stdout", o, diag)))
			return err;
	}
	if (path && *path) {
		if ((err = int_key(cfg, "outputs.file.max_mb", 1, FILE_MAX_MB, &max_mb, diag)) ||
		    (err = int_key(cfg, "outputs.file.keep", 0, WARD_OUTPUT_FILE_KEEP_MAX, &keep, diag)))
			return err;
		err = ward_output_file_new(path, (uint64_t)max_mb << 20, (unsigned)keep, &o);
		if (err)
			return ward_diag_set(diag, err, cfg_path, 0, 0,
					     "outputs.file.path %s: %s", path, ward_strerror(err));
		if ((err = push_output(p, cfg, "file", o, diag)))
			return err;
	}
	if (ward_config_bool(cfg, "outputs.syslog.enabled")) {
		if (ward_syslog_facility_parse(fac, strlen(fac), &facility))
			return ward_diag_set(diag, -EINVAL, cfg_path, 0, 0,
					     "outputs.syslog.facility \"%.32s\" is not a facility (daemon, "
					     "user, auth, authpriv, local0 .. local7)", fac);
		if ((err = ward_output_syslog_new(facility, &o)))
			return ward_diag_set(diag, err, cfg_path, 0, 0, "outputs.syslog: %s",
					     ward_strerror(err));
		if ((err = push_output(p, cfg, "syslog", o, diag)))
			return err;
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
		if (!url_scheme_ok(url))
			return ward_diag_set(diag, -EINVAL, cfg_path, 0, 0,
					     "outputs.webhook.url: must be an http:// or https:// URL");
		if ((err = webhook_opts(cfg, &wo, diag)))
			return err;
		err = ward_output_webhook_new(&wo, &o);
		if (err)
			return ward_diag_set(diag, err, cfg_path, 0, 0,
					     "outputs.webhook.url: must be an http:// or https:// URL of at "
					     "most %d bytes (%s)", WARD_WEBHOOK_URL_MAX, ward_strerror(err));
		if ((err = push_output(p, cfg, "webhook", o, diag)))
			return err;
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
	/* an alert no output wants is dropped before the rate limiter and the formatter, so it
	 * neither spends a token nor counts as delivered */
	if (p->outs_cnt) {
		enum ward_priority loosest = WARD_PRIO_EMERGENCY;

		for (size_t i = 0; i < p->outs_cnt; i++)
			if (!ward_priority_at_least(p->outs_min[i], loosest))
				loosest = p->outs_min[i];
		if (ward_priority_at_least(loosest, p->min_prio))
			p->min_prio = loosest;
	}
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

		if (!ward_priority_at_least(a.priority, p->outs_min[i]))
			continue;
		if (o->write(o, &a, p->json.data, p->json.len, p->text.data, p->text.len))
			ward_metrics_output_error(p->metrics, output_kind(o));
	}
	pthread_mutex_unlock(&p->lock);
	return WARD_ALERT_SENT;
}

static void log_pending(const char *rule, const char *workload, uint64_t held, void *arg)
{
	uint64_t *total = arg;

	*total += held;
	ward_warn("alerts: rate limiting held back %llu alert(s) of rule \"%s\" (workload %s) after its "
		  "last alert", (unsigned long long)held, rule, workload);
}

static void sum_pending(const char *rule, const char *workload, uint64_t held, void *arg)
{
	(void)rule;
	(void)workload;
	*(uint64_t *)arg += held;
}

uint64_t ward_alerts_report_pending(struct ward_alerts *p)
{
	uint64_t shown = 0, all = 0;
	size_t keys;

	if (!p)
		return 0;
	pthread_mutex_lock(&p->lock);
	keys = ward_ratelimit_pending(p->rl, WARD_RL_EXIT_KEYS_MAX, log_pending, &shown);
	if (keys > WARD_RL_EXIT_KEYS_MAX) {
		ward_ratelimit_pending(p->rl, SIZE_MAX, sum_pending, &all);
		ward_warn("alerts: and %llu more held back under %zu more (rule, workload) keys",
			  (unsigned long long)(all - shown), keys - WARD_RL_EXIT_KEYS_MAX);
	} else {
		all = shown;
	}
	pthread_mutex_unlock(&p->lock);
	return all;
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
	/* detection is over: its counts go to the file before a slow webhook flush can hold
	 * them back; the stop below writes again with the flush's results */
	ward_metrics_server_write(p->msrv);
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
