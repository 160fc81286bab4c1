// SPDX-License-Identifier: Apache-2.0
/*
 * Alert formats: Falco-compatible JSON (Falco's eight keys plus a "ward" object) and Falco's
 * one-line stdout text. Writes into a caller's bounded buffer with the streaming JSON writer,
 * so formatting allocates nothing once the buffer has grown. Not delivery: see output_*.c.
 */
#include "alert/alert.h"
#include "common/err.h"
#include "common/jsonw.h"
#include "common/timeutil.h"

#include <string.h>
#include <time.h>

bool ward_alert_is_host(const struct ward_alert *a)
{
	const char *id = a->container.id;

	return !id || !id[0] || strcmp(id, "host") == 0;
}

const char *ward_alert_workload(const struct ward_alert *a)
{
	if (!ward_alert_is_host(a))
		return a->container.id;
	if (a->ancestry_cnt && a->ancestry[0].exepath)
		return a->ancestry[0].exepath;
	return "";
}

/* Strings in the Falco part are never null: consumers index them without checks. */
static void kstr_or_empty(struct ward_jw *w, const char *key, const char *s)
{
	ward_jw_kstr(w, key, s ? s : "");
}

static void write_field(struct ward_jw *w, const struct ward_alert_field *f)
{
	ward_jw_key(w, f->key ? f->key : "");
	switch (f->type) {
	case WARD_AV_STR: ward_jw_str(w, f->v.s); break; /* NULL string -> null */
	case WARD_AV_INT: ward_jw_int(w, f->v.i); break;
	case WARD_AV_UINT: ward_jw_uint(w, f->v.u); break;
	case WARD_AV_DOUBLE: ward_jw_double(w, f->v.d); break;
	case WARD_AV_BOOL: ward_jw_bool(w, f->v.b); break;
	default: ward_jw_null(w); break;
	}
}

static void write_ward(struct ward_jw *w, const struct ward_alert *a)
{
	const struct ward_alert_container *c = &a->container;
	bool host = ward_alert_is_host(a);

	ward_jw_key(w, "ward");
	ward_jw_obj_begin(w);

	ward_jw_key(w, "container");
	ward_jw_obj_begin(w);
	kstr_or_empty(w, "id", host ? "host" : c->id);
	kstr_or_empty(w, "name", host ? "host" : c->name);
	kstr_or_empty(w, "image", c->image);
	kstr_or_empty(w, "pod", c->pod);
	kstr_or_empty(w, "namespace", c->ns);
	ward_jw_obj_end(w);

	ward_jw_key(w, "ancestry");
	ward_jw_arr_begin(w);
	for (size_t i = 0; i < a->ancestry_cnt; i++) {
		const struct ward_alert_proc *p = &a->ancestry[i];

		ward_jw_obj_begin(w);
		ward_jw_kuint(w, "pid", p->pid);
		kstr_or_empty(w, "name", p->name);
		kstr_or_empty(w, "exepath", p->exepath);
		kstr_or_empty(w, "cmdline", p->cmdline);
		ward_jw_obj_end(w);
	}
	ward_jw_arr_end(w);

	ward_jw_kbool(w, "events_dropped", a->drops_since_last > 0 || a->is_after_drop);
	ward_jw_kuint(w, "drops_since_last", a->drops_since_last);
	ward_jw_kuint(w, "suppressed", a->suppressed);

	ward_jw_key(w, "actions");
	ward_jw_arr_begin(w);
	for (size_t i = 0; i < a->actions_cnt; i++) {
		const struct ward_alert_action *x = &a->actions[i];

		ward_jw_obj_begin(w);
		kstr_or_empty(w, "action", x->action);
		kstr_or_empty(w, "result", x->result);
		kstr_or_empty(w, "detail", x->detail);
		ward_jw_obj_end(w);
	}
	ward_jw_arr_end(w);

	ward_jw_obj_end(w);
}

int ward_alert_to_json(const struct ward_alert *a, struct ward_buf *b)
{
	size_t start = b->len, saved_max = b->max;
	struct ward_jw w;
	char ts[48];

	/* cap this alert's share of the buffer without changing the caller's limit for good */
	if (b->max == 0 || b->max - start > WARD_ALERT_JSON_MAX)
		b->max = start + WARD_ALERT_JSON_MAX;
	ward_jw_init(&w, b);
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "time", ward_time_fmt(a->time_ns, ts, sizeof(ts)));
	kstr_or_empty(&w, "rule", a->rule);
	ward_jw_kstr(&w, "priority", ward_priority_name(a->priority));
	kstr_or_empty(&w, "output", a->output);

	ward_jw_key(&w, "output_fields");
	ward_jw_obj_begin(&w);
	for (size_t i = 0; i < a->fields_cnt; i++)
		write_field(&w, &a->fields[i]);
	ward_jw_obj_end(&w);

	ward_jw_key(&w, "tags");
	ward_jw_arr_begin(&w);
	for (size_t i = 0; i < a->tags_cnt; i++)
		ward_jw_str(&w, a->tags[i] ? a->tags[i] : "");
	ward_jw_arr_end(&w);

	kstr_or_empty(&w, "hostname", a->hostname);
	kstr_or_empty(&w, "source", a->source ? a->source : "syscall");
	write_ward(&w, a);
	ward_jw_obj_end(&w);

	b->max = saved_max;
	if (w.err) {
		b->len = start;
		if (b->data)
			b->data[start] = '\0';
		return w.err;
	}
	return 0;
}

/* The output string carries event data (command lines, file names). A newline in it would
 * let a process forge a second, fake alert line in text logs, so control bytes become '?'. */
static int append_one_line(struct ward_buf *b, const char *s)
{
	size_t len = strlen(s);
	int err = ward_buf_reserve(b, len);

	if (err)
		return err;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		b->data[b->len++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	b->data[b->len] = '\0';
	return 0;
}

int ward_alert_to_text(const struct ward_alert *a, struct ward_buf *b)
{
	size_t start = b->len;
	time_t secs = (time_t)(a->time_ns / 1000000000ull);
	struct tm tm;
	int err;

	gmtime_r(&secs, &tm);
	err = ward_buf_printf(b, "%02d:%02d:%02d.%09llu: %s ", tm.tm_hour, tm.tm_min, tm.tm_sec,
			      (unsigned long long)(a->time_ns % 1000000000ull),
			      ward_priority_name(a->priority));
	if (!err && a->output)
		err = append_one_line(b, a->output);
	if (!err && a->suppressed)
		err = ward_buf_printf(b, " (suppressed %llu)", (unsigned long long)a->suppressed);
	if (!err && a->drops_since_last)
		err = ward_buf_printf(b, " (events dropped %llu)",
				      (unsigned long long)a->drops_since_last);
	else if (!err && a->is_after_drop)
		err = ward_buf_puts(b, " (events dropped)");
	if (err) {
		b->len = start;
		if (b->data)
			b->data[start] = '\0';
	}
	return err;
}
