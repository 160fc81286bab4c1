/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sensor: where raw event records come from. The eBPF backend is preferred; when it
 * cannot load, the fallback backend (netlink proc connector for process events, fanotify for
 * file events) produces records of the same format with fewer fields, and the sensor says
 * once at start which backend runs and what is missing. Everything downstream (decoder,
 * rules, capture files) sees only struct ward_ev_raw records.
 */
#ifndef WARD_SENSOR_H
#define WARD_SENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "events/record.h"
#include "ward_abi.h"

enum ward_backend { WARD_BACKEND_AUTO, WARD_BACKEND_BPF, WARD_BACKEND_FALLBACK };

struct ward_sensor_opts {
	enum ward_backend backend;
	size_t ring_kb;           /* per CPU, power of two */
	bool ignore_self;         /* drop events of this process */
	bool batch_exec;          /* exec records do not wake the reader (sensor.exec_wakeup false) */
	const bool *syscalls;     /* WARD_SC_MAX flags; NULL = every syscall ward knows */
};

struct ward_sensor_stats {
	uint64_t events;          /* records delivered */
	uint64_t drops;           /* records lost, all CPUs */
	uint32_t ncpu;
	uint64_t drops_cpu[256];  /* per CPU (first ncpu) */
	uint64_t events_cpu[256];
};

struct ward_sensor;

int ward_sensor_open(const struct ward_sensor_opts *opts, struct ward_sensor **out);
void ward_sensor_close(struct ward_sensor *s);
/* Stops producing records (programs detached), so a final poll drains everything and the
 * counters that follow are exact. */
void ward_sensor_detach(struct ward_sensor *s);
/* Waits up to timeout_ms for records and hands each to fn. Returns records handled or -errno
 * (-EINTR when a signal arrived). */
int ward_sensor_poll(struct ward_sensor *s, int timeout_ms, ward_record_fn fn, void *arg);
/* Replaces the set of captured syscalls at run time (flags indexed by syscall number). */
int ward_sensor_set_syscalls(struct ward_sensor *s, const bool *enabled);
void ward_sensor_get_stats(struct ward_sensor *s, struct ward_sensor_stats *st);

/* One comm's in-kernel kill policies (kernel map kk_exec; see ward_abi.h). */
struct ward_sensor_kill_entry {
	char comm[WARD_KK_COMM];        /* NUL-padded */
	struct ward_kk_policy pol;
};
/*
 * Replaces the exec kill policies with entries[0..cnt) (cnt 0 removes them all) and tells
 * the kernel which process is ward (never killed, nor host pid 1). New entries are written
 * before stale ones are removed, so a reload never opens a gap for comms in both sets.
 * Returns 0, -ENOTSUP on the fallback backend, -E2BIG past WARD_KK_MAP_MAX, or -errno.
 */
int ward_sensor_set_kill_policies(struct ward_sensor *s, const struct ward_sensor_kill_entry *entries,
				  size_t cnt, uint32_t ward_tgid);
/* Kills the kernel performed since the sensor opened (0 on the fallback backend). */
uint64_t ward_sensor_kernel_kills(struct ward_sensor *s);
/* Kills the kernel skipped because the workload's budget was spent. */
uint64_t ward_sensor_kernel_kills_limited(struct ward_sensor *s);

/* One kill policy at a syscall other than exec (kernel map kk_sys; see ward_abi.h). */
struct ward_sensor_sys_kill_entry {
	struct ward_kk_key key;
	struct ward_kk_sys_policy pol;
};
/*
 * Replaces the kill policies at other syscalls with entries[0..cnt). The hooks a kind needs
 * are attached on its first policy and detached when it has none left: sys_enter tracepoints
 * (connect, ptrace, setns, unshare, init_module/finit_module) and, for connect, cgroup
 * connect4/connect6 programs on the root of the cgroup v2 hierarchy (bpf_link: they go away
 * with the sensor). Open policies need no hook (the syscall exit program decides). Kinds
 * whose hook this kernel lacks are left without policies; their bits (1 << kind) go to
 * *unavailable. Returns 0, -ENOTSUP on the fallback backend, -E2BIG, or -errno.
 */
int ward_sensor_set_sys_kill_policies(struct ward_sensor *s,
				      const struct ward_sensor_sys_kill_entry *entries, size_t cnt,
				      uint32_t *unavailable);
/* Kernel kills per workload per minute (0: unlimited); past it the kernel flags the event
 * WARD_F_KERNEL_RATE_LIMITED instead of killing. */
int ward_sensor_set_kill_rate(struct ward_sensor *s, uint32_t per_min);
const char *ward_sensor_backend_name(const struct ward_sensor *s);
/* One line: what runs and what is off ("ebpf: 52 syscalls, per-CPU ring buffers x2"). */
const char *ward_sensor_describe(const struct ward_sensor *s);

/* Syscall catalog: what ward can capture and how (src/sensor/syscalls.c). */
struct ward_syscall_def {
	const char *name;
	int nr;                      /* x86_64 */
	struct ward_sc_conf conf;    /* enabled is filled at load */
	const char *tp;              /* tracepoint name when it differs (umount2 → umount) */
};
extern const struct ward_syscall_def ward_syscalls[];
extern const size_t ward_syscalls_cnt;

/* The fallback backend (src/sensor/fallback*.c). */
struct ward_fallback;
/* Opens what works of proc connector and fanotify; why gets a human summary of what is off. */
int ward_fallback_open(struct ward_fallback **out, char *why, size_t why_len);
int ward_fallback_poll(struct ward_fallback *f, int timeout_ms, ward_record_fn fn, void *arg);
void ward_fallback_close(struct ward_fallback *f);

#endif
