// SPDX-License-Identifier: Apache-2.0
/*
 * File events for the fallback backend from fanotify (needs CAP_SYS_ADMIN, kernel >= 5.9):
 * a notification group reporting directory handles and names (FAN_REPORT_DFID_NAME), with
 * filesystem marks on / and on the usual separate scratch filesystems (/tmp, /var/tmp,
 * /dev/shm, /home) when they are separate. Mapping to records:
 *   create file -> WARD_EV_OPEN, args[2] = O_WRONLY|O_CREAT    create dir -> WARD_EV_MKDIR
 *   modify      -> WARD_EV_OPEN, args[2] = O_WRONLY            delete dir -> WARD_EV_RMDIR
 *   delete file -> WARD_EV_UNLINK                              rename     -> WARD_EV_RENAME
 * The flags say what happened, not the exact open(2) flags; there is no fd (ret is 0) and no
 * syscall number (nr is -1). fanotify merges repeated modifications of one file by one
 * process while they wait in the queue, so a burst of writes is one record.
 *
 * Paths: the directory handle is opened with open_by_handle_at() and named through
 * /proc/self/fd, then the entry name is appended. A directory removed before that gets a bare
 * name. Paths are in this process's mount namespace; writes inside containers show up as
 * their overlay upper-layer paths (the container's own view is not known here).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "common/timeutil.h"
#include "sensor/fallback.h"

#define FAN_BATCH 64          /* reads per drain call */
#define FB_PATH_MAX (WARD_STR_MAX + 256)

static const char *const mark_paths[] = { "/", "/tmp", "/var/tmp", "/dev/shm", "/home" };

static int mark_fs(struct ward_fallback *f, const char *path, uint64_t mask)
{
	struct ward_fb_mount *m = &f->mounts[f->mounts_cnt];
	struct statfs sf;
	struct stat st;
	int fd, e;

	if (f->mounts_cnt >= WARD_FB_MOUNTS_MAX)
		return -ENOSPC;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || fstatfs(fd, &sf) < 0) {
		e = -errno;
		close(fd);
		return e;
	}
	/* one mark per filesystem: skip a path on a filesystem already marked */
	for (size_t i = 0; i < f->mounts_cnt; i++) {
		struct stat ost;

		if (fstat(f->mounts[i].fd, &ost) == 0 && ost.st_dev == st.st_dev) {
			close(fd);
			return -EEXIST;
		}
	}
	if (fanotify_mark(f->fan_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, mask, fd, NULL) < 0) {
		e = -errno;
		close(fd);
		return e;
	}
	m->fd = fd;
	memcpy(m->fsid, &sf.f_fsid, sizeof(m->fsid));
	snprintf(m->path, sizeof(m->path), "%s", path);
	f->mounts_cnt++;
	return 0;
}

int ward_fb_fan_open(struct ward_fallback *f, char *err, size_t err_len)
{
	const uint64_t base = FAN_CREATE | FAN_MODIFY | FAN_DELETE | FAN_ONDIR;
	int e;

	f->fan_fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK |
				  FAN_REPORT_DFID_NAME, O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (f->fan_fd < 0) {
		e = -errno;
		snprintf(err, err_len, "fanotify_init: %s%s", strerror(-e),
			 e == -EPERM ? " (needs CAP_SYS_ADMIN)" :
			 e == -EINVAL ? " (kernel older than 5.9)" : "");
		return e;
	}
	/* FAN_RENAME (5.17) reports both names in one event */
	e = mark_fs(f, "/", base | FAN_RENAME);
	f->fan_rename = e == 0;
	if (e == -EINVAL)
		e = mark_fs(f, "/", base);
	if (e) {
		snprintf(err, err_len, "mark /: %s", strerror(-e));
		ward_fb_fan_close(f);
		return e;
	}
	/* the others are best effort: absent, same filesystem, or no file handles (EXDEV) */
	for (size_t i = 1; i < sizeof(mark_paths) / sizeof(mark_paths[0]); i++)
		mark_fs(f, mark_paths[i], base | (f->fan_rename ? FAN_RENAME : 0));
	return 0;
}

