// SPDX-License-Identifier: Apache-2.0
/*
 * Process events for the fallback backend from the netlink proc connector (needs
 * CAP_NET_ADMIN): fork -> WARD_EV_FORK, exec -> WARD_EV_EXEC, exit -> WARD_EV_EXIT. The
 * connector only says which pid did what; everything else is read from /proc right away.
 *
 * That read races with the process: one that execs and exits within microseconds may be
 * gone (its EXEC record then has pid, start time if its fork was seen, and empty strings), or
 * may have exec'd again (the strings then describe the later program). eBPF reads them in the
 * kernel at the exec itself; this backend cannot. Thread creation and thread exits are
 * skipped: records describe processes (thread groups) as the eBPF backend's do.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

#include "common/limits.h"
#include "events/container.h"
#include "sensor/fallback.h"

#define NL_RCVBUF (4 << 20)   /* absorbs fork storms between polls */
#define NL_BATCH 256          /* datagrams per drain call, so file events get a turn */

int ward_fb_proc_open(struct ward_fallback *f, char *err, size_t err_len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
	/* nlmsghdr | cn_msg | op, built by hand: cn_msg ends in a flexible array */
	uint8_t req[NLMSG_LENGTH(sizeof(struct cn_msg) + sizeof(enum proc_cn_mcast_op))];
	struct nlmsghdr nl = { .nlmsg_len = sizeof(req), .nlmsg_type = NLMSG_DONE };
	struct cn_msg cn = { .id = { .idx = CN_IDX_PROC, .val = CN_VAL_PROC },
			     .len = sizeof(enum proc_cn_mcast_op) };
	enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
	int fd, rcvbuf = NL_RCVBUF, e;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
	if (fd < 0) {
		e = -errno;
		snprintf(err, err_len, "socket: %s", strerror(-e));
		return e;
	}
	/* FORCE ignores rmem_max (root); the plain one is the fallback */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = -errno;
		snprintf(err, err_len, "bind: %s%s", strerror(-e),
			 e == -EPERM ? " (needs CAP_NET_ADMIN)" : "");
		close(fd);
		return e;
	}
	memset(req, 0, sizeof(req));
	memcpy(req, &nl, sizeof(nl));
	memcpy(req + NLMSG_HDRLEN, &cn, sizeof(cn));
	memcpy(req + NLMSG_HDRLEN + sizeof(cn), &op, sizeof(op));
	if (send(fd, req, sizeof(req), 0) < 0) {
		e = -errno;
		snprintf(err, err_len, "subscribe: %s%s", strerror(-e),
			 e == -EPERM ? " (needs CAP_NET_ADMIN)" : "");
		close(fd);
		return e;
	}
	f->nl_fd = fd;
	return 0;
}

/* The default-hierarchy cgroup path; on a hybrid host whose v2 path is "/" a v1 path that
 * names a container is better than nothing (container attribution reads this slot). */
