// SPDX-License-Identifier: Apache-2.0
/*
 * fanotify-based watch (see watch.h). Event records are parsed with every length checked
 * against the bytes read; a record that does not fit is skipped, never trusted. The
 * directory handle in each event is resolved to a path with open_by_handle_at on an fd of
 * the root's filesystem; a directory deleted meanwhile cannot be resolved and is reported
 * by its root with the name the kernel gave.
 */
#include "fim/watch.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "common/jsonw.h"
#include "common/timeutil.h"
#include "common/xalloc.h"
#include "fim/classify.h"
#include "fim/report.h"

#define WATCH_MASK (FAN_CREATE | FAN_DELETE | FAN_MOVED_FROM | FAN_MOVED_TO | FAN_MODIFY | \
		    FAN_ATTRIB | FAN_ONDIR)

struct fsroot {
	int fd;              /* the root directory, for open_by_handle_at */
	__kernel_fsid_t fsid;
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static uint32_t map_mask(uint64_t m)
{
	uint32_t w = 0;

	if (m & FAN_CREATE) w |= WARD_FIM_EV_CREATE;
	if (m & FAN_MODIFY) w |= WARD_FIM_EV_MODIFY;
	if (m & FAN_DELETE) w |= WARD_FIM_EV_DELETE;
	if (m & FAN_MOVED_FROM) w |= WARD_FIM_EV_MOVED_FROM;
	if (m & FAN_MOVED_TO) w |= WARD_FIM_EV_MOVED_TO;
	if (m & FAN_ATTRIB) w |= WARD_FIM_EV_ATTRIB;
	return w;
}

int ward_fim_event_json(const struct ward_fim_event *ev, struct ward_buf *b)
{
	enum ward_fim_class cls = ward_fim_classify(ev->path, ev->path_len);
	struct ward_jw w;
	char tbuf[64];

	ward_jw_init(&w, b);
	ward_jw_obj_begin(&w);
	ward_jw_kstr(&w, "time", ward_time_fmt(ev->first_ns, tbuf, sizeof(tbuf)));
	ward_jw_key(&w, "path");
	ward_jw_strn(&w, ev->path, ev->path_len);
	ward_jw_key(&w, "events");
	ward_jw_arr_begin(&w);
	for (unsigned i = 0; i < WARD_FIM_EV_CNT; i++)
		if (ev->what & (1u << i))
			ward_jw_str(&w, ward_fim_ev_name(1u << i));
	ward_jw_arr_end(&w);
	ward_jw_kuint(&w, "count", ev->count);
	ward_jw_kstr(&w, "class", ward_fim_class_name(cls));
	ward_jw_kstr(&w, "severity", ward_fim_class_severity(cls));
	ward_jw_kstr(&w, "who_source", ward_fim_who_source_name(ev->who.source));
	ward_jw_key(&w, "process");
	ward_jw_obj_begin(&w);
	ward_jw_kint(&w, "pid", ev->who.pid);
	if (ev->who.is_known) {
		if (ev->who.has_ppid)
			ward_jw_kint(&w, "ppid", ev->who.ppid);
		ward_jw_kstr(&w, "name", ev->who.comm);
		ward_jw_kstr(&w, "exe", ev->who.exe);
		ward_jw_kstr(&w, "cmdline", ev->who.cmdline);
		if (ev->who.has_uid)
			ward_jw_kuint(&w, "uid", ev->who.uid);
		if (ev->who.user[0])
			ward_jw_kstr(&w, "user", ev->who.user);
		if (ev->who.source == WARD_FIM_WHO_SENSOR) {
			ward_jw_kbool(&w, "exited", ev->who.has_exited);
			if (ev->who.syscall)
				ward_jw_kstr(&w, "syscall", ev->who.syscall);
			ward_jw_kstr(&w, "match", ev->who.match ? ev->who.match : "none");
		}
	} else {
		ward_jw_kstr(&w, "note", "process exited before it could be read");
	}
	ward_jw_obj_end(&w);
	ward_jw_kbool(&w, "multiple_writers", ev->is_multi_writer);
	ward_jw_key(&w, "container");
	if (ev->who.in_container) {
		ward_jw_obj_begin(&w);
		ward_jw_kstr(&w, "id", ev->who.container_id);
		ward_jw_kstr(&w, "runtime", ev->who.runtime);
		if (ev->who.container_name[0])
			ward_jw_kstr(&w, "name", ev->who.container_name);
		ward_jw_obj_end(&w);
	} else {
		ward_jw_null(&w);
	}
	ward_jw_obj_end(&w);
	return w.err;
}

int ward_fim_event_text(const struct ward_fim_event *ev, struct ward_buf *b)
{
	enum ward_fim_class cls = ward_fim_classify(ev->path, ev->path_len);
	char tbuf[64];
	bool first = true;
	int err;

	ward_buf_printf(b, "%s %-8s ", ward_time_fmt(ev->first_ns, tbuf, sizeof(tbuf)),
			ward_fim_class_severity(cls));
	ward_fim_text_escape(b, ev->path, ev->path_len);
	ward_buf_puts(b, " [");
	for (unsigned i = 0; i < WARD_FIM_EV_CNT; i++) {
		if (!(ev->what & (1u << i)))
			continue;
		ward_buf_printf(b, "%s%s", first ? "" : ",", ward_fim_ev_name(1u << i));
		first = false;
	}
	ward_buf_printf(b, "] x%" PRIu64 " by pid %d", ev->count, ev->who.pid);
	if (ev->who.is_known) {
		ward_buf_printf(b, " %s uid=%u", ev->who.comm, ev->who.uid);
		if (ev->who.user[0])
			ward_buf_printf(b, "(%s)", ev->who.user);
		if (ev->who.has_ppid)
			ward_buf_printf(b, " ppid=%d", ev->who.ppid);
		ward_buf_puts(b, " exe=");
		ward_fim_text_escape(b, ev->who.exe, strlen(ev->who.exe));
		ward_buf_puts(b, " cmd=");
		ward_fim_text_escape(b, ev->who.cmdline, strlen(ev->who.cmdline));
	}
	ward_buf_printf(b, " container=%s", ev->who.in_container ? ev->who.container_id : "host");
	if (ev->who.container_name[0])
		ward_buf_printf(b, "(%s)", ev->who.container_name);
	err = ward_buf_printf(b, " who=%s", ward_fim_who_source_name(ev->who.source));
	return err;
}

/* Resolves a directory handle to a path; returns length or -errno. */
static ssize_t resolve_dir(const struct fsroot *roots, size_t cnt, const __kernel_fsid_t *fsid,
			   struct file_handle *fh, char *out, size_t cap)
{
	char link[64];
	ssize_t n = -ENOENT;

