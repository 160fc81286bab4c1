/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the sensor knows about how it started, for `ward doctor` and the start-up line: the
 * backend, each BPF program (loaded or refused, verified instructions, load time, hooks,
 * the events it serves) and what is off because of a refusal.
 */
#ifndef WARD_SENSOR_REPORT_H
#define WARD_SENSOR_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WARD_SENSOR_PROGS_MAX 16

struct ward_sensor_prog {
	char name[32];
	bool loaded;
	uint32_t verified_insns;   /* bpf_prog_info.verified_insns; 0 when not loaded */
	double load_ms;            /* time the kernel took to verify and load it */
	char hooks[128];           /* what it is attached to, now */
	const char *serves;        /* the events or kills it provides */
	char error[192];           /* why the kernel refused it, when it did */
};

struct ward_sensor_report {
	const char *backend;       /* "ebpf" or "fallback" */
	char describe[1024];       /* the start-up line */
	char off[256];             /* what is off because programs were refused; "" = nothing */
	char why_fallback[512];    /* when the fallback runs: why eBPF could not */
	double load_ms;            /* the whole object: open, verify, load */
	unsigned attempts;         /* loads tried (1 + programs left out after a refusal) */
	size_t progs_cnt;
	struct ward_sensor_prog progs[WARD_SENSOR_PROGS_MAX];
};

struct ward_sensor;
void ward_sensor_get_report(const struct ward_sensor *s, struct ward_sensor_report *r);

#endif
