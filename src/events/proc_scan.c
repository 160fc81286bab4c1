// SPDX-License-Identifier: Apache-2.0
/* /proc snapshot records. Processes can vanish at any point while we read them; each file
 * read is independent and a missing one leaves that field empty. */
#include "events/proc_scan.h"
#include "common/fileio.h"
#include "common/timeutil.h"
#include "events/proc_status.h"
#include "ward_abi.h"

#include <ctype.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What could be read: a read error keeps the bytes before it (the process may be exiting). */
static ssize_t read_file(const char *root, int pid, const char *name, char *buf, size_t len)
{
	char path[128];
	size_t got;
	int fd;

	snprintf(path, sizeof(path), "%s/%d/%s", root, pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	(void)ward_read_full(fd, buf, len, &got);
	close(fd);
	return (ssize_t)got;
}

static ssize_t read_link(const char *root, int pid, const char *name, char *buf, size_t len)
{
	char path[128];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%d/%s", root, pid, name);
	n = readlink(path, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

struct stat_fields {
	char comm[16];
	int ppid;
	int sid;
	unsigned tty;
	unsigned long long start_ticks;
};

/* /proc/PID/stat: "pid (comm) state ppid pgrp session tty_nr ... starttime(22)"; comm may
 * contain spaces and parentheses, so parse from the last ')'. */
static int parse_stat(const char *root, int pid, struct stat_fields *sf)
{
	char buf[1024];
	ssize_t n = read_file(root, pid, "stat", buf, sizeof(buf) - 1);
	char *open_p, *close_p, *p;
	int field = 3;

	if (n <= 0)
		return n < 0 ? (int)n : -ENOENT;
	buf[n] = '\0';
	open_p = strchr(buf, '(');
	close_p = strrchr(buf, ')');
	if (!open_p || !close_p || close_p < open_p)
		return -EINVAL;
	memset(sf, 0, sizeof(*sf));
	snprintf(sf->comm, sizeof(sf->comm), "%.*s", (int)(close_p - open_p - 1), open_p + 1);
	p = close_p + 2;
	while (*p && field <= 22) {
		char *end;
		unsigned long long v = strtoull(p, &end, 10);

		if (end == p)
			v = 0; /* the state letter */
		switch (field) {
		case 4: sf->ppid = (int)v; break;
		case 6: sf->sid = (int)v; break;
		case 7: sf->tty = (unsigned)v; break;
		case 22: sf->start_ticks = v; break;
		}
		p = strchr(p, ' ');
		if (!p)
			break;
		p++;
		field++;
	}
	return 0;
}

static uint64_t ticks_to_ns(unsigned long long ticks)
{
	static long hz;

	if (!hz)
		hz = sysconf(_SC_CLK_TCK);
	return (uint64_t)ticks * (1000000000ull / (uint64_t)(hz > 0 ? hz : 100));
}

static void parse_status(const char *root, int pid, struct ward_ev_raw *r)
{
	char buf[4096];
	ssize_t n = read_file(root, pid, "status", buf, sizeof(buf) - 1);

	if (n <= 0)
		return;
	buf[n] = '\0';
	ward_proc_status_ids(buf, r);
}

/* Prefers the unified (0::) path; on hybrid hosts where it is "/", the first non-root v1
 * path, since container runtimes place processes in every hierarchy. */
static void pick_cgroup(const char *root, int pid, char *out, size_t out_len)
{
	char buf[8192], *line, *save = NULL;
	ssize_t n = read_file(root, pid, "cgroup", buf, sizeof(buf) - 1);
	const char *v1 = NULL;

	out[0] = '\0';
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *path = strchr(line, ':');

		if (!path || !(path = strchr(path + 1, ':')))
			continue;
		path++;
		if (strncmp(line, "0::", 3) == 0 && strcmp(path, "/") != 0) {
			snprintf(out, out_len, "%s", path);
			return;
		}
		if (!v1 && strcmp(path, "/") != 0 && strstr(line, ":name=") == NULL)
			v1 = path;
	}
	if (v1)
		snprintf(out, out_len, "%s", v1);
}

static size_t put_str(unsigned char *buf, size_t off, size_t cap, struct ward_ev_raw *r, int slot,
		      const char *s, size_t len, uint8_t flags)
{
	if (len > WARD_STR_MAX - 1)
		len = WARD_STR_MAX - 1;
	if (off + len + 1 > cap)
		return off;
	memcpy(buf + off, s, len);
	buf[off + len] = '\0';
	r->str_len[slot] = (uint16_t)(len + 1);
	r->str_flags[slot] = flags;
	return off + len + 1;
}

int ward_proc_snapshot_one(const char *root, int pid, void *out, size_t out_len)
{
	unsigned char *buf = out;
	struct ward_ev_raw *r = out;
	struct stat_fields sf, psf;
	char tmp[WARD_STR_MAX];
	ssize_t n;
	size_t off = sizeof(*r);
	int err;

	if (out_len < sizeof(*r) + 5 * WARD_STR_MAX)
		return -ENOBUFS;
	err = parse_stat(root, pid, &sf);
	if (err)
		return err;
	memset(r, 0, sizeof(*r));
	r->abi = WARD_ABI_VERSION;
	r->kind = WARD_EV_PROC_SNAPSHOT;
	r->nr = -1;
	r->pid = r->tid = (uint32_t)pid;
	r->ppid = (uint32_t)sf.ppid;
	r->sid = (uint32_t)sf.sid;
	r->tty = sf.tty;
	if (sf.tty)
		r->flags |= WARD_F_HAS_TTY;
	r->ts = ward_boot_ns();
	r->pstart = ticks_to_ns(sf.start_ticks);
	if (sf.ppid > 0 && parse_stat(root, sf.ppid, &psf) == 0)
		r->ppstart = ticks_to_ns(psf.start_ticks);
	r->loginuid = (uint32_t)-1;
	n = read_file(root, pid, "loginuid", tmp, sizeof(tmp) - 1);
	if (n > 0) {
		tmp[n] = '\0';
		r->loginuid = (uint32_t)strtoul(tmp, NULL, 10);
	}
	memcpy(r->comm, sf.comm, sizeof(r->comm));
	parse_status(root, pid, r);

	n = read_link(root, pid, "exe", tmp, sizeof(tmp));
	if (n > 0) {
		if (n > 10 && strcmp(tmp + n - 10, " (deleted)") == 0) {
			r->flags |= WARD_F_EXE_DELETED;
			n -= 10;
			tmp[n] = '\0';
		}
		if (strncmp(tmp, "/memfd:", 7) == 0)
			r->flags |= WARD_F_EXE_MEMFD;
		off = put_str(buf, off, out_len, r, WARD_STR_EXE, tmp, (size_t)n, 0);
	}
	n = read_file(root, pid, "cmdline", tmp, sizeof(tmp));
	if (n > 0)
		off = put_str(buf, off, out_len, r, WARD_STR_ARGV, tmp, (size_t)n, WARD_S_LIST);
	n = read_link(root, pid, "cwd", tmp, sizeof(tmp));
	if (n > 0)
		off = put_str(buf, off, out_len, r, WARD_STR_CWD, tmp, (size_t)n, 0);
	pick_cgroup(root, pid, tmp, sizeof(tmp));
	if (tmp[0])
		off = put_str(buf, off, out_len, r, WARD_STR_CGROUP, tmp, strlen(tmp), 0);
	r->size = (uint16_t)off;
	return (int)off;
}

int ward_proc_scan(const char *root, ward_record_fn fn, void *arg)
{
	static _Alignas(8) unsigned char buf[WARD_EV_MAX];
	DIR *d = opendir(root);
	struct dirent *de;
	int cnt = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *end;
		long pid;
		int n;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0 || pid > INT32_MAX)
			continue;
		n = ward_proc_snapshot_one(root, (int)pid, buf, sizeof(buf));
		if (n <= 0)
			continue; /* gone while we looked */
		cnt++;
		if (fn(buf, (size_t)n, arg))
			break;
	}
	closedir(d);
	return cnt;
}