	for (size_t i = 0; i < cnt; i++) {
		if (memcmp(&roots[i].fsid, fsid, sizeof(*fsid)) != 0)
			continue;
		int fd = open_by_handle_at(roots[i].fd, fh, O_PATH | O_CLOEXEC);

		if (fd < 0) {
			n = -errno;
			continue;
		}
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, out, cap - 1);
		n = n < 0 ? -errno : n;
		close(fd);
		if (n >= 0) {
			out[n] = '\0';
			return n;
		}
	}
	return n;
}

struct ward_fim_watcher {
	const struct ward_fim_watch_opts *o;
	int fan;
	struct fsroot *roots;
	size_t roots_cnt;
	struct ward_fim_coalesce *co;
	struct ward_fim_who_hooks hooks;
	struct ward_buf b;
	char *path_buf;
	struct ward_fim_event *out;  /* one popped event; too large for the stack */
	char *rbuf;
	size_t rbuf_len;
	uint64_t emitted;
	bool overflow_said;
};

static void emit(struct ward_fim_watcher *w, struct ward_fim_event *ev)
{
	const struct ward_fim_watch_opts *o = w->o;
	int err;

	if (w->hooks.before_emit)
		w->hooks.before_emit(ev, w->hooks.arg);
	if (o->out) {
		ward_buf_reset(&w->b);
		err = o->is_json ? ward_fim_event_json(ev, &w->b) : ward_fim_event_text(ev, &w->b);
		if (!err)
			err = ward_buf_putc(&w->b, '\n');
		if (!err) {
			fwrite(w->b.data, 1, w->b.len, o->out);
			fflush(o->out);
		}
	}
	if (o->on_event)
		o->on_event(ev, o->arg);
	w->emitted++;
}

