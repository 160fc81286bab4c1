// SPDX-License-Identifier: Apache-2.0
/*
 * Small /proc and cgroupfs helpers for response actions: a process's stat line and bounded
 * whole-file reads and writes. Not a process table (events/proc.h is that); these read the
 * live system once, at the moment an action is taken.
 */
#include "respond/respond.h"
#include "events/proc_status.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* NSpid columns read: one per nested pid namespace (the kernel allows 32) */
#define WARD_PROC_NS_LEVELS 33

/* PF_KTHREAD from include/linux/sched.h: the flags field of /proc/P/stat carries it. */
#define WARD_PF_KTHREAD 0x00200000u

int ward_read_file(const char *path, struct ward_buf *b)
{
	char chunk[8192];
	size_t total = 0;
	ssize_t r;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	for (;;) {
		r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		err = ward_buf_append(b, chunk, (size_t)r);
		if (err)
			break;
		total += (size_t)r;
	}
	close(fd);
	return err ? err : (int)(total > INT32_MAX ? INT32_MAX : total);
}

int ward_write_file(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t w;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	w = write(fd, s, len);
	if (w < 0)
		err = -errno;
	else if ((size_t)w != len)
		err = -EIO;
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

int ward_proc_stat_read(pid_t pid, struct ward_proc_stat *out)
{
	struct ward_proc_stat st = { .pid = pid };
	char path[64], *open_paren, *close_paren, *p, *end;
	struct ward_buf b;
	unsigned long long v;
	int err, field;

	if (pid <= 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	ward_buf_init(&b, 4096);
	err = ward_read_file(path, &b);
	if (err < 0) {
		err = err == -ENOENT ? -ESRCH : err;
		goto out;
	}
	/* comm may hold spaces and parentheses: it ends at the last ')' */
	open_paren = memchr(b.data, '(', b.len);
	close_paren = b.len ? memrchr(b.data, ')', b.len) : NULL;
	if (!open_paren || !close_paren || close_paren < open_paren) {
		err = -WARD_E_SYNTAX;
		goto out;
	}
	size_t comm_len = (size_t)(close_paren - open_paren - 1);
	if (comm_len >= sizeof(st.comm))
		comm_len = sizeof(st.comm) - 1;
	memcpy(st.comm, open_paren + 1, comm_len);
	p = close_paren + 1;
	/* fields after the comm start at 3 (state) */
	for (field = 3; field <= 22; field++) {
		while (*p == ' ')
			p++;
		if (!*p) {
			err = -WARD_E_SYNTAX;
			goto out;
		}
		if (field == 3) {
			st.state = *p;
			while (*p && *p != ' ')
				p++;
			continue;
		}
		errno = 0;
		v = strtoull(p, &end, 10);
		if (end == p || errno) {
			err = -WARD_E_SYNTAX;
			goto out;
		}
		p = end;
		if (field == 4)
			st.ppid = (pid_t)v;
		else if (field == 9)
			st.is_kthread = (v & WARD_PF_KTHREAD) != 0;
		else if (field == 22)
			st.start = v;
	}
	*out = st;
	err = 0;
out:
	ward_buf_free(&b);
	return err;
}

/* /proc/P/status as NUL-terminated text in b (initialised here; the caller frees it). */
static int read_status(pid_t pid, struct ward_buf *b)
{
	char path[64];
	int err;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	ward_buf_init(b, 16384);
	err = ward_read_file(path, b);
	if (err < 0)
		return err == -ENOENT ? -ESRCH : err;
	return ward_buf_append(b, "", 1);
}

/* The pid in P's own namespace: the last (innermost) column of NSpid. */
static int proc_vpid(pid_t pid, pid_t *out)
{
	uint64_t v[WARD_PROC_NS_LEVELS];
	struct ward_buf b;
	int n, err = read_status(pid, &b);

	if (!err) {
		n = ward_proc_status_vals(b.data, "NSpid", 10, v, WARD_PROC_NS_LEVELS);
		if (n > 0 && v[n - 1] > 0)
			*out = (pid_t)v[n - 1];
		else
			err = -WARD_E_SYNTAX;
	}
	ward_buf_free(&b);
	return err;
}

int ward_proc_find_vpid(uint32_t pidns, pid_t vpid, pid_t *out)
{
	struct dirent *d;
	DIR *dir;
	int err = -ESRCH;

	if (vpid <= 0)
		return -EINVAL;
	/* Our own namespace: the pid is the answer (this also covers processes in descendant
	 * namespaces, which a tracer here names by their pid in our namespace). */
	{
		char path[64];
		struct stat st;

		if (stat("/proc/self/ns/pid", &st) == 0 && (uint32_t)st.st_ino == pidns) {
			snprintf(path, sizeof(path), "/proc/%d", (int)vpid);
			if (access(path, F_OK) < 0)
				return -ESRCH;
			*out = vpid;
			return 0;
		}
	}
	dir = opendir("/proc");
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		char path[64], *end;
		struct stat st;
		pid_t got;
		long pid = strtol(d->d_name, &end, 10);

		if (end == d->d_name || *end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/pid", pid);
		if (stat(path, &st) < 0 || (uint32_t)st.st_ino != pidns)
			continue;
		if (proc_vpid((pid_t)pid, &got) == 0 && got == vpid) {
			*out = (pid_t)pid;
			err = 0;
			break;
		}
	}
	closedir(dir);
	return err;
}

int ward_proc_stop_pending(pid_t pid, bool *out)
{
	const uint64_t stop_bit = 1ull << (SIGSTOP - 1);
	uint64_t sig = 0, shd = 0;
	const char *st;
	struct ward_buf b;
	int err = read_status(pid, &b);

	if (err)
		goto out;
	st = strstr(b.data, "\nState:");
	if (!st) {
		err = -WARD_E_SYNTAX;
		goto out;
	}
	st += 7;
	while (*st == ' ' || *st == '\t')
		st++;
	ward_proc_status_vals(b.data, "SigPnd", 16, &sig, 1);
	ward_proc_status_vals(b.data, "ShdPnd", 16, &shd, 1);
	*out = *st == 'T' || *st == 't' || ((sig | shd) & stop_bit);
out:
	ward_buf_free(&b);
	return err;
}
