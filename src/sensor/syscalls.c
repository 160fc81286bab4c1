// SPDX-License-Identifier: Apache-2.0
/*
 * The syscalls ward captures (x86_64) and how the kernel side reads each one: which
 * argument is a path and which dirfd it is relative to, which is a sockaddr, which fd to
 * describe. The BPF exit program is driven entirely by this table (map sc_conf).
 * Entries with attach == false only gate scheduler events (fork, exit).
 */
#include "sensor/sensor.h"

#include <sys/syscall.h>

#define N WARD_ARG_NONE
#define CWD WARD_DIRFD_CWD

/* kind, path_arg, path_dirfd, path2_arg, path2_dirfd, sa_arg, fd_arg, ret_fd, aux_str_arg, aux_fd_path */
#define C(k, pa, pd, pb, pbd, sa, fa, rf, ax, afp)                                       \
	{ .enabled = 0, .kind = k, .path_arg = pa, .path_dirfd = pd, .path2_arg = pb,     \
	  .path2_dirfd = pbd, .sa_arg = sa, .fd_arg = fa, .ret_fd = rf, .aux_str_arg = ax,   \
	  .aux_fd_path = afp }

#define PLAIN(k) C(k, N, N, N, N, N, N, 0, N, 0)

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

const struct ward_syscall_def ward_syscalls[] = {
	/* process */
	{ "execve", SYS_execve, C(WARD_EV_EXEC, 0, CWD, N, N, N, N, 0, N, 0) },
	{ "execveat", SYS_execveat, C(WARD_EV_EXEC, 1, 0, N, N, N, N, 0, N, 0) },
	{ "fork", SYS_fork, PLAIN(WARD_EV_FORK) },   /* gate for every process creation */
	{ "exit", SYS_exit, PLAIN(WARD_EV_EXIT) },   /* gate for process exits */
	/* files */
	{ "open", SYS_open, C(WARD_EV_OPEN, 0, CWD, N, N, N, N, 1, N, 1) },
	{ "openat", SYS_openat, C(WARD_EV_OPEN, 1, 0, N, N, N, N, 1, N, 1) },
	{ "openat2", SYS_openat2, C(WARD_EV_OPEN, 1, 0, N, N, N, N, 1, N, 1) },
	{ "creat", SYS_creat, C(WARD_EV_OPEN, 0, CWD, N, N, N, N, 1, N, 1) },
	{ "unlink", SYS_unlink, C(WARD_EV_UNLINK, 0, CWD, N, N, N, N, 0, N, 0) },
	{ "unlinkat", SYS_unlinkat, C(WARD_EV_UNLINK, 1, 0, N, N, N, N, 0, N, 0) },
	{ "rename", SYS_rename, C(WARD_EV_RENAME, 0, CWD, 1, CWD, N, N, 0, N, 0) },
	{ "renameat", SYS_renameat, C(WARD_EV_RENAME, 1, 0, 3, 2, N, N, 0, N, 0) },
	{ "renameat2", SYS_renameat2, C(WARD_EV_RENAME, 1, 0, 3, 2, N, N, 0, N, 0) },
	{ "mkdir", SYS_mkdir, C(WARD_EV_MKDIR, 0, CWD, N, N, N, N, 0, N, 0) },
	{ "mkdirat", SYS_mkdirat, C(WARD_EV_MKDIR, 1, 0, N, N, N, N, 0, N, 0) },
	{ "rmdir", SYS_rmdir, C(WARD_EV_RMDIR, 0, CWD, N, N, N, N, 0, N, 0) },
	{ "chmod", SYS_chmod, C(WARD_EV_CHMOD, 0, CWD, N, N, N, N, 0, N, 0) },
	{ "fchmod", SYS_fchmod, C(WARD_EV_CHMOD, N, N, N, N, N, 0, 0, N, 1) },
	{ "fchmodat", SYS_fchmodat, C(WARD_EV_CHMOD, 1, 0, N, N, N, N, 0, N, 0) },
	{ "fchmodat2", SYS_fchmodat2, C(WARD_EV_CHMOD, 1, 0, N, N, N, N, 0, N, 0) },
	{ "chown", SYS_chown, C(WARD_EV_CHOWN, 0, CWD, N, N, N, N, 0, N, 0) },
	{ "lchown", SYS_lchown, C(WARD_EV_CHOWN, 0, CWD, N, N, N, N, 0, N, 0) },
	{ "fchown", SYS_fchown, C(WARD_EV_CHOWN, N, N, N, N, N, 0, 0, N, 1) },
	{ "fchownat", SYS_fchownat, C(WARD_EV_CHOWN, 1, 0, N, N, N, N, 0, N, 0) },
	/* symlink: PATH is the target text (not resolved), PATH2 the new link */
	{ "symlink", SYS_symlink, C(WARD_EV_SYMLINK, 0, N, 1, CWD, N, N, 0, N, 0) },
	{ "symlinkat", SYS_symlinkat, C(WARD_EV_SYMLINK, 0, N, 2, 1, N, N, 0, N, 0) },
	/* link: PATH is the existing file, PATH2 the new name */
	{ "link", SYS_link, C(WARD_EV_LINK, 0, CWD, 1, CWD, N, N, 0, N, 0) },
	{ "linkat", SYS_linkat, C(WARD_EV_LINK, 1, 0, 3, 2, N, N, 0, N, 0) },
	{ "truncate", SYS_truncate, C(WARD_EV_TRUNCATE, 0, CWD, N, N, N, N, 0, N, 0) },
	{ "ftruncate", SYS_ftruncate, C(WARD_EV_TRUNCATE, N, N, N, N, N, 0, 0, N, 1) },
	/* times: a NULL path (futimens) names the file by dirfd, whose kernel path is AUX */
	{ "utimensat", SYS_utimensat, C(WARD_EV_UTIMES, 1, 0, N, N, N, 0, 0, N, 1) },
	{ "futimesat", SYS_futimesat, C(WARD_EV_UTIMES, 1, 0, N, N, N, 0, 0, N, 1) },
	{ "utimes", SYS_utimes, C(WARD_EV_UTIMES, 0, CWD, N, N, N, N, 0, N, 0) },
	{ "utime", SYS_utime, C(WARD_EV_UTIMES, 0, CWD, N, N, N, N, 0, N, 0) },
	/* xattrs: PATH2 is the attribute's name as given (not a path; never resolved) */
	{ "setxattr", SYS_setxattr, C(WARD_EV_XATTR, 0, CWD, 1, N, N, N, 0, N, 0) },
	{ "lsetxattr", SYS_lsetxattr, C(WARD_EV_XATTR, 0, CWD, 1, N, N, N, 0, N, 0) },
	{ "fsetxattr", SYS_fsetxattr, C(WARD_EV_XATTR, N, N, 1, N, N, 0, 0, N, 1) },
	{ "removexattr", SYS_removexattr, C(WARD_EV_XATTR, 0, CWD, 1, N, N, N, 0, N, 0) },
	{ "lremovexattr", SYS_lremovexattr, C(WARD_EV_XATTR, 0, CWD, 1, N, N, N, 0, N, 0) },
	{ "fremovexattr", SYS_fremovexattr, C(WARD_EV_XATTR, N, N, 1, N, N, 0, 0, N, 1) },
	/* network */
	{ "socket", SYS_socket, C(WARD_EV_SOCKET, N, N, N, N, N, N, 1, N, 0) },
	{ "connect", SYS_connect, C(WARD_EV_CONNECT, N, N, N, N, 1, 0, 0, N, 0) },
	{ "accept", SYS_accept, C(WARD_EV_ACCEPT, N, N, N, N, N, N, 1, N, 0) },
	{ "accept4", SYS_accept4, C(WARD_EV_ACCEPT, N, N, N, N, N, N, 1, N, 0) },
	{ "bind", SYS_bind, C(WARD_EV_BIND, N, N, N, N, 1, 0, 0, N, 0) },
	{ "listen", SYS_listen, C(WARD_EV_LISTEN, N, N, N, N, N, 0, 0, N, 0) },
	{ "dup", SYS_dup, C(WARD_EV_DUP, N, N, N, N, N, 0, 0, N, 1) },
	{ "dup2", SYS_dup2, C(WARD_EV_DUP, N, N, N, N, N, 0, 0, N, 1) },
	{ "dup3", SYS_dup3, C(WARD_EV_DUP, N, N, N, N, N, 0, 0, N, 1) },
	/* privilege and kernel */
	{ "setuid", SYS_setuid, PLAIN(WARD_EV_SETUID) },
	{ "setreuid", SYS_setreuid, PLAIN(WARD_EV_SETUID) },
	{ "setresuid", SYS_setresuid, PLAIN(WARD_EV_SETUID) },
	{ "setgid", SYS_setgid, PLAIN(WARD_EV_SETGID) },
	{ "setregid", SYS_setregid, PLAIN(WARD_EV_SETGID) },
	{ "setresgid", SYS_setresgid, PLAIN(WARD_EV_SETGID) },
	{ "capset", SYS_capset, PLAIN(WARD_EV_CAPSET) },
	{ "ptrace", SYS_ptrace, PLAIN(WARD_EV_PTRACE) },
	{ "memfd_create", SYS_memfd_create, C(WARD_EV_MEMFD, N, N, N, N, N, N, 0, 0, 0) },
	/* mount: PATH is the target dir, PATH2 the source as given, AUX the fs type */
	{ "mount", SYS_mount, C(WARD_EV_MOUNT, 1, CWD, 0, N, N, N, 0, 2, 0) },
	{ "umount2", SYS_umount2, C(WARD_EV_UMOUNT, 0, CWD, N, N, N, N, 0, N, 0), "umount" },
	{ "unshare", SYS_unshare, PLAIN(WARD_EV_UNSHARE) },
	{ "setns", SYS_setns, C(WARD_EV_SETNS, N, N, N, N, N, 0, 0, N, 1) },
	{ "init_module", SYS_init_module, C(WARD_EV_MODULE, N, N, N, N, N, N, 0, 2, 0) },
	{ "finit_module", SYS_finit_module, C(WARD_EV_MODULE, N, N, N, N, N, 0, 0, N, 1) },
	{ "bpf", SYS_bpf, PLAIN(WARD_EV_BPF) },
	{ "kill", SYS_kill, PLAIN(WARD_EV_KILL) },
	{ "tkill", SYS_tkill, PLAIN(WARD_EV_KILL) },
	{ "tgkill", SYS_tgkill, PLAIN(WARD_EV_KILL) },
};

const size_t ward_syscalls_cnt = sizeof(ward_syscalls) / sizeof(ward_syscalls[0]);
