/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The alert output interface: each output (stdout, file, syslog, webhook) is one file
 * providing a constructor that returns a struct ward_output. The pipeline formats an alert
 * once and hands every output the JSON and text forms; an output only delivers. Outputs are
 * called with the pipeline's lock held, one alert at a time.
 */
#ifndef WARD_ALERT_OUTPUT_H
#define WARD_ALERT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert/alert.h"
#include "alert/metrics.h"
#include "common/limits.h"

struct ward_output {
	const char *name;
	/* Delivers one alert. json/text are the formatted alert without a trailing newline.
	 * Returns 0 or -errno; the pipeline counts failures in metrics. Must not block on the
	 * network: a slow consumer queues and drops instead. */
	int (*write)(struct ward_output *o, const struct ward_alert *a, const char *json,
		     size_t json_len, const char *text, size_t text_len);
	/* Flushes what is pending (bounded in time) and frees the output. */
	void (*close)(struct ward_output *o);
};

/* stdout: one line per alert, text or JSON, to fd (normally STDOUT_FILENO). */
int ward_output_stdout_new(int fd, bool json, struct ward_output **out);

/* file: JSON lines appended to path; when the next line would take the file past
 * max_bytes, path becomes path.1 (path.1 -> path.2 ... up to keep) and a new file starts.
 * keep 0 discards the full file instead. */
int ward_output_file_new(const char *path, uint64_t max_bytes, unsigned keep,
			 struct ward_output **out);

/* syslog: the text form at the alert's priority, facility LOG_DAEMON, ident "ward". */
int ward_output_syslog_new(struct ward_output **out);
/* Priority to syslog level (equal by construction, clamped). */
int ward_output_syslog_level(enum ward_priority p);

/* webhook: JSON POSTed by a worker thread from a bounded queue (drop oldest when full),
 * retrying transient failures with exponential backoff. */
struct ward_webhook_opts {
	const char *url;
	size_t queue_cap;         /* 0 = 1024 */
	unsigned max_retries;     /* attempts after the first; 0 = none */
	unsigned timeout_s;       /* per request; 0 = 5 */
	unsigned backoff_min_ms;  /* first retry delay; 0 = 100 */
	unsigned backoff_max_ms;  /* cap; 0 = 5000 */
	unsigned flush_s;         /* at close, stop delivering after this long; 0 = 5 */
	struct ward_metrics *metrics; /* may be NULL */
};
int ward_output_webhook_new(const struct ward_webhook_opts *opts, struct ward_output **out);

#endif
