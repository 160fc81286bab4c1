// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * Records: the maps every program writes through (capture table, scratch, per-CPU rings,
 * drop counters), the loader's knobs, the task header each record starts with and the copy
 * to the ring.
 *
 * Records are built in a per-CPU scratch buffer and copied to the current CPU's ring
 * buffer; a failed copy bumps that CPU's drop counter and flags the next record.
 */
#include "tracer.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u32 self_tgid = 0;
/* Wake the consumer only when a ring holds this much, or for an exec (the process table and
 * responders want those at once); otherwise it drains on its short poll timeout. A wakeup
 * per record costs a context switch per event. Set by the loader to a fraction of the ring. */
const volatile __u64 wakeup_bytes = 1 << 20;
/* 0: exec records wait like the others (sensor.exec_wakeup: false); a forced wakeup is an
 * irq_work self-IPI, which costs tens of µs per exec in some VMs */
const volatile __u32 exec_wakeup = 1;

struct sc_conf_map sc_conf SEC(".maps");
struct scratch_map scratch SEC(".maps");

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
 * The task fields every record carries, of the current task: every hook runs in the
 * context of the task it reports (the exec'ing task, the forking parent, the exiting task,
 * the syscall's caller). The task is a BTF pointer, so plain member loads work: the
 * verifier turns them into fault-tolerant loads (a NULL or bad pointer reads 0), without a
 * helper call per field as bpf_probe_read_kernel costs. The capability sets keep the
 * helper: their layout (u64 or two u32) differs across kernels.
 */
__noinline int rec__fill_task(struct scratch *s, __u32 kind, __s32 nr)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct task_struct *leader = t->group_leader;
	struct task_struct *parent = leader->real_parent;
	const struct cred *cred = t->cred;
	struct nsproxy *ns = t->nsproxy;
	struct ward_ev_raw *e;
	struct pid *sidp;

	if (!s)
		return -1;
	e = (struct ward_ev_raw *)s->data;
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
	__builtin_memset(e->args, 0, sizeof(e->args));
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
	return 0;
}

/* Copies the record (size bytes of s) to this CPU's ring. */
__noinline int rec__emit(struct scratch *s, __u64 size)
{
	struct ward_ev_raw *e;
	__u32 key = 0, cpu = bpf_get_smp_processor_id();
	struct cpu_stats *st = bpf_map_lookup_elem(&stats, &key);
	void *ring = bpf_map_lookup_elem(&rings, &cpu);
	__u64 flags;

	if (!st || !s)
		return -1;
	e = (struct ward_ev_raw *)s->data;
	if (size > WARD_EV_MAX)
		size = WARD_EV_MAX;
	if (size < sizeof(*e))
		size = sizeof(*e);
	e->size = size;
	if (st->pending_drop)
		e->flags |= WARD_F_DROPS;
	/* execs and kernel kills are wanted at once (process table, alerts) */
	flags = (exec_wakeup && e->kind == WARD_EV_EXEC) || (e->flags & WARD_F_KERNEL_KILLED) ?
		BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	if (ring && flags == BPF_RB_NO_WAKEUP &&
	    bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	/* clang drops a mask it can prove redundant; the verifier may not have that proof on
	 * every path, so hide the value from clang first */
	barrier_var(size);
	if (!ring || bpf_ringbuf_output(ring, s->data, size & (SCRATCH_SIZE - 1), flags)) {
		st->drops++;
		st->pending_drop = 1;
		return -1;
	}
	st->events++;
	st->pending_drop = 0;
	return 0;
}
