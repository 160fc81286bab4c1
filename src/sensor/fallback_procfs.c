// SPDX-License-Identifier: Apache-2.0
/*
 * What /proc says about a process, for the fallback backend's records: stat (parent, start
 * time, session, tty, comm), status (credentials, capabilities, pid in its namespace),
 * loginuid and namespace inodes. Every read is bounded and tolerates the process vanishing
 * half-way; it is not the process table (src/events/proc*.c) and keeps nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "events/proc_status.h"
#include "sensor/fallback.h"

#define STAT_MAX 1024     /* /proc/<pid>/stat: comm is at most 16 bytes, the rest numbers */
#define STATUS_MAX 4096

ssize_t ward_fb_proc_read(uint32_t pid, const char *name, char *buf, size_t cap)
{
	char path[64];
	size_t len;
	int fd, err;

	if (cap == 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/%s", pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = ward_read_full(fd, buf, cap, &len);
	close(fd);
	return err ? err : (ssize_t)len;
}

ssize_t ward_fb_proc_link(uint32_t pid, const char *name, char *buf, size_t cap)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/%s", pid, name);
	n = readlink(path, buf, cap);
	if (n < 0)
		return -errno;
	return n;
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
	static long hz;

	if (!hz)
		hz = sysconf(_SC_CLK_TCK);
	if (hz <= 0)
		hz = 100;
	return ticks * (1000000000ull / (uint64_t)hz);
}

struct pstat {
	uint32_t ppid, sid, tty;
	uint64_t start;
	char comm[16];
};

/* Fields after comm: state(3) ppid(4) pgrp(5) session(6) tty_nr(7) ... starttime(22). comm
 * may hold spaces and parentheses, so fields are counted from the last ')'. */
static int read_stat(uint32_t pid, struct pstat *ps)
{
	char buf[STAT_MAX + 1];
	ssize_t n = ward_fb_proc_read(pid, "stat", buf, STAT_MAX);
	char *open_p, *close_p, *p, *end;
	int field = 3;

	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	open_p = strchr(buf, '(');
	close_p = strrchr(buf, ')');
	if (!open_p || !close_p || close_p < open_p || close_p[1] != ' ')
		return -EINVAL;
	memset(ps, 0, sizeof(*ps));
	n = close_p - open_p - 1;
	if (n > (ssize_t)sizeof(ps->comm) - 1)
		n = sizeof(ps->comm) - 1;
	memcpy(ps->comm, open_p + 1, (size_t)n);
	p = close_p + 2;
	while (*p && field <= 22) {
		unsigned long long v;

		if (field == 3) {
			p = strchr(p, ' ');
			if (!p)
				return -EINVAL;
			p++;
			field++;
			continue;
		}
		errno = 0;
		v = strtoull(p, &end, 10);
		/* tty_nr and others may be negative in theory; strtoull wraps, which is fine
		 * for the fields kept here (all unsigned in the kernel) */
		if (end == p || errno)
			return -EINVAL;
		if (field == 4)
			ps->ppid = (uint32_t)v;
		else if (field == 6)
			ps->sid = (uint32_t)v;
		else if (field == 7)
			ps->tty = (uint32_t)v;
		else if (field == 22)
			ps->start = ticks_to_ns(v);
		p = end;
		while (*p == ' ')
			p++;
		field++;
	}
	return field > 22 ? 0 : -EINVAL;
}

uint64_t ward_fb_proc_start(uint32_t pid)
{
	struct pstat ps;

	return read_stat(pid, &ps) == 0 ? ps.start : 0;
}

static uint32_t ns_inode(uint32_t pid, const char *ns)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/ns/%s", pid, ns);
	return stat(path, &st) == 0 ? (uint32_t)st.st_ino : 0;
}

int ward_fb_fill_proc(struct ward_fallback *f, struct ward_ev_raw *ev, uint32_t pid)
{
	char status[STATUS_MAX + 1], num[32];
	struct pstat ps;
	ssize_t n;
	int err;

	ev->pid = ev->tid = pid;
	err = read_stat(pid, &ps);
	if (err) {
		/* gone already: what /proc said at its fork or exec is the best there is */
		ward_fb_cache_get(f, pid, ev);
		return err == -ENOENT || err == -ESRCH ? -ENOENT : err;
	}
	ev->ppid = ps.ppid;
	ev->pstart = ps.start;
	ev->sid = ps.sid;
	ev->tty = ps.tty;
	if (ps.tty)
		ev->flags |= WARD_F_HAS_TTY;
	memcpy(ev->comm, ps.comm, sizeof(ev->comm));
	if (ps.ppid) {
		ev->ppstart = ward_fb_known_start(f, ps.ppid);
		if (!ev->ppstart)
			ev->ppstart = ward_fb_proc_start(ps.ppid);
	}

	n = ward_fb_proc_read(pid, "status", status, STATUS_MAX);
	if (n < 0) {
		/* it exited between the two reads: keep stat's fields, the rest from the cache */
		struct ward_ev_raw tmp = *ev;

		if (ward_fb_cache_get(f, pid, &tmp) && tmp.pstart == ev->pstart) {
			ev->uid = tmp.uid;
			ev->gid = tmp.gid;
			ev->euid = tmp.euid;
			ev->egid = tmp.egid;
			ev->loginuid = tmp.loginuid;
			ev->cap_eff = tmp.cap_eff;
			ev->cap_prm = tmp.cap_prm;
			ev->vpid = tmp.vpid;
		}
		return -ENOENT;
	}
	status[n] = '\0';
	if (!ward_proc_status_ids(status, ev))
		ev->vpid = pid;

	n = ward_fb_proc_read(pid, "loginuid", num, sizeof(num) - 1);
	ev->loginuid = UINT32_MAX;
	if (n > 0) {
		num[n] = '\0';
		ev->loginuid = (uint32_t)strtoul(num, NULL, 10);
	}
	ev->mntns = ns_inode(pid, "mnt");
	ev->netns = ns_inode(pid, "net");
	ev->pidns = ns_inode(pid, "pid");
	ward_fb_cache_put(f, ev);
	return 0;
}