static size_t pick_cgroup(const char *buf, size_t len, const char **out)
{
	const char *line = buf, *end = buf + len, *best = NULL;
	size_t best_len = 0;

	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end;
		const char *c1 = memchr(line, ':', (size_t)(eol - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;

		if (c2) {
			const char *p = c2 + 1;
			size_t n = (size_t)(eol - p);
			struct ward_cgroup_info ci;
			bool v2 = line[0] == '0' && c1 == line + 1 && c2 == c1 + 1;

			if (v2 && !(n == 1 && p[0] == '/')) {
				*out = p;
				return n;
			}
			if (v2 && !best) {
				best = p;
				best_len = n;
			} else if (!v2 && ward_cgroup_parse(p, n, &ci) == 1) {
				*out = p;
				return n;
			}
		}
		line = eol + 1;
	}
	*out = best;
	return best_len;
}

static uint64_t cgroup_id(const struct ward_fallback *f, const char *path, size_t len)
{
	char full[WARD_CGROUP_PATH_MAX + 80];
	struct stat st;

	if (!f->cgroup2_root[0] ||
	    snprintf(full, sizeof(full), "%s%.*s", f->cgroup2_root, (int)len, path) >=
	    (int)sizeof(full))
		return 0;
	/* the v2 directory's inode number is what bpf_get_current_cgroup_id() returns */
	return stat(full, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

static int on_exec(struct ward_fallback *f, uint32_t pid, uint64_t ts, ward_record_fn fn,
		   void *arg)
{
	struct ward_ev_raw *ev = ward_fb_rec_begin(f, WARD_EV_EXEC, ts);
	char exe[WARD_STR_MAX], cwd[WARD_STR_MAX], argv[WARD_ARGV_MAX + 1];
	char cg[WARD_CGROUP_PATH_MAX + 64];
	ssize_t exe_len, cwd_len, argv_len, cg_len;
	const char *cgp = NULL;
	size_t cgp_len = 0;
	unsigned argv_flags = WARD_S_LIST;

	/* gone already: the cache holds the pre-exec image (inherited at fork), whose comm
	 * would name the wrong program */
	if (ward_fb_fill_proc(f, ev, pid))
		memset(ev->comm, 0, sizeof(ev->comm));
	exe_len = ward_fb_proc_link(pid, "exe", exe, sizeof(exe) - 1);
	argv_len = ward_fb_proc_read(pid, "cmdline", argv, sizeof(argv));
	cwd_len = ward_fb_proc_link(pid, "cwd", cwd, sizeof(cwd) - 1);
	cg_len = ward_fb_proc_read(pid, "cgroup", cg, sizeof(cg) - 1);

	if (exe_len > 0) {
		static const char deleted[] = " (deleted)";

		if (exe_len >= 7 && memcmp(exe, "/memfd:", 7) == 0)
			ev->flags |= WARD_F_EXE_MEMFD;
		if ((size_t)exe_len > sizeof(deleted) - 1 &&
		    memcmp(exe + exe_len - (sizeof(deleted) - 1), deleted, sizeof(deleted) - 1) == 0) {
			ev->flags |= WARD_F_EXE_DELETED;
			exe_len -= sizeof(deleted) - 1;
		}
	}
	if (argv_len > WARD_ARGV_MAX) {
		argv_len = WARD_ARGV_MAX;
		argv_flags |= WARD_S_TRUNC;
	}
	/* cmdline ends with a NUL; the slot's own terminator replaces it */
	if (argv_len > 0 && argv[argv_len - 1] == '\0')
		argv_len--;
	if (cg_len > 0)
		cgp_len = pick_cgroup(cg, (size_t)cg_len, &cgp);
	if (cgp)
		ev->cgroup_id = cgroup_id(f, cgp, cgp_len);

	if (exe_len > 0)
		ward_fb_rec_str(f, WARD_STR_EXE, exe, (size_t)exe_len, 0);
	if (argv_len > 0)
		ward_fb_rec_str(f, WARD_STR_ARGV, argv, (size_t)argv_len, argv_flags);
	if (cwd_len > 0)
		ward_fb_rec_str(f, WARD_STR_CWD, cwd, (size_t)cwd_len, 0);
	/* WARD_STR_FILENAME (the path given to execve) is not in /proc: left empty */
	if (cgp && cgp_len)
		ward_fb_rec_str(f, WARD_STR_CGROUP, cgp, cgp_len, 0);
	return ward_fb_rec_emit(f, fn, arg);
}

static int on_fork(struct ward_fallback *f, const struct proc_event *pe, uint64_t ts,
		   ward_record_fn fn, void *arg)
{
	uint32_t child = (uint32_t)pe->event_data.fork.child_tgid;
	struct ward_ev_raw *ev;

	/* a new thread, not a new process */
	if (pe->event_data.fork.child_pid != pe->event_data.fork.child_tgid)
		return 0;
	ev = ward_fb_rec_begin(f, WARD_EV_FORK, ts);
	ward_fb_fill_proc(f, ev, (uint32_t)pe->event_data.fork.parent_tgid);
	ev->tid = (uint32_t)pe->event_data.fork.parent_pid;
	ev->child_pid = child;
	ev->child_start = ward_fb_proc_start(child);
	/* even with the child gone (start unknown) its parent and credentials are worth keeping */
	ward_fb_cache_fork(f, ev, child, ev->child_start);
	return ward_fb_rec_emit(f, fn, arg);
}

static int on_exit(struct ward_fallback *f, const struct proc_event *pe, uint64_t ts,
		   ward_record_fn fn, void *arg)
{
	uint32_t pid = (uint32_t)pe->event_data.exit.process_tgid;
	struct ward_ev_raw *ev;

	/* one record per process: when its leader ends */
	if (pe->event_data.exit.process_pid != pe->event_data.exit.process_tgid)
		return 0;
	ev = ward_fb_rec_begin(f, WARD_EV_EXIT, ts);
	/* until its parent reaps it the process is a zombie whose stat is still readable */
	ward_fb_fill_proc(f, ev, pid);
	if (!ev->ppid) {
		ev->ppid = (uint32_t)pe->event_data.exit.parent_tgid;
		ev->ppstart = ward_fb_known_start(f, ev->ppid);
	}
	/* task->exit_code is already a wait status: code << 8 | signal */
	ev->exit_code = pe->event_data.exit.exit_code;
	return ward_fb_rec_emit(f, fn, arg);
}

static int on_message(struct ward_fallback *f, const void *data, size_t len, ward_record_fn fn,
		      void *arg)
{
	struct cn_msg cn;
	struct proc_event pe;
	uint64_t ts;

	if (len < sizeof(cn))
		return 0;
	memcpy(&cn, data, sizeof(cn));
	if (cn.id.idx != CN_IDX_PROC || cn.id.val != CN_VAL_PROC ||
	    cn.len > len - sizeof(cn) || cn.len < offsetof(struct proc_event, event_data))
		return 0;
	/* copy: the payload is not guaranteed to be 8-byte aligned; short events are zero-filled */
	memset(&pe, 0, sizeof(pe));
	memcpy(&pe, (const char *)data + sizeof(cn), cn.len < sizeof(pe) ? cn.len : sizeof(pe));
	ts = pe.timestamp_ns + f->mono_to_boot;
	switch (pe.what) {
	case PROC_EVENT_FORK:
		return on_fork(f, &pe, ts, fn, arg);
	case PROC_EVENT_EXEC:
		return on_exec(f, (uint32_t)pe.event_data.exec.process_tgid, ts, fn, arg);
	case PROC_EVENT_EXIT:
		return on_exit(f, &pe, ts, fn, arg);
	default:
		return 0;
	}
}

int ward_fb_proc_drain(struct ward_fallback *f, ward_record_fn fn, void *arg, bool *stop)
{
	int emitted = 0;

	for (int i = 0; i < NL_BATCH && !*stop; i++) {
		ssize_t n = recv(f->nl_fd, f->rbuf, sizeof(f->rbuf), 0);
		uint64_t before;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			/* the socket buffer overflowed: events were lost, the socket still works */
			if (errno == ENOBUFS) {
				f->drops++;
				continue;
			}
			return -errno;
		}
		for (size_t off = 0; off + NLMSG_HDRLEN <= (size_t)n;) {
			struct nlmsghdr h;

			memcpy(&h, (const uint8_t *)f->rbuf + off, sizeof(h));
			if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > (size_t)n - off)
				break;
			if (h.nlmsg_type != NLMSG_ERROR && h.nlmsg_type != NLMSG_NOOP) {
				before = f->events;
				if (on_message(f, (const uint8_t *)f->rbuf + off + NLMSG_HDRLEN,
					       h.nlmsg_len - NLMSG_HDRLEN, fn, arg))
					*stop = true;
				emitted += (int)(f->events - before);
				if (*stop)
					break;
			}
			off += NLMSG_ALIGN(h.nlmsg_len);
		}
	}
	return emitted;
}
