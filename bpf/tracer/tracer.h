/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * What the tracer's files share: constants, the maps and globals (defined once, declared
 * extern here; the BPF linker joins them), and the global functions each file offers.
 *
 * Verifier budget, by design: every helper that walks, loops or matches is a *global*
 * function (non-static, __noinline). The verifier checks a global function once, on its
 * own, with its arguments unknown, instead of once per caller state as it does a static
 * subprogram; callers pay one call instruction. The rules that follow from that: arguments
 * are scalars or pointers to sized memory (the scratch buffer, a map value, initialised
 * stack), never kernel object pointers (those travel as __u64 and are read with
 * BPF_CORE_READ); a task argument is always current, so it is not passed at all; returned
 * offsets are unknown to the caller, which masks them before use. Loop state that changes
 * every pass lives in map memory (struct scratch.walk), where the verifier does not track
 * its exact value, so the loop body's states converge after a pass or two.
 * tests/integration/test_sensor_budget.sh holds every program to 250,000 verified
 * instructions (a quarter of the kernel's limit) on the kernel it runs on.
 */
#ifndef WARD_TRACER_H
#define WARD_TRACER_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "ward_abi.h"

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AT_FDCWD -100
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFDIR 0040000
#define S_IFIFO 0010000
#define TMPFS_MAGIC 0x01021994
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#define NAME_CHUNK 256
#define CGROUP_DEPTH 8
#define OFF_MASK (WARD_EV_MAX - 1)
#define SCRATCH_SIZE (WARD_EV_MAX * 2)
#define SIGKILL 9

#define NR_CONNECT 42
#define NR_CLONE 56
#define NR_FORK 57
#define NR_VFORK 58
#define NR_EXECVE 59
#define NR_PTRACE 101
#define NR_INIT_MODULE 175
#define NR_UNSHARE 272
#define NR_SETNS 308
#define NR_FINIT_MODULE 313
#define NR_EXECVEAT 322
#define NR_CLONE3 435
#define KK_CLONE_VM 0x100ull
#define KK_CLONE_VFORK 0x4000ull
#define KK_CLONE_THREAD 0x10000ull
#define KK_CSIGNAL 0xffull
#define KK_CLONE_ARGS_VER0 64 /* the smallest struct clone_args clone3 accepts */

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((void *)(ptr) - __builtin_offsetof(type, member)))
#endif

/* ---- rodata knobs (record.bpf.c), set by the loader before load ---- */
extern const volatile __u32 self_tgid;
extern const volatile __u64 wakeup_bytes;
extern const volatile __u32 exec_wakeup;

/* ---- maps and state shared across files ---- */

/* The dentry walk's state between bpf_loop passes (see the header comment). */
struct walk_state {
	__u64 d, vm, m;          /* current dentry, vfsmount, mount */
	__u64 root_d, root_m;    /* the task's root: stop there */
	__u32 off;
	__u32 flags;
	__u32 done;
	__u32 _pad;
};

/* A record is built here, then copied to the ring; data is twice the largest record so
 * that an offset masked with OFF_MASK plus one bounded read always stays inside. */
struct scratch {
	__u8 data[SCRATCH_SIZE];
	struct walk_state walk;
};

struct sc_conf_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, WARD_SC_MAX);
	__type(key, __u32);
	__type(value, struct ward_sc_conf);
};
extern struct sc_conf_map sc_conf SEC(".maps");

struct scratch_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* resized to the CPU count by the loader */
	__type(key, __u32);
	__type(value, struct scratch);
};
extern struct scratch_map scratch SEC(".maps");

/* kill policies (kill.bpf.c): bit k of kk_kinds is set while policies of kind k exist */
extern __u32 kk_kinds;
extern __u64 kk_kills;

/* ---- global functions ---- */

/* record.bpf.c: the header every record starts with (the current task), and the copy to
 * this CPU's ring. */
int rec__fill_task(struct scratch *s, __u32 kind, __s32 nr);
int rec__emit(struct scratch *s, __u64 size);

/* path.bpf.c: strings appended at off into slot; each returns the new offset. */
__u64 path__put_dentry(struct scratch *s, __u64 off, __u64 slot, __u64 dentry, __u64 vfsmount);
__u64 path__put_user_str(struct scratch *s, __u64 off, __u64 slot, __u64 uptr, __u64 max);
__u64 path__put_base(struct scratch *s, __u64 off, __u64 str_off, __u64 base_slot, __s64 dirfd);

/* fd.bpf.c: the kernel's view of an fd (a struct file address, 0 for none). */
__u64 fd__describe(struct scratch *s, __u64 off, __u64 file, __u32 want_path);
/* sock.bpf.c: a user sockaddr into the record's local (which 0) or remote (1) address */
__u64 sock__put_user_addr(struct scratch *s, __u64 off, __u32 which, __u64 uaddr, __s64 ulen);

/* kill*.bpf.c: returns the rule index + 1 of an exec kill (bit 31: rate-limited, not sent) */
__u32 kill__exec_check(__s64 nr);
int kill__path_check(struct scratch *s, __u64 off, __u64 slot, __u32 kind, __s64 nr);
int kill__exit_pending(struct scratch *s);

/* ---- small inline helpers ---- */

static __always_inline struct scratch *get_scratch(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&scratch, &cpu);
}

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

/* The struct file behind the current task's fd, or NULL. */
static __always_inline struct file *fd_file(long fd)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **arr;
	struct file *f = NULL;

	if (fd < 0 || !fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	arr = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &arr[fd & 0xfffff]);
	return f;
}

/* A memfd's dentry is named "memfd:<name>". */
static __always_inline int name_is_memfd(const unsigned char *name)
{
	char pfx[6] = {};

	bpf_probe_read_kernel(pfx, sizeof(pfx), name);
	return pfx[0] == 'm' && pfx[1] == 'e' && pfx[2] == 'm' && pfx[3] == 'f' && pfx[4] == 'd' &&
	       pfx[5] == ':';
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

#endif
