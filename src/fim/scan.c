// SPDX-License-Identifier: Apache-2.0
/*
 * The FIM scan pipeline. The walker thread owns the directory stack and the baseline
 * cursor; hasher threads only read files; the caller's thread gets items strictly in
 * order from a ring of WARD_FIM_QUEUE slots, so the baseline writer and the comparison
 * see one sorted stream and nothing grows with the tree.
 *
 * Never follows a symlink: directories are opened with openat(O_NOFOLLOW|O_DIRECTORY)
 * relative to their parent's fd and names are lstat'ed with fstatat(AT_SYMLINK_NOFOLLOW),
 * so a symlink loop is just a symlink. Only regular files are ever opened for reading.
 */
#include "fim/scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "fim/collect.h"

enum { SLOT_FREE, SLOT_WAIT_DEEP, SLOT_IN_DEEP, SLOT_READY };

/* Items move between threads in batches: one lock round per batch instead of per file. */
#define PUBLISH_BATCH 32
#define WORK_BATCH 8

struct frame {
	DIR *d;
	char *names;       /* NUL-separated names */
	size_t names_len;
	size_t *offs;      /* sorted offsets into names */
	size_t cnt, idx;
	size_t plen;       /* length of this directory's path */
};

struct scan {
	const struct ward_fim_scan_opts *o;
	struct ward_fim_item *slots;
	int *state;
	size_t head, tail;          /* monotonic; slot = n % WARD_FIM_QUEUE */
	size_t work[WARD_FIM_QUEUE];
	size_t work_head, work_tail;
	pthread_mutex_t mu;
	pthread_cond_t not_full, has_work, head_ready;
	bool walker_done, stop;
	/* who sleeps: wake-ups are sent only to a waiting thread, and the walker only once
	 * the queue has drained to half, so threads do not ping-pong on every file */
	bool walker_waits, consumer_waits;
	int idle_workers;
	int fatal;
	struct ward_diag diag;

	/* walker-only state */
	size_t wtail;               /* slots filled; published up to tail */
	size_t free_known;          /* slots known free without asking */
	bool pend_deep[WARD_FIM_QUEUE];
	struct ward_fim_entry peek;
	uint8_t peek_mac[WARD_FIM_MAC_LEN];
	bool has_peek;
	uint64_t rows_seen;
	char skip[WARD_FIM_PATH_MAX + 1]; /* base rows under here are unknown, not removed */
	size_t skip_len;
	char path[WARD_FIM_PATH_MAX + 1];
	struct frame frames[WARD_FIM_DEPTH_MAX];
	size_t depth;
};

static void entry_copy(struct ward_fim_entry *dst, const struct ward_fim_entry *src)
{
	/* header fields, then only the used bytes of the two big arrays */
	memcpy(dst, src, offsetof(struct ward_fim_entry, path));
	dst->path_len = src->path_len;
	memcpy(dst->path, src->path, src->path_len + 1);
	memcpy(dst->link, src->link, (size_t)src->link_len + 1);
}

static bool in_scope(const struct scan *s, const char *path, size_t len)
{
	if (!s->o->scopes_cnt)
		return true;
	for (size_t i = 0; i < s->o->scopes_cnt; i++)
		if (ward_fim_path_within(path, len, s->o->scopes[i], strlen(s->o->scopes[i])))
			return true;
	return false;
}

/* A base-only row is outside the policy when no root holds it or it (or a parent) is
 * excluded; such rows are dropped silently instead of being reported as removed. */
static bool base_outside_policy(const struct ward_fim_policy *p, struct ward_fim_entry *e)
{
	if (!ward_fim_policy_mask(p, e->path, e->path_len))
		return true;
	if (!p->excludes_cnt)
		return false;
	for (size_t i = e->path_len; i > 0; i--) {
		if (i != e->path_len && e->path[i] != '/')
			continue;
		char c = e->path[i];
		e->path[i] = '\0';
		bool ex = i > 0 && ward_fim_policy_excluded(p, e->path);
		e->path[i] = c;
		if (ex)
			return true;
	}
	return false;
}

