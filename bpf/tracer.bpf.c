// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * ward's runtime sensor, kernel side.
 *
 * One table-driven program (sys_exit) is attached to the exit tracepoint of every syscall
 * ward knows; the per-syscall map sc_conf says whether it is captured and where its path,
 * sockaddr and fd arguments are. Arguments are read from the task's saved registers at exit,
 * so no entry program or in-flight map is needed. Process lifecycle comes from the
 * scheduler's exec/fork/exit tracepoints (BTF-typed), which see the kernel's own view:
 * bprm->filename, mm->exe_file, fs->pwd.
 *
 * Records are built in a per-CPU scratch buffer and copied to the current CPU's ring
 * buffer; a failed copy bumps that CPU's drop counter and flags the next record.
 *
 * TOCTOU: paths that the kernel already resolved are taken from kernel objects (the fd's
 * struct file for open/openat/openat2, the exe and cwd dentries for exec, the socket for
 * accept/listen/connect's local side). Path strings of other syscalls are read from user
 * memory at syscall exit; a racing thread could rewrite that buffer after the kernel copied
 * it. That residual risk is documented in docs/sensor.md.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "ward_abi.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AT_FDCWD -100
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFDIR 0040000
#define S_IFIFO 0010000
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#define NAME_CHUNK 256
#define CGROUP_DEPTH 8
#define OFF_MASK (WARD_EV_MAX - 1)
#define SCRATCH_SIZE (WARD_EV_MAX * 2)

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((void *)(ptr) - __builtin_offsetof(type, member)))
#endif

const volatile __u32 self_tgid = 0;
/* Wake the consumer only when a ring holds this much, or for an exec (the process table and
 * responders want those at once); otherwise it drains on its short poll timeout. A wakeup
 * per record costs a context switch per event. Set by the loader to a fraction of the ring. */
const volatile __u64 wakeup_bytes = 1 << 20;
/* 0: exec records wait like the others (sensor.exec_wakeup: false); a forced wakeup is an
 * irq_work self-IPI, which costs tens of µs per exec in some VMs */
const volatile __u32 exec_wakeup = 1;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, WARD_SC_MAX);
	__type(key, __u32);
	__type(value, struct ward_sc_conf);
} sc_conf SEC(".maps");

/* One ring buffer per CPU: producers never contend across CPUs. The inner size is set by
 * the loader before load; every inner ring must have that size. */
struct ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1); /* resized to the CPU count by the loader */
	__type(key, __u32);
	__array(values, struct ring);
} rings SEC(".maps");

struct scratch {
	__u8 data[SCRATCH_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* resized to the CPU count by the loader */
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

struct cpu_stats {
	__u64 events;
	__u64 drops;
	__u64 pending_drop; /* a drop happened since the last delivered record */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cpu_stats);
} stats SEC(".maps");

/* In-kernel kill at exec: policies by the new image's comm (see ward_abi.h). kk_ward_tgid
 * is written by the agent with the policies: ward never kills itself, even when the sensor
 * was opened without ignore_self. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WARD_KK_MAP_MAX);
	__type(key, char[WARD_KK_COMM]);
	__type(value, struct ward_kk_policy);
} kk_exec SEC(".maps");

__u32 kk_ward_tgid = 0;
__u64 kk_kills = 0;

/* Kill policies at other syscalls (see ward_abi.h). kk_kinds has bit k set while policies
 * of kind k exist (bit WARD_KK_KIND_EXEC: exec policies); every hook tests it first, so a
 * sensor without kill policies pays one load per event. kk_rate_limit is
 * respond.rate_limit_per_min (0: unlimited). */
__u32 kk_kinds = 0;
__u32 kk_rate_limit = 0;
__u64 kk_rate_limited = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WARD_KK_SYS_MAX);
	__type(key, struct ward_kk_key);
	__type(value, struct ward_kk_sys_policy);
} kk_sys SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct ward_kk_rate_key);
	__type(value, struct ward_kk_rate_val);
} kk_rate SEC(".maps");

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

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct kk_pend);
} kk_pend SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ward_kk_key);
} kk_keybuf SEC(".maps");

/* kernfs_node's parent was renamed in 6.15; read whichever this kernel has. */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));
struct kernfs_node___new {
	struct kernfs_node *__parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node___new, __parent))
		return BPF_CORE_READ((struct kernfs_node___new *)kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

static __always_inline struct scratch *get_scratch(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&scratch, &cpu);
}