static void arrival(struct ward_fim_watcher *w, struct ward_fim_event *ev)
{
	if (w->hooks.arrival)
		w->hooks.arrival(ev, w->hooks.arg);
	else
		ward_fim_who_read("/proc", ev->who.pid, &ev->who); /* promptly: it may exit */
}

/* Parses one event record and feeds the coalescer. */
static void handle_event(struct ward_fim_watcher *w, const struct fanotify_event_metadata *md,
			 const char *rec)
{
	const struct ward_fim_watch_opts *o = w->o;
	char *path_buf = w->path_buf;
	const char *p = rec + md->metadata_len;
	const char *end = rec + md->event_len;
	uint32_t what = map_mask(md->mask);

	if (md->metadata_len < sizeof(*md) || md->event_len < md->metadata_len || !what)
		return;
	while (p + sizeof(struct fanotify_event_info_header) <= end) {
		const struct fanotify_event_info_header *h = (const void *)p;

		if (h->len < sizeof(*h) || p + h->len > end)
			return;
		if (h->info_type != FAN_EVENT_INFO_TYPE_DFID_NAME &&
		    h->info_type != FAN_EVENT_INFO_TYPE_DFID) {
			p += h->len;
			continue;
		}
		const struct fanotify_event_info_fid *fid = (const void *)p;
		struct file_handle *fh = (struct file_handle *)fid->handle;
		const char *hend = (const char *)fh + sizeof(*fh);

		if ((const char *)fid + sizeof(*fid) + sizeof(*fh) > p + h->len ||
		    hend + fh->handle_bytes > p + h->len)
			return;
		const char *name = hend + fh->handle_bytes;
		size_t name_max = (size_t)(p + h->len - name);
		size_t nlen = h->info_type == FAN_EVENT_INFO_TYPE_DFID_NAME ?
			      strnlen(name, name_max) : 0;
		if (nlen == name_max && nlen)
			return; /* name not terminated within the record */
		ssize_t dl = resolve_dir(w->roots, w->roots_cnt, &fid->fsid, fh, path_buf,
					 WARD_FIM_PATH_MAX + 1);
		if (dl < 0)
			return; /* the directory is gone; its own delete event names it */
		size_t len = (size_t)dl;
		if (nlen && !(nlen == 1 && name[0] == '.')) {
			if (len + 1 + nlen > WARD_FIM_PATH_MAX)
				return;
			if (!(len == 1 && path_buf[0] == '/'))
				path_buf[len++] = '/';
			memcpy(path_buf + len, name, nlen);
			len += nlen;
			path_buf[len] = '\0';
		}
		if (!ward_fim_policy_mask(o->policy, path_buf, len) ||
		    ward_fim_policy_excluded(o->policy, path_buf))
			return;
		struct ward_fim_event *ev;
		uint64_t now = ward_now_ns();
		int rc = ward_fim_coalesce_add(w->co, path_buf, len, what, md->pid, now, &ev);

		if (rc == -WARD_E_LIMIT) {
			if (ward_fim_coalesce_pop(w->co, now, true, w->out))
				emit(w, w->out);
			rc = ward_fim_coalesce_add(w->co, path_buf, len, what, md->pid, now, &ev);
		}
		if (rc == 1)
			arrival(w, ev);
		return;
	}
}

int ward_fim_watcher_open(const struct ward_fim_watch_opts *o, struct ward_fim_watcher **out,
			  struct ward_diag *diag)
{
	struct ward_fim_watcher *w = ward_xcalloc(1, sizeof(*w));
	int err = 0;

