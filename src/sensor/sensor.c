// SPDX-License-Identifier: Apache-2.0
/*
 * Backend selection. auto tries eBPF and falls back to the proc connector + fanotify
 * backend, saying once, at start, which one runs and what is missing.
 */
#include "sensor/sensor.h"
#include "common/err.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "sensor/report.h"
#include "sensor/sensor_bpf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ward_sensor {
	enum ward_backend backend;
	struct ward_bpf_sensor *bpf;
	struct ward_fallback *fb;
	char describe[1024];
	uint64_t fb_events;
	struct ward_sensor_report rep;
};

int ward_sensor_open(const struct ward_sensor_opts *opts, struct ward_sensor **out)
{
	struct ward_sensor *s = ward_xcalloc(1, sizeof(*s));
	char why_bpf[256] = "", why_fb[256] = "";
	int err = -ENOTSUP;

	if (opts->backend != WARD_BACKEND_FALLBACK) {
		err = ward_bpf_sensor_open(opts, &s->bpf, why_bpf, sizeof(why_bpf), &s->rep);
		if (!err) {
			s->backend = WARD_BACKEND_BPF;
			snprintf(s->describe, sizeof(s->describe), "%s", why_bpf);
			snprintf(s->rep.describe, sizeof(s->rep.describe), "%s", s->describe);
			if (s->rep.off[0])
				ward_warn("sensor: %s", s->describe);
			else
				ward_info("sensor: %s", s->describe);
			*out = s;
			return 0;
		}
		if (opts->backend == WARD_BACKEND_BPF) {
			ward_err("sensor: eBPF backend unavailable: %s (run 'ward doctor' for details)",
				 why_bpf);
			free(s);
			return err;
		}
	}
	err = ward_fallback_open(&s->fb, why_fb, sizeof(why_fb));
	if (err) {
		ward_err("sensor: no backend could start. eBPF: %s. fallback: %s",
			 why_bpf[0] ? why_bpf : "not tried", why_fb);
		free(s);
		return err;
	}
	s->backend = WARD_BACKEND_FALLBACK;
	snprintf(s->describe, sizeof(s->describe), "fallback (eBPF unavailable: %s): %s%s",
		 why_bpf[0] ? why_bpf : "not requested", why_fb,
		 why_bpf[0] ? " (run 'ward doctor' for details)" : "");
	s->rep.backend = "fallback";
	snprintf(s->rep.why_fallback, sizeof(s->rep.why_fallback), "%s",
		 why_bpf[0] ? why_bpf : "sensor.backend is fallback");
	snprintf(s->rep.describe, sizeof(s->rep.describe), "%s", s->describe);
	ward_warn("sensor: %s", s->describe);
	*out = s;
	return 0;
}

void ward_sensor_get_report(const struct ward_sensor *s, struct ward_sensor_report *r)
{
	*r = s->rep;
	if (s->bpf) {
		/* hooks change as kill policies come and go */
		ward_bpf_sensor_report(s->bpf, r);
		snprintf(r->describe, sizeof(r->describe), "%s", s->describe);
	}
}

void ward_sensor_detach(struct ward_sensor *s)
{
	if (s->bpf)
		ward_bpf_sensor_detach(s->bpf);
}

void ward_sensor_close(struct ward_sensor *s)
{
	if (!s)
		return;
	ward_bpf_sensor_close(s->bpf);
	if (s->fb)
		ward_fallback_close(s->fb);
	free(s);
}

struct fb_count {
	ward_record_fn fn;
	void *arg;
	uint64_t *events;
};

static int fb_counted(const void *rec, size_t len, void *arg)
{
	struct fb_count *c = arg;

	(*c->events)++;
	return c->fn(rec, len, c->arg);
}

int ward_sensor_poll(struct ward_sensor *s, int timeout_ms, ward_record_fn fn, void *arg)
{
	struct fb_count c = { fn, arg, &s->fb_events };

	if (s->bpf)
		return ward_bpf_sensor_poll(s->bpf, timeout_ms, fn, arg);
	return ward_fallback_poll(s->fb, timeout_ms, fb_counted, &c);
}

int ward_sensor_set_syscalls(struct ward_sensor *s, const bool *enabled)
{
	if (s->bpf)
		return ward_bpf_sensor_set_syscalls(s->bpf, enabled);
	return -WARD_E_UNSUPPORTED; /* the fallback cannot filter in the kernel */
}

int ward_sensor_set_kill_policies(struct ward_sensor *s, const struct ward_sensor_kill_entry *entries,
				  size_t cnt, uint32_t ward_tgid)
{
	/* the fallback backend sees an exec only after it happened: nothing to enforce there */
	if (!s->bpf)
		return cnt ? -ENOTSUP : 0;
	return ward_bpf_sensor_set_kill_policies(s->bpf, entries, cnt, ward_tgid);
}

uint64_t ward_sensor_kernel_kills(struct ward_sensor *s)
{
	return s->bpf ? ward_bpf_sensor_kernel_kills(s->bpf) : 0;
}

uint64_t ward_sensor_kernel_kills_limited(struct ward_sensor *s)
{
	return s->bpf ? ward_bpf_sensor_kernel_kills_limited(s->bpf) : 0;
}

int ward_sensor_set_sys_kill_policies(struct ward_sensor *s,
				      const struct ward_sensor_sys_kill_entry *entries, size_t cnt,
				      uint32_t *unavailable)
{
	*unavailable = 0;
	if (!s->bpf)
		return cnt ? -ENOTSUP : 0;
	return ward_bpf_sensor_set_sys_kill_policies(s->bpf, entries, cnt, unavailable);
}

int ward_sensor_set_kill_rate(struct ward_sensor *s, uint32_t per_min)
{
	if (!s->bpf)
		return -ENOTSUP;
	ward_bpf_sensor_set_kill_rate(s->bpf, per_min);
	return 0;
}

void ward_sensor_get_stats(struct ward_sensor *s, struct ward_sensor_stats *st)
{
	if (s->bpf) {
		ward_bpf_sensor_stats(s->bpf, st);
		return;
	}
	memset(st, 0, sizeof(*st));
	st->ncpu = 1;
	st->events = st->events_cpu[0] = s->fb_events;
}

const char *ward_sensor_backend_name(const struct ward_sensor *s)
{
	return s->backend == WARD_BACKEND_BPF ? "ebpf" : "fallback";
}

const char *ward_sensor_describe(const struct ward_sensor *s)
{
	return s->describe;
}