void ward_fb_fan_close(struct ward_fallback *f)
{
	for (size_t i = 0; i < f->mounts_cnt; i++) {
		close(f->mounts[i].fd);
		f->mounts[i].fd = -1;
	}
	f->mounts_cnt = 0;
	if (f->fan_fd >= 0)
		close(f->fan_fd);
	f->fan_fd = -1;
}

/*
 * One DFID_NAME info record -> absolute path in out (NUL-terminated). Returns its length,
 * 0 when the record is malformed. The record is kernel data but still bounds-checked.
 */
static size_t resolve(struct ward_fallback *f, const uint8_t *info, size_t info_len,
		      bool has_name, char *out, size_t cap)
{
	struct fanotify_event_info_fid fid;
	union {
		struct file_handle fh;
		char raw[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h;
	const uint8_t *fhp, *name = NULL;
	size_t off = sizeof(fid), name_len = 0, dir_len = 0;
	char link[32];
	ssize_t n;
	int fd = -1;

	if (info_len < off + sizeof(struct file_handle))
		return 0;
	memcpy(&fid, info, sizeof(fid));
	fhp = info + off;
	memcpy(&h.fh, fhp, sizeof(struct file_handle));
	if (h.fh.handle_bytes > MAX_HANDLE_SZ ||
	    info_len - off - sizeof(struct file_handle) < h.fh.handle_bytes)
		return 0;
	memcpy(h.fh.f_handle, fhp + sizeof(struct file_handle), h.fh.handle_bytes);
	if (has_name) {
		size_t at = off + sizeof(struct file_handle) + h.fh.handle_bytes;

		name = info + at;
		name_len = strnlen((const char *)name, info_len - at);
		if (name_len == info_len - at)
			return 0; /* no NUL inside the record */
		/* "." names the directory itself */
		if (name_len == 1 && name[0] == '.')
			name_len = 0;
	}

	for (size_t i = 0; i < f->mounts_cnt; i++) {
		if (memcmp(f->mounts[i].fsid, &fid.fsid, sizeof(f->mounts[i].fsid)) == 0) {
			fd = open_by_handle_at(f->mounts[i].fd, &h.fh, O_PATH | O_CLOEXEC);
			break;
		}
	}
	if (fd >= 0) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, out, cap - 1);
		close(fd);
		if (n > 0)
			dir_len = (size_t)n;
	}
	if (dir_len && name_len && !(dir_len == 1 && out[0] == '/'))
		out[dir_len++] = '/';
	if (name_len > cap - 1 - dir_len)
		name_len = cap - 1 - dir_len;
	if (name_len)
		memcpy(out + dir_len, name, name_len);
	out[dir_len + name_len] = '\0';
	return dir_len + name_len;
}

static int emit(struct ward_fallback *f, const struct fanotify_event_metadata *m,
		unsigned kind, uint64_t oflags, const char *p1, size_t l1, const char *p2,
		size_t l2, ward_record_fn fn, void *arg)
{
	struct ward_ev_raw *ev = ward_fb_rec_begin(f, kind, ward_boot_ns());

	ward_fb_fill_proc(f, ev, (uint32_t)m->pid);
	if (kind == WARD_EV_OPEN) {
		ev->args[2] = oflags;
		ev->fd_type = WARD_FD_FILE;
	}
	ward_fb_rec_str(f, WARD_STR_PATH, p1, l1, 0);
	if (p2)
		ward_fb_rec_str(f, WARD_STR_PATH2, p2, l2, 0);
	return ward_fb_rec_emit(f, fn, arg);
}

