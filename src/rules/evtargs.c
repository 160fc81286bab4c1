// SPDX-License-Identifier: Apache-2.0
/*
 * evt.arg.* and evt.rawarg.*: Falco's argument names for each syscall ward captures, where
 * each value lives in a ward event (a raw syscall argument, the return value, a decoded path,
 * a socket address), and how Falco renders it: flag sets as "O_WRONLY|O_CREAT", ptrace
 * requests as "PTRACE_ATTACH", socket domains as "AF_PACKET", signals as "SIGKILL".
 * Rules compare those renderings as strings, so the spellings follow Falco's.
 *
 * Also the capability-name list behind thread.cap_effective. Not here: other fields
 * (fields.c).
 */
#include "rules/rules_int.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "events/event.h"
#include "events/proc.h"

/* numeric sources first: render() treats S_PATH and later as strings */
enum src { S_RAW, S_RET, S_FD, S_CHILD, S_EXEFLAGS, S_ADDR, S_TUPLE, S_PATH, S_PATH2, S_AUX, S_CWD, S_ARGS, S_EXE };
enum rnd { R_DEC, R_HEX, R_OPEN, R_MODE, R_PTRACE, R_DOMAIN, R_SOCKTYPE, R_CLONE, R_SIG, R_MOUNT,
	   R_UMOUNT, R_UNLINK, R_MEMFD, R_DUP3, R_STR, R_EXEFLAGS, R_AT, R_ERR };

struct arg {
	const char *name;
	uint8_t src, idx, rnd;
};

struct sc_args {
	const char *sc;
	struct arg a[8];
};

#define A(n, s, i, r) { n, S_##s, i, R_##r }
#define RES A("res", RET, 0, ERR)
#define FDRES A("fd", RET, 0, DEC)

