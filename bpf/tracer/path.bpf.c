// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * Path strings: dentry walks (paths the kernel already resolved: an fd's struct file, the
 * exe, the cwd), user strings (a syscall's path argument as the caller passed it) and the
 * directory a relative path is resolved against.
 *
 * TOCTOU: a user string is read at syscall exit; a racing thread could rewrite that buffer
 * after the kernel copied it. Where the kernel object exists (an opened file, an exec), the
 * dentry path is the one to trust; docs/sensor.md lists which field comes from where.
 */
#include "tracer.h"

/* One step of a dentry walk: emit a component or cross to the parent mount. Run through
 * bpf_loop with its state in the scratch map (not on the stack), so the verifier checks
 * the body with an unknown offset and stops after it converges instead of once per step. */
static long walk_step(__u32 index, void *unused)
{
	struct scratch *s = get_scratch();
	struct walk_state *w;
	struct dentry *d, *mnt_root, *parent;
	struct vfsmount *vm;
	struct mount *m;
	__u64 off;
	long n;

	if (!s)
		return 1;
	w = &s->walk;
	d = (struct dentry *)w->d;
	vm = (struct vfsmount *)w->vm;
	m = (struct mount *)w->m;
	if (!d || (w->d == w->root_d && w->vm == w->root_m)) {
		w->done = 1;
		return 1;
	}
	mnt_root = BPF_CORE_READ(vm, mnt_root);
	parent = BPF_CORE_READ(d, d_parent);
	if (d == mnt_root) {
		struct mount *mp = BPF_CORE_READ(m, mnt_parent);

		if (mp == m) {
			w->done = 1; /* the root of the mount namespace */
			return 1;
		}
		w->d = (__u64)BPF_CORE_READ(m, mnt_mountpoint);
		w->m = (__u64)mp;
		w->vm = (__u64)&mp->mnt;
		return 0;
	}
	/* a dentry that is its own parent but not a mount root is a pseudo file (memfd,
	 * pipe, anon inode): its name is all there is ("memfd:x"), so emit it and stop */
	if (d == parent)
		w->done = 2;
	off = w->off;
	if (off > WARD_EV_MAX - NAME_CHUNK) {
		w->flags |= WARD_S_TRUNC;
		w->done = 1;
		return 1;
	}
	n = bpf_probe_read_kernel_str(&s->data[off & OFF_MASK], NAME_CHUNK,
				      BPF_CORE_READ(d, d_name.name));
	if (n <= 0) {
		w->done = 1;
		return 1;
	}
	w->off = off + n;
	w->d = (__u64)parent;
	return w->done ? 1 : 0;
}

/*
 * Appends the path of (dentry, vfsmount) as NUL-separated components, leaf first, stopping
 * at the task's root or the root of its mount namespace. User space reverses it.
 */
__noinline __u64 path__put_dentry(struct scratch *s, __u64 off, __u64 slot, __u64 dentry,
				  __u64 vfsmount)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct ward_ev_raw *e;
	struct walk_state *w;
	__u64 end;

	if (!s || slot >= WARD_EV_STRS || off > WARD_EV_MAX)
		return off;
	e = (struct ward_ev_raw *)s->data;
	w = &s->walk;
	w->d = dentry;
	w->vm = vfsmount;
	w->m = (__u64)container_of((struct vfsmount *)vfsmount, struct mount, mnt);
	w->root_d = (__u64)BPF_CORE_READ(t, fs, root.dentry);
	w->root_m = (__u64)BPF_CORE_READ(t, fs, root.mnt);
	w->off = off;
	w->flags = WARD_S_DENTRY;
	w->done = 0;
	bpf_loop(WARD_PATH_DEPTH, walk_step, NULL, 0);
	if (!w->done)
		w->flags |= WARD_S_TRUNC;
	end = w->off;
	if (end > WARD_EV_MAX || end < off)
		end = off;
	e->str_len[slot] = end - off;
	e->str_flags[slot] = w->flags;
	return end;
}

__noinline __u64 path__put_user_str(struct scratch *s, __u64 off, __u64 slot, __u64 uptr,
				    __u64 max)
{
	struct ward_ev_raw *e;
	long n;

	if (!s || !uptr || slot >= WARD_EV_STRS)
		return off;
	e = (struct ward_ev_raw *)s->data;
	if (off > WARD_EV_MAX - WARD_STR_MAX) {
		e->str_flags[slot] |= WARD_S_TRUNC;
		return off;
	}
	if (max > WARD_STR_MAX)
		max = WARD_STR_MAX;
	n = bpf_probe_read_user_str(&s->data[off & OFF_MASK], max, (const void *)uptr);
	if (n <= 0)
		return off;
	e->str_len[slot] = n;
	return off + n;
}

/* For the relative path written at str_off, records the directory it is relative to. */
__noinline __u64 path__put_base(struct scratch *s, __u64 off, __u64 str_off, __u64 base_slot,
				__s64 dirfd)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct file *f;
	__u8 first = 0;

	if (!s)
		return off;
	bpf_probe_read_kernel(&first, 1, &s->data[str_off & OFF_MASK]);
	if (first == '/' || first == 0)
		return off;
	if (dirfd == AT_FDCWD)
		return path__put_dentry(s, off, base_slot, (__u64)BPF_CORE_READ(t, fs, pwd.dentry),
					(__u64)BPF_CORE_READ(t, fs, pwd.mnt));
	f = fd_file(dirfd);
	if (!f)
		return off;
	return path__put_dentry(s, off, base_slot, (__u64)BPF_CORE_READ(f, f_path.dentry),
				(__u64)BPF_CORE_READ(f, f_path.mnt));
}
