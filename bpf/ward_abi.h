/* SPDX-License-Identifier: (Apache-2.0 OR GPL-2.0) */
/*
 * The record format shared by the BPF programs and user space. Every record is one
 * struct ward_ev_raw followed by up to WARD_EV_STRS strings whose lengths are in str_len[].
 * Fixed-width fields and explicit padding only: the size is asserted on both sides and the
 * loader refuses a record whose abi field differs from WARD_ABI_VERSION.
 *
 * Capture files (`ward trace --write`) store these records verbatim, so changing this layout
 * means bumping WARD_ABI_VERSION.
 */
#ifndef WARD_ABI_H
#define WARD_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define WARD_ABI_VERSION 1

#define WARD_EV_STRS 5          /* string slots per record */
#define WARD_STR_MAX 4096       /* bytes per string slot, including NULs */
#define WARD_EV_MAX 32768       /* largest record, power of two */
#define WARD_SC_MAX 512         /* syscall numbers covered by the config map */
#define WARD_PATH_DEPTH 48      /* dentry components walked */
#define WARD_ARGV_MAX 4096      /* bytes of argv captured */

/* What happened. Syscall events keep the exact syscall in `nr` (evt.type). */
enum ward_ev_kind {
	WARD_EV_NONE = 0,
	WARD_EV_EXEC,      /* execve/execveat (success from sched_process_exec) */
	WARD_EV_FORK,      /* a new process (thread group), in the parent's context */
	WARD_EV_EXIT,      /* a process (thread group) ended */
	WARD_EV_OPEN,
	WARD_EV_UNLINK,
	WARD_EV_RENAME,
	WARD_EV_MKDIR,
	WARD_EV_RMDIR,
	WARD_EV_CHMOD,
	WARD_EV_CHOWN,
	WARD_EV_SYMLINK,
	WARD_EV_LINK,
	WARD_EV_TRUNCATE,
	WARD_EV_SOCKET,
	WARD_EV_CONNECT,
	WARD_EV_ACCEPT,
	WARD_EV_BIND,
	WARD_EV_LISTEN,
	WARD_EV_DUP,
	WARD_EV_SETUID,    /* setuid, setreuid, setresuid */
	WARD_EV_SETGID,    /* setgid, setregid, setresgid */
	WARD_EV_CAPSET,
	WARD_EV_PTRACE,
	WARD_EV_MEMFD,     /* memfd_create */
	WARD_EV_MOUNT,
	WARD_EV_UMOUNT,
	WARD_EV_UNSHARE,
	WARD_EV_SETNS,
	WARD_EV_MODULE,    /* init_module, finit_module */
	WARD_EV_BPF,
	WARD_EV_KILL,      /* kill, tkill, tgkill */
	WARD_EV_UTIMES,    /* utimensat, futimesat, utimes, utime: a file's times set */
	WARD_EV_XATTR,     /* setxattr, removexattr and their l/f variants */
	WARD_EV_KIND_KERNEL_MAX,
	/* records made by user space, never by the kernel */
	WARD_EV_PROC_SNAPSHOT = 64, /* a process that existed when the sensor started */
	WARD_EV_CONTAINER_INFO,     /* container metadata learned (strings hold JSON) */
	WARD_EV_KIND_MAX
};

/* ward_ev_raw.flags */
#define WARD_F_FAILED      (1u << 0)  /* ret < 0 */
#define WARD_F_EXE_MEMFD   (1u << 1)  /* executable is a memfd (fileless) */
#define WARD_F_EXE_UPPER   (1u << 2)  /* executable in an overlay upper layer */
#define WARD_F_EXE_DELETED (1u << 3)  /* executable has no links left */
#define WARD_F_HAS_TTY     (1u << 4)
#define WARD_F_THREAD      (1u << 5)  /* tid != pid */
#define WARD_F_DROPS       (1u << 6)  /* records were lost on this CPU before this one */
#define WARD_F_KERNEL_KILLED (1u << 7) /* SIGKILL sent by a kill policy in the kernel */
#define WARD_F_KERNEL_RATE_LIMITED (1u << 8) /* a kill policy matched (kill_rule names it) but
                                             * the workload's kernel kill budget was spent */