/* Falco's parameter order (exit event, then the enter-only ones), so evt.arg[N] agrees. */
static const struct sc_args table[] = {
	{ "open", { FDRES, A("name", PATH, 0, STR), A("flags", RAW, 1, OPEN), A("mode", RAW, 2, MODE) } },
	{ "openat", { FDRES, A("dirfd", RAW, 0, AT), A("name", PATH, 0, STR), A("flags", RAW, 2, OPEN), A("mode", RAW, 3, MODE) } },
	{ "openat2", { FDRES, A("dirfd", RAW, 0, AT), A("name", PATH, 0, STR) } },
	{ "creat", { FDRES, A("name", PATH, 0, STR), A("mode", RAW, 1, MODE) } },
	{ "execve", { RES, A("exe", EXE, 0, STR), A("args", ARGS, 0, STR), A("cwd", CWD, 0, STR), A("filename", PATH, 0, STR), A("flags", EXEFLAGS, 0, EXEFLAGS) } },
	{ "execveat", { RES, A("exe", EXE, 0, STR), A("args", ARGS, 0, STR), A("cwd", CWD, 0, STR), A("dirfd", RAW, 0, AT), A("pathname", PATH, 0, STR), A("filename", PATH, 0, STR), A("flags", EXEFLAGS, 0, EXEFLAGS) } },
	{ "clone", { A("res", CHILD, 0, DEC), A("exe", EXE, 0, STR), A("args", ARGS, 0, STR), A("flags", RAW, 0, CLONE) } },
	{ "unlink", { RES, A("path", PATH, 0, STR) } },
	{ "unlinkat", { RES, A("dirfd", RAW, 0, AT), A("name", PATH, 0, STR), A("flags", RAW, 2, UNLINK) } },
	{ "rename", { RES, A("oldpath", PATH, 0, STR), A("newpath", PATH2, 0, STR) } },
	{ "renameat", { RES, A("olddirfd", RAW, 0, AT), A("oldpath", PATH, 0, STR), A("newdirfd", RAW, 2, AT), A("newpath", PATH2, 0, STR) } },
	{ "renameat2", { RES, A("olddirfd", RAW, 0, AT), A("oldpath", PATH, 0, STR), A("newdirfd", RAW, 2, AT), A("newpath", PATH2, 0, STR), A("flags", RAW, 4, HEX) } },
	{ "mkdir", { RES, A("path", PATH, 0, STR), A("mode", RAW, 1, MODE) } },
	{ "mkdirat", { RES, A("dirfd", RAW, 0, AT), A("path", PATH, 0, STR), A("mode", RAW, 2, MODE) } },
	{ "rmdir", { RES, A("path", PATH, 0, STR) } },
	{ "chmod", { RES, A("filename", PATH, 0, STR), A("mode", RAW, 1, MODE) } },
	{ "fchmod", { RES, A("fd", RAW, 0, DEC), A("mode", RAW, 1, MODE) } },
	{ "fchmodat", { RES, A("dirfd", RAW, 0, AT), A("filename", PATH, 0, STR), A("mode", RAW, 2, MODE) } },
	{ "fchmodat2", { RES, A("dirfd", RAW, 0, AT), A("filename", PATH, 0, STR), A("mode", RAW, 2, MODE) } },
	{ "chown", { RES, A("path", PATH, 0, STR), A("uid", RAW, 1, DEC), A("gid", RAW, 2, DEC) } },
	{ "lchown", { RES, A("path", PATH, 0, STR), A("uid", RAW, 1, DEC), A("gid", RAW, 2, DEC) } },
	{ "fchown", { RES, A("fd", RAW, 0, DEC), A("uid", RAW, 1, DEC), A("gid", RAW, 2, DEC) } },
	{ "fchownat", { RES, A("dirfd", RAW, 0, AT), A("pathname", PATH, 0, STR), A("uid", RAW, 2, DEC), A("gid", RAW, 3, DEC), A("flags", RAW, 4, HEX) } },
	{ "symlink", { RES, A("target", PATH, 0, STR), A("linkpath", PATH2, 0, STR) } },
	{ "symlinkat", { RES, A("target", PATH, 0, STR), A("linkdirfd", RAW, 1, AT), A("linkpath", PATH2, 0, STR) } },
	{ "link", { RES, A("oldpath", PATH, 0, STR), A("newpath", PATH2, 0, STR) } },
	{ "linkat", { RES, A("olddir", RAW, 0, AT), A("oldpath", PATH, 0, STR), A("newdir", RAW, 2, AT), A("newpath", PATH2, 0, STR), A("flags", RAW, 4, HEX) } },
	{ "truncate", { RES, A("path", PATH, 0, STR), A("length", RAW, 1, DEC) } },
	{ "ftruncate", { RES, A("fd", RAW, 0, DEC), A("length", RAW, 1, DEC) } },
	/* times and xattrs (ward's names: PATH is the file, PATH2 the attribute's name) */
	{ "utimensat", { RES, A("dirfd", RAW, 0, AT), A("path", PATH, 0, STR), A("flags", RAW, 3, HEX) } },
	{ "futimesat", { RES, A("dirfd", RAW, 0, AT), A("path", PATH, 0, STR) } },
	{ "utimes", { RES, A("path", PATH, 0, STR) } },
	{ "utime", { RES, A("path", PATH, 0, STR) } },
	{ "setxattr", { RES, A("path", PATH, 0, STR), A("name", PATH2, 0, STR), A("size", RAW, 3, DEC), A("flags", RAW, 4, HEX) } },
	{ "lsetxattr", { RES, A("path", PATH, 0, STR), A("name", PATH2, 0, STR), A("size", RAW, 3, DEC), A("flags", RAW, 4, HEX) } },
	{ "fsetxattr", { RES, A("fd", RAW, 0, DEC), A("path", PATH, 0, STR), A("name", PATH2, 0, STR), A("size", RAW, 3, DEC), A("flags", RAW, 4, HEX) } },
	{ "removexattr", { RES, A("path", PATH, 0, STR), A("name", PATH2, 0, STR) } },
	{ "lremovexattr", { RES, A("path", PATH, 0, STR), A("name", PATH2, 0, STR) } },
	{ "fremovexattr", { RES, A("fd", RAW, 0, DEC), A("path", PATH, 0, STR), A("name", PATH2, 0, STR) } },
	{ "socket", { FDRES, A("domain", RAW, 0, DOMAIN), A("type", RAW, 1, SOCKTYPE), A("proto", RAW, 2, DEC) } },
	{ "connect", { RES, A("tuple", TUPLE, 0, STR), A("fd", RAW, 0, DEC), A("addr", ADDR, 0, STR) } },
	{ "accept", { FDRES, A("tuple", TUPLE, 0, STR) } },
	{ "accept4", { FDRES, A("tuple", TUPLE, 0, STR), A("flags", RAW, 3, HEX) } },
	{ "bind", { RES, A("addr", ADDR, 0, STR), A("fd", RAW, 0, DEC) } },
	{ "listen", { RES, A("fd", RAW, 0, DEC), A("backlog", RAW, 1, DEC) } },
	{ "dup", { RES, A("oldfd", RAW, 0, DEC), A("fd", RAW, 0, DEC) } },
	{ "dup2", { RES, A("oldfd", RAW, 0, DEC), A("newfd", RAW, 1, DEC), A("fd", RAW, 0, DEC) } },
	{ "dup3", { RES, A("oldfd", RAW, 0, DEC), A("newfd", RAW, 1, DEC), A("flags", RAW, 2, DUP3), A("fd", RAW, 0, DEC) } },
	{ "setuid", { RES, A("uid", RAW, 0, DEC) } },
	{ "setreuid", { RES, A("ruid", RAW, 0, DEC), A("euid", RAW, 1, DEC) } },
	{ "setresuid", { RES, A("ruid", RAW, 0, DEC), A("euid", RAW, 1, DEC), A("suid", RAW, 2, DEC) } },
	{ "setgid", { RES, A("gid", RAW, 0, DEC) } },
	{ "setregid", { RES, A("rgid", RAW, 0, DEC), A("egid", RAW, 1, DEC) } },
	{ "setresgid", { RES, A("rgid", RAW, 0, DEC), A("egid", RAW, 1, DEC), A("sgid", RAW, 2, DEC) } },
	{ "capset", { RES } },
	{ "ptrace", { RES, A("addr", RAW, 2, HEX), A("data", RAW, 3, HEX), A("request", RAW, 0, PTRACE), A("pid", RAW, 1, DEC) } },
	{ "memfd_create", { FDRES, A("name", AUX, 0, STR), A("flags", RAW, 1, MEMFD) } },
	{ "mount", { RES, A("dev", PATH2, 0, STR), A("dir", PATH, 0, STR), A("type", AUX, 0, STR), A("flags", RAW, 3, MOUNT) } },
	{ "umount2", { RES, A("name", PATH, 0, STR), A("flags", RAW, 1, UMOUNT) } },
	{ "umount", { RES, A("name", PATH, 0, STR) } },
	{ "unshare", { RES, A("flags", RAW, 0, CLONE) } },
	{ "setns", { RES, A("fd", RAW, 0, DEC), A("nstype", RAW, 1, CLONE) } },
	{ "init_module", { RES, A("length", RAW, 1, DEC), A("uargs", RAW, 2, HEX) } },
	{ "finit_module", { RES, A("fd", RAW, 0, DEC), A("uargs", RAW, 1, HEX), A("flags", RAW, 2, HEX) } },
	{ "bpf", { A("fd", RET, 0, DEC), A("cmd", RAW, 0, DEC) } },
	{ "kill", { RES, A("pid", RAW, 0, DEC), A("sig", RAW, 1, SIG) } },
	{ "tkill", { RES, A("tid", RAW, 0, DEC), A("sig", RAW, 1, SIG) } },
	{ "tgkill", { RES, A("pid", RAW, 0, DEC), A("tid", RAW, 1, DEC), A("sig", RAW, 2, SIG) } },
	{ "procexit", { A("status", RAW, 0, DEC) } },
};