static __always_inline __u32 tty_dev(struct task_struct *t)
{
	struct tty_struct *tty = t->signal->tty;
	__u32 major, minor;

	if (!tty)
		return 0;
	major = tty->driver->major;
	minor = tty->driver->minor_start + tty->index;
	/* user-space dev_t encoding, as stat(2) and /proc report it */
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

static __always_inline __u32 pid_nr_ns_level(struct pid *p)
{
	unsigned int level;
	struct upid up;

	if (!p)
		return 0;
	level = BPF_CORE_READ(p, level);
	bpf_probe_read_kernel(&up, sizeof(up), &p->numbers[level & 31]);
	return up.nr;
}

/*
 * The task fields every record carries. t is a BTF pointer (a tp_btf argument or
 * bpf_get_current_task_btf), so plain member loads work: the verifier turns them into
 * fault-tolerant loads (a NULL or bad pointer reads 0), without a helper call per field
 * as bpf_probe_read_kernel costs. The capability sets keep the helper: their layout
 * (u64 or two u32) differs across kernels.
 */
static __always_inline void fill_task(struct ward_ev_raw *e, struct task_struct *t, __u16 kind,
				      __s16 nr)
{
	struct task_struct *leader = t->group_leader;
	struct task_struct *parent = leader->real_parent;
	const struct cred *cred = t->cred;
	struct nsproxy *ns = t->nsproxy;
	struct pid *sidp;

	e->abi = WARD_ABI_VERSION;
	e->kind = kind;
	e->nr = nr;
	e->pid = t->tgid;
	e->tid = t->pid;
	e->ppid = parent->tgid;
	e->flags = 0;
	e->uid = cred->uid.val;
	e->gid = cred->gid.val;
	e->euid = cred->euid.val;
	e->egid = cred->egid.val;
	e->loginuid = t->loginuid.val;
	sidp = t->signal->pids[PIDTYPE_SID];
	e->sid = sidp ? sidp->numbers[0].nr : 0;
	e->tty = tty_dev(t);
	e->vpid = pid_nr_ns_level(leader->thread_pid);
	e->ts = bpf_ktime_get_boot_ns();
	e->pstart = leader->start_boottime;
	e->ppstart = parent->start_boottime;
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->ret = 0;
	bpf_probe_read_kernel(&e->cap_eff, sizeof(e->cap_eff), &cred->cap_effective);
	bpf_probe_read_kernel(&e->cap_prm, sizeof(e->cap_prm), &cred->cap_permitted);
	e->mntns = ns ? ns->mnt_ns->ns.inum : 0;
	e->netns = ns ? ns->net_ns->ns.inum : 0;
	e->pidns = ns ? ns->pid_ns_for_children->ns.inum : 0;
	e->kill_rule = 0;
	e->fd_type = WARD_FD_NONE;
	e->sock_family = e->sock_type = e->sock_proto = 0;
	__builtin_memset(&e->local, 0, sizeof(e->local));
	__builtin_memset(&e->remote, 0, sizeof(e->remote));
	e->child_pid = 0;
	e->exit_code = 0;
	e->child_start = 0;
	__builtin_memcpy(e->comm, t->comm, sizeof(e->comm));
	for (int i = 0; i < WARD_EV_STRS; i++) {
		e->str_len[i] = 0;
		e->str_flags[i] = 0;
	}
	e->_pad1[0] = 0;
	if (e->tty)
		e->flags |= WARD_F_HAS_TTY;
	if (e->pid != e->tid)
		e->flags |= WARD_F_THREAD;
}

/* Copies the record to this CPU's ring. */
static __always_inline void emit(struct scratch *s, __u32 size)
{
	struct ward_ev_raw *e = (struct ward_ev_raw *)s->data;
	__u32 key = 0, cpu = bpf_get_smp_processor_id();
	struct cpu_stats *st = bpf_map_lookup_elem(&stats, &key);
	void *ring = bpf_map_lookup_elem(&rings, &cpu);
	__u64 flags;

	if (!st)
		return;
	if (size > WARD_EV_MAX)
		size = WARD_EV_MAX;
	e->size = size;
	if (st->pending_drop)
		e->flags |= WARD_F_DROPS;
	/* execs and kernel kills are wanted at once (process table, alerts) */
	flags = (exec_wakeup && e->kind == WARD_EV_EXEC) || (e->flags & WARD_F_KERNEL_KILLED) ?
		BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	if (ring && flags == BPF_RB_NO_WAKEUP &&
	    bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	if (!ring || bpf_ringbuf_output(ring, s->data, size & (SCRATCH_SIZE - 1), flags)) {
		st->drops++;
		st->pending_drop = 1;
		return;
	}
	st->events++;
	st->pending_drop = 0;
}

struct walk_ctx {
	__u64 d, vm, m;          /* current dentry, vfsmount, mount */
	__u64 root_d, root_m;    /* the task's root: stop there */
	__u32 off;
	__u32 flags;
	__u32 done;
};

/* One step of a dentry walk: emit a component or cross to the parent mount. Run through
 * bpf_loop so the verifier checks it once instead of once per unrolled iteration. */
static long walk_step(__u32 index, void *arg)
{
	struct walk_ctx *w = arg;
	struct dentry *d = (struct dentry *)w->d;
	struct vfsmount *vm = (struct vfsmount *)w->vm;
	struct mount *m = (struct mount *)w->m;
	struct dentry *mnt_root, *parent;
	struct scratch *s;
	long n;

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
	s = get_scratch();
	if (!s || w->off > WARD_EV_MAX - NAME_CHUNK) {
		w->flags |= WARD_S_TRUNC;
		w->done = 1;
		return 1;
	}
	n = bpf_probe_read_kernel_str(&s->data[w->off & OFF_MASK], NAME_CHUNK,
				      BPF_CORE_READ(d, d_name.name));
	if (n <= 0) {
		w->done = 1;
		return 1;
	}
	w->off += n;
	w->d = (__u64)parent;
	return w->done ? 1 : 0;
}

/*
 * Appends the path of (dentry, vfsmount) as NUL-separated components, leaf first, stopping
 * at the task's root or the root of its mount namespace. User space reverses it.
 * Returns the new offset.
 */
static __noinline __u32 put_dentry_path(struct scratch *s, __u32 off, int slot,
					struct dentry *d, struct vfsmount *vm)
{
	struct ward_ev_raw *e = (struct ward_ev_raw *)s->data;
	struct task_struct *t = bpf_get_current_task_btf();
	struct walk_ctx w = {
		.d = (__u64)d,
		.vm = (__u64)vm,
		.m = (__u64)container_of(vm, struct mount, mnt),
		.root_d = (__u64)BPF_CORE_READ(t, fs, root.dentry),
		.root_m = (__u64)BPF_CORE_READ(t, fs, root.mnt),
		.off = off,
		.flags = WARD_S_DENTRY,
	};

	if (slot < 0 || slot >= WARD_EV_STRS)
		return off;
	bpf_loop(WARD_PATH_DEPTH, walk_step, &w, 0);
	if (!w.done)
		w.flags |= WARD_S_TRUNC;
	if (w.off > WARD_EV_MAX)
		w.off = WARD_EV_MAX;
	e->str_len[slot] = w.off - off;
	e->str_flags[slot] = w.flags;
	return w.off;
}

static __always_inline __u32 put_path(struct scratch *s, __u32 off, int slot, const struct path *p)
{
	return put_dentry_path(s, off, slot, BPF_CORE_READ(p, dentry), BPF_CORE_READ(p, mnt));
}

static __noinline __u32 put_user_str(struct scratch *s, __u32 off, int slot, const void *uptr,
				     __u32 max)
{
	struct ward_ev_raw *e = (struct ward_ev_raw *)s->data;
	long n;

	if (!uptr || slot < 0 || slot >= WARD_EV_STRS)
		return off;
	if (off > WARD_EV_MAX - WARD_STR_MAX) {
		e->str_flags[slot] |= WARD_S_TRUNC;
		return off;
	}
	if (max > WARD_STR_MAX)
		max = WARD_STR_MAX;
	n = bpf_probe_read_user_str(&s->data[off & OFF_MASK], max, uptr);
	if (n <= 0)
		return off;
	e->str_len[slot] = n;
	return off + n;
}

static __always_inline struct file *fd_file(struct task_struct *t, long fd)
{
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **arr;
	struct file *f = NULL;

	if (fd < 0 || !fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	arr = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &arr[fd & 0xfffff]);
	return f;
}

static __always_inline void sa_from_sock_v4(struct ward_sa *sa, __u32 addr, __u16 port_host)
{
	sa->family = AF_INET;
	sa->port = port_host;
	__builtin_memcpy(sa->addr, &addr, 4);
}

/* Fills the fd description from the kernel's struct file; may add a path string. */
static __noinline __u32 describe_file(struct scratch *s, __u32 off, struct file *f, int want_path)
{
	struct ward_ev_raw *e = (struct ward_ev_raw *)s->data;
	struct inode *ino;
	__u16 mode;

	if (!f)
		return off;
	ino = BPF_CORE_READ(f, f_inode);
	mode = BPF_CORE_READ(ino, i_mode);
	if ((mode & S_IFMT) == S_IFSOCK) {
		struct socket *sock = BPF_CORE_READ(f, private_data);
		struct sock *sk = BPF_CORE_READ(sock, sk);
		__u16 fam = BPF_CORE_READ(sk, __sk_common.skc_family);

		e->sock_family = fam;
		e->sock_type = BPF_CORE_READ(sk, sk_type);
		e->sock_proto = BPF_CORE_READ(sk, sk_protocol);
		if (fam == AF_INET) {
			e->fd_type = WARD_FD_IPV4;
			sa_from_sock_v4(&e->local, BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr),
					BPF_CORE_READ(sk, __sk_common.skc_num));
			sa_from_sock_v4(&e->remote, BPF_CORE_READ(sk, __sk_common.skc_daddr),
					bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport)));
		} else if (fam == AF_INET6) {
			e->fd_type = WARD_FD_IPV6;
			e->local.family = e->remote.family = AF_INET6;
			e->local.port = BPF_CORE_READ(sk, __sk_common.skc_num);
			e->remote.port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
			BPF_CORE_READ_INTO(&e->local.addr, sk, __sk_common.skc_v6_rcv_saddr);
			BPF_CORE_READ_INTO(&e->remote.addr, sk, __sk_common.skc_v6_daddr);
		} else if (fam == AF_UNIX) {
			e->fd_type = WARD_FD_UNIX;
			e->local.family = e->remote.family = AF_UNIX;
		} else {
			e->fd_type = WARD_FD_SOCK_OTHER;
		}
		return off;
	}
	if ((mode & S_IFMT) == S_IFIFO)
		e->fd_type = WARD_FD_PIPE;
	else if ((mode & S_IFMT) == S_IFDIR)
		e->fd_type = WARD_FD_DIR;
	else
		e->fd_type = WARD_FD_FILE;
	if (BPF_CORE_READ(ino, i_sb, s_magic) == 0x01021994 /* TMPFS_MAGIC */) {
		char pfx[6] = {};

		bpf_probe_read_kernel(pfx, sizeof(pfx), BPF_CORE_READ(f, f_path.dentry, d_name.name));
		if (pfx[0] == 'm' && pfx[1] == 'e' && pfx[2] == 'm' && pfx[3] == 'f' && pfx[4] == 'd' &&
		    pfx[5] == ':')
			e->fd_type = WARD_FD_MEMFD;
	}
	if (want_path)
		off = put_path(s, off, WARD_STR_AUX, &f->f_path);
	return off;
}

