// SPDX-License-Identifier: Apache-2.0
/*
 * fim watch with who-data from the eBPF sensor: an adapter between the sensing session
 * (src/sensor/session.c, the loop `ward trace` and `ward agent` share) and the fanotify
 * watcher (watch.c). The session runs with the kernel capturing only file-changing syscalls
 * plus exec/fork/exit (which keep the process table right); each successful one goes into
 * the join table (join.c) as (path, pid, start, time). The watcher is driven from the
 * session's tick, on the same thread, so the process table needs no lock.
 *
 * Ordering: fanotify queues its event inside the syscall, the sensor's record is written
 * at syscall exit and read on the next ring poll, so a change can be read before its
 * record. Hence two attempts: on arrival (path matches only; /proc is read at once as the
 * fallback while the writer may still exist) and again right before emission, which is
 * held WARD_FIM_JOIN_HOLD_NS past the window so the ring has been drained by then.
 *
 * Not here: the kernel side (bpf/) and the session itself. The session API has no hook
 * at stop, so this file takes SIGINT/SIGTERM while it runs (its tick then flushes pending
 * changes with the process table still there, and stops the session).
 */
#include "fim/watch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "common/err.h"
#include "common/timeutil.h"
#include "config/config.h"
#include "events/container.h"
#include "events/decoder.h"
#include "events/event.h"
#include "events/proc.h"
#include "fim/join.h"
#include "sensor/fallback.h"
#include "sensor/sensor.h"
#include "sensor/session.h"

#define WARD_FIM_JOIN_HOLD_NS (150ull * 1000000ull)

struct sensor_watch {
	struct ward_fim_watcher *w;
	const struct ward_fim_watch_opts *o;
	struct ward_fim_join *join;
	struct ward_session *s;
	uint64_t deadline;          /* monotonic ns, 0: none */
	bool is_started;
	struct sigaction old_int, old_term;
};

static volatile sig_atomic_t sensor_stop;

static void on_stop_signal(int sig)
{
	(void)sig;
	sensor_stop = 1;
}

/* An open that can change the file: for writing, creating or truncating. */
static bool is_write_open(const struct ward_ev_raw *r)
{
	uint64_t fl;

	switch (r->nr) {
	case SYS_creat: return true;
	case SYS_open: fl = r->args[1]; break;
	case SYS_openat:
	case SYS_openat2: fl = r->args[2]; break; /* openat2: open_how.flags, put there by the sensor */
	default: return false;
	}
	return (fl & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
}

static int on_event(const struct ward_event *ev, void *arg)
{
	struct sensor_watch *c = arg;
	const struct ward_ev_raw *r = ev->raw;
	bool has_path1 = true, has_path2 = false;

	if (r->ret < 0 || !ev->proc)
		return 0; /* a failed syscall changed nothing */
	switch (r->kind) {
	case WARD_EV_OPEN:
		if (!is_write_open(r))
			return 0;
		break;
	case WARD_EV_RENAME:
	case WARD_EV_LINK:
		has_path2 = true;
		break;
	case WARD_EV_SYMLINK:
		has_path1 = false; /* PATH is the link's target text, not a changed file */
		has_path2 = true;
		break;
	case WARD_EV_UNLINK:
	case WARD_EV_MKDIR:
	case WARD_EV_RMDIR:
	case WARD_EV_CHMOD:
	case WARD_EV_CHOWN:
	case WARD_EV_TRUNCATE:
	case WARD_EV_UTIMES:
		break;
	case WARD_EV_XATTR:
		has_path2 = false; /* PATH2 is the attribute's name */
		break;
	default:
		return 0;
	}
	/* a path the decoder could not make absolute (an unknown dirfd) is recorded as unknown:
	 * the pid still joins */
	if (has_path1)
		ward_fim_join_add(c->join, ev->path, ev->path[0] == '/' ? strlen(ev->path) : 0,
				  ev->proc->pid, ev->proc->start, r->nr, ev->wall_ns);
	if (has_path2 && ev->path2[0] == '/')
		ward_fim_join_add(c->join, ev->path2, strlen(ev->path2), ev->proc->pid,
				  ev->proc->start, r->nr, ev->wall_ns);
	return 0;
}

/* Replaces ev->who with the sensor's view when a record joins; false when none does. */
static bool join_who(struct sensor_watch *c, struct ward_fim_event *ev, bool allow_pid_only)
{
	struct ward_fim_join_rec rec;
	enum ward_fim_join_match m;
	struct ward_fim_who *w = &ev->who;

	if (!c->s)
		return false;
	m = ward_fim_join_find(c->join, ev->path, ev->path_len, (uint32_t)w->pid, ev->first_ns,
			       &rec);
	if (m == WARD_FIM_JOIN_NONE || (m == WARD_FIM_JOIN_PID && !allow_pid_only))
		return false;
	/* the process table is filled at exec and keeps exited processes for a while, so
	 * this is the image that made the syscall even when it is gone now */
	const struct ward_proc *p = ward_proc_get(ward_session_procs(c->s), rec.pid, rec.start);
	if (!p)
		return false;
	ward_fim_who_reset(w, (int)p->pid);
	w->is_known = true;
	w->source = WARD_FIM_WHO_SENSOR;
	w->match = ward_fim_join_match_name(m);
	w->syscall = ward_syscall_name(rec.nr);
	/* the sensor's exit record may still be queued behind the write it follows: a pid
	 * that /proc no longer shows with this start time is gone too */
	w->has_exited = p->exited ||
			ward_proc_key_start(ward_fb_proc_start(p->pid)) != p->start;
	w->ppid = (int)p->ppid;
	w->has_ppid = true;
	w->uid = p->uid;
	w->has_uid = true;
	snprintf(w->comm, sizeof(w->comm), "%s", p->comm);
	snprintf(w->exe, sizeof(w->exe), "%s", p->exepath ? p->exepath : "");
	ward_proc_cmdline(p, w->cmdline, sizeof(w->cmdline));
	if (p->container) {
		const struct ward_container *ct = p->container;

		w->in_container = true;
		snprintf(w->container_id, sizeof(w->container_id), "%s", ct->id);
		snprintf(w->runtime, sizeof(w->runtime), "%s", ward_runtime_name(ct->runtime));
		if (ward_container_has_meta(ct))
			snprintf(w->container_name, sizeof(w->container_name), "%s", ct->name);
	}
	ward_fim_who_set_user(w);
	return true;
}

static void hook_arrival(struct ward_fim_event *ev, void *arg)
{
	struct sensor_watch *c = arg;

	/* pid-only matches wait for emission: the pid's record for this very change may not
	 * have been read yet, and an older one could belong to a previous user of the pid */
	if (!join_who(c, ev, false))
		ward_fim_who_read("/proc", ev->who.pid, &ev->who);
}

static void hook_before_emit(struct ward_fim_event *ev, void *arg)
{
	struct sensor_watch *c = arg;

	if (ev->who.source != WARD_FIM_WHO_SENSOR)
		join_who(c, ev, true);
}

static int on_start(struct ward_session *s, void *arg)
{
	struct sensor_watch *c = arg;
	struct sigaction sa;
	char note[300];

	c->s = s;
	c->is_started = true;
	if (c->o->timeout_s)
		c->deadline = ward_mono_ns() + (uint64_t)c->o->timeout_s * 1000000000ull;
	/* stop through the tick, so pending changes are joined before the session ends; no
	 * SA_RESTART, so the session's poll wakes at once */
	sensor_stop = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &c->old_int);
	sigaction(SIGTERM, &sa, &c->old_term);
	snprintf(note, sizeof(note), "who-data from the eBPF sensor (%s)",
		 ward_sensor_describe(ward_session_sensor(s)));
	ward_fim_watcher_announce(c->w, note);
	return 0;
}

