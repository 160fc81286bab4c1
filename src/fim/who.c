// SPDX-License-Identifier: Apache-2.0
/*
 * /proc readers for FIM who-data. Every read is bounded by the destination buffer and a
 * process that exits halfway leaves the fields read so far, never garbage.
 */
#include "fim/who.h"
#include "common/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads up to cap-1 bytes of a small /proc file; returns length or -errno. */
static ssize_t read_small(int dfd, const char *name, char *buf, size_t cap)
{
	size_t off;
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	/* a read error keeps what came before it */
	(void)ward_read_full(fd, buf, cap - 1, &off);
	close(fd);
	buf[off] = '\0';
	return (ssize_t)off;
}

static void read_container(int dfd, struct ward_fim_who *w)
{
	char buf[8192];
	ssize_t n = read_small(dfd, "cgroup", buf, sizeof(buf));
	char *line = buf, *end;

	if (n <= 0)
		return;
	/* "hierarchy:controllers:path" per line; the first line naming a container wins */
	for (; line < buf + n; line = end + 1) {
		end = memchr(line, '\n', (size_t)(buf + n - line));
		if (!end)
			end = buf + n;
		char *c1 = memchr(line, ':', (size_t)(end - line));
		char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
		struct ward_cgroup_info ci;

		if (!c2)
			continue;
		if (ward_cgroup_parse(c2 + 1, (size_t)(end - c2 - 1), &ci) == 1) {
			w->in_container = true;
			snprintf(w->container_id, sizeof(w->container_id), "%s", ci.id);
			snprintf(w->runtime, sizeof(w->runtime), "%s", ward_runtime_name(ci.runtime));
			return;
		}
	}
}

void ward_fim_who_reset(struct ward_fim_who *w, int pid)
{
	/* the large string members are cleared by their first byte only */
	memset(w, 0, offsetof(struct ward_fim_who, exe));
	w->exe[0] = w->cmdline[0] = '\0';
	w->container_id[0] = w->runtime[0] = w->container_name[0] = '\0';
	w->in_container = false;
	w->pid = pid;
}

void ward_fim_who_set_user(struct ward_fim_who *w)
{
	struct passwd pw, *res = NULL;
	char buf[2048];

	w->user[0] = '\0';
	/* a container has its own user database; the host's name for its uid would mislead */
	if (!w->has_uid || w->in_container)
		return;
	if (getpwuid_r(w->uid, &pw, buf, sizeof(buf), &res) == 0 && res && res->pw_name)
		snprintf(w->user, sizeof(w->user), "%s", res->pw_name);
}

const char *ward_fim_who_source_name(enum ward_fim_who_source s)
{
	switch (s) {
	case WARD_FIM_WHO_PROC: return "proc";
	case WARD_FIM_WHO_SENSOR: return "sensor";
	default: return "none";
	}
}

int ward_fim_who_read(const char *proc_root, int pid, struct ward_fim_who *w)
{
	char path[64], buf[512];
	ssize_t n;
	int dfd;

	ward_fim_who_reset(w, pid);
	snprintf(path, sizeof(path), "%s/%d", proc_root, pid);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -ENOENT;
	n = read_small(dfd, "comm", buf, sizeof(buf));
	if (n > 0) {
		if (buf[n - 1] == '\n')
			buf[--n] = '\0';
		snprintf(w->comm, sizeof(w->comm), "%s", buf);
		w->is_known = true;
	}
	n = readlinkat(dfd, "exe", w->exe, sizeof(w->exe) - 1);
	w->exe[n > 0 ? n : 0] = '\0';
	n = read_small(dfd, "cmdline", w->cmdline, sizeof(w->cmdline));
	if (n > 0) {
		while (n > 0 && w->cmdline[n - 1] == '\0')
			n--;
		for (ssize_t i = 0; i < n; i++)
			if (w->cmdline[i] == '\0')
				w->cmdline[i] = ' ';
		w->cmdline[n] = '\0';
	}
	char status[4096];
	n = read_small(dfd, "status", status, sizeof(status));
	if (n > 0) {
		char *u = strstr(status, "\nUid:");
		char *pp = strstr(status, "\nPPid:");

		if (pp) {
			char *end;
			long v = strtol(pp + 6, &end, 10);
			if (end != pp + 6 && v >= 0 && v <= INT32_MAX) {
				w->ppid = (int)v;
				w->has_ppid = true;
			}
		}
		if (u) {
			char *end;
			unsigned long v = strtoul(u + 5, &end, 10);
			if (end != u + 5 && v <= UINT32_MAX) {
				w->uid = (uint32_t)v;
				w->has_uid = true;
			}
		}
	}
	read_container(dfd, w);
	close(dfd);
	if (!w->is_known)
		return -ENOENT;
	w->source = WARD_FIM_WHO_PROC;
	ward_fim_who_set_user(w);
	return 0;
}