/* ward_ev_raw.str_flags[i] */
#define WARD_S_DENTRY      (1u << 0)  /* components leaf-first, NUL-separated: reverse them */
#define WARD_S_TRUNC       (1u << 1)  /* truncated at the slot or depth limit */
#define WARD_S_LIST        (1u << 2)  /* NUL-separated list (argv) */

/* Fixed string slot meanings, by kind. The strings follow the header in the order they
 * are written: exec records and user-space records (snapshot, container info) in slot
 * order; syscall records as PATH, BASE, PATH2, BASE2, AUX (each base right after the path
 * it resolves), absent slots taking no bytes. */
enum ward_str_slot {
	WARD_STR_PATH = 0,   /* primary path (syscall arg, or fd path when WARD_S_DENTRY) */
	WARD_STR_PATH2 = 1,  /* second path (rename/link/symlink target, mount target) */
	WARD_STR_BASE = 2,   /* dir a relative PATH is resolved against (cwd or dirfd) */
	WARD_STR_BASE2 = 3,  /* dir a relative PATH2 is resolved against; mount fstype */
	WARD_STR_AUX = 4,    /* fd path for dup/setns/finit_module; memfd name */
	/* exec reuses the slots: */
	WARD_STR_EXE = 0,      /* mm->exe_file, dentry walk */
	WARD_STR_ARGV = 1,     /* argv, NUL-separated */
	WARD_STR_CWD = 2,      /* fs->pwd, dentry walk */
	WARD_STR_FILENAME = 3, /* bprm->filename as the kernel resolved it */
	WARD_STR_CGROUP = 4,   /* default-hierarchy cgroup path, leaf-first */
};

/* ward_ev_raw.fd_type */
enum ward_fd_type {
	WARD_FD_NONE = 0,
	WARD_FD_FILE,
	WARD_FD_DIR,
	WARD_FD_IPV4,
	WARD_FD_IPV6,
	WARD_FD_UNIX,
	WARD_FD_PIPE,
	WARD_FD_MEMFD,
	WARD_FD_SOCK_OTHER, /* netlink, packet, ... (sock_family says which) */
	WARD_FD_OTHER,
};

struct ward_sa {
	__u16 family;   /* AF_* */
	__u16 port;     /* host byte order */
	__u32 _pad;
	__u8 addr[16];  /* IPv4 in the first 4 bytes, network order */
};

struct ward_ev_raw {
	__u16 abi;
	__u16 kind;          /* enum ward_ev_kind */
	__u16 size;          /* whole record in bytes, strings included */
	__s16 nr;            /* syscall number, -1 for scheduler events */
	__u32 pid;           /* thread group id */
	__u32 tid;
	__u32 ppid;          /* real parent's thread group id */
	__u32 flags;         /* WARD_F_* */
	__u32 uid, gid, euid, egid;
	__u32 loginuid;
	__u32 sid;           /* session id (in the task's pid namespace root view) */
	__u32 tty;           /* controlling tty dev_t, 0 if none */
	__u32 vpid;          /* pid inside the task's pid namespace */
	__u64 ts;            /* CLOCK_BOOTTIME ns */
	__u64 pstart;        /* this process's start (CLOCK_BOOTTIME ns, task->start_boottime) */
	__u64 ppstart;       /* parent's start */
	__u64 cgroup_id;     /* default-hierarchy cgroup id */
	__s64 ret;           /* syscall return value */
	__u64 args[6];       /* raw syscall arguments */
	__u64 cap_eff;
	__u64 cap_prm;
	__u32 mntns, netns, pidns;
	__u32 kill_rule;     /* WARD_F_KERNEL_KILLED / _RATE_LIMITED: index + 1 of the rule
	                      * whose policy matched (was padding, always 0 before: ABI
	                      * unchanged) */
	/* the fd this event produced or acted on */
	__u32 fd_type;       /* enum ward_fd_type */
	__u32 sock_family;
	__u32 sock_type;
	__u32 sock_proto;
	struct ward_sa local;
	struct ward_sa remote;
	/* fork: child; exit: code */
	__u32 child_pid;
	__u32 exit_code;     /* wait status: code << 8 | signal */
	__u64 child_start;
	char comm[16];
	__u16 str_len[WARD_EV_STRS];
	__u8 str_flags[WARD_EV_STRS];
	__u8 _pad1[1];
};

