// SPDX-License-Identifier: Apache-2.0
/*
 * Exec blocking with fanotify permission events. The mounts holding the listed files are
 * marked for FAN_OPEN_EXEC_PERM; the kernel then holds every execve (and uselib) of a file
 * on those mounts until a thread here answers. The answer is FAN_DENY when the file's path,
 * its directory or its SHA-256 is listed, so the exec fails with EPERM; everything else is
 * allowed at once. Hashes are computed from the event's own fd (the very file the kernel is
 * about to execute, so no path race) and cached by (dev, ino, mtime, size).
 *
 * Fail-open: if ward exits or dies, closing the fanotify group makes the kernel allow every
 * pending and future exec. This is kernel behaviour, not a choice made here.
 * Not a file-integrity monitor and not an open() blocker: only exec opens are judged.
 */
#include "respond/respond.h"

#include "common/hash.h"
#include "common/limits.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <unistd.h>

struct block_rule {
	enum ward_block_kind kind;
	char *text;             /* resolved path or dir, or lower-case hex hash */
	size_t text_len;
	uint8_t sha[WARD_SHA256_LEN];
};

struct cache_slot {
	uint64_t dev, ino, size;
	int64_t mtime_ns;
	bool used;
	int rule;               /* index of the matching hash rule, or -1 */
};

struct ward_blocker {
	int fan_fd;
	int stop_fd[2];
	pthread_t thread;
	bool started;
	size_t mark_cnt;
	struct block_rule rules[WARD_BLOCK_MAX_RULES];
	size_t rules_cnt;
	bool has_hash;
	ward_block_cb cb;
	void *cb_arg;
	_Atomic uint64_t allowed, denied;
	struct cache_slot cache[WARD_BLOCK_CACHE_SLOTS]; /* owned by the thread */
};

int ward_blocker_new(struct ward_blocker **out)
{
	struct ward_blocker *b;
	int fd;

	/* FAN_CLASS_CONTENT: permission events are delivered after content is in place, so the
	 * file can be read (hashed) through the event fd before answering. */
	fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK,
			   O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	b = ward_xcalloc(1, sizeof(*b));
	b->fan_fd = fd;
	if (pipe2(b->stop_fd, O_CLOEXEC | O_NONBLOCK) < 0) {
		int err = -errno;

		close(fd);
		free(b);
		return err;
	}
	*out = b;
	return 0;
}

static int mark_mount(struct ward_blocker *b, const char *path)
{
	if (fanotify_mark(b->fan_fd, FAN_MARK_ADD | FAN_MARK_MOUNT, FAN_OPEN_EXEC_PERM, AT_FDCWD,
			  path) < 0)
		return -errno;
	b->mark_cnt++;
	return 0;
}

int ward_blocker_add_mount(struct ward_blocker *b, const char *path)
{
	if (b->started)
		return -EBUSY;
	return mark_mount(b, path);
}

static int parse_hex(const char *s, uint8_t out[WARD_SHA256_LEN])
{
	if (strlen(s) != 2 * WARD_SHA256_LEN)
		return -EINVAL;
	for (size_t i = 0; i < WARD_SHA256_LEN; i++) {
		int v = 0;

		for (int k = 0; k < 2; k++) {
			int c = tolower((unsigned char)s[2 * i + k]);

			if (c >= '0' && c <= '9')
				v = v * 16 + (c - '0');
			else if (c >= 'a' && c <= 'f')
				v = v * 16 + (c - 'a' + 10);
			else
				return -EINVAL;
		}
		out[i] = (uint8_t)v;
	}
	return 0;
}

int ward_blocker_add(struct ward_blocker *b, enum ward_block_kind kind, const char *what)
{
	struct block_rule r = { .kind = kind };
	char resolved[PATH_MAX], hex[2 * WARD_SHA256_LEN + 1];
	struct stat st;
	int err;

	if (b->started)
		return -EBUSY;
	if (b->rules_cnt == WARD_BLOCK_MAX_RULES)
		return -WARD_E_LIMIT;
	if (kind == WARD_BLOCK_SHA256) {
		err = parse_hex(what, r.sha);
		if (err)
			return err;
		r.text = ward_xstrdup(ward_hex(r.sha, WARD_SHA256_LEN, hex));
		b->has_hash = true;
	} else {
		if (!realpath(what, resolved))
			return -errno;
		if (stat(resolved, &st) < 0)
			return -errno;
		if (kind == WARD_BLOCK_DIR && !S_ISDIR(st.st_mode))
			return -ENOTDIR;
		if (kind == WARD_BLOCK_PATH && S_ISDIR(st.st_mode))
			return -EISDIR;
		/* the mark covers the mount holding the path; files on other mounts below a
		 * blocked dir need their own mark (ward_blocker_add_mount) */
		err = mark_mount(b, resolved);
		if (err)
			return err;
		r.text = ward_xstrdup(resolved);
	}
	r.text_len = strlen(r.text);
	b->rules[b->rules_cnt++] = r;
	return 0;
}