static const struct sc_args *by_type[WARD_RTYPE_CNT];
static pthread_once_t by_type_once = PTHREAD_ONCE_INIT;

static void by_type_init(void)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		int id = ward_rtype_id(table[i].sc);

		if (id >= 0)
			by_type[id] = &table[i];
	}
	/* every fork flavour is reported as clone */
	by_type[57] = by_type[58] = by_type[435] = by_type[56];
}

bool ward_evtarg_name_known(const char *name)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		for (size_t k = 0; k < 8 && table[i].a[k].name; k++)
			if (strcmp(table[i].a[k].name, name) == 0)
				return true;
	/* names Falco defines on syscalls ward does not capture yet */
	static const char *const extra[] = { "size", "data", "buf", "cmd", "uid", "gid", "path",
		"target", "linkpath", "request", "domain", "sig", "status", "ret", "arg", "resource", NULL };
	for (size_t i = 0; extra[i]; i++)
		if (strcmp(extra[i], name) == 0)
			return true;
	return false;
}

struct flag {
	uint64_t v;
	const char *n;
};

/* snprintf(out, cap, "%s%s", a, b) (cap > 0) without its cost: flag names are rendered for
 * rules on every open. Returns the length the whole would have. */
static size_t cat2(char *out, size_t cap, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n, m;

	n = la < cap - 1 ? la : cap - 1;
	memcpy(out, a, n);
	m = lb < cap - 1 - n ? lb : cap - 1 - n;
	memcpy(out + n, b, m);
	out[n + m] = '\0';
	return la + lb;
}

