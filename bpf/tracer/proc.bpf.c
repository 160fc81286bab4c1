// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * Process lifecycle from the scheduler's exec/fork/exit tracepoints (BTF-typed), which see
 * the kernel's own view: bprm->filename, mm->exe_file, fs->pwd. Each runs in the context of
 * the task it reports (exec: the exec'ing task; fork: the parent; exit: the exiting task).
 */
#include "tracer.h"

/* Appends the default-hierarchy cgroup path, leaf first. */
static __always_inline __u64 put_cgroup(struct scratch *s, __u64 off, struct task_struct *p)
{
	struct ward_ev_raw *e = (struct ward_ev_raw *)s->data;
	struct kernfs_node *kn = BPF_CORE_READ(p, cgroups, dfl_cgrp, kn);
	__u64 start = off;

	for (int i = 0; i < CGROUP_DEPTH && kn; i++) {
		struct kernfs_node *parent = kn_parent(kn);
		long n;

		if (!parent || off > WARD_EV_MAX - NAME_CHUNK)
			break; /* the root node has no name worth sending */
		n = bpf_probe_read_kernel_str(&s->data[off & OFF_MASK], NAME_CHUNK,
					      BPF_CORE_READ(kn, name));
		if (n <= 0)
			break;
		off += n;
		kn = parent;
	}
	e->str_len[WARD_STR_CGROUP] = off - start;
	e->str_flags[WARD_STR_CGROUP] = WARD_S_DENTRY;
	return off;
}

/* The new image's flags: fileless, deleted, written in the container. */
static __always_inline __u32 exe_flags(struct file *exe)
{
	struct inode *ino = BPF_CORE_READ(exe, f_inode);
	__u32 fl = 0;

	if (name_is_memfd(BPF_CORE_READ(exe, f_path.dentry, d_name.name)))
		fl |= WARD_F_EXE_MEMFD;
	if (BPF_CORE_READ(ino, __i_nlink) == 0)
		fl |= WARD_F_EXE_DELETED;
	if (BPF_CORE_READ(ino, i_sb, s_magic) == OVERLAYFS_SUPER_MAGIC) {
		/* an overlay inode whose upper dentry exists was written in the container (new
		 * or copied up), i.e. not part of the image */
		struct ovl_inode *oi = container_of(ino, struct ovl_inode, vfs_inode);

		if (BPF_CORE_READ(oi, __upperdentry))
			fl |= WARD_F_EXE_UPPER;
	}
	return fl;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sched_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct scratch *s;
	struct ward_ev_raw *e;
	struct file *exe;
	unsigned long arg_start, arg_end, len;
	__u64 off, start;
	__u32 cfg_key = WARD_SC_GATE_EXEC;
	struct ward_sc_conf *c = bpf_map_lookup_elem(&sc_conf, &cfg_key);
	int enabled = c && c->enabled;
	/* the syscall that got here: execve or execveat */
	long nr = BPF_CORE_READ((struct pt_regs *)bpf_task_pt_regs(p), orig_ax);
	__u32 kk = kill__exec_check(nr);
	__u32 killed = kk & 0x7fffffff;
	/* exec-path policies need the path even when exec records are not captured, and a
	 * kill is always reported */
	int by_path = !killed && (kk_kinds & (1u << WARD_KK_K_EXEC_PATH));

	if (!enabled && !by_path && !killed)
		return 0;
	if (BPF_CORE_READ(p, tgid) == self_tgid)
		return 0;
	s = get_scratch();
	if (!s)
		return 0;
	e = (struct ward_ev_raw *)s->data;
	rec__fill_task(s, WARD_EV_EXEC, (__s16)nr);
	if (killed) {
		e->flags |= (kk >> 31) ? WARD_F_KERNEL_RATE_LIMITED : WARD_F_KERNEL_KILLED;
		e->kill_rule = killed;
	}
	off = sizeof(*e);

	exe = BPF_CORE_READ(p, mm, exe_file);
	if (exe) {
		start = off;
		off = path__put_dentry(s, off, WARD_STR_EXE, (__u64)BPF_CORE_READ(exe, f_path.dentry),
				       (__u64)BPF_CORE_READ(exe, f_path.mnt));
		if (by_path && (nr == NR_EXECVE || nr == NR_EXECVEAT))
			kill__path_check(s, start, WARD_STR_EXE, WARD_KK_K_EXEC_PATH, nr);
		e->flags |= exe_flags(exe);
	}
	if (!enabled && !(e->flags & (WARD_F_KERNEL_KILLED | WARD_F_KERNEL_RATE_LIMITED)))
		return 0;

	arg_start = BPF_CORE_READ(p, mm, arg_start);
	arg_end = BPF_CORE_READ(p, mm, arg_end);
	len = arg_end - arg_start;
	if (len > WARD_ARGV_MAX) {
		len = WARD_ARGV_MAX;
		e->str_flags[WARD_STR_ARGV] |= WARD_S_TRUNC;
	}
	if (off <= WARD_EV_MAX - WARD_ARGV_MAX && len > 0 &&
	    !bpf_probe_read_user(&s->data[off & OFF_MASK], len & (WARD_ARGV_MAX * 2 - 1),
				 (const void *)arg_start)) {
		e->str_len[WARD_STR_ARGV] = len;
		e->str_flags[WARD_STR_ARGV] |= WARD_S_LIST;
		off += len;
	}
	off = path__put_dentry(s, off, WARD_STR_CWD, (__u64)BPF_CORE_READ(p, fs, pwd.dentry),
			       (__u64)BPF_CORE_READ(p, fs, pwd.mnt));
	if (off <= WARD_EV_MAX - WARD_STR_MAX) {
		long n = bpf_probe_read_kernel_str(&s->data[off & OFF_MASK], WARD_STR_MAX,
						   BPF_CORE_READ(bprm, filename));
		if (n > 0) {
			e->str_len[WARD_STR_FILENAME] = n;
			off += n;
		}
	}
	off = put_cgroup(s, off, p);
	rec__emit(s, off);
	return 0;
}

/* The common start of a fork or exit record: its gate switch is on, the task is not ward,
 * and a scratch buffer exists. Returns the scratch with the header filled, or NULL. */
static __always_inline struct scratch *sched_record(__u32 gate, struct task_struct *t, __u16 kind)
{
	struct ward_sc_conf *c = bpf_map_lookup_elem(&sc_conf, &gate);
	struct scratch *s;

	if (!c || !c->enabled || BPF_CORE_READ(t, tgid) == self_tgid)
		return NULL;
	s = get_scratch();
	if (s)
		rec__fill_task(s, kind, -1);
	return s;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_fork, struct task_struct *parent, struct task_struct *child)
{
	struct ward_ev_raw *e;
	struct scratch *s;
	struct pt_regs *regs;
	long nr;
	int ok;

	/* threads are not processes: only a new thread group is reported */
	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		return 0;
	s = sched_record(WARD_SC_GATE_FORK, parent, WARD_EV_FORK);
	if (!s)
		return 0;
	e = (struct ward_ev_raw *)s->data;
	/* the parent is in its clone-family syscall: the flags evt.arg.flags shows */
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	nr = (long)BPF_CORE_READ(regs, orig_ax);
	e->args[0] = clone_flags_of(nr, BPF_CORE_READ(regs, di), BPF_CORE_READ(regs, si), &ok);
	e->child_pid = BPF_CORE_READ(child, tgid);
	e->child_start = BPF_CORE_READ(child, start_boottime);
	e->ret = e->child_pid;
	rec__emit(s, sizeof(*e));
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_exit, struct task_struct *p)
{
	struct scratch *s;

	if (BPF_CORE_READ(p, pid) != BPF_CORE_READ(p, tgid))
		return 0;
	s = sched_record(WARD_SC_GATE_EXIT, p, WARD_EV_EXIT);
	if (!s)
		return 0;
	((struct ward_ev_raw *)s->data)->exit_code = BPF_CORE_READ(p, exit_code);
	rec__emit(s, sizeof(struct ward_ev_raw));
	return 0;
}
