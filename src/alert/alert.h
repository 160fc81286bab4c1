/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An alert: what a matched rule reports, and how it is written out. The agent fills a
 * struct ward_alert with borrowed pointers (valid for the duration of the emit call) and the
 * serializers turn it into Falco-compatible JSON or Falco's one-line text form. Consumers of
 * Falco alerts (Falcosidekick, SIEM pipelines) see the keys they expect; everything ward adds
 * sits under one "ward" object so it never collides with Falco's.
 *
 * This header is the data model and the formats only. Delivery (stdout, file, syslog,
 * webhook), rate limiting and metrics live in pipeline.h, ratelimit.h and metrics.h.
 */
#ifndef WARD_ALERT_H
#define WARD_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/limits.h" /* WARD_PRIO_NAME_MAX, WARD_ALERT_JSON_MAX */

/* Falco's priorities. Values equal syslog levels (LOG_EMERG .. LOG_DEBUG), so a smaller value
 * is more severe and the syslog output maps them without a table. */
enum ward_priority {
	WARD_PRIO_EMERGENCY = 0,
	WARD_PRIO_ALERT = 1,
	WARD_PRIO_CRITICAL = 2,
	WARD_PRIO_ERROR = 3,
	WARD_PRIO_WARNING = 4,
	WARD_PRIO_NOTICE = 5,
	WARD_PRIO_INFORMATIONAL = 6,
	WARD_PRIO_DEBUG = 7,
};
#define WARD_PRIO_CNT 8

/* Parses a priority name, case-insensitive ("WARNING", "warning", "Warning"); "info" is
 * accepted for Informational, as Falco does. len bytes, no NUL needed. Returns 0 or
 * -EINVAL; *out is set only on success. */
int ward_priority_parse(const char *s, size_t len, enum ward_priority *out);
/* Falco's spelling ("Warning"); "Unknown" for an out-of-range value. */
const char *ward_priority_name(enum ward_priority p);
/* True when p is as severe as min or more (Warning passes a Notice threshold). */
bool ward_priority_at_least(enum ward_priority p, enum ward_priority min);

/* One output_fields value. Falco emits strings, numbers, booleans and null. */
enum ward_alert_vtype {
	WARD_AV_NULL = 0,
	WARD_AV_STR,
	WARD_AV_INT,
	WARD_AV_UINT,
	WARD_AV_DOUBLE,
	WARD_AV_BOOL,
};

struct ward_alert_field {
	const char *key;   /* "proc.name", "fd.name", "evt.arg.flags" ... */
	enum ward_alert_vtype type;
	union {
		const char *s;
		int64_t i;
		uint64_t u;
		double d;
		bool b;
	} v;
};

/* One process in the ancestry, the alerting process first, then its parent, and so on. */
struct ward_alert_proc {
	uint32_t pid;
	const char *name;
	const char *exepath;
	const char *cmdline;
};

/* A response action the rule asked for and what happened ("kill", "ok", "sent SIGKILL"). */
struct ward_alert_action {
	const char *action;
	const char *result;
	const char *detail;
};

/* The workload. id NULL, "" or "host" means a host process; the other fields may be NULL. */
struct ward_alert_container {
	const char *id;
	const char *name;
	const char *image;
	const char *pod;
	const char *ns;
};

struct ward_alert {
	uint64_t time_ns;                /* wall clock, ns since the epoch */
	const char *rule;
	enum ward_priority priority;
	const char *output;              /* the rendered output string */
	const struct ward_alert_field *fields;
	size_t fields_cnt;
	const char *const *tags;
	size_t tags_cnt;
	const char *hostname;            /* NULL: the pipeline fills in the host's name */
	const char *source;              /* NULL means "syscall" */

	/* ward's extras, under "ward" in JSON */
	struct ward_alert_container container;
	const struct ward_alert_proc *ancestry;
	size_t ancestry_cnt;
	uint64_t drops_since_last;       /* events the sensor lost since the previous alert:
					    the counter's growth, so the sum over alerts is the
					    counter exactly */
	bool is_after_drop;              /* the kernel lost records just before this event
					    (events_dropped is true even if the count is 0) */
	const struct ward_alert_action *actions;
	size_t actions_cnt;
	uint64_t suppressed;             /* set by the rate limiter: alerts of this rule and
					    workload held back since the previous one passed */
};

/* True when the alert is about a host process (no container id, or "host"). */
bool ward_alert_is_host(const struct ward_alert *a);
/* The rate-limiting workload: the container id, or the host process's exepath ("" if none). */
const char *ward_alert_workload(const struct ward_alert *a);

/* Appends one JSON object (no newline) to b. Returns 0, or -WARD_E_LIMIT (the alert would
 * pass WARD_ALERT_JSON_MAX: fields come from events, so a pathological one is refused rather
 * than grown without end) / -ENOMEM, in which case b is left with its previous length. */
int ward_alert_to_json(const struct ward_alert *a, struct ward_buf *b);
/* Appends Falco's stdout line (no newline): "05:50:00.123456789: Warning <output>", time in
 * UTC, followed by "(suppressed N)" / "(events dropped N)" notes when those are non-zero. */
int ward_alert_to_text(const struct ward_alert *a, struct ward_buf *b);

#endif
