// SPDX-License-Identifier: Apache-2.0
/* Conversion of fim watch events to alerts (see watch_alert.h). Strings are borrowed for
 * the duration of the emit call, as the pipeline expects. */
#include "fim/watch_alert.h"

#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "fim/classify.h"
#include "fim/report.h"

int ward_fim_event_emit(struct ward_alerts *p, const struct ward_fim_event *ev)
{
	enum ward_fim_class cls = ward_fim_classify(ev->path, ev->path_len);
	char events[96] = "", output[512];
	struct ward_buf path;
	int err;

	for (unsigned i = 0; i < WARD_FIM_EV_CNT; i++) {
		if (!(ev->what & (1u << i)))
			continue;
		size_t l = strlen(events);
		snprintf(events + l, sizeof(events) - l, "%s%s", l ? "," : "", ward_fim_ev_name(1u << i));
	}
	ward_buf_init(&path, WARD_FIM_PATH_MAX * 4 + 16);
	ward_fim_text_escape(&path, ev->path, ev->path_len);
	snprintf(output, sizeof(output), "File %s changed (%s, %s x%llu) by %s (pid %d, uid %u) container=%s",
		 path.data ? path.data : "", events, ward_fim_class_name(cls),
		 (unsigned long long)ev->count, ev->who.is_known ? ev->who.comm : "?", ev->who.pid,
		 ev->who.uid, ev->who.in_container ? ev->who.container_id : "host");
	struct ward_alert_field fields[] = {
		{ "fd.name", WARD_AV_STR, { .s = path.data ? path.data : "" } },
		{ "fim.events", WARD_AV_STR, { .s = events } },
		{ "fim.count", WARD_AV_UINT, { .u = ev->count } },
		{ "fim.class", WARD_AV_STR, { .s = ward_fim_class_name(cls) } },
		{ "proc.pid", WARD_AV_INT, { .i = ev->who.pid } },
		{ "proc.name", ev->who.is_known ? WARD_AV_STR : WARD_AV_NULL, { .s = ev->who.comm } },
		{ "proc.exepath", ev->who.is_known ? WARD_AV_STR : WARD_AV_NULL, { .s = ev->who.exe } },
		{ "proc.cmdline", ev->who.is_known ? WARD_AV_STR : WARD_AV_NULL, { .s = ev->who.cmdline } },
		{ "proc.ppid", ev->who.has_ppid ? WARD_AV_INT : WARD_AV_NULL, { .i = ev->who.ppid } },
		{ "user.uid", ev->who.has_uid ? WARD_AV_UINT : WARD_AV_NULL, { .u = ev->who.uid } },
		{ "user.name", ev->who.user[0] ? WARD_AV_STR : WARD_AV_NULL, { .s = ev->who.user } },
		{ "container.id", WARD_AV_STR, { .s = ev->who.in_container ? ev->who.container_id : "host" } },
		{ "container.name", ev->who.container_name[0] ? WARD_AV_STR : WARD_AV_NULL,
		  { .s = ev->who.container_name } },
		{ "fim.who_source", WARD_AV_STR, { .s = ward_fim_who_source_name(ev->who.source) } },
	};
	static const char *const tags[] = { "fim", "filesystem" };
	struct ward_alert_proc proc = {
		.pid = (uint32_t)ev->who.pid, .name = ev->who.comm, .exepath = ev->who.exe,
		.cmdline = ev->who.cmdline,
	};
	struct ward_alert a = {
		.time_ns = ev->first_ns, .rule = "FIM change", .priority = ward_fim_class_priority(cls),
		.output = output, .fields = fields, .fields_cnt = sizeof(fields) / sizeof(fields[0]),
		.tags = tags, .tags_cnt = 2, .source = "fim",
		.container = { .id = ev->who.in_container ? ev->who.container_id : NULL,
			       .name = ev->who.container_name[0] ? ev->who.container_name : NULL },
		.ancestry = ev->who.is_known ? &proc : NULL, .ancestry_cnt = ev->who.is_known ? 1 : 0,
	};
	err = ward_alerts_emit(p, &a);
	ward_buf_free(&path);
	return err;
}