static int on_event(struct ward_fallback *f, const struct fanotify_event_metadata *m,
		    const uint8_t *base, ward_record_fn fn, void *arg)
{
	char p1[FB_PATH_MAX], p2[FB_PATH_MAX];
	const uint8_t *info = base + m->metadata_len;
	const uint8_t *end = base + m->event_len;
	size_t l1 = 0, l2 = 0;
	bool dir = m->mask & FAN_ONDIR, have1 = false, have2 = false;
	int r = 0;

	while (info + sizeof(struct fanotify_event_info_header) <= end) {
		struct fanotify_event_info_header hdr;

		memcpy(&hdr, info, sizeof(hdr));
		if (hdr.len < sizeof(hdr) || hdr.len > (size_t)(end - info))
			break;
		switch (hdr.info_type) {
		case FAN_EVENT_INFO_TYPE_DFID_NAME:
		case FAN_EVENT_INFO_TYPE_OLD_DFID_NAME:
			l1 = resolve(f, info, hdr.len, true, p1, sizeof(p1));
			have1 = l1 > 0;
			break;
		case FAN_EVENT_INFO_TYPE_NEW_DFID_NAME:
			l2 = resolve(f, info, hdr.len, true, p2, sizeof(p2));
			have2 = l2 > 0;
			break;
		case FAN_EVENT_INFO_TYPE_DFID:
		case FAN_EVENT_INFO_TYPE_FID:
			if (!have1) {
				l1 = resolve(f, info, hdr.len, false, p1, sizeof(p1));
				have1 = l1 > 0;
			}
			break;
		default:
			break;
		}
		info += hdr.len;
	}
	if (!have1 && !have2)
		return 0;
	if (m->mask & FAN_CREATE)
		r = emit(f, m, dir ? WARD_EV_MKDIR : WARD_EV_OPEN, O_WRONLY | O_CREAT, p1, l1, NULL,
			 0, fn, arg);
	else if ((m->mask & FAN_MODIFY) && !dir)
		r = emit(f, m, WARD_EV_OPEN, O_WRONLY, p1, l1, NULL, 0, fn, arg);
	if (!r && (m->mask & FAN_DELETE))
		r = emit(f, m, dir ? WARD_EV_RMDIR : WARD_EV_UNLINK, 0, p1, l1, NULL, 0, fn, arg);
	if (!r && (m->mask & FAN_RENAME) && have1 && have2)
		r = emit(f, m, WARD_EV_RENAME, 0, p1, l1, p2, l2, fn, arg);
	return r;
}

int ward_fb_fan_drain(struct ward_fallback *f, ward_record_fn fn, void *arg, bool *stop)
{
	uint64_t before = f->events;

	for (int i = 0; i < FAN_BATCH && !*stop; i++) {
		ssize_t n = read(f->fan_fd, f->rbuf, sizeof(f->rbuf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			return -errno;
		}
		/* records with names are only 4-byte aligned: copy each header out */
		for (size_t off = 0; off + FAN_EVENT_METADATA_LEN <= (size_t)n;) {
			const uint8_t *base = (const uint8_t *)f->rbuf + off;
			struct fanotify_event_metadata m;

			memcpy(&m, base, sizeof(m));
			if (m.vers != FANOTIFY_METADATA_VERSION)
				return -EPROTO;
			if (m.event_len < FAN_EVENT_METADATA_LEN || m.event_len > (size_t)n - off ||
			    m.metadata_len < FAN_EVENT_METADATA_LEN || m.metadata_len > m.event_len)
				break;
			off += m.event_len;
			if (m.fd >= 0)
				close(m.fd);
			if (m.mask & FAN_Q_OVERFLOW) {
				f->drops++;
				continue;
			}
			/* our own writes (capture files, logs) would feed back into the stream */
			if (m.pid == f->self)
				continue;
			if (on_event(f, &m, base, fn, arg)) {
				*stop = true;
				break;
			}
		}
	}
	return (int)(f->events - before);
}
