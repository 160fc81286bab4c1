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

/* syslog: the text form at the alert's priority, ident "ward", facility a LOG_* facility
 * value (LOG_DAEMON unless outputs.syslog.facility says otherwise). */
int ward_output_syslog_new(int facility, struct ward_output **out);
/* Facility name (daemon, user, auth, authpriv, local0 .. local7; case-insensitive) to its
 * LOG_* value in *out. Returns 0 or -EINVAL. */
int ward_syslog_facility_parse(const char *s, size_t len, int *out);
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
	/* Extra request headers, each "Name: value" that ward_webhook_header_check accepts;
	 * copied. At most WARD_WEBHOOK_HEADERS_MAX. */
	const char *const *headers;
	size_t headers_cnt;
	const char *user_agent;   /* NULL or "" = "ward/VERSION" */
	/* TLS (https only; NULL or "" = libcurl's default). ca_cert/ca_path verify the server
	 * instead of the system store; client_cert (+ client_key when the key is not in the
	 * same PEM file) is presented for mutual TLS. */
	const char *ca_cert, *ca_path, *client_cert, *client_key;
	bool insecure;            /* skip server verification (warned about at start) */
};
int ward_output_webhook_new(const struct ward_webhook_opts *opts, struct ward_output **out);

/* Checks one configured header line s[0..len) ("Name: value": token name, non-empty value,
 * no CR/LF or other control characters, not a header ward sets itself). Returns 0 with
 * *name_len (may be NULL) = length of the name, or -WARD_E_SYNTAX/-WARD_E_LIMIT with *why
 * (may be NULL) = a static reason that never quotes the value. */
int ward_webhook_header_check(const char *s, size_t len, size_t *name_len, const char **why);

#endif
