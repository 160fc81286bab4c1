// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * The syscall program: one table-driven program (sys_exit) attached to the exit tracepoint
 * of every syscall ward knows. The per-syscall map sc_conf says whether it is captured and
 * where its path, sockaddr and fd arguments are. Arguments are read from the task's saved
 * registers at exit, so no entry program or in-flight map is needed.
 */
#include "tracer.h"

static __always_inline long dirfd_of(__u8 arg, __u64 *args)
{
	return arg < 6 ? (long)(int)args[arg & 7] : AT_FDCWD;
}

SEC("tracepoint")
int sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct task_struct *t;
	struct ward_sc_conf *c;
	struct ward_ev_raw *e;
	struct scratch *s;
	struct pt_regs *regs;
	__u64 args[8] = {};
	__u32 key;
	__u64 off, str_off;
	__u8 pa, pb, ax, sa, fa;
	long ret = ctx->ret;
	__u32 pend_flags = 0, pend_rule = 0;

	key = (__u32)ctx->id;
	c = bpf_map_lookup_elem(&sc_conf, &key);
	if (!c)
		return 0;
	/* a kill decided at sys_enter is completed (connect) and consumed here, whether or
	 * not the syscall is captured */
	if (kk_kinds > (1u << WARD_KK_KIND_EXEC) && kk_kind_of(key) &&
	    (kk_kinds & (1u << kk_kind_of(key)))) {
		s = get_scratch();
		if (!s)
			return 0;
		e = (struct ward_ev_raw *)s->data;
		e->flags = 0;
		e->kill_rule = 0;
		kill__exit_pending(s);
		pend_flags = e->flags & (WARD_F_KERNEL_KILLED | WARD_F_KERNEL_RATE_LIMITED);
		pend_rule = e->kill_rule;
	}
	if (!c->enabled)
		return 0;
	if ((bpf_get_current_pid_tgid() >> 32) == self_tgid)
		return 0;
	/* a successful exec is reported by sched_process_exec with the new image */
	if (c->kind == WARD_EV_EXEC && ret == 0)
		return 0;
	s = get_scratch();
	if (!s)
		return 0;
	t = bpf_get_current_task_btf();
	regs = (struct pt_regs *)bpf_task_pt_regs(t);
	args[0] = BPF_CORE_READ(regs, di);
	args[1] = BPF_CORE_READ(regs, si);
	args[2] = BPF_CORE_READ(regs, dx);
	args[3] = BPF_CORE_READ(regs, r10);
	args[4] = BPF_CORE_READ(regs, r8);
	args[5] = BPF_CORE_READ(regs, r9);
	/* openat2 passes its flags in struct open_how; record them in place of the pointer */
	if (key == WARD_SC_OPENAT2 && args[2])
		bpf_probe_read_user(&args[2], sizeof(__u64), (const void *)args[2]);

	pa = c->path_arg;
	pb = c->path2_arg;
	ax = c->aux_str_arg;
	sa = c->sa_arg;
	fa = c->fd_arg;
	e = (struct ward_ev_raw *)s->data;
	rec__fill_task(s, c->kind, (__s16)key);
	e->ret = ret;
	if (ret < 0)
		e->flags |= WARD_F_FAILED;
	e->flags |= pend_flags;
	e->kill_rule = pend_rule;
	for (int i = 0; i < 6; i++)
		e->args[i] = args[i];
	off = sizeof(*e);

	if (pa < 6) {
		str_off = off;
		off = path__put_user_str(s, off, WARD_STR_PATH, args[pa & 7], WARD_STR_MAX);
		if (c->path_dirfd != WARD_ARG_NONE)
			off = path__put_base(s, off, str_off, WARD_STR_BASE,
					     dirfd_of(c->path_dirfd, args));
	}
	if (pb < 6) {
		str_off = off;
		off = path__put_user_str(s, off, WARD_STR_PATH2, args[pb & 7], WARD_STR_MAX);
		if (c->path2_dirfd != WARD_ARG_NONE)
			off = path__put_base(s, off, str_off, WARD_STR_BASE2,
					     dirfd_of(c->path2_dirfd, args));
	}
	if (ax < 6)
		off = path__put_user_str(s, off, WARD_STR_AUX, args[ax & 7], WARD_STR_MAX);
	if (sa < 5)
		off = sock__put_user_addr(s, off, c->kind == WARD_EV_BIND ? 0 : 1, args[sa & 7],
					  (__s64)args[(sa + 1) & 7]);
	if (c->ret_fd && ret >= 0) {
		str_off = off;
		off = fd__describe(s, off, (__u64)fd_file(ret), c->aux_fd_path);
		if (c->kind == WARD_EV_OPEN && (kk_kinds & (1u << WARD_KK_K_OPEN)))
			kill__path_check(s, str_off, WARD_STR_AUX, WARD_KK_K_OPEN, key);
	} else if (fa < 6) {
		/* the kernel's view of the socket wins, except that a failed connect leaves no
		 * peer there: then the address the caller asked for is the one to report */
		struct ward_sa asked = e->remote;

		off = fd__describe(s, off, (__u64)fd_file((long)(int)args[fa & 7]),
				   c->aux_fd_path && c->aux_str_arg == WARD_ARG_NONE);
		if (c->kind == WARD_EV_CONNECT && asked.family && e->remote.port == 0)
			e->remote = asked;
	}
	rec__emit(s, off);
	return 0;
}
