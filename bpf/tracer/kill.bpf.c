// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * Kill policies, the common part: the maps the agent fills (src/rules/kernel_filter.c
 * decides which rules the kernel can decide exactly), where a task runs, the per-workload
 * kill budget, the matcher for syscall policies, and the checks made at syscall exit.
 * See ward_abi.h for the policy layout and which hook decides each kind.
 */
#include "kill.h"

__u32 kk_ward_tgid = 0;
__u64 kk_kills = 0;
/* bit k set while policies of kind k exist (bit WARD_KK_KIND_EXEC: exec policies); every
 * hook tests it first, so a sensor without kill policies pays one load per event.
 * kk_rate_limit is respond.rate_limit_per_min (0: unlimited). */
__u32 kk_kinds = 0;
__u32 kk_rate_limit = 0;
__u64 kk_rate_limited = 0;

struct kk_sys_map kk_sys SEC(".maps");
struct kk_pend_map kk_pend SEC(".maps");
struct kk_keybuf_map kk_keybuf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct ward_kk_rate_key);
	__type(value, struct ward_kk_rate_val);
} kk_rate SEC(".maps");

struct hex_ctx {
	const char *name;
	__u32 bad;
	__u32 _pad;
};

static long hex_step(__u32 i, void *arg)
{
	struct hex_ctx *h = arg;
	char c = h->name[i & 63];

	if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
		h->bad = 1;
		return 1;
	}
	return 0;
}

/*
 * 1 when some component of the current task's default-hierarchy cgroup path (the
 * CGROUP_DEPTH components nearest the leaf, as the exec record carries) is exactly 64
 * lowercase hex characters. ward's user-space attribution (src/events/cgroup.c) names a
 * container for every such component, so this test never says "container" where
 * container.id would say "host"; runtime-marker forms (docker-<id>.scope, ...) are not
 * recognized here and leave the decision to user space.
 */
__noinline int kill__in_container(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct kernfs_node *kn = BPF_CORE_READ(t, cgroups, dfl_cgrp, kn);
	char name[72];

	for (int i = 0; i < CGROUP_DEPTH && kn; i++) {
		struct kernfs_node *parent = kn_parent(kn);
		struct hex_ctx h = { .name = name };

		if (!parent)
			break;
		__builtin_memset(name, 0, sizeof(name));
		if (bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(kn, name)) == 65) {
			bpf_loop(64, hex_step, &h, 0);
			if (!h.bad)
				return 1;
		}
		kn = parent;
	}
	return 0;
}

/*
 * Charges one kill to the current task's workload: its v2 cgroup when it is not in the
 * root (a container, a service), else the process (tgid, start). Returns 1 when the kill
 * may proceed, 0 when the workload spent its kk_rate_limit kills of the current minute.
 */
__noinline int kill__charge(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct ward_kk_rate_key k = {};
	struct ward_kk_rate_val nv = {}, *v;
	__u64 now = bpf_ktime_get_boot_ns();
	__u32 lim = kk_rate_limit;

	if (!lim)
		return 1;
	if (kk_at_root()) {
		k.id = BPF_CORE_READ(t, tgid);
		k.start = BPF_CORE_READ(t, group_leader, start_boottime);
	} else {
		k.id = BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id);
	}
	v = bpf_map_lookup_elem(&kk_rate, &k);
	if (!v) {
		nv.window_start = now;
		nv.count = 1;
		bpf_map_update_elem(&kk_rate, &k, &nv, BPF_ANY);
		return 1;
	}
	if (now - v->window_start >= 60ull * 1000000000ull) {
		v->window_start = now;
		v->count = 1;
		return 1;
	}
	if (v->count >= lim) {
		__sync_fetch_and_add(&kk_rate_limited, 1);
		return 0;
	}
	__sync_fetch_and_add(&v->count, 1);
	return 1;
}

/* The comm compared is the thread-group leader's, as ward's process table names the
 * process; the parent is the leader's real parent's leader. */