static int match_path(const struct ward_blocker *b, const char *path, size_t len)
{
	for (size_t i = 0; i < b->rules_cnt; i++) {
		const struct block_rule *r = &b->rules[i];

		if (r->kind == WARD_BLOCK_PATH && r->text_len == len && memcmp(r->text, path, len) == 0)
			return (int)i;
		if (r->kind == WARD_BLOCK_DIR && len > r->text_len &&
		    memcmp(r->text, path, r->text_len) == 0 &&
		    (r->text_len == 1 || path[r->text_len] == '/'))
			return (int)i;
	}
	return -1;
}

static int match_hash(struct ward_blocker *b, int fd)
{
	struct cache_slot *slot;
	uint8_t sha[WARD_SHA256_LEN];
	struct stat st;
	int rule = -1;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	uint64_t key = ward_hash64_mix((uint64_t)st.st_dev, (uint64_t)st.st_ino);
	slot = &b->cache[key % WARD_BLOCK_CACHE_SLOTS];
	int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	if (slot->used && slot->dev == (uint64_t)st.st_dev && slot->ino == (uint64_t)st.st_ino &&
	    slot->mtime_ns == mtime && slot->size == (uint64_t)st.st_size)
		return slot->rule;
	/* Larger files are allowed unhashed: hashing must stay bounded while an exec waits. */
	if ((uint64_t)st.st_size > WARD_BLOCK_HASH_MAX_BYTES)
		return -1;
	if (lseek(fd, 0, SEEK_SET) < 0 || ward_sha256_fd(fd, sha))
		return -1;
	for (size_t i = 0; i < b->rules_cnt; i++)
		if (b->rules[i].kind == WARD_BLOCK_SHA256 &&
		    memcmp(b->rules[i].sha, sha, WARD_SHA256_LEN) == 0)
			rule = (int)i;
	*slot = (struct cache_slot){ .dev = (uint64_t)st.st_dev, .ino = (uint64_t)st.st_ino,
				     .size = (uint64_t)st.st_size, .mtime_ns = mtime,
				     .used = true, .rule = rule };
	return rule;
}

static void handle_event(struct ward_blocker *b, const struct fanotify_event_metadata *m)
{
	struct fanotify_response resp = { .fd = m->fd, .response = FAN_ALLOW };
	char link[64], path[PATH_MAX];
	uint64_t t0 = ward_mono_ns();
	ssize_t n;
	int rule = -1;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", m->fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		n = 0;
	path[n] = '\0';
	rule = match_path(b, path, (size_t)n);
	if (rule < 0 && b->has_hash)
		rule = match_hash(b, m->fd);
	if (rule >= 0)
		resp.response = FAN_DENY;
	/* The answer must always be written: an unanswered event blocks the exec. */
	while (write(b->fan_fd, &resp, sizeof(resp)) < 0 && errno == EINTR)
		;
	if (rule >= 0) {
		struct ward_block_denial d = {
			.pid = m->pid, .path = path, .matched = b->rules[rule].kind,
			.rule = b->rules[rule].text, .time_ns = ward_now_ns(),
			.latency_ns = ward_mono_ns() - t0,
		};

		atomic_fetch_add(&b->denied, 1);
		if (b->cb)
			b->cb(&d, b->cb_arg);
	} else {
		atomic_fetch_add(&b->allowed, 1);
	}
}

static void *blocker_main(void *arg)
{
	struct ward_blocker *b = arg;
	/* fanotify needs a buffer aligned for its metadata */
	char buf[8192] __attribute__((aligned(__alignof__(struct fanotify_event_metadata))));
	struct pollfd pfd[2] = {
		{ .fd = b->fan_fd, .events = POLLIN },
		{ .fd = b->stop_fd[0], .events = POLLIN },
	};

	for (;;) {
		const struct fanotify_event_metadata *m;
		ssize_t len;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents)
			break;
		len = read(b->fan_fd, buf, sizeof(buf));
		if (len < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			break;
		}
		for (m = (const void *)buf; FAN_EVENT_OK(m, len); m = FAN_EVENT_NEXT(m, len)) {
			if (m->vers != FANOTIFY_METADATA_VERSION)
				break;
			if (m->fd < 0) /* queue overflow: no file to judge */
				continue;
			if (m->mask & FAN_OPEN_EXEC_PERM)
				handle_event(b, m);
			close(m->fd);
		}
	}
	return NULL;
}

int ward_blocker_start(struct ward_blocker *b, ward_block_cb cb, void *arg)
{
	int err;

	if (b->started)
		return -EBUSY;
	if (!b->rules_cnt || !b->mark_cnt)
		return -EINVAL;
	b->cb = cb;
	b->cb_arg = arg;
	err = pthread_create(&b->thread, NULL, blocker_main, b);
	if (err)
		return -err;
	b->started = true;
	return 0;
}

void ward_blocker_stats(const struct ward_blocker *b, uint64_t *allowed, uint64_t *denied)
{
	*allowed = atomic_load(&b->allowed);
	*denied = atomic_load(&b->denied);
}

void ward_blocker_free(struct ward_blocker *b)
{
	if (!b)
		return;
	if (b->started) {
		while (write(b->stop_fd[1], "x", 1) < 0 && errno == EINTR)
			;
		pthread_join(b->thread, NULL);
	}
	close(b->fan_fd); /* the kernel allows whatever is still pending */
	close(b->stop_fd[0]);
	close(b->stop_fd[1]);
	for (size_t i = 0; i < b->rules_cnt; i++)
		free(b->rules[i].text);
	free(b);
}