	w->o = o;
	w->roots = ward_xcalloc(o->policy->roots_cnt ? o->policy->roots_cnt : 1, sizeof(*w->roots));
	w->path_buf = ward_xmalloc(WARD_FIM_PATH_MAX + 2);
	w->out = ward_xmalloc(sizeof(*w->out));
	w->rbuf_len = 256 << 10;
	w->rbuf = ward_xmalloc(w->rbuf_len);
	ward_buf_init(&w->b, 1u << 20);
	w->fan = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME,
			       O_RDONLY | O_CLOEXEC);
	if (w->fan < 0) {
		err = ward_diag_set(diag, -errno, "", 0, 0,
				    "fanotify_init(FAN_REPORT_DFID_NAME) failed: %s (needs root and "
				    "Linux 5.9+)", strerror(errno));
		goto fail;
	}
	for (size_t i = 0; i < o->policy->roots_cnt; i++) {
		const struct ward_fim_root *r = &o->policy->roots[i];
		struct statfs sf;

		if (r->is_nested)
			continue;
		int fd = open(r->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || fstatfs(fd, &sf) < 0) {
			err = ward_diag_set(diag, -errno, r->path, 0, 0,
					    "cannot watch: %s (watch roots must be directories)",
					    strerror(errno));
			if (fd >= 0)
				close(fd);
			goto fail;
		}
		/* a filesystem mark sees every writer on that filesystem; events outside the
		 * roots are dropped after the directory is resolved */
		if (fanotify_mark(w->fan, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, WATCH_MASK, fd, NULL) < 0) {
			err = ward_diag_set(diag, -errno, r->path, 0, 0, "fanotify_mark failed: %s",
					    strerror(errno));
			close(fd);
			goto fail;
		}
		w->roots[w->roots_cnt].fd = fd;
		memcpy(&w->roots[w->roots_cnt].fsid, &sf.f_fsid, sizeof(w->roots[w->roots_cnt].fsid));
		w->roots_cnt++;
	}
	w->co = ward_fim_coalesce_new(WARD_FIM_COALESCE_MAX,
				      (uint64_t)(o->window_ms > 0 ? o->window_ms : 0) * 1000000ull);
	*out = w;
	return 0;
fail:
	ward_fim_watcher_free(w);
	return err;
}

void ward_fim_watcher_free(struct ward_fim_watcher *w)
{
	if (!w)
		return;
	if (w->fan >= 0)
		close(w->fan);
	for (size_t i = 0; i < w->roots_cnt; i++)
		close(w->roots[i].fd);
	free(w->roots);
	ward_fim_coalesce_free(w->co);
	ward_buf_free(&w->b);
	free(w->path_buf);
	free(w->out);
	free(w->rbuf);
	free(w);
}

void ward_fim_watcher_set_hooks(struct ward_fim_watcher *w, const struct ward_fim_who_hooks *h)
{
	w->hooks = *h;
}

int ward_fim_watcher_fd(const struct ward_fim_watcher *w)
{
	return w->fan;
}

bool ward_fim_watcher_is_full(const struct ward_fim_watcher *w)
{
	return w->o->max_events && w->emitted >= w->o->max_events;
}

uint64_t ward_fim_watcher_emitted(const struct ward_fim_watcher *w)
{
	return w->emitted;
}

void ward_fim_watcher_announce(const struct ward_fim_watcher *w, const char *who_note)
{
	fprintf(stderr, "ward fim watch: watching %zu filesystem(s) for %zu path(s); %s\n",
		w->roots_cnt, w->o->policy->roots_cnt, who_note);
}

void ward_fim_watcher_read(struct ward_fim_watcher *w)
{
	ssize_t n;

	while ((n = read(w->fan, w->rbuf, w->rbuf_len)) > 0) {
		size_t off = 0;

		/* records are only 4-byte aligned: copy each header out before use */
		while (off + sizeof(struct fanotify_event_metadata) <= (size_t)n) {
			struct fanotify_event_metadata md;

			memcpy(&md, w->rbuf + off, sizeof(md));
			if (md.event_len < sizeof(md) || md.event_len > (size_t)n - off)
				break;
			if (md.vers == FANOTIFY_METADATA_VERSION && !(md.mask & FAN_Q_OVERFLOW)) {
				handle_event(w, &md, w->rbuf + off);
			} else if ((md.mask & FAN_Q_OVERFLOW) && !w->overflow_said) {
				fprintf(stderr, "ward fim watch: kernel queue overflowed; some changes "
					"were lost\n");
				w->overflow_said = true;
			}
			if (md.fd >= 0)
				close(md.fd);
			off += md.event_len;
		}
	}
}