static size_t flags_render(uint64_t val, const struct flag *f, char *out, size_t cap)
{
	size_t o = 0;

	out[0] = '\0';
	for (; f->n; f++) {
		if (f->v == 0 || (val & f->v) != f->v)
			continue;
		size_t n = cat2(out + o, cap - o, o ? "|" : "", f->n);

		if (n >= cap - o)
			break;
		o += n;
		val &= ~f->v;
	}
	if (val && o + 24 < cap)
		o += (size_t)snprintf(out + o, cap - o, "%s0x%" PRIx64, o ? "|" : "", val);
	return o;
}

static const struct flag open_fl[] = {
	{ 020200000, "O_TMPFILE" }, { 0100, "O_CREAT" }, { 0200, "O_EXCL" }, { 0400, "O_NOCTTY" },
	{ 01000, "O_TRUNC" }, { 02000, "O_APPEND" }, { 04000, "O_NONBLOCK" }, { 04010000, "O_SYNC" },
	{ 010000, "O_DSYNC" }, { 020000, "FASYNC" }, { 040000, "O_DIRECT" }, { 0100000, "O_LARGEFILE" },
	{ 0200000, "O_DIRECTORY" }, { 0400000, "O_NOFOLLOW" }, { 01000000, "O_NOATIME" },
	{ 02000000, "O_CLOEXEC" }, { 010000000, "O_PATH" }, { 0, NULL } };
static const struct flag clone_fl[] = {
	{ 0x100, "CLONE_VM" }, { 0x200, "CLONE_FS" }, { 0x400, "CLONE_FILES" }, { 0x800, "CLONE_SIGHAND" },
	{ 0x1000, "CLONE_PIDFD" }, { 0x2000, "CLONE_PTRACE" }, { 0x4000, "CLONE_VFORK" },
	{ 0x8000, "CLONE_PARENT" }, { 0x10000, "CLONE_THREAD" }, { 0x20000, "CLONE_NEWNS" },
	{ 0x40000, "CLONE_SYSVSEM" }, { 0x80000, "CLONE_SETTLS" }, { 0x100000, "CLONE_PARENT_SETTID" },
	{ 0x200000, "CLONE_CHILD_CLEARTID" }, { 0x400000, "CLONE_DETACHED" }, { 0x800000, "CLONE_UNTRACED" },
	{ 0x1000000, "CLONE_CHILD_SETTID" }, { 0x2000000, "CLONE_NEWCGROUP" }, { 0x4000000, "CLONE_NEWUTS" },
	{ 0x8000000, "CLONE_NEWIPC" }, { 0x10000000, "CLONE_NEWUSER" }, { 0x20000000, "CLONE_NEWPID" },
	{ 0x40000000, "CLONE_NEWNET" }, { 0x80000000, "CLONE_IO" }, { 0, NULL } };
static const struct flag mount_fl[] = {
	{ 1, "RDONLY" }, { 2, "NOSUID" }, { 4, "NODEV" }, { 8, "NOEXEC" }, { 16, "SYNCHRONOUS" },
	{ 32, "REMOUNT" }, { 64, "MANDLOCK" }, { 128, "DIRSYNC" }, { 1024, "NOATIME" },
	{ 2048, "NODIRATIME" }, { 4096, "BIND" }, { 8192, "MOVE" }, { 16384, "REC" },
	{ 32768, "SILENT" }, { 1 << 16, "POSIXACL" }, { 1 << 17, "UNBINDABLE" }, { 1 << 18, "PRIVATE" },
	{ 1 << 19, "SLAVE" }, { 1 << 20, "SHARED" }, { 1 << 21, "RELATIME" }, { 1 << 22, "KERNMOUNT" },
	{ 1 << 23, "I_VERSION" }, { 1 << 24, "STRICTATIME" }, { 1 << 25, "LAZYTIME" }, { 0, NULL } };
