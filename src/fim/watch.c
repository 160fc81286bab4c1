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
	ward_jw_key(&w, "process");
	ward_jw_obj_begin(&w);
	ward_jw_kint(&w, "pid", ev->who.pid);
	if (ev->who.is_known) {
		ward_jw_kstr(&w, "name", ev->who.comm);
		ward_jw_kstr(&w, "exe", ev->who.exe);
		ward_jw_kstr(&w, "cmdline", ev->who.cmdline);
		if (ev->who.has_uid)
			ward_jw_kuint(&w, "uid", ev->who.uid);
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
		ward_buf_printf(b, " %s uid=%u exe=", ev->who.comm, ev->who.uid);
		ward_fim_text_escape(b, ev->who.exe, strlen(ev->who.exe));
		ward_buf_puts(b, " cmd=");
		ward_fim_text_escape(b, ev->who.cmdline, strlen(ev->who.cmdline));
	}
	err = ward_buf_printf(b, " container=%s", ev->who.in_container ? ev->who.container_id : "host");
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

static int emit(const struct ward_fim_watch_opts *o, const struct ward_fim_event *ev,
		struct ward_buf *b, uint64_t *emitted)
{
	int err;

	if (o->out) {
		ward_buf_reset(b);
		err = o->is_json ? ward_fim_event_json(ev, b) : ward_fim_event_text(ev, b);
		if (!err)
			err = ward_buf_putc(b, '\n');
		if (!err) {
			fwrite(b->data, 1, b->len, o->out);
			fflush(o->out);
		}
	}
	if (o->on_event)
		o->on_event(ev, o->arg);
	(*emitted)++;
	return 0;
}

/* Parses one event record and feeds the coalescer. */
static void handle_event(const struct ward_fim_watch_opts *o, const struct fsroot *roots,
			 size_t roots_cnt, struct ward_fim_coalesce *co,
			 const struct fanotify_event_metadata *md, const char *rec, char *path_buf,
			 struct ward_buf *b, uint64_t *emitted)
{
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
		ssize_t dl = resolve_dir(roots, roots_cnt, &fid->fsid, fh, path_buf,
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
		int rc = ward_fim_coalesce_add(co, path_buf, len, what, md->pid, now, &ev);

		if (rc == -WARD_E_LIMIT) {
			static struct ward_fim_event out;

			if (ward_fim_coalesce_pop(co, now, true, &out))
				emit(o, &out, b, emitted);
			rc = ward_fim_coalesce_add(co, path_buf, len, what, md->pid, now, &ev);
		}
		if (rc == 1)
			ward_fim_who_read("/proc", md->pid, &ev->who); /* promptly: it may exit */
		return;
	}
}

int ward_fim_watch(const struct ward_fim_watch_opts *o, uint64_t *emitted,
		   struct ward_diag *diag)
{
	struct fsroot *roots = ward_xcalloc(o->policy->roots_cnt, sizeof(*roots));
	size_t roots_cnt = 0;
	struct ward_fim_coalesce *co = NULL;
	struct ward_buf b;
	char *path_buf = ward_xmalloc(WARD_FIM_PATH_MAX + 2);
	struct ward_fim_event *out = ward_xmalloc(sizeof(*out));
	size_t rbuf_len = 256 << 10;
	char *rbuf = ward_xmalloc(rbuf_len);
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	uint64_t deadline = o->timeout_s ? ward_mono_ns() + (uint64_t)o->timeout_s * 1000000000ull : 0;
	int fan, err = 0;

	*emitted = 0;
	ward_buf_init(&b, 1u << 20);
	fan = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME,
			    O_RDONLY | O_CLOEXEC);
	if (fan < 0) {
		err = ward_diag_set(diag, -errno, "", 0, 0,
				    "fanotify_init(FAN_REPORT_DFID_NAME) failed: %s (needs root and "
				    "Linux 5.9+)", strerror(errno));
		goto out;
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
			goto out;
		}
		/* a filesystem mark sees every writer on that filesystem; events outside the
		 * roots are dropped after the directory is resolved */
		if (fanotify_mark(fan, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, WATCH_MASK, fd, NULL) < 0) {
			err = ward_diag_set(diag, -errno, r->path, 0, 0, "fanotify_mark failed: %s",
					    strerror(errno));
			close(fd);
			goto out;
		}
		roots[roots_cnt].fd = fd;
		memcpy(&roots[roots_cnt].fsid, &sf.f_fsid, sizeof(roots[roots_cnt].fsid));
		roots_cnt++;
	}
	co = ward_fim_coalesce_new(WARD_FIM_COALESCE_MAX,
				   (uint64_t)(o->window_ms > 0 ? o->window_ms : 0) * 1000000ull);
	stop_flag = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	fprintf(stderr, "ward fim watch: watching %zu filesystem(s) for %zu path(s)\n", roots_cnt,
		o->policy->roots_cnt);
	while (!stop_flag && (!o->max_events || *emitted < o->max_events)) {
		uint64_t now = ward_now_ns(), due = ward_fim_coalesce_next_due(co);
		int timeout = 1000;

		if (due != UINT64_MAX)
			timeout = due <= now ? 0 : (int)((due - now) / 1000000 + 1);
		if (deadline) {
			uint64_t m = ward_mono_ns();
			if (m >= deadline)
				break;
			if ((deadline - m) / 1000000 + 1 < (uint64_t)timeout)
				timeout = (int)((deadline - m) / 1000000 + 1);
		}
		struct pollfd pfd = { .fd = fan, .events = POLLIN };
		int pr = poll(&pfd, 1, timeout);

		if (pr < 0 && errno != EINTR) {
			err = ward_diag_set(diag, -errno, "", 0, 0, "poll: %s", strerror(errno));
			break;
		}
		if (pr > 0) {
			ssize_t n;

			while ((n = read(fan, rbuf, rbuf_len)) > 0) {
				size_t off = 0;

				/* records are only 4-byte aligned: copy each header out before use */
				while (off + sizeof(struct fanotify_event_metadata) <= (size_t)n) {
					struct fanotify_event_metadata md;

					memcpy(&md, rbuf + off, sizeof(md));
					if (md.event_len < sizeof(md) || md.event_len > (size_t)n - off)
						break;
					if (md.vers == FANOTIFY_METADATA_VERSION &&
					    !(md.mask & FAN_Q_OVERFLOW))
						handle_event(o, roots, roots_cnt, co, &md, rbuf + off,
							     path_buf, &b, emitted);
					else if (md.mask & FAN_Q_OVERFLOW)
						fprintf(stderr, "ward fim watch: kernel queue overflowed; "
							"some changes were lost\n");
					if (md.fd >= 0)
						close(md.fd);
					off += md.event_len;
				}
			}
		}
		now = ward_now_ns();
		while ((!o->max_events || *emitted < o->max_events) &&
		       ward_fim_coalesce_pop(co, now, false, out))
			emit(o, out, &b, emitted);
	}
	/* flush what is pending: it happened, even if its window did not end */
	while ((!o->max_events || *emitted < o->max_events) &&
	       ward_fim_coalesce_pop(co, 0, true, out))
		emit(o, out, &b, emitted);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
out:
	if (fan >= 0)
		close(fan);
	for (size_t i = 0; i < roots_cnt; i++)
		close(roots[i].fd);
	free(roots);
	ward_fim_coalesce_free(co);
	ward_buf_free(&b);
	free(path_buf);
	free(out);
	free(rbuf);
	return err;
}