/* Copies a user sockaddr into sa; unix paths go to the PATH slot. */
static __noinline __u32 put_user_sockaddr(struct scratch *s, __u32 off, struct ward_sa *sa,
					  const void *uaddr, long ulen)
{
	__u16 fam = 0;

	if (!uaddr || ulen < 2 || bpf_probe_read_user(&fam, sizeof(fam), uaddr))
		return off;
	sa->family = fam;
	if (fam == AF_INET && ulen >= 8) {
		__u16 port = 0;

		bpf_probe_read_user(&port, 2, uaddr + 2);
		sa->port = bpf_ntohs(port);
		bpf_probe_read_user(sa->addr, 4, uaddr + 4);
	} else if (fam == AF_INET6 && ulen >= 24) {
		__u16 port = 0;

		bpf_probe_read_user(&port, 2, uaddr + 2);
		sa->port = bpf_ntohs(port);
		bpf_probe_read_user(sa->addr, 16, uaddr + 8);
	} else if (fam == AF_UNIX && ulen > 2) {
		off = put_user_str(s, off, WARD_STR_PATH, uaddr + 2, 108);
	}
	return off;
}

/* For a relative path in slot, records the directory it is relative to. */
static __noinline __u32 put_base(struct scratch *s, __u32 off, __u32 str_off, int base_slot,
				 long dirfd)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u8 first = 0;

	bpf_probe_read_kernel(&first, 1, &s->data[str_off & OFF_MASK]);
	if (first == '/' || first == 0)
		return off;
	if (dirfd == AT_FDCWD) {
		struct path pwd;

		BPF_CORE_READ_INTO(&pwd, t, fs, pwd);
		return put_dentry_path(s, off, base_slot, pwd.dentry, pwd.mnt);
	}
	{
		struct file *f = fd_file(t, dirfd);

		if (!f)
			return off;
		return put_path(s, off, base_slot, &f->f_path);
	}
}