__noinline __u32 kill__sys_match(struct ward_kk_sys_policy *pol, __s64 nr, __u64 req)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct task_struct *leader = BPF_CORE_READ(t, group_leader);
	struct task_struct *parent = BPF_CORE_READ(leader, real_parent, group_leader);
	char comm[WARD_KK_COMM] = {}, pcomm[WARD_KK_COMM] = {};
	__u32 rbit = ward_kk_req_bit(req);
	int where = -1;

	if (!pol)
		return 0;
	bpf_probe_read_kernel_str(comm, sizeof(comm), leader->comm);
	bpf_probe_read_kernel_str(pcomm, sizeof(pcomm), parent->comm);
	for (int i = 0; i < WARD_KK_PER_NAME; i++) {
		struct ward_kk_sys_rule *r = &pol->r[i];
		int ok = 0;

		if (!r->rule)
			continue;
		for (int j = 0; j < WARD_KK_SYS_NRS; j++)
			if (r->nr[j] == nr)
				ok = 1;
		if (!ok)
			continue;
		if (nr == NR_CLONE || nr == NR_CLONE3) {
			/* clone: every namespace bit the rule names (req: the clone flags) */
			if (!r->req_mask || (req & r->req_mask) != r->req_mask)
				continue;
		} else if (r->req_mask && (rbit >= 64 || !((r->req_mask >> (rbit & 63)) & 1))) {
			continue;
		}
		if (!kk_where_ok(r->flags, &where))
			continue;
		if (comm_listed(r->comm, r->comm_cnt, WARD_KK_SYS_COMMS, comm) &&
		    comm_listed(r->pcomm, r->pcomm_cnt, WARD_KK_PARENTS, pcomm))
			return r->rule;
	}
	return 0;
}

/*
 * sys_exit's part of the enter-decided kills: takes the decision for this task, sends the
 * connect SIGKILL once the cgroup program refused the connect, and flags the record.
 */
__noinline int kill__exit_pending(struct scratch *s)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct kk_pend *pd = bpf_map_lookup_elem(&kk_pend, &id);
	struct ward_ev_raw *e;

	if (!pd || !s)
		return 0;
	e = (struct ward_ev_raw *)s->data;
	if (pd->state == KK_REFUSED) {
		kk_kill();
		pd->state = KK_KILLED;
	}
	if (pd->state == KK_KILLED) {
		e->flags |= WARD_F_KERNEL_KILLED;
		e->kill_rule = pd->rule;
	} else if (pd->state == KK_LIMITED) {
		e->flags |= WARD_F_KERNEL_RATE_LIMITED;
		e->kill_rule = pd->rule;
	}
	bpf_map_delete_elem(&kk_pend, &id);
	return 0;
}

/*
 * A path just written at off in slot (open at syscall exit: the opened struct file, the
 * bytes fd.name is decoded from; exec: the new image, the bytes proc.exepath is decoded
 * from) against the kind's policies, keyed by the path. An open has completed, an exec has
 * replaced the image; either way the SIGKILL is delivered before the task returns to user
 * space, so it never sees the fd, nor runs the new image.
 */
__noinline int kill__path_check(struct scratch *s, __u64 off, __u64 slot, __u32 kind, __s64 nr)
{
	struct ward_ev_raw *e;
	struct ward_kk_sys_policy *pol;
	struct ward_kk_key *k;
	__u32 len, rule;
	__u8 fl;

	if (!s || slot >= WARD_EV_STRS)
		return 0;
	e = (struct ward_ev_raw *)s->data;
	len = e->str_len[slot];
	fl = e->str_flags[slot];
	if (!(fl & WARD_S_DENTRY) || (fl & WARD_S_TRUNC) || len == 0 || len >= WARD_KK_PATH)
		return 0;
	if (kk_exempt(e->pid))
		return 0;
	k = kk_key_reset(kind);
	if (!k)
		return 0;
	bpf_probe_read_kernel(k->obj, len & (WARD_KK_PATH - 1), &s->data[off & OFF_MASK]);
	pol = bpf_map_lookup_elem(&kk_sys, k);
	if (!pol)
		return 0;
	rule = kill__sys_match(pol, nr, 0);
	if (!rule)
		return 0;
	e->kill_rule = rule;
	if (!kill__charge()) {
		e->flags |= WARD_F_KERNEL_RATE_LIMITED;
		return 0;
	}
	kk_kill();
	e->flags |= WARD_F_KERNEL_KILLED;
	return 1;
}