static const struct flag umount_fl[] = { { 1, "FORCE" }, { 2, "DETACH" }, { 4, "EXPIRE" },
	{ 8, "NOFOLLOW" }, { 0, NULL } };
static const struct flag memfd_fl[] = { { 1, "MFD_CLOEXEC" }, { 2, "MFD_ALLOW_SEALING" },
	{ 4, "MFD_HUGETLB" }, { 8, "MFD_NOEXEC_SEAL" }, { 0x10, "MFD_EXEC" }, { 0, NULL } };
static const struct flag sock_fl[] = { { 04000, "SOCK_NONBLOCK" }, { 02000000, "SOCK_CLOEXEC" }, { 0, NULL } };
static const struct flag unlink_fl[] = { { 0x200, "AT_REMOVEDIR" }, { 0, NULL } };
static const struct flag dup3_fl[] = { { 02000000, "O_CLOEXEC" }, { 0, NULL } };
static const struct flag exe_fl[] = { { WARD_F_EXE_UPPER, "EXE_UPPER_LAYER" },
	{ WARD_F_EXE_MEMFD, "EXE_FROM_MEMFD" }, { 0, NULL } };

static const char *ptrace_name(uint64_t r)
{
	static const struct flag req[] = {
		{ 0, "PTRACE_TRACEME" }, { 1, "PTRACE_PEEKTEXT" }, { 2, "PTRACE_PEEKDATA" },
		{ 3, "PTRACE_PEEKUSR" }, { 4, "PTRACE_POKETEXT" }, { 5, "PTRACE_POKEDATA" },
		{ 6, "PTRACE_POKEUSR" }, { 7, "PTRACE_CONT" }, { 8, "PTRACE_KILL" },
		{ 9, "PTRACE_SINGLESTEP" }, { 12, "PTRACE_GETREGS" }, { 13, "PTRACE_SETREGS" },
		{ 14, "PTRACE_GETFPREGS" }, { 15, "PTRACE_SETFPREGS" }, { 16, "PTRACE_ATTACH" },
		{ 17, "PTRACE_DETACH" }, { 18, "PTRACE_GETFPXREGS" }, { 19, "PTRACE_SETFPXREGS" },
		{ 24, "PTRACE_SYSCALL" }, { 0x4200, "PTRACE_SETOPTIONS" }, { 0x4201, "PTRACE_GETEVENTMSG" },
		{ 0x4202, "PTRACE_GETSIGINFO" }, { 0x4203, "PTRACE_SETSIGINFO" }, { 0x4204, "PTRACE_GETREGSET" },
		{ 0x4205, "PTRACE_SETREGSET" }, { 0x4206, "PTRACE_SEIZE" }, { 0x4207, "PTRACE_INTERRUPT" },
		{ 0x4208, "PTRACE_LISTEN" }, { 0x4209, "PTRACE_PEEKSIGINFO" }, { 0, NULL } };

	for (size_t i = 0; req[i].n; i++)
		if (req[i].v == r)
			return req[i].n;
	return NULL;
}

static const char *domain_name(uint64_t d)
{
	static const char *const names[] = { [1] = "AF_UNIX", [2] = "AF_INET", [3] = "AF_AX25",
		[4] = "AF_IPX", [5] = "AF_APPLETALK", [7] = "AF_BRIDGE", [9] = "AF_X25",
		[10] = "AF_INET6", [15] = "AF_KEY", [16] = "AF_NETLINK", [17] = "AF_PACKET",
		[29] = "AF_CAN", [31] = "AF_BLUETOOTH", [38] = "AF_ALG", [40] = "AF_VSOCK", [44] = "AF_XDP" };

	return d < sizeof(names) / sizeof(names[0]) ? names[d] : NULL;
}