/* Hands the walker's unpublished slots to the workers and the consumer in one lock. */
static void flush(struct scan *s)
{
	bool work = false;

	if (s->wtail == s->tail)
		return;
	pthread_mutex_lock(&s->mu);
	for (size_t n = s->tail; n != s->wtail; n++) {
		size_t i = n % WARD_FIM_QUEUE;

		if (s->pend_deep[i]) {
			s->state[i] = SLOT_WAIT_DEEP;
			s->work[s->work_tail++ % WARD_FIM_QUEUE] = i;
			work = true;
		} else {
			s->state[i] = SLOT_READY;
		}
	}
	s->tail = s->wtail;
	if (work && s->idle_workers)
		pthread_cond_broadcast(&s->has_work);
	if (s->consumer_waits && s->state[s->head % WARD_FIM_QUEUE] == SLOT_READY)
		pthread_cond_signal(&s->head_ready);
	pthread_mutex_unlock(&s->mu);
}

static struct ward_fim_item *slot_get(struct scan *s)
{
	struct ward_fim_item *it;

	if (s->free_known == 0) {
		flush(s);
		pthread_mutex_lock(&s->mu);
		while (s->wtail - s->head >= WARD_FIM_QUEUE && !s->stop) {
			s->walker_waits = true;
			pthread_cond_wait(&s->not_full, &s->mu);
		}
		s->walker_waits = false;
		s->free_known = WARD_FIM_QUEUE - (s->wtail - s->head);
		bool stop = s->stop;
		pthread_mutex_unlock(&s->mu);
		if (stop)
			return NULL;
	}
	s->free_known--;
	it = &s->slots[s->wtail % WARD_FIM_QUEUE];
	it->has_cur = it->has_base = it->is_deep = it->is_unknown = it->is_vanished = false;
	it->in_scope = true;
	it->err = 0;
	it->err_path[0] = '\0';
	return it;
}

/* Publishes the slot slot_get returned; batched, see flush(). */
static void slot_publish(struct scan *s, bool need_deep)
{
	s->pend_deep[s->wtail % WARD_FIM_QUEUE] = need_deep;
	s->wtail++;
	if (s->wtail - s->tail >= PUBLISH_BATCH)
		flush(s);
}

static int peek_next(struct scan *s)
{
	int rc;

	s->has_peek = false;
	if (!s->o->base)
		return 0;
	rc = ward_fim_db_next(s->o->base, &s->peek, s->peek_mac, &s->diag);
	if (rc < 0)
		return rc;
	s->has_peek = rc == 1;
	if (s->has_peek && s->o->verify) {
		ward_fim_mac_root_add(s->o->verify, s->peek_mac);
		s->rows_seen++;
	}
	return 0;
}

/* Emits baseline rows that sort before path (or all of them when path is NULL). */
static int drain_base(struct scan *s, const char *path, size_t len)
{
	while (s->has_peek &&
	       (!path || ward_fim_path_cmp(s->peek.path, s->peek.path_len, path, len) < 0)) {
		if (!base_outside_policy(s->o->policy, &s->peek)) {
			struct ward_fim_item *it = slot_get(s);

			if (!it)
				return -ECANCELED;
			entry_copy(&it->base, &s->peek);
			memcpy(it->base_mac, s->peek_mac, WARD_FIM_MAC_LEN);
			it->has_base = true;
			it->in_scope = in_scope(s, s->peek.path, s->peek.path_len);
			it->is_unknown = s->skip_len &&
					 ward_fim_path_within(s->peek.path, s->peek.path_len, s->skip,
							      s->skip_len) &&
					 s->peek.path_len > s->skip_len;
			slot_publish(s, false);
		}
		int err = peek_next(s);
		if (err)
			return err;
	}
	return 0;
}

static bool same_identity(const struct ward_fim_entry *a, const struct ward_fim_entry *b)
{
	return (a->mode & S_IFMT) == (b->mode & S_IFMT) && a->ino == b->ino &&
	       a->size == b->size && a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns &&
	       a->mask == b->mask;
}

