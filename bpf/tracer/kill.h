/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * What the kill-policy files share (kill.bpf.c, kill_exec.bpf.c, kill_enter.bpf.c): the
 * policy maps, the decision carried from sys_enter to sys_exit, and the matchers.
 */
#ifndef WARD_TRACER_KILL_H
#define WARD_TRACER_KILL_H

#include "tracer.h"

/* kk_ward_tgid is written by the agent with the policies: ward never kills itself, even
 * when the sensor was opened without ignore_self. */
extern __u32 kk_ward_tgid;
extern __u32 kk_rate_limit;
extern __u64 kk_rate_limited;

struct kk_sys_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WARD_KK_SYS_MAX);
	__type(key, struct ward_kk_key);
	__type(value, struct ward_kk_sys_policy);
};
extern struct kk_sys_map kk_sys SEC(".maps");

/* A decision made at sys_enter, consumed at sys_exit (and, for connect, confirmed by the
 * cgroup program in between), keyed by pid_tgid. */
enum kk_state { KK_DECIDED = 1, KK_REFUSED, KK_KILLED, KK_LIMITED };

struct kk_pend {
	__u32 rule;
	__u32 state;         /* enum kk_state */
	__u16 family;
	__u16 port;
	__u32 _pad;
	__u8 addr[16];
};

struct kk_pend_map {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct kk_pend);
};
extern struct kk_pend_map kk_pend SEC(".maps");

struct kk_keybuf_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ward_kk_key);
};
extern struct kk_keybuf_map kk_keybuf SEC(".maps");

/* 1 when the current task runs in a container (see kill.bpf.c) */
int kill__in_container(void);
/* 1 when the kill may proceed, 0 when the workload spent its budget of the minute */
int kill__charge(void);
/* the first slot of pol that holds for the current task at syscall nr: rule + 1, or 0 */
__u32 kill__sys_match(struct ward_kk_sys_policy *pol, __s64 nr, __u64 req);

static __always_inline int kk_exempt(__u32 tgid)
{
	return tgid <= 1 || tgid == kk_ward_tgid || tgid == self_tgid;
}

/* The task sits in the root of the default hierarchy: user space reports container.id
 * "host" for the empty path. */
static __always_inline int kk_at_root(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct kernfs_node *kn = BPF_CORE_READ(t, cgroups, dfl_cgrp, kn);

	return kn && !kn_parent(kn);
}

/* 1: where (lazily computed: 1 container, 0 host root, 2 neither) satisfies flags. */
static __always_inline int kk_where_ok(__u32 flags, int *where)
{
	if (!(flags & (WARD_KK_CONTAINER | WARD_KK_HOST)))
		return 1;
	if (*where < 0)
		*where = kill__in_container() ? 1 : kk_at_root() ? 0 : 2;
	if ((flags & WARD_KK_CONTAINER) && *where != 1)
		return 0;
	if ((flags & WARD_KK_HOST) && *where != 0)
		return 0;
	return 1;
}

static __always_inline int comm_eq(const char *a, const char *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;

	return x[0] == y[0] && x[1] == y[1];
}

/* Whether comm is one of the first cnt of max names in list; an empty list allows any. */
static __always_inline int comm_listed(const char (*list)[WARD_KK_COMM], __u32 cnt, int max,
				       const char *comm)
{
	if (!cnt)
		return 1;
	for (int j = 0; j < max; j++)
		if (j < cnt && comm_eq(list[j], comm))
			return 1;
	return 0;
}

static __always_inline struct ward_kk_key *kk_key_reset(__u32 kind)
{
	__u32 zero = 0;
	struct ward_kk_key *k = bpf_map_lookup_elem(&kk_keybuf, &zero);

	if (k) {
		__builtin_memset(k, 0, sizeof(*k));
		k->kind = kind;
	}
	return k;
}

/* Sends the SIGKILL to the current task and counts it. */
static __always_inline void kk_kill(void)
{
	bpf_send_signal(SIGKILL);
	__sync_fetch_and_add(&kk_kills, 1);
}

#endif