static size_t sa_render(const struct ward_sa *sa, char *out, size_t cap)
{
	char ip[INET6_ADDRSTRLEN];

	if (sa->family != AF_INET && sa->family != AF_INET6)
		return 0;
	if (!inet_ntop(sa->family, sa->addr, ip, sizeof(ip)))
		return 0;
	return (size_t)snprintf(out, cap, "%s:%u", ip, sa->port);
}

static int render(struct ward_rx *x, const struct arg *a, bool raw, struct ward_rval *v)
{
	const struct ward_event *ev = x->ev;
	const struct ward_ev_raw *r = ev->raw;
	uint64_t n = 0;
	const char *s = NULL;
	size_t len = 0;
	char *out = x->tmp;
	size_t cap = sizeof(x->tmp);

	switch (a->src) {
	case S_RAW: n = r->args[a->idx]; break;
	case S_RET: n = (uint64_t)r->ret; break;
	case S_FD: n = (uint64_t)(int64_t)ev->fd; break;
	case S_CHILD: n = r->child_pid; break;
	case S_EXEFLAGS: n = r->flags & (WARD_F_EXE_UPPER | WARD_F_EXE_MEMFD); break;
	case S_PATH: s = ev->path; break;
	case S_PATH2: s = ev->path2; break;
	case S_AUX: s = ev->aux; break;
	case S_CWD: s = ev->cwd; break;
	case S_EXE: s = ev->proc ? ev->proc->exe : NULL; break;
	case S_ARGS: s = ev->proc ? ev->proc->args : NULL; break;
	case S_ADDR:
		len = sa_render(&r->remote, out, cap);
		if (!len && (r->kind == WARD_EV_BIND))
			len = sa_render(&r->local, out, cap);
		return len ? (v->s = out, v->len = len, v->is_num = false, 1) : 0;
	case S_TUPLE: {
		char a1[64], a2[64];
		size_t l1 = sa_render(&r->local, a1, sizeof(a1)), l2 = sa_render(&r->remote, a2, sizeof(a2));

		if (!l1 || !l2)
			return 0;
		len = (size_t)snprintf(out, cap, "%s->%s", r->kind == WARD_EV_ACCEPT ? a2 : a1,
				       r->kind == WARD_EV_ACCEPT ? a1 : a2);
		v->s = out;
		v->len = len;
		v->is_num = false;
		return 1;
	}
	}
	if (a->src >= S_PATH) {
		if (!s)
			return 0;
		v->s = s;
		v->len = strlen(s);
		v->is_num = false;
		return 1;
	}
	if (raw || a->rnd == R_DEC) {
		v->is_num = true;
		v->n = (int64_t)n;
		if (a->src == S_RAW && (a->rnd == R_DEC || a->rnd == R_AT))
			v->n = (int64_t)(int32_t)n; /* fds, pids and ids are C ints */
		v->s = NULL;
		v->len = 0;
		return 1;
	}
	switch (a->rnd) {
	case R_HEX: len = (size_t)snprintf(out, cap, "0x%" PRIx64, n); break;
	case R_MODE: len = (size_t)snprintf(out, cap, "0%" PRIo64, n & 07777); break;
	case R_AT:
		len = (int32_t)n == -100 ? (size_t)snprintf(out, cap, "AT_FDCWD")
					 : (size_t)snprintf(out, cap, "%d", (int32_t)n);
		break;
	case R_ERR:
		if ((int64_t)n >= 0) {
			len = (size_t)snprintf(out, cap, "%" PRId64, (int64_t)n);
		} else {
			s = (int64_t)n > -4096 ? strerrorname_np((int)-(int64_t)n) : NULL;
			len = s ? (size_t)snprintf(out, cap, "%s", s) : (size_t)snprintf(out, cap, "%" PRId64, (int64_t)n);
		}
		break;
	case R_OPEN:
		/* the access mode is a 2-bit value, not a flag */
		len = cat2(out, cap, (n & 3) == 0 ? "O_RDONLY" : (n & 3) == 1 ? "O_WRONLY" : (n & 3) == 2 ? "O_RDWR" : "O_ACCMODE", "");
		if (n & ~(uint64_t)3) {
			out[len++] = '|';
			len += flags_render(n & ~(uint64_t)3, open_fl, out + len, cap - len);
		}
		break;
	case R_PTRACE:
		s = ptrace_name(n);
		len = s ? cat2(out, cap, s, "") : (size_t)snprintf(out, cap, "%" PRIu64, n);
		break;
	case R_DOMAIN:
		s = domain_name(n);
		len = s ? cat2(out, cap, s, "") : (size_t)snprintf(out, cap, "%" PRIu64, n);
		break;
	case R_SOCKTYPE: {
		static const char *const types[] = { NULL, "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW",
			"SOCK_RDM", "SOCK_SEQPACKET", "SOCK_DCCP", NULL, NULL, NULL, "SOCK_PACKET" };
		uint64_t t = n & 0xf;

		len = t < 11 && types[t] ? cat2(out, cap, types[t], "")
					 : (size_t)snprintf(out, cap, "%" PRIu64, t);
		if (n & ~(uint64_t)0xf) {
			out[len++] = '|';
			len += flags_render(n & ~(uint64_t)0xf, sock_fl, out + len, cap - len);
		}
		break;
	}
	case R_SIG:
		s = n > 0 && n < 65 ? sigabbrev_np((int)n) : NULL;
		len = s ? cat2(out, cap, "SIG", s) : (size_t)snprintf(out, cap, "%" PRIu64, n);
		break;
	case R_CLONE: len = flags_render(n, clone_fl, out, cap); break;
	case R_MOUNT: len = flags_render(n & 0xffffffff, mount_fl, out, cap); break;
	case R_UMOUNT: len = flags_render(n, umount_fl, out, cap); break;
	case R_MEMFD: len = flags_render(n, memfd_fl, out, cap); break;
	case R_UNLINK: len = flags_render(n, unlink_fl, out, cap); break;
	case R_DUP3: len = flags_render(n, dup3_fl, out, cap); break;
	case R_EXEFLAGS: len = flags_render(n, exe_fl, out, cap); break;
	default: len = (size_t)snprintf(out, cap, "%" PRIu64, n); break;
	}
	if (len >= cap)
		len = cap - 1;
	out[len] = '\0';
	v->s = out;
	v->len = len;
	v->is_num = false;
	return 1;
}

