// SPDX-License-Identifier: Apache-2.0
/*
 * The fallback backend, used when eBPF cannot load: lifecycle, polling and the building of
 * struct ward_ev_raw records, so everything downstream reads the same format as from eBPF.
 * Process events come from the netlink proc connector (fallback_proc.c), file events from
 * fanotify (fallback_fanotify.c). It sees much less than eBPF (ward_fallback_open says what);
 * it is not a second full sensor and does not filter syscalls.
 */
#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "common/err.h"
#include "common/timeutil.h"
#include "sensor/fallback.h"

/* What eBPF sees and this backend cannot, for the start message. */
#define FB_MISSING "missing vs eBPF: network, privilege and kernel events, syscall " \
	"failures, read opens, chmod/chown/link/truncate, argv of very short-lived processes"

struct ward_ev_raw *ward_fb_rec_begin(struct ward_fallback *f, unsigned kind, uint64_t ts)
{
	struct ward_ev_raw *ev = (struct ward_ev_raw *)f->rec;

	memset(ev, 0, sizeof(*ev));
	ev->abi = WARD_ABI_VERSION;
	ev->kind = (__u16)kind;
	ev->nr = -1;
	ev->ts = ts;
	f->rec_len = sizeof(*ev);
	return ev;
}

void ward_fb_rec_str(struct ward_fallback *f, unsigned slot, const char *s, size_t len,
		     unsigned flags)
{
	struct ward_ev_raw *ev = (struct ward_ev_raw *)f->rec;
	char *dst = (char *)f->rec + f->rec_len;

	if (slot >= WARD_EV_STRS || !s)
		return;
	/* slots are laid out in order; a slot already passed cannot be written again */
	for (unsigned i = slot + 1; i < WARD_EV_STRS; i++)
		if (ev->str_len[i])
			return;
	if (ev->str_len[slot])
		return;
	if (len > WARD_STR_MAX - 1) {
		len = WARD_STR_MAX - 1;
		flags |= WARD_S_TRUNC;
	}
	/* 5 slots of WARD_STR_MAX after the header always fit in WARD_EV_MAX */
	memcpy(dst, s, len);
	dst[len] = '\0';
	ev->str_len[slot] = (__u16)(len + 1);
	ev->str_flags[slot] = (__u8)flags;
	f->rec_len += len + 1;
}

_Static_assert(WARD_EV_RAW_SIZE + WARD_EV_STRS * WARD_STR_MAX <= WARD_EV_MAX,
	       "fallback records must fit WARD_EV_MAX");

int ward_fb_rec_emit(struct ward_fallback *f, ward_record_fn fn, void *arg)
{
	struct ward_ev_raw *ev = (struct ward_ev_raw *)f->rec;

	ev->size = (__u16)f->rec_len;
	if (ev->tid && ev->tid != ev->pid)
		ev->flags |= WARD_F_THREAD;
	f->events++;
	return fn(ev, f->rec_len, arg);
}

static struct ward_fb_pinfo *slot_of(const struct ward_fallback *f, uint32_t pid)
{
	return (struct ward_fb_pinfo *)&f->pinfo[pid & (WARD_FB_PROC_CACHE - 1)];
}

void ward_fb_cache_put(struct ward_fallback *f, const struct ward_ev_raw *ev)
{
	struct ward_fb_pinfo *p = slot_of(f, ev->pid);

	p->pid = ev->pid;
	p->ppid = ev->ppid;
	p->uid = ev->uid;
	p->gid = ev->gid;
	p->euid = ev->euid;
	p->egid = ev->egid;
	p->loginuid = ev->loginuid;
	p->sid = ev->sid;
	p->tty = ev->tty;
	p->vpid = ev->vpid;
	p->mntns = ev->mntns;
	p->netns = ev->netns;
	p->pidns = ev->pidns;
	p->flags = ev->flags & WARD_F_HAS_TTY;
	p->start = ev->pstart;
	p->ppstart = ev->ppstart;
	p->cap_eff = ev->cap_eff;
	p->cap_prm = ev->cap_prm;
	memcpy(p->comm, ev->comm, sizeof(p->comm));
}

bool ward_fb_cache_get(const struct ward_fallback *f, uint32_t pid, struct ward_ev_raw *ev)
{
	const struct ward_fb_pinfo *p = slot_of(f, pid);

	if (p->pid != pid || !pid)
		return false;
	ev->ppid = p->ppid;
	ev->uid = p->uid;
	ev->gid = p->gid;
	ev->euid = p->euid;
	ev->egid = p->egid;
	ev->loginuid = p->loginuid;
	ev->sid = p->sid;
	ev->tty = p->tty;
	ev->vpid = p->vpid;
	ev->mntns = p->mntns;
	ev->netns = p->netns;
	ev->pidns = p->pidns;
	ev->flags |= p->flags;
	ev->pstart = p->start;
	ev->ppstart = p->ppstart;
	ev->cap_eff = p->cap_eff;
	ev->cap_prm = p->cap_prm;
	memcpy(ev->comm, p->comm, sizeof(ev->comm));
	return true;
}