static __always_inline long dirfd_of(__u8 arg, __u64 *args)
{
	return arg < 6 ? (long)(int)args[arg & 7] : AT_FDCWD;
}

#define SIGKILL 9
#define NR_EXECVE 59
#define NR_EXECVEAT 322

struct hex_ctx {
	const char *name;
	__u32 bad;
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
 * 1 when some component of the task's default-hierarchy cgroup path (the CGROUP_DEPTH
 * components nearest the leaf, as the exec record carries) is exactly 64 lowercase hex
 * characters. ward's user-space attribution (src/events/cgroup.c) names a container for
 * every such component, so this test never says "container" where container.id would say
 * "host"; runtime-marker forms (docker-<id>.scope, ...) are not recognized here and leave
 * the decision to user space.
 */
static __noinline int kk_in_container(struct task_struct *p)
{
	struct kernfs_node *kn = BPF_CORE_READ(p, cgroups, dfl_cgrp, kn);
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

/* The task sits in the root of the default hierarchy: user space reports container.id
 * "host" for the empty path. */
static __always_inline int kk_at_root(struct task_struct *p)
{
	struct kernfs_node *kn = BPF_CORE_READ(p, cgroups, dfl_cgrp, kn);

	return kn && !kn_parent(kn);
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

static __always_inline int exe_is_memfd(struct task_struct *p)
{
	char pfx[6] = {};

	bpf_probe_read_kernel(pfx, sizeof(pfx), BPF_CORE_READ(p, mm, exe_file, f_path.dentry, d_name.name));
	return pfx[0] == 'm' && pfx[1] == 'e' && pfx[2] == 'm' && pfx[3] == 'f' && pfx[4] == 'd' &&
	       pfx[5] == ':';
}

/* 1: where (lazily computed: 1 container, 0 host root, 2 neither) satisfies flags. */
static __always_inline int kk_where_ok(__u32 flags, struct task_struct *p, int *where)
{
	if (!(flags & (WARD_KK_CONTAINER | WARD_KK_HOST)))
		return 1;
	if (*where < 0)
		*where = kk_in_container(p) ? 1 : kk_at_root(p) ? 0 : 2;
	if ((flags & WARD_KK_CONTAINER) && *where != 1)
		return 0;
	if ((flags & WARD_KK_HOST) && *where != 0)
		return 0;
	return 1;
}

/*
 * Charges one kill to the task's workload: its v2 cgroup when it is not in the root (a
 * container, a service), else the process (tgid, start). Returns 1 when the kill may
 * proceed, 0 when the workload spent its kk_rate_limit kills of the current minute.
 */
static __noinline int kk_charge(struct task_struct *p)
{
	struct ward_kk_rate_key k = {};
	struct ward_kk_rate_val nv = {}, *v;
	__u64 now = bpf_ktime_get_boot_ns();
	__u32 lim = kk_rate_limit;

	if (!lim)
		return 1;
	if (kk_at_root(p)) {
		k.id = BPF_CORE_READ(p, tgid);
		k.start = BPF_CORE_READ(p, group_leader, start_boottime);
	} else {
		k.id = BPF_CORE_READ(p, cgroups, dfl_cgrp, kn, id);
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

/* What an exec's policies test, computed once (where and memfd lazily). */
struct kk_exec_ctx {
	char pcomm[WARD_KK_COMM] __attribute__((aligned(8))); /* compared as two u64 */
	struct task_struct *p;
	__u32 sc;
	int where;
	int memfd;
};

/* The first slot of pol that holds for this exec: its rule index + 1, or 0. */
static __noinline __u32 kk_exec_match(struct ward_kk_policy *pol, struct kk_exec_ctx *x)
{
	struct task_struct *p = x->p;
	int *where = &x->where, *memfd = &x->memfd;
	__u32 sc = x->sc;
	const char *pcomm = x->pcomm;

	if (!pol)
		return 0;
	for (int i = 0; i < WARD_KK_PER_NAME; i++) {
		struct ward_kk_rule *r = &pol->r[i];

		if (!r->rule || !(r->flags & sc))
			continue;
		if (!kk_where_ok(r->flags, p, where))
			continue;
		if (r->flags & WARD_KK_MEMFD) {
			if (*memfd < 0)
				*memfd = exe_is_memfd(p);
			if (!*memfd)
				continue;
		}
		if (comm_listed(r->pcomm, r->pcomm_cnt, WARD_KK_PARENTS, pcomm))
			return r->rule;
	}
	return 0;
}

/*
 * Decides the kill policies for an exec that just replaced p's image. Runs in the exec'ing
 * task's context, before the new image executes an instruction; bpf_send_signal targets
 * current, so the SIGKILL is pending when the syscall returns and the task dies there.
 * Policies are found under the new comm and, for rules that name no comm (memfd execs),
 * under the empty comm. Returns the matching rule's index + 1 (0: none) and sets *limited
 * when the workload's kill budget was spent (then nothing is sent).
 */
static __noinline __u32 kk_check(struct task_struct *p, long nr, int *limited)
{
	struct task_struct *parent;
	char comm[WARD_KK_COMM] = {};
	char none[WARD_KK_COMM] = {};
	struct kk_exec_ctx x = { .p = p, .where = -1, .memfd = -1 };
	__u32 tgid = BPF_CORE_READ(p, tgid), sc, rule;

	if (!(kk_kinds & (1u << WARD_KK_KIND_EXEC)))
		return 0;
	if (tgid <= 1 || tgid == kk_ward_tgid || tgid == self_tgid)
		return 0;
	if (nr == NR_EXECVE)
		sc = WARD_KK_EXECVE;
	else if (nr == NR_EXECVEAT)
		sc = WARD_KK_EXECVEAT;
	else
		return 0;
	bpf_probe_read_kernel_str(comm, sizeof(comm), p->comm);
	/* the parent process as user space's table knows it: its thread-group leader */
	parent = BPF_CORE_READ(p, real_parent, group_leader);
	bpf_probe_read_kernel_str(x.pcomm, sizeof(x.pcomm), parent->comm);
	x.sc = sc;
	rule = kk_exec_match(bpf_map_lookup_elem(&kk_exec, comm), &x);
	if (!rule)
		rule = kk_exec_match(bpf_map_lookup_elem(&kk_exec, none), &x);
	if (!rule)
		return 0;
	if (!kk_charge(p)) {
		*limited = 1;
		return rule;
	}
	bpf_send_signal(SIGKILL);
	__sync_fetch_and_add(&kk_kills, 1);
	return rule;
}

/* ---- kill policies at other syscalls ---- */

#define NR_CONNECT 42
#define NR_PTRACE 101
#define NR_UNSHARE 272
#define NR_SETNS 308
#define NR_INIT_MODULE 175
#define NR_FINIT_MODULE 313
#define NR_CLONE 56
#define NR_FORK 57
#define NR_VFORK 58
#define NR_CLONE3 435
#define KK_CLONE_VM 0x100ull
#define KK_CLONE_VFORK 0x4000ull
#define KK_CLONE_THREAD 0x10000ull
#define KK_CSIGNAL 0xffull
#define KK_CLONE_ARGS_VER0 64 /* the smallest struct clone_args clone3 accepts */

static __always_inline __u32 kk_kind_of(long nr)
{
	switch (nr) {
	case NR_CONNECT: return WARD_KK_K_CONNECT;
	case NR_PTRACE: return WARD_KK_K_PTRACE;
	case NR_SETNS: return WARD_KK_K_SETNS;
	case NR_UNSHARE: return WARD_KK_K_UNSHARE;
	case NR_INIT_MODULE:
	case NR_FINIT_MODULE: return WARD_KK_K_MODULE;
	case NR_CLONE:
	case NR_CLONE3: return WARD_KK_K_CLONE;
	default: return WARD_KK_K_NONE;
	}
}

static __always_inline int kk_exempt(__u32 tgid)
{
	return tgid <= 1 || tgid == kk_ward_tgid || tgid == self_tgid;
}

/* The first slot of pol that holds for current at syscall nr: rule index + 1, or 0. The
 * comm compared is the thread-group leader's, as ward's process table names the process. */
static __noinline __u32 kk_sys_match(struct ward_kk_sys_policy *pol, long nr, __u64 req)
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
		if (!kk_where_ok(r->flags, leader, &where))
			continue;
		if (comm_listed(r->comm, r->comm_cnt, WARD_KK_SYS_COMMS, comm) &&
		    comm_listed(r->pcomm, r->pcomm_cnt, WARD_KK_PARENTS, pcomm))
			return r->rule;
	}
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

/*
 * connect at sys_enter: the peer the caller asks for (read from its sockaddr) against the
 * connect policies, most specific first. A match is only recorded here: the cgroup connect
 * program refuses the connect when the kernel's copy of the address is the same, and
 * sys_exit sends the SIGKILL, so a thread racing to rewrite the sockaddr can neither get a
 * connection through nor get killed for an address it did not connect to.
 */
static __noinline void kk_connect_enter(const void *uaddr, long ulen, __u64 id)
{
	struct kk_pend pd = {};
	struct ward_kk_key *k;
	__u16 fam = 0, port = 0;
	__u32 rule = 0;
	struct task_struct *t = bpf_get_current_task_btf();

	if (!uaddr || ulen < 2 || bpf_probe_read_user(&fam, sizeof(fam), uaddr))
		return;
	if (fam == AF_INET && ulen >= 16) {
		bpf_probe_read_user(&port, 2, uaddr + 2);
		bpf_probe_read_user(pd.addr, 4, uaddr + 4);
	} else if (fam == AF_INET6 && ulen >= 24) {
		bpf_probe_read_user(&port, 2, uaddr + 2);
		bpf_probe_read_user(pd.addr, 16, uaddr + 8);
	} else {
		return;
	}
	pd.family = fam;
	pd.port = bpf_ntohs(port);
	for (int i = 0; i < 4 && !rule; i++) {
		k = kk_key_reset(WARD_KK_K_CONNECT);
		if (!k)
			return;
		k->port = (i & 1) ? WARD_KK_ANY_PORT : pd.port;
		if (i < 2) {
			k->family = fam;
			__builtin_memcpy(k->obj, pd.addr, 16);
		}
		rule = kk_sys_match(bpf_map_lookup_elem(&kk_sys, k), NR_CONNECT, 0);
	}
	if (!rule)
		return;
	pd.rule = rule;
	pd.state = kk_charge(t) ? KK_DECIDED : KK_LIMITED;
	bpf_map_update_elem(&kk_pend, &id, &pd, BPF_ANY);
}

/*
 * sys_enter of ptrace, setns, unshare and the module syscalls. Reads args[0] only: the
 * kernel refuses to attach a program to a syscall whose record is shorter than the context
 * the program reads (unshare has one argument), hence a separate program for connect.
 */
SEC("tracepoint")
int sys_enter_kk(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	/* syscalls:sys_enter_* records hold a 32-bit __syscall_nr where the raw record's id is */
	long nr = (int)ctx->id;
	__u32 kind = kk_kind_of(nr), rule;
	struct kk_pend pd = {};
	struct ward_kk_key *k;

	if (!kind || kind == WARD_KK_K_CONNECT || !(kk_kinds & (1u << kind)) || kk_exempt(id >> 32))
		return 0;
	k = kk_key_reset(kind);
	if (!k)
		return 0;
	rule = kk_sys_match(bpf_map_lookup_elem(&kk_sys, k), nr,
			    kind == WARD_KK_K_PTRACE ? ctx->args[0] : 0);
	if (!rule)
		return 0;
	pd.rule = rule;
	if (kk_charge(bpf_get_current_task_btf())) {
		/* the syscall itself still runs; the task dies on its way back to user space */
		bpf_send_signal(SIGKILL);
		__sync_fetch_and_add(&kk_kills, 1);
		pd.state = KK_KILLED;
	} else {
		pd.state = KK_LIMITED;
	}
	bpf_map_update_elem(&kk_pend, &id, &pd, BPF_ANY);
	return 0;
}

/*
 * The flags a clone-family syscall gives copy_process, as the kernel computes them: clone
 * keeps the low 32 bits of its first argument without the exit signal (CSIGNAL); clone3
 * takes the u64 at the start of the caller's struct clone_args (read here: 0 with *ok
 * cleared when it cannot be, e.g. a page not faulted in yet); fork and vfork are fixed.
 */
static __always_inline __u64 clone_flags_of(long nr, __u64 a0, __u64 a1, int *ok)
{
	__u64 fl = 0;

	*ok = 1;
	switch (nr) {
	case NR_CLONE:
		return (a0 & 0xffffffffull) & ~KK_CSIGNAL;
	case NR_CLONE3:
		/* smaller or absent args: the kernel refuses the call (EINVAL/EFAULT) */
		if (!a0 || a1 < KK_CLONE_ARGS_VER0 ||
		    bpf_probe_read_user(&fl, sizeof(fl), (const void *)a0)) {
			*ok = 0;
			return 0;
		}
		return fl;
	case NR_VFORK:
		return KK_CLONE_VM | KK_CLONE_VFORK;
	default:
		return 0;
	}
}

/*
 * sys_enter of clone and clone3 (reads args[0] and args[1]; both syscalls have them). A new
 * thread (CLONE_THREAD) is never killed: ward reports only new processes. The SIGKILL is
 * pending before copy_process runs, and copy_process refuses to fork while a fatal signal
 * is pending (-ERESTARTNOINTR): no child exists, so no fork record will ever describe this
 * clone. The kill record is therefore made here: a clone record (nr 56 whichever syscall,
 * as user space names every fork "clone") with the flags in args[0], flagged killed.
 * A rate-limited clone proceeds and is reported by sched_process_fork as usual.
 */
SEC("tracepoint")
int sys_enter_kk_clone(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	long nr = (int)ctx->id;
	struct ward_kk_key *k;
	struct ward_ev_raw *e;
	struct scratch *s;
	__u64 fl;
	__u32 rule;
	int ok;

	if (!(kk_kinds & (1u << WARD_KK_K_CLONE)) || kk_exempt(id >> 32))
		return 0;
	if (nr != NR_CLONE && nr != NR_CLONE3)
		return 0;
	fl = clone_flags_of(nr, ctx->args[0], ctx->args[1], &ok);
	if (!ok || (fl & KK_CLONE_THREAD))
		return 0;
	k = kk_key_reset(WARD_KK_K_CLONE);
	if (!k)
		return 0;
	rule = kk_sys_match(bpf_map_lookup_elem(&kk_sys, k), nr, fl);
	if (!rule)
		return 0;
	if (!kk_charge(bpf_get_current_task_btf()))
		return 0;
	bpf_send_signal(SIGKILL);
	__sync_fetch_and_add(&kk_kills, 1);
	s = get_scratch();
	if (!s)
		return 0;
	e = (struct ward_ev_raw *)s->data;
	fill_task(e, bpf_get_current_task_btf(), WARD_EV_UNSHARE, NR_CLONE);
	__builtin_memset(e->args, 0, sizeof(e->args));
	e->args[0] = fl;
	e->flags |= WARD_F_KERNEL_KILLED;
	e->kill_rule = rule;
	emit(s, sizeof(*e));
	return 0;
}

SEC("tracepoint")
int sys_enter_kk_conn(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (!(kk_kinds & (1u << WARD_KK_K_CONNECT)) || kk_exempt(id >> 32))
		return 0;
	kk_connect_enter((const void *)ctx->args[1], (long)ctx->args[2], id);
	return 0;
}

/* The cgroup half of a connect kill (attached to the root of the v2 hierarchy, so it sees
 * every task): refuses the connect that sys_enter decided on, before any packet is built. */
static __always_inline int kk_connect_gate(__u16 fam, const __u32 *ip, __u32 n, __u16 port_net)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct kk_pend *pd;

	if (!(kk_kinds & (1u << WARD_KK_K_CONNECT)))
		return 1;
	pd = bpf_map_lookup_elem(&kk_pend, &id);
	if (!pd || pd->state != KK_DECIDED || pd->family != fam || pd->port != bpf_ntohs(port_net))
		return 1;
	for (__u32 i = 0; i < n && i < 4; i++) {
		__u32 a;

		__builtin_memcpy(&a, &pd->addr[i * 4], 4);
		if (a != ip[i])
			return 1;
	}
	pd->state = KK_REFUSED;
	return 0;
}

SEC("cgroup/connect4")
int kk_connect4(struct bpf_sock_addr *ctx)
{
	__u32 ip = ctx->user_ip4;

	return kk_connect_gate(AF_INET, &ip, 1, (__u16)ctx->user_port);
}

SEC("cgroup/connect6")
int kk_connect6(struct bpf_sock_addr *ctx)
{
	__u32 ip[4];

	ip[0] = ctx->user_ip6[0];
	ip[1] = ctx->user_ip6[1];
	ip[2] = ctx->user_ip6[2];
	ip[3] = ctx->user_ip6[3];
	return kk_connect_gate(AF_INET6, ip, 4, (__u16)ctx->user_port);
}

/*
 * sys_exit's part of the enter-decided kills: takes the decision for this task, sends the
 * connect SIGKILL once the cgroup program refused the connect, and flags the record.
 */
static __noinline void kk_exit_pending(struct ward_ev_raw *e)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct kk_pend *pd = bpf_map_lookup_elem(&kk_pend, &id);

	if (!pd)
		return;
	if (pd->state == KK_REFUSED) {
		bpf_send_signal(SIGKILL);
		__sync_fetch_and_add(&kk_kills, 1);
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
}

/*
 * A path just written at off in slot (open at syscall exit: the opened struct file, the
 * bytes fd.name is decoded from; exec: the new image, the bytes proc.exepath is decoded
 * from) against the kind's policies, keyed by the path. An open has completed, an exec has
 * replaced the image; either way the SIGKILL is delivered before the task returns to user
 * space, so it never sees the fd, nor runs the new image.
 */
static __noinline void kk_path_check(struct scratch *s, __u32 off, __u32 slot, __u32 kind, long nr)
{
	struct ward_ev_raw *e = (struct ward_ev_raw *)s->data;
	__u32 len, rule;
	__u8 fl;
	struct ward_kk_key *k;

	if (slot >= WARD_EV_STRS)
		return;
	len = e->str_len[slot];
	fl = e->str_flags[slot];
	if (!(fl & WARD_S_DENTRY) || (fl & WARD_S_TRUNC) || len == 0 || len >= WARD_KK_PATH)
		return;
	if (kk_exempt(e->pid))
		return;
	k = kk_key_reset(kind);
	if (!k)
		return;
	bpf_probe_read_kernel(k->obj, len & (WARD_KK_PATH - 1), &s->data[off & OFF_MASK]);
	rule = kk_sys_match(bpf_map_lookup_elem(&kk_sys, k), nr, 0);
	if (!rule)
		return;
	e->kill_rule = rule;
	if (!kk_charge(bpf_get_current_task_btf())) {
		e->flags |= WARD_F_KERNEL_RATE_LIMITED;
		return;
	}
	bpf_send_signal(SIGKILL);
	__sync_fetch_and_add(&kk_kills, 1);
	e->flags |= WARD_F_KERNEL_KILLED;
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
	__u32 key, off, str_off;
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
		kk_exit_pending((struct ward_ev_raw *)s->data);
		pend_flags = ((struct ward_ev_raw *)s->data)->flags &
			     (WARD_F_KERNEL_KILLED | WARD_F_KERNEL_RATE_LIMITED);
		pend_rule = ((struct ward_ev_raw *)s->data)->kill_rule;
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
	fill_task(e, t, c->kind, (__s16)key);
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
		off = put_user_str(s, off, WARD_STR_PATH, (const void *)args[pa & 7],
				   WARD_STR_MAX);
		if (c->path_dirfd != WARD_ARG_NONE)
			off = put_base(s, off, str_off, WARD_STR_BASE, dirfd_of(c->path_dirfd, args));
	}
	if (pb < 6) {
		str_off = off;
		off = put_user_str(s, off, WARD_STR_PATH2, (const void *)args[pb & 7],
				   WARD_STR_MAX);
		if (c->path2_dirfd != WARD_ARG_NONE)
			off = put_base(s, off, str_off, WARD_STR_BASE2, dirfd_of(c->path2_dirfd, args));
	}
	if (ax < 6)
		off = put_user_str(s, off, WARD_STR_AUX, (const void *)args[ax & 7],
				   WARD_STR_MAX);
	if (sa < 5) {
		struct ward_sa *dst = c->kind == WARD_EV_BIND ? &e->local : &e->remote;

		off = put_user_sockaddr(s, off, dst, (const void *)args[sa & 7],
					(long)args[(sa + 1) & 7]);
	}
	if (c->ret_fd && ret >= 0) {
		str_off = off;
		off = describe_file(s, off, fd_file(t, ret), c->aux_fd_path);
		if (c->kind == WARD_EV_OPEN && (kk_kinds & (1u << WARD_KK_K_OPEN)))
			kk_path_check(s, str_off, WARD_STR_AUX, WARD_KK_K_OPEN, key);
	} else if (fa < 6) {
		/* the kernel's view of the socket wins, except that a failed connect leaves no
		 * peer there: then the address the caller asked for is the one to report */
		struct ward_sa asked = e->remote;

		off = describe_file(s, off, fd_file(t, (long)(int)args[fa & 7]),
				    c->aux_fd_path && c->aux_str_arg == WARD_ARG_NONE);
		if (c->kind == WARD_EV_CONNECT && asked.family && e->remote.port == 0)
			e->remote = asked;
	}
	emit(s, off);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sched_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct scratch *s;
	struct ward_ev_raw *e;
	struct file *exe;
	struct kernfs_node *kn;
	unsigned long arg_start, arg_end, len;
	__u32 off, start;
	__u32 cfg_key = WARD_SC_GATE_EXEC;
	struct ward_sc_conf *c = bpf_map_lookup_elem(&sc_conf, &cfg_key);
	/* the syscall that got here: execve or execveat */
	long nr = BPF_CORE_READ((struct pt_regs *)bpf_task_pt_regs(p), orig_ax);
	int limited = 0;
	__u32 killed = kk_check(p, nr, &limited);
	/* exec-path policies need the path even when exec records are not captured, and a
	 * kill is always reported */
	int by_path = !killed && (kk_kinds & (1u << WARD_KK_K_EXEC_PATH));

	if ((!c || !c->enabled) && !by_path && !killed)
		return 0;
	if (BPF_CORE_READ(p, tgid) == self_tgid)
		return 0;
	s = get_scratch();
	if (!s)
		return 0;
	e = (struct ward_ev_raw *)s->data;
	fill_task(e, p, WARD_EV_EXEC, (__s16)nr);
	if (killed) {
		e->flags |= limited ? WARD_F_KERNEL_RATE_LIMITED : WARD_F_KERNEL_KILLED;
		e->kill_rule = killed;
	}
	off = sizeof(*e);

	exe = BPF_CORE_READ(p, mm, exe_file);
	if (exe) {
		struct inode *ino = BPF_CORE_READ(exe, f_inode);
		char pfx[6] = {};

		start = off;
		off = put_path(s, off, WARD_STR_EXE, &exe->f_path);
		if (by_path && (nr == NR_EXECVE || nr == NR_EXECVEAT))
			kk_path_check(s, start, WARD_STR_EXE, WARD_KK_K_EXEC_PATH, nr);
		bpf_probe_read_kernel(pfx, sizeof(pfx), BPF_CORE_READ(exe, f_path.dentry, d_name.name));
		if (pfx[0] == 'm' && pfx[1] == 'e' && pfx[2] == 'm' && pfx[3] == 'f' && pfx[4] == 'd' &&
		    pfx[5] == ':')
			e->flags |= WARD_F_EXE_MEMFD;
		if (BPF_CORE_READ(ino, __i_nlink) == 0)
			e->flags |= WARD_F_EXE_DELETED;
		if (BPF_CORE_READ(ino, i_sb, s_magic) == OVERLAYFS_SUPER_MAGIC) {
			/* an overlay inode whose upper dentry exists was written in the container
			 * (new or copied up), i.e. not part of the image */
			struct ovl_inode *oi = container_of(ino, struct ovl_inode, vfs_inode);

			if (BPF_CORE_READ(oi, __upperdentry))
				e->flags |= WARD_F_EXE_UPPER;
		}
	}
	if ((!c || !c->enabled) && !(e->flags & (WARD_F_KERNEL_KILLED | WARD_F_KERNEL_RATE_LIMITED)))
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
	{
		struct path pwd;

		BPF_CORE_READ_INTO(&pwd, p, fs, pwd);
		off = put_dentry_path(s, off, WARD_STR_CWD, pwd.dentry, pwd.mnt);
	}
	if (off <= WARD_EV_MAX - WARD_STR_MAX) {
		long n = bpf_probe_read_kernel_str(&s->data[off & OFF_MASK], WARD_STR_MAX,
						   BPF_CORE_READ(bprm, filename));
		if (n > 0) {
			e->str_len[WARD_STR_FILENAME] = n;
			off += n;
		}
	}
	/* default-hierarchy cgroup path, leaf first */
	kn = BPF_CORE_READ(p, cgroups, dfl_cgrp, kn);
	start = off;
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
	emit(s, off);
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
		fill_task((struct ward_ev_raw *)s->data, t, kind, -1);
	return s;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_fork, struct task_struct *parent, struct task_struct *child)
{
	struct ward_ev_raw *e;
	struct scratch *s;

	/* threads are not processes: only a new thread group is reported */
	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		return 0;
	s = sched_record(WARD_SC_GATE_FORK, parent, WARD_EV_FORK);
	if (!s)
		return 0;
	e = (struct ward_ev_raw *)s->data;
	{
		/* the parent is in its clone-family syscall: the flags evt.arg.flags shows */
		struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
		long nr = (long)BPF_CORE_READ(regs, orig_ax);
		int ok;

		__builtin_memset(e->args, 0, sizeof(e->args));
		e->args[0] = clone_flags_of(nr, BPF_CORE_READ(regs, di), BPF_CORE_READ(regs, si), &ok);
	}
	e->child_pid = BPF_CORE_READ(child, tgid);
	e->child_start = BPF_CORE_READ(child, start_boottime);
	e->ret = e->child_pid;
	emit(s, sizeof(*e));
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
	emit(s, sizeof(struct ward_ev_raw));
	return 0;
}
