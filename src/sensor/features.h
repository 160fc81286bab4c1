/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What this host offers the sensor, probed the way the loader needs it: kernel release,
 * BTF, the BPF program and map types and helpers the tracer uses, the process's
 * capabilities and RLIMIT_MEMLOCK. For `ward doctor`; the loader itself just tries.
 */
#ifndef WARD_SENSOR_FEATURES_H
#define WARD_SENSOR_FEATURES_H

#include <stdbool.h>
#include <stdint.h>

#define WARD_FEATURES_MAX 24
#define WARD_CAPS_CNT 8

struct ward_feature {
	const char *name;
	bool ok;
	const char *needed_for;    /* what stops working without it */
};

struct ward_cap_state {
	const char *name;          /* "CAP_BPF" */
	bool effective;
	const char *why;           /* what ward uses it for */
};

struct ward_host_features {
	char release[128];
	char version[256];
	char machine[72];
	bool btf;
	uint64_t btf_bytes;
	int feat_cnt;
	struct ward_feature feat[WARD_FEATURES_MAX];
	struct ward_cap_state caps[WARD_CAPS_CNT];
	uint64_t memlock_cur, memlock_max;   /* RLIM_INFINITY as UINT64_MAX */
	int unprivileged_bpf_disabled;       /* -1 unknown */
	int perf_event_paranoid;             /* -1 unknown (may be negative: then -2 means -1) */
};

void ward_host_features_probe(struct ward_host_features *h);

#endif