#define WARD_EV_RAW_SIZE 288
_Static_assert(sizeof(struct ward_ev_raw) == WARD_EV_RAW_SIZE, "ward_ev_raw layout changed");
_Static_assert(sizeof(struct ward_sa) == 24, "ward_sa layout changed");

/* Per-syscall capture configuration (map sc_conf, indexed by syscall number). */
#define WARD_ARG_NONE 0xff
#define WARD_DIRFD_CWD 0xfe   /* a path resolved against the cwd (non-*at syscalls) */

/* Scheduler events are switched by the sc_conf entry of the syscall that causes them. */
#define WARD_SC_GATE_EXEC 59   /* execve: successful execs */
#define WARD_SC_GATE_FORK 57   /* fork: every new process, whatever the clone flavour */
#define WARD_SC_GATE_EXIT 60   /* exit: process exits */
#define WARD_SC_OPENAT2 437    /* args[2] holds open_how.flags, not the pointer */

struct ward_sc_conf {
	__u8 enabled;       /* runtime switch: rules decide what reaches user space */
	__u8 kind;          /* enum ward_ev_kind */
	__u8 path_arg;      /* arg index of PATH string, or WARD_ARG_NONE */
	__u8 path_dirfd;    /* arg index of its dirfd, WARD_DIRFD_CWD, or WARD_ARG_NONE */
	__u8 path2_arg;     /* arg index of PATH2 string */
	__u8 path2_dirfd;
	__u8 sa_arg;        /* arg index of a user sockaddr (len in the next arg) */
	__u8 fd_arg;        /* arg index of an fd to describe (dup oldfd, connect fd...) */
	__u8 ret_fd;        /* 1: describe the returned fd (open, socket, accept) */
	__u8 aux_str_arg;   /* arg index of a user string for AUX (memfd name, mount fstype) */
	__u8 aux_fd_path;   /* 1: AUX gets the dentry path of fd_arg (setns, finit_module, dup) */
	__u8 _pad[5];
};
_Static_assert(sizeof(struct ward_sc_conf) == 16, "ward_sc_conf layout changed");

/*
 * In-kernel kill at exec (map kk_exec, keyed by the new image's comm, NUL-padded to 16
 * bytes). sched_process_exec looks the comm up and sends SIGKILL to the exec'ing task when
 * one of the value's slots matches: the syscall (execve/execveat), the parent's comm (any
 * when pcomm_cnt is 0) and where the task runs. The agent fills the map from the rules that
 * the kernel can decide exactly (src/rules/kernel_filter.c).
 */
#define WARD_KK_COMM 16          /* TASK_COMM_LEN */
#define WARD_KK_PER_NAME 4       /* rules sharing one comm */
#define WARD_KK_PARENTS 8        /* parent comms per rule */
#define WARD_KK_MAP_MAX 1024     /* comms in kk_exec */

#define WARD_KK_EXECVE    (1u << 0)
#define WARD_KK_EXECVEAT  (1u << 1)
#define WARD_KK_CONTAINER (1u << 2) /* a cgroup component is a 64-hex container id */
#define WARD_KK_HOST      (1u << 3) /* the task is in the root of the default hierarchy */
#define WARD_KK_MEMFD     (1u << 4) /* exec: the new image is a memfd (name "memfd:...") */

struct ward_kk_rule {
	__u32 rule;          /* rule index + 1; 0: unused slot */
	__u32 flags;         /* WARD_KK_* */
	__u32 pcomm_cnt;     /* 0: any parent */
	__u32 _pad;
	char pcomm[WARD_KK_PARENTS][WARD_KK_COMM];
};

struct ward_kk_policy {
	struct ward_kk_rule r[WARD_KK_PER_NAME];
};
_Static_assert(sizeof(struct ward_kk_rule) == 144, "ward_kk_rule layout changed");
_Static_assert(sizeof(struct ward_kk_policy) == 576, "ward_kk_policy layout changed");