static void on_tick(struct ward_session *s, void *arg)
{
	struct sensor_watch *c = arg;
	bool is_done;

	ward_fim_watcher_read(c->w);
	ward_fim_watcher_flush(c->w, ward_now_ns(), false);
	is_done = sensor_stop || ward_fim_watcher_is_full(c->w) ||
		  (c->deadline && ward_mono_ns() >= c->deadline);
	if (!is_done)
		return;
	/* what happened up to now is reported, joined while the process table is there */
	ward_fim_watcher_read(c->w);
	ward_fim_watcher_flush(c->w, 0, true);
	ward_session_stop(s);
}

int ward_fim_watch_sensor(struct ward_fim_watcher *w, const struct ward_fim_watch_opts *o,
			  struct ward_diag *diag)
{
	static bool kset[WARD_SC_MAX];
	struct sensor_watch c = { .w = w, .o = o };
	struct ward_fim_who_hooks h = {
		.arrival = hook_arrival, .before_emit = hook_before_emit, .arg = &c,
		.hold_ns = WARD_FIM_JOIN_HOLD_NS,
	};
	struct ward_session_opts so = {
		.cfg = o->cfg, .syscalls = kset, .on_event = on_event, .on_start = on_start,
		.on_tick = on_tick, .arg = &c,
	};
	int err;

	/* the kernel sends only what can change a file, and what keeps the process table */
	memset(kset, 0, sizeof(kset));
	for (size_t i = 0; i < ward_syscalls_cnt; i++) {
		const struct ward_syscall_def *d = &ward_syscalls[i];

		switch (d->conf.kind) {
		case WARD_EV_EXEC: case WARD_EV_FORK: case WARD_EV_EXIT:
		case WARD_EV_OPEN: case WARD_EV_UNLINK: case WARD_EV_RENAME: case WARD_EV_MKDIR:
		case WARD_EV_RMDIR: case WARD_EV_CHMOD: case WARD_EV_CHOWN: case WARD_EV_SYMLINK:
		case WARD_EV_LINK: case WARD_EV_TRUNCATE: case WARD_EV_UTIMES: case WARD_EV_XATTR:
			if (d->nr >= 0 && d->nr < WARD_SC_MAX)
				kset[d->nr] = true;
			break;
		default:
			break;
		}
	}
	c.join = ward_fim_join_new(WARD_FIM_JOIN_CAP, WARD_FIM_JOIN_MAX_AGE_NS,
				   WARD_FIM_JOIN_SLACK_NS);
	ward_fim_watcher_set_hooks(w, &h);
	err = ward_session_run(&so);
	if (c.is_started) {
		sigaction(SIGINT, &c.old_int, NULL);
		sigaction(SIGTERM, &c.old_term, NULL);
		/* a stop the tick did not see (the session ended by itself): report the rest,
		 * with /proc data read on arrival */
		c.s = NULL;
		ward_fim_watcher_read(w);
		ward_fim_watcher_flush(w, 0, true);
	}
	struct ward_fim_who_hooks none = { 0 };
	ward_fim_watcher_set_hooks(w, &none);
	ward_fim_join_free(c.join);
	if (!c.is_started) {
		ward_diag_set(diag, -ENOTSUP, "", 0, 0, "the eBPF sensor did not start: %s",
			      ward_strerror(err ? err : -ENOTSUP));
		return -ENOTSUP;
	}
	if (err)
		return ward_diag_set(diag, err, "", 0, 0, "sensor session: %s", ward_strerror(err));
	return 0;
}