static const struct sc_args *args_of(struct ward_rx *x)
{
	pthread_once(&by_type_once, by_type_init);
	return x->type_id >= 0 ? by_type[x->type_id] : NULL;
}

int ward_evtarg_get(struct ward_rx *x, const char *name, int idx, bool raw, struct ward_rval *v)
{
	const struct sc_args *sa = args_of(x);

	if (!sa)
		return 0;
	for (int k = 0; k < 8 && sa->a[k].name; k++)
		if ((name && strcmp(sa->a[k].name, name) == 0) || (!name && k == idx))
			return render(x, &sa->a[k], raw, v);
	return 0;
}

size_t ward_evtarg_all(struct ward_rx *x, char *out, size_t out_len)
{
	const struct sc_args *sa = args_of(x);
	size_t o = 0;

	out[0] = '\0';
	if (!sa)
		return 0;
	for (int k = 0; k < 8 && sa->a[k].name; k++) {
		struct ward_rval v;
		char num[32];
		const char *s;
		size_t len;
		int n;

		/* render() writes into x->tmp, which may be out itself: stage via v */
		if (!render(x, &sa->a[k], false, &v))
			continue;
		s = ward_rval_str(&v, num, sizeof(num), &len);
		if (s == out) /* rendered into our own buffer: cannot append safely */
			continue;
		n = snprintf(out + o, out_len - o, "%s%s=%.*s", o ? " " : "", sa->a[k].name, (int)len, s);
		if (n < 0 || (size_t)n >= out_len - o)
			break;
		o += (size_t)n;
	}
	return o;
}

size_t ward_caps_render(uint64_t mask, char *out, size_t out_len)
{
	static const char *const caps[] = { "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
		"CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
		"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
		"CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
		"CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
		"CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
		"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
		"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
		"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE" };
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		int n;

		if (!(mask & (1ull << i)))
			continue;
		n = snprintf(out + o, out_len - o, "%s%s", o ? " " : "", caps[i]);
		if (n < 0 || (size_t)n >= out_len - o)
			break;
		o += (size_t)n;
	}
	return o;
}
