/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fim watch: real-time changes under the configured roots from fanotify filesystem marks
 * (FAN_REPORT_DFID_NAME: create, modify, delete, move, attribute change), each joined with
 * the writing process (from the eBPF sensor's syscall records when it runs, who_sensor.c;
 * else from /proc at once), coalesced per path over a window, classified
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

struct ward_config;

struct ward_fim_watch_opts {
	const struct ward_fim_policy *policy;
	/* who-data from the eBPF sensor (who_sensor.c) when cfg is set and it loads; else
	 * from /proc at event time, said once at start */
	const struct ward_config *cfg;
	bool no_sensor;
	bool require_sensor;     /* fail instead of falling back to /proc */
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

/*
 * The pieces of the watch loop, for drivers other than ward_fim_watch's own poll loop
 * (who_sensor.c drives them from the sensor session's tick). Not thread-safe.
 */
struct ward_fim_watcher;

/* Who-data hooks: arrival runs when the first change to a path in a window is read (the
 * writer may exit any moment), before_emit right before the event is written; hold_ns
 * delays emission past the window so late sensor records can still be joined. Without
 * hooks, who-data is read from /proc on arrival. */
struct ward_fim_who_hooks {
	void (*arrival)(struct ward_fim_event *ev, void *arg);
	void (*before_emit)(struct ward_fim_event *ev, void *arg);
	void *arg;
	uint64_t hold_ns;
};

/* Initializes fanotify and marks every root's filesystem. Returns 0 or -errno with diag. */
int ward_fim_watcher_open(const struct ward_fim_watch_opts *o, struct ward_fim_watcher **out,
			  struct ward_diag *diag);
void ward_fim_watcher_free(struct ward_fim_watcher *w);
void ward_fim_watcher_set_hooks(struct ward_fim_watcher *w, const struct ward_fim_who_hooks *h);
int ward_fim_watcher_fd(const struct ward_fim_watcher *w);
/* Reads every fanotify record available now (never blocks) into the coalescer. */
void ward_fim_watcher_read(struct ward_fim_watcher *w);
/* Emits entries whose window (plus hold) ended by now_ns; every entry with force. */
void ward_fim_watcher_flush(struct ward_fim_watcher *w, uint64_t now_ns, bool force);
/* Milliseconds until the next entry is due (at most max_ms). */
int ward_fim_watcher_timeout_ms(const struct ward_fim_watcher *w, uint64_t now_ns, int max_ms);
/* True once opts.max_events were emitted. */
bool ward_fim_watcher_is_full(const struct ward_fim_watcher *w);
uint64_t ward_fim_watcher_emitted(const struct ward_fim_watcher *w);
/* The "watching ..." line on stderr that tells users (and tests) events now flow. */
void ward_fim_watcher_announce(const struct ward_fim_watcher *w, const char *who_note);

/* who_sensor.c: runs the watcher inside an eBPF sensor session, who-data joined from the
 * sensor. Returns 0, a negative error with diag, or -ENOTSUP (diag says why) when the
 * sensor could not start before anything was watched: the caller falls back. */
int ward_fim_watch_sensor(struct ward_fim_watcher *w, const struct ward_fim_watch_opts *o,
			  struct ward_diag *diag);

/* Formats one event as a JSON object (no newline) or a text line (no newline). */
int ward_fim_event_json(const struct ward_fim_event *ev, struct ward_buf *b);
int ward_fim_event_text(const struct ward_fim_event *ev, struct ward_buf *b);

#endif
