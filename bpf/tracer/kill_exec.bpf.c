// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * Kill policies at exec, keyed by the new image's comm (map kk_exec, see ward_abi.h).
 * Decided in sched_process_exec, in the exec'ing task's context, before the new image
 * executes an instruction: bpf_send_signal targets current, so the SIGKILL is pending when
 * the syscall returns and the task dies there.
 */
#include "kill.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WARD_KK_MAP_MAX);
	__type(key, char[WARD_KK_COMM]);
	__type(value, struct ward_kk_policy);
} kk_exec SEC(".maps");

/* What an exec's policies test, computed once (where and memfd lazily: -1 until needed).
 * No padding: it is passed to a global function, whose memory the verifier wants
 * initialised. */
struct kk_exec_ctx {
	char pcomm[WARD_KK_COMM]; /* compared as two u64 */
	__u32 sc;
	__s32 where;
	__s32 memfd;
	__u32 _pad;
};

/* The first slot of pol that holds for this exec: its rule index + 1, or 0. */
__noinline __u32 kill__exec_match(struct ward_kk_policy *pol, struct kk_exec_ctx *x)
{
	struct task_struct *t = bpf_get_current_task_btf();
	int where;

	if (!pol || !x)
		return 0;
	where = x->where;
	for (int i = 0; i < WARD_KK_PER_NAME; i++) {
		struct ward_kk_rule *r = &pol->r[i];

		if (!r->rule || !(r->flags & x->sc))
			continue;
		if (!kk_where_ok(r->flags, &where))
			continue;
		if (r->flags & WARD_KK_MEMFD) {
			if (x->memfd < 0)
				x->memfd = name_is_memfd(BPF_CORE_READ(t, mm, exe_file, f_path.dentry,
								       d_name.name));
			if (!x->memfd)
				continue;
		}
		if (comm_listed(r->pcomm, r->pcomm_cnt, WARD_KK_PARENTS, x->pcomm)) {
			x->where = where;
			return r->rule;
		}
	}
	x->where = where;
	return 0;
}

/*
 * Decides the kill policies for the exec that just replaced the current task's image.
 * Policies are found under the new comm and, for rules that name no comm (memfd execs),
 * under the empty comm. Returns the matching rule's index + 1 (0: none), with bit 31 set
 * when the workload's kill budget was spent (then nothing is sent).
 */
__noinline __u32 kill__exec_check(__s64 nr)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct task_struct *parent;
	char comm[WARD_KK_COMM] = {};
	char none[WARD_KK_COMM] = {};
	struct kk_exec_ctx x;
	__u32 tgid = t->tgid, rule;

	if (!(kk_kinds & (1u << WARD_KK_KIND_EXEC)))
		return 0;
	if (kk_exempt(tgid))
		return 0;
	__builtin_memset(&x, 0, sizeof(x));
	if (nr == NR_EXECVE)
		x.sc = WARD_KK_EXECVE;
	else if (nr == NR_EXECVEAT)
		x.sc = WARD_KK_EXECVEAT;
	else
		return 0;
	x.where = -1;
	x.memfd = -1;
	bpf_probe_read_kernel_str(comm, sizeof(comm), t->comm);
	/* the parent process as user space's table knows it: its thread-group leader */
	parent = BPF_CORE_READ(t, real_parent, group_leader);
	bpf_probe_read_kernel_str(x.pcomm, sizeof(x.pcomm), parent->comm);
	rule = kill__exec_match(bpf_map_lookup_elem(&kk_exec, comm), &x);
	if (!rule)
		rule = kill__exec_match(bpf_map_lookup_elem(&kk_exec, none), &x);
	if (!rule)
		return 0;
	if (!kill__charge())
		return rule | (1u << 31);
	kk_kill();
	return rule;
}