void ward_fim_watcher_flush(struct ward_fim_watcher *w, uint64_t now_ns, bool force)
{
	uint64_t t = now_ns > w->hooks.hold_ns ? now_ns - w->hooks.hold_ns : 0;

	while (!ward_fim_watcher_is_full(w) && ward_fim_coalesce_pop(w->co, t, force, w->out))
		emit(w, w->out);
}

int ward_fim_watcher_timeout_ms(const struct ward_fim_watcher *w, uint64_t now_ns, int max_ms)
{
	uint64_t due = ward_fim_coalesce_next_due(w->co);

	if (due == UINT64_MAX)
		return max_ms;
	due += w->hooks.hold_ns;
	if (due <= now_ns)
		return 0;
	if ((due - now_ns) / 1000000 + 1 < (uint64_t)max_ms)
		return (int)((due - now_ns) / 1000000 + 1);
	return max_ms;
}

/* Without the sensor: poll fanotify alone, who-data from /proc on arrival. */
static int watch_plain(struct ward_fim_watcher *w, struct ward_diag *diag)
{
	const struct ward_fim_watch_opts *o = w->o;
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	uint64_t deadline = o->timeout_s ? ward_mono_ns() + (uint64_t)o->timeout_s * 1000000000ull : 0;
	int err = 0;

	stop_flag = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	while (!stop_flag && !ward_fim_watcher_is_full(w)) {
		int timeout = ward_fim_watcher_timeout_ms(w, ward_now_ns(), 1000);

		if (deadline) {
			uint64_t m = ward_mono_ns();
			if (m >= deadline)
				break;
			if ((deadline - m) / 1000000 + 1 < (uint64_t)timeout)
				timeout = (int)((deadline - m) / 1000000 + 1);
		}
		struct pollfd pfd = { .fd = w->fan, .events = POLLIN };
		int pr = poll(&pfd, 1, timeout);

		if (pr < 0 && errno != EINTR) {
			err = ward_diag_set(diag, -errno, "", 0, 0, "poll: %s", strerror(errno));
			break;
		}
		if (pr > 0)
			ward_fim_watcher_read(w);
		ward_fim_watcher_flush(w, ward_now_ns(), false);
	}
	/* flush what is pending: it happened, even if its window did not end */
	ward_fim_watcher_flush(w, 0, true);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return err;
}

int ward_fim_watch(const struct ward_fim_watch_opts *o, uint64_t *emitted,
		   struct ward_diag *diag)
{
	struct ward_fim_watcher *w = NULL;
	char msg[640], note[800];
	int err;

	*emitted = 0;
	err = ward_fim_watcher_open(o, &w, diag);
	if (err)
		return err;
	if (o->cfg && !o->no_sensor) {
		struct ward_diag sd = { 0 };

		err = ward_fim_watch_sensor(w, o, &sd);
		if (err != -ENOTSUP) {
			if (err)
				*diag = sd;
			goto out;
		}
		if (o->require_sensor) {
			*diag = sd;
			goto out;
		}
		snprintf(note, sizeof(note), "who-data is best-effort from /proc (%s): a writer "
			 "that exits at once is reported by pid only", ward_diag_format(&sd, msg,
										 sizeof(msg)));
	} else {
		snprintf(note, sizeof(note), "who-data is best-effort from /proc (no sensor "
			 "requested): a writer that exits at once is reported by pid only");
	}
	ward_fim_watcher_announce(w, note);
	err = watch_plain(w, diag);
out:
	*emitted = ward_fim_watcher_emitted(w);
	ward_fim_watcher_free(w);
	return err;
}
