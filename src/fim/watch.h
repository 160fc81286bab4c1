/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fim watch: real-time changes under the configured roots from fanotify filesystem marks
 * (FAN_REPORT_DFID_NAME: create, modify, delete, move, attribute change), each joined with
 * the writing process read from /proc at once, coalesced per path over a window, classified
 * (credentials, binaries, configuration, logs) and written as JSON lines or text, and
 * optionally handed to a callback (the alert pipeline). Not the baseline: watch reports
 * what happens, check says how the tree differs from what was recorded.
 */
#ifndef WARD_FIM_WATCH_H
#define WARD_FIM_WATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"
#include "common/err.h"
#include "fim/coalesce.h"
#include "fim/policy.h"

struct ward_fim_watch_opts {
	const struct ward_fim_policy *policy;
	bool is_json;
	int64_t window_ms;
	uint64_t max_events;     /* stop after this many (0: no limit) */
	int64_t timeout_s;       /* stop after this long (0: no limit) */
	FILE *out;               /* NULL: no own output (callback only) */
	void (*on_event)(const struct ward_fim_event *ev, void *arg);
	void *arg;
};

/* Runs until SIGINT/SIGTERM, max_events or timeout. *emitted counts events written.
 * Returns 0 or a negative error with diag (fanotify unavailable, a root not found). */
int ward_fim_watch(const struct ward_fim_watch_opts *o, uint64_t *emitted,
		   struct ward_diag *diag);

/* Formats one event as a JSON object (no newline) or a text line (no newline). */
int ward_fim_event_json(const struct ward_fim_event *ev, struct ward_buf *b);
int ward_fim_event_text(const struct ward_fim_event *ev, struct ward_buf *b);

#endif