/* Emits the file at s->path (length len). The lstat and everything after it happen on a
 * worker thread: on a tree whose inodes are not cached, lstat is I/O, and keeping several
 * in flight is what makes an unchanged check fast. */
static int emit_file(struct scan *s, size_t len)
{
	struct ward_fim_item *it;
	int err = drain_base(s, s->path, len);

	if (err)
		return err;
	it = slot_get(s);
	if (!it)
		return -ECANCELED;
	struct ward_fim_entry *c = &it->cur;
	memcpy(c->path, s->path, len + 1);
	c->path_len = len;
	c->mask = ward_fim_policy_mask(s->o->policy, s->path, len);
	it->has_cur = true;
	it->in_scope = in_scope(s, s->path, len);
	if (s->has_peek && s->peek.path_len == len && memcmp(s->peek.path, s->path, len) == 0) {
		entry_copy(&it->base, &s->peek);
		memcpy(it->base_mac, s->peek_mac, WARD_FIM_MAC_LEN);
		it->has_base = true;
		err = peek_next(s);
	}
	slot_publish(s, true);
	return err;
}

/* Worker side of emit_file: lstat, then decide whether the deep attributes must be read. */
static void process_item(const struct scan *s, struct ward_fim_item *it)
{
	struct ward_fim_entry *c = &it->cur;
	struct stat st;

	c->hash_len = 0;
	c->link_len = 0;
	c->link[0] = '\0';
	c->has_xattr = c->has_acl = false;
	if (fstatat(AT_FDCWD, c->path, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		it->has_cur = false;
		if (errno == ENOENT || errno == ENOTDIR) {
			it->is_vanished = true;
		} else {
			/* unknown state: report the error, do not call the file removed */
			it->err = -errno;
			it->is_unknown = true;
			memcpy(it->err_path, c->path, c->path_len + 1);
		}
		return;
	}
	ward_fim_collect_stat(c, &st);
	bool wants = S_ISLNK(st.st_mode) ||
		     (S_ISREG(st.st_mode) && (c->mask & WARD_FIM_A_HASHES)) ||
		     (c->mask & (WARD_FIM_A_XATTR | WARD_FIM_A_ACL));

	if (!wants || !it->in_scope)
		return;
	if (!it->has_base || s->o->is_full || !same_identity(c, &it->base) ||
	    (S_ISREG(st.st_mode) && (c->mask & WARD_FIM_A_HASHES) && !it->base.hash_len)) {
		it->is_deep = true;
		int err = ward_fim_collect_deep(c);

		if (err == -ENOENT) {
			it->has_cur = false;
			it->is_vanished = true;
		} else if (err) {
			it->err = err;
		}
		return;
	}
	/* unchanged inode, size, mtime and ctime: content, target and xattrs are as recorded
	 * (any write or xattr change moves ctime) */
	c->hash_len = it->base.hash_len;
	memcpy(c->hash, it->base.hash, it->base.hash_len);
	c->link_len = it->base.link_len;
	memcpy(c->link, it->base.link, (size_t)it->base.link_len + 1);
	c->has_xattr = it->base.has_xattr;
	memcpy(c->xattr, it->base.xattr, sizeof(c->xattr));
	c->has_acl = it->base.has_acl;
	memcpy(c->acl, it->base.acl, sizeof(c->acl));
}

/* An error with no entry to attach it to (a name too long to represent, say). */
static int emit_error(struct scan *s, const char *where, int err)
{
	struct ward_fim_item *it = slot_get(s);

	if (!it)
		return -ECANCELED;
	snprintf(it->err_path, sizeof(it->err_path), "%s", where);
	it->err = err;
	slot_publish(s, false);
	return 0;
}

static const char *sort_names;
static int off_cmp(const void *a, const void *b)
{
	/* each name is stored after its d_type byte */
	return strcmp(sort_names + *(const size_t *)a + 1, sort_names + *(const size_t *)b + 1);
}

/* Reads and sorts a directory's names. Returns 0 or -errno / -WARD_E_LIMIT. */
static int frame_fill(struct frame *f)
{
	size_t cap = 0, offs_cap = 0;
	struct dirent *de;

	f->names = NULL;
	f->offs = NULL;
	f->names_len = f->cnt = f->idx = 0;
	errno = 0;
	while ((de = readdir(f->d)) != NULL) {
		const char *n = de->d_name;
		size_t nl = strlen(n);

		if (n[0] == '.' && (nl == 1 || (nl == 2 && n[1] == '.')))
			continue;
		if (f->cnt >= WARD_FIM_DIR_ENTRIES_MAX)
			return -WARD_E_LIMIT;
		if (f->names_len + nl + 2 > cap) {
			cap = cap ? cap * 2 : 4096;
			while (cap < f->names_len + nl + 2)
				cap *= 2;
			f->names = ward_xrealloc(f->names, cap);
		}
		if (f->cnt == offs_cap) {
			offs_cap = offs_cap ? offs_cap * 2 : 64;
			f->offs = ward_xreallocarray(f->offs, offs_cap, sizeof(size_t));
		}
		f->offs[f->cnt++] = f->names_len;
		f->names[f->names_len] = (char)de->d_type;
		memcpy(f->names + f->names_len + 1, n, nl + 1);
		f->names_len += nl + 2;
	}
	if (errno)
		return -errno;
	/* qsort has no context argument in C11; the walker is the only caller and it runs
	 * on one thread, so a file-scope pointer is safe here */
	sort_names = f->names;
	if (f->cnt)
		qsort(f->offs, f->cnt, sizeof(size_t), off_cmp);
	return 0;
}

/* d_type says whether to descend; filesystems that do not fill it get an lstat. */
static bool frame_is_dir(const struct frame *f, size_t i)
{
	unsigned char t = (unsigned char)f->names[f->offs[i]];
	struct stat st;

	if (t != DT_UNKNOWN)
		return t == DT_DIR;
	return fstatat(dirfd(f->d), f->names + f->offs[i] + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

static void frame_free(struct frame *f)
{
	if (f->d)
		closedir(f->d);
	free(f->names);
	free(f->offs);
	memset(f, 0, sizeof(*f));
}

/* Opens directory s->path (length len; name relative to parent fd pfd) and pushes a frame.
 * O_NOFOLLOW|O_DIRECTORY: if the name became a symlink or a file since readdir, nothing is
 * descended into. On failure the directory's baseline subtree becomes "unknown" and the
 * error is reported. */
static int push_dir(struct scan *s, int pfd, const char *name, size_t len)
{
	struct frame *f;
	int fd, err;

	if (s->depth >= WARD_FIM_DEPTH_MAX) {
		err = -WARD_E_LIMIT;
		goto unreadable;
	}
	flush(s); /* keep the workers busy while this directory is read */
	fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = errno == ENOTDIR || errno == ELOOP || errno == ENOENT ? 0 : -errno;
		if (!err)
			return 0; /* not a directory (any more): its entry says what it is */
		goto unreadable;
	}
	f = &s->frames[s->depth];
	f->d = fdopendir(fd);
	if (!f->d) {
		err = -errno;
		close(fd);
		goto unreadable;
	}
	err = frame_fill(f);
	f->plen = len;
	s->depth++;
	if (err) {
		s->depth--;
		frame_free(f);
		goto unreadable;
	}
	return 0;
unreadable:
	memcpy(s->skip, s->path, len + 1);
	s->skip_len = len;
	return emit_error(s, s->path, err);
}

static int walk_root(struct scan *s, const struct ward_fim_root *r)
{
	struct stat st;
	int err;

	memcpy(s->path, r->path, r->len + 1);
	if (ward_fim_policy_excluded(s->o->policy, s->path))
		return 0;
	if (fstatat(AT_FDCWD, s->path, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0; /* a missing root is reported as removed rows (or nothing) */
		err = -errno;
		memcpy(s->skip, s->path, r->len + 1);
		s->skip_len = r->len;
		return emit_error(s, s->path, err);
	}
	err = emit_file(s, r->len);
	if (err || !S_ISDIR(st.st_mode))
		return err;
	err = push_dir(s, AT_FDCWD, s->path, r->len);
	while (!err && s->depth) {
		struct frame *f = &s->frames[s->depth - 1];

		if (f->idx == f->cnt) {
			frame_free(f);
			s->depth--;
			continue;
		}
		const char *name = f->names + f->offs[f->idx++] + 1;
		size_t nl = strlen(name);
		/* "/" + name; the root "/" already ends with the separator */
		size_t base = f->plen == 1 ? 0 : f->plen;

		if (base + 1 + nl > WARD_FIM_PATH_MAX) {
			s->path[f->plen] = '\0';
			err = emit_error(s, s->path, -ENAMETOOLONG);
			continue;
		}
		s->path[base] = '/';
		memcpy(s->path + base + 1, name, nl + 1);
		size_t len = base + 1 + nl;

		if (s->o->policy->excludes_cnt && ward_fim_policy_excluded(s->o->policy, s->path))
			continue;
		err = emit_file(s, len);
		if (!err && frame_is_dir(f, f->idx - 1))
			err = push_dir(s, dirfd(f->d), name, len);
	}
	while (s->depth)
		frame_free(&s->frames[--s->depth]);
	return err;
}

/* The root MAC covers every stored row in order: rows deleted, added or moved by hand
 * change it even when each remaining row still carries a valid MAC of its own. */
static int verify_root(struct scan *s)
{
	uint8_t root[WARD_FIM_MAC_LEN];

	if (ward_fim_mac_root_end(s->o->verify, s->rows_seen, ward_fim_db_created(s->o->base),
				  root))
		return -EIO;
	if (s->rows_seen != ward_fim_db_count(s->o->base) ||
	    !ward_fim_mac_equal(root, ward_fim_db_root(s->o->base)))
		return ward_diag_set(&s->diag, -WARD_E_INTEGRITY, "", 0, 0,
				     "baseline was modified: rows were added, deleted or "
				     "reordered, or its count or creation time edited (%llu rows, meta says %llu; root HMAC %s)",
				     (unsigned long long)s->rows_seen,
				     (unsigned long long)ward_fim_db_count(s->o->base),
				     ward_fim_mac_equal(root, ward_fim_db_root(s->o->base)) ?
				     "matches" : "does not match");
	return 0;
}

static void *walker_main(void *arg)
{
	struct scan *s = arg;
	int err = 0;

	if (s->o->base && s->o->verify &&
	    ward_fim_mac_root_begin(s->o->verify, ward_fim_db_hash_bit(s->o->base)))
		err = -EIO;
	if (!err)
		err = peek_next(s);

	for (size_t i = 0; !err && i < s->o->policy->roots_cnt; i++)
		if (!s->o->policy->roots[i].is_nested)
			err = walk_root(s, &s->o->policy->roots[i]);
	if (!err)
		err = drain_base(s, NULL, 0);
	if (!err && s->o->base && s->o->verify)
		err = verify_root(s);
	flush(s);
	pthread_mutex_lock(&s->mu);
	if (err && err != -ECANCELED && !s->fatal)
		s->fatal = err;
	s->walker_done = true;
	pthread_cond_broadcast(&s->has_work);
	pthread_cond_broadcast(&s->head_ready);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static void *hasher_main(void *arg)
{
	struct scan *s = arg;
	size_t batch[WORK_BATCH], n;

	for (;;) {
		pthread_mutex_lock(&s->mu);
		while (s->work_head == s->work_tail && !s->walker_done && !s->stop) {
			s->idle_workers++;
			pthread_cond_wait(&s->has_work, &s->mu);
			s->idle_workers--;
		}
		if (s->stop || s->work_head == s->work_tail) {
			pthread_mutex_unlock(&s->mu);
			return NULL;
		}
		/* a small batch: larger ones would serialize files other workers could take */
		for (n = 0; n < WORK_BATCH && s->work_head != s->work_tail; n++) {
			batch[n] = s->work[s->work_head++ % WARD_FIM_QUEUE];
			s->state[batch[n]] = SLOT_IN_DEEP;
		}
		pthread_mutex_unlock(&s->mu);

		for (size_t k = 0; k < n; k++)
			process_item(s, &s->slots[batch[k]]);
		pthread_mutex_lock(&s->mu);
		for (size_t k = 0; k < n; k++)
			s->state[batch[k]] = SLOT_READY;
		if (s->consumer_waits && s->state[s->head % WARD_FIM_QUEUE] == SLOT_READY)
			pthread_cond_signal(&s->head_ready);
		pthread_mutex_unlock(&s->mu);
	}
}

int ward_fim_scan(const struct ward_fim_scan_opts *o, struct ward_diag *diag)
{
	struct scan *s = ward_xcalloc(1, sizeof(*s));
	pthread_t walker, hashers[64];
	/* default: two workers per CPU, so lstat and read I/O stays in flight while the
	 * other worker hashes */
	int nh = o->hashers > 0 ? o->hashers : 2 * (int)sysconf(_SC_NPROCESSORS_ONLN);
	int err = 0, started = 0;

	if (nh < 1)
		nh = 1;
	if (nh > 64)
		nh = 64;
	s->o = o;
	s->slots = ward_xcalloc(WARD_FIM_QUEUE, sizeof(*s->slots));
	s->state = ward_xcalloc(WARD_FIM_QUEUE, sizeof(*s->state));
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->not_full, NULL);
	pthread_cond_init(&s->has_work, NULL);
	pthread_cond_init(&s->head_ready, NULL);
	if (pthread_create(&walker, NULL, walker_main, s)) {
		err = -EAGAIN;
		goto out;
	}
	for (; started < nh; started++)
		if (pthread_create(&hashers[started], NULL, hasher_main, s))
			break;
	if (!started) {
		/* without a hasher deep items would never complete: stop the walker */
		pthread_mutex_lock(&s->mu);
		s->stop = true;
		pthread_cond_broadcast(&s->not_full);
		pthread_mutex_unlock(&s->mu);
		err = -EAGAIN;
	}
	for (;;) {
		pthread_mutex_lock(&s->mu);
		while (!s->stop &&
		       ((s->head == s->tail && !s->walker_done) ||
			(s->head != s->tail && s->state[s->head % WARD_FIM_QUEUE] != SLOT_READY))) {
			s->consumer_waits = true;
			pthread_cond_wait(&s->head_ready, &s->mu);
		}
		s->consumer_waits = false;
		if (s->stop || s->head == s->tail) {
			pthread_mutex_unlock(&s->mu);
			break;
		}
		size_t ready = 0, done = 0;
		while (s->head + ready != s->tail &&
		       s->state[(s->head + ready) % WARD_FIM_QUEUE] == SLOT_READY)
			ready++;
		pthread_mutex_unlock(&s->mu);

		int rc = 0;
		while (done < ready && rc >= 0)
			rc = o->on_item(&s->slots[(s->head + done++) % WARD_FIM_QUEUE], o->arg);

		pthread_mutex_lock(&s->mu);
		for (size_t k = 0; k < done; k++)
			s->state[(s->head + k) % WARD_FIM_QUEUE] = SLOT_FREE;
		s->head += done;
		if (rc < 0) {
			err = rc;
			s->stop = true;
			pthread_cond_broadcast(&s->has_work);
		}
		if (s->walker_waits && s->tail - s->head <= WARD_FIM_QUEUE / 2)
			pthread_cond_signal(&s->not_full);
		pthread_mutex_unlock(&s->mu);
	}
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_broadcast(&s->not_full);
	pthread_cond_broadcast(&s->has_work);
	pthread_mutex_unlock(&s->mu);
	pthread_join(walker, NULL);
	for (int i = 0; i < started; i++)
		pthread_join(hashers[i], NULL);
	if (!err && s->fatal) {
		err = s->fatal;
		if (diag)
			*diag = s->diag;
	}
out:
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->not_full);
	pthread_cond_destroy(&s->has_work);
	pthread_cond_destroy(&s->head_ready);
	free(s->slots);
	free(s->state);
	free(s);
	return err;
}
