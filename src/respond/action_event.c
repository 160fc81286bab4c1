// SPDX-License-Identifier: Apache-2.0
/*
 * The action event: what ward did (or would do, in a dry run), why, to whom, the result,
 * when and how long it took. One JSON object for the alert stream and one text line for a
 * terminal. It does not print or route anything: callers choose the output.
 */
#include "respond/respond.h"

#include "common/jsonw.h"
#include "common/timeutil.h"

#include <stdio.h>

static const char *result_word(const struct ward_action_event *ev)
{
	if (ev->dry_run)
		return "dry-run";
	if (ev->result == 0)
		return "ok";
	if (ev->result == -WARD_E_PROTECTED)
		return "refused";
	if (ev->result == -WARD_E_LIMIT)
		return "rate-limited";
	return "failed";
}

int ward_action_event_json(const struct ward_action_event *ev, struct ward_buf *out)
{
	struct ward_jw w;
	char ts[64];

	ward_jw_init(&w, out);
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "type", "action");
	ward_jw_kstr(&w, "action", ev->action);
	ward_jw_kstr(&w, "reason", ev->reason ? ev->reason : "manual");
	ward_jw_key(&w, "target");
	ward_jw_obj_begin(&w);
	if (ev->target) {
		ward_jw_kstr(&w, "kind", ev->target->kind == WARD_TARGET_PID ? "pid" : "container");
		if (ev->target->kind == WARD_TARGET_PID)
			ward_jw_kint(&w, "pid", ev->target->pid);
		if (ev->target->id[0])
			ward_jw_kstr(&w, "container_id", ev->target->id);
		if (ev->target->cgroup_id)
			ward_jw_kuint(&w, "cgroup_id", ev->target->cgroup_id);
	}
	if (ev->pid)
		ward_jw_kint(&w, "acted_pid", ev->pid);
	ward_jw_obj_end(&w);
	ward_jw_kstr(&w, "result", result_word(ev));
	if (ev->result) {
		ward_jw_kint(&w, "errno", -ev->result);
		ward_jw_kstr(&w, "error", ward_strerror(ev->result));
	}
	ward_jw_kbool(&w, "dry_run", ev->dry_run);
	ward_jw_kstr(&w, "time", ward_time_fmt(ev->time_ns, ts, sizeof(ts)));
	ward_jw_kuint(&w, "latency_ns", ev->latency_ns);
	if (ev->detail)
		ward_jw_kstr(&w, "detail", ev->detail);
	ward_jw_obj_end(&w);
	return w.err;
}

int ward_action_event_text(const struct ward_action_event *ev, struct ward_buf *out)
{
	char ts[64], who[96] = "-";

	if (ev->target)
		ward_target_describe(ev->target, who, sizeof(who));
	else if (ev->pid)
		snprintf(who, sizeof(who), "pid %d", (int)ev->pid);
	return ward_buf_printf(out, "%s %s %s: %s%s%s (%.3f ms) reason=%s%s%s",
			       ward_time_fmt(ev->time_ns, ts, sizeof(ts)), ev->action, who,
			       result_word(ev), ev->result ? ": " : "",
			       ev->result ? ward_strerror(ev->result) : "",
			       (double)ev->latency_ns / 1e6, ev->reason ? ev->reason : "manual",
			       ev->detail ? " " : "", ev->detail ? ev->detail : "");
}