/*
 * In-kernel kill at other syscalls (map kk_sys). The key names the syscall family and the
 * object the rule names: for open the path exactly as the sensor writes an fd path
 * (components leaf first, each NUL-terminated, zero-padded), for connect the peer address
 * and port (family 0: any address; port WARD_KK_ANY_PORT: any port), nothing for the others.
 * Each slot then tests the exact syscall, the caller's comm and its parent's, and where it
 * runs, as the exec policies do.
 *   open:    decided at syscall exit from the opened struct file (the path fd.name shows);
 *   connect: decided at sys_enter from the caller's sockaddr, confirmed by the cgroup
 *            connect4/6 program on the kernel's copy of the address, which refuses the
 *            connect (no packet leaves); the SIGKILL follows at syscall exit;
 *   ptrace, setns, unshare, module: decided at sys_enter, SIGKILL sent there;
 *   clone:   clone/clone3 with namespace flags, decided at sys_enter from the flags (clone3:
 *            read from the caller's struct clone_args); req_mask holds the CLONE_NEW* bits
 *            that must all be set. The SIGKILL is pending before copy_process runs, which
 *            then refuses to create the child; the kill record is made at sys_enter;
 *   exec path: execve/execveat keyed by the new image's path exactly as the sensor writes
 *            the exec record's executable (encoded like open's), decided in
 *            sched_process_exec after the comm policies, before the image runs.
 */
enum ward_kk_kind {
	WARD_KK_K_NONE = 0,
	WARD_KK_K_OPEN,
	WARD_KK_K_CONNECT,
	WARD_KK_K_PTRACE,
	WARD_KK_K_SETNS,
	WARD_KK_K_UNSHARE,
	WARD_KK_K_MODULE,
	WARD_KK_K_CLONE,
	WARD_KK_K_EXEC_PATH,
	WARD_KK_K_CNT
};
#define WARD_KK_KIND_EXEC 0       /* bit 0 of kk_kinds: exec policies exist */
#define WARD_KK_PATH 256          /* open, exec path: bytes of the encoded path, NUL padding included */
#define WARD_KK_ANY_PORT 0x10000
#define WARD_KK_SYS_COMMS 4       /* proc.name values per sys rule */
#define WARD_KK_SYS_NRS 4         /* syscall numbers per sys rule */
#define WARD_KK_SYS_MAX 1024      /* keys in kk_sys */

struct ward_kk_key {
	__u32 kind;          /* enum ward_kk_kind */
	__u32 port;          /* connect: host order, or WARD_KK_ANY_PORT */
	__u16 family;        /* connect: AF_INET, AF_INET6, or 0 for any address */
	__u16 _pad[3];
	__u8 obj[WARD_KK_PATH]; /* open, exec path: encoded path; connect: address (network order) */
};

struct ward_kk_sys_rule {
	__u32 rule;          /* rule index + 1; 0: unused slot */
	__u32 flags;         /* WARD_KK_CONTAINER / WARD_KK_HOST */
	__u32 comm_cnt;      /* 0: any comm */
	__u32 pcomm_cnt;     /* 0: any parent */
	__u64 req_mask;      /* ptrace: request bits (see ward_kk_req_bit), 0: any;
			      * clone: CLONE_NEW* bits that must all be set (never 0) */
	__s16 nr[WARD_KK_SYS_NRS]; /* the syscalls this slot covers; -1 unused */
	char comm[WARD_KK_SYS_COMMS][WARD_KK_COMM];
	char pcomm[WARD_KK_PARENTS][WARD_KK_COMM];
};

struct ward_kk_sys_policy {
	struct ward_kk_sys_rule r[WARD_KK_PER_NAME];
};

/* ptrace request → bit of req_mask; 64 for requests that have none. */
static inline __u32 ward_kk_req_bit(__u64 req)
{
	if (req < 32)
		return (__u32)req;
	if (req >= 0x4200 && req < 0x4220)
		return (__u32)(32 + req - 0x4200);
	return 64;
}

/* A workload's kernel-kill budget (map kk_rate): a fixed one-minute window. The key is the
 * cgroup id for a task in a container, else (tgid, process start). */
struct ward_kk_rate_key {
	__u64 id;
	__u64 start;
};
struct ward_kk_rate_val {
	__u64 window_start;  /* CLOCK_BOOTTIME ns */
	__u64 count;
};
_Static_assert(sizeof(struct ward_kk_key) == 272, "ward_kk_key layout changed");
_Static_assert(sizeof(struct ward_kk_sys_rule) == 224, "ward_kk_sys_rule layout changed");
_Static_assert(sizeof(struct ward_kk_sys_policy) == 896, "ward_kk_sys_policy layout changed");

#endif