void ward_fb_cache_fork(struct ward_fallback *f, const struct ward_ev_raw *parent,
			uint32_t child, uint64_t child_start)
{
	struct ward_fb_pinfo *p = slot_of(f, child);

	ward_fb_cache_put(f, parent);
	*p = *slot_of(f, parent->pid);
	p->pid = child;
	p->ppid = parent->pid;
	p->start = child_start;
	p->ppstart = parent->pstart;
	/* same pid namespace as the parent unless the clone made a new one: unknown here */
	p->vpid = parent->vpid == parent->pid ? child : 0;
}

uint64_t ward_fb_known_start(const struct ward_fallback *f, uint32_t pid)
{
	const struct ward_fb_pinfo *p = slot_of(f, pid);

	return p->pid == pid ? p->start : 0;
}

static void measure_clock_offset(struct ward_fallback *f)
{
	/* proc connector stamps events with CLOCK_MONOTONIC; the ABI wants CLOCK_BOOTTIME.
	 * The offset grows only across suspend, so measuring at each poll is enough. */
	uint64_t boot = ward_boot_ns(), mono = ward_mono_ns();

	f->mono_to_boot = boot > mono ? boot - mono : 0;
}

/* Where cgroup v2 lives: /sys/fs/cgroup on unified hosts, /sys/fs/cgroup/unified on hybrid. */
static void find_cgroup2(struct ward_fallback *f)
{
	static const char *const roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	struct statfs sf;

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		if (statfs(roots[i], &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) {
			snprintf(f->cgroup2_root, sizeof(f->cgroup2_root), "%s", roots[i]);
			return;
		}
	}
}

int ward_fallback_open(struct ward_fallback **out, char *why, size_t why_len)
{
	struct ward_fallback *f;
	char proc_err[128] = "", fan_err[160] = "";
	int err_proc, err_fan;

	if (!out || !why || !why_len)
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	f->nl_fd = f->fan_fd = -1;
	for (size_t i = 0; i < WARD_FB_MOUNTS_MAX; i++)
		f->mounts[i].fd = -1;
	f->self = getpid();
	measure_clock_offset(f);
	find_cgroup2(f);

	err_proc = ward_fb_proc_open(f, proc_err, sizeof(proc_err));
	err_fan = ward_fb_fan_open(f, fan_err, sizeof(fan_err));
	if (err_proc && err_fan) {
		snprintf(why, why_len, "proc connector: %s; fanotify: %s", proc_err, fan_err);
		ward_fallback_close(f);
		return err_proc;
	}
	snprintf(why, why_len, "%s%s%s; %s%s%s; %s",
		 err_proc ? "no process events (proc connector: " : "process events (proc connector)",
		 err_proc ? proc_err : "", err_proc ? ")" : "",
		 err_fan ? "no file events (fanotify: " : "file create/modify/delete",
		 err_fan ? fan_err : (f->fan_rename ? "/rename (fanotify)" : " (fanotify, no rename)"),
		 err_fan ? ")" : "", FB_MISSING);
	*out = f;
	return 0;
}

void ward_fallback_close(struct ward_fallback *f)
{
	if (!f)
		return;
	if (f->nl_fd >= 0)
		close(f->nl_fd);
	ward_fb_fan_close(f);
	free(f);
}

int ward_fallback_poll(struct ward_fallback *f, int timeout_ms, ward_record_fn fn, void *arg)
{
	struct pollfd pfd[2];
	nfds_t n = 0;
	int total = 0, r;
	bool stop = false;

	if (!f || !fn)
		return -EINVAL;
	if (f->nl_fd >= 0)
		pfd[n++] = (struct pollfd){ .fd = f->nl_fd, .events = POLLIN };
	if (f->fan_fd >= 0)
		pfd[n++] = (struct pollfd){ .fd = f->fan_fd, .events = POLLIN };
	r = poll(pfd, n, timeout_ms);
	if (r < 0)
		return -errno;
	if (r == 0)
		return 0;
	measure_clock_offset(f);
	for (nfds_t i = 0; i < n && !stop; i++) {
		if (!(pfd[i].revents & (POLLIN | POLLERR)))
			continue;
		r = pfd[i].fd == f->nl_fd ? ward_fb_proc_drain(f, fn, arg, &stop)
					  : ward_fb_fan_drain(f, fn, arg, &stop);
		if (r < 0)
			return r;
		total += r;
	}
	return total;
}
