// SPDX-License-Identifier: Apache-2.0
/*
 * Exec blocking with fanotify permission events. The mounts holding the listed files are
 * marked for FAN_OPEN_EXEC_PERM; the kernel then holds every execve (and uselib) of a file
 * on those mounts until a thread here answers. The answer is FAN_DENY when the file's path,
 * its directory or its SHA-256 is listed, so the exec fails with EPERM; everything else is
 * allowed at once. Hashes are computed from the event's own fd (the very file the kernel is
 * about to execute, so no path race) and cached by (dev, ino, mtime, size).
 *
 * Entries can be added while the thread answers (the agent adds files as rules match); see
 * struct ward_blocker for how that stays lock-free on the answering side. Entries that would
 * deny ward, the host's init or a dynamic loader are refused.
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
#include "events/container.h"

#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
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
	char *origin;           /* who listed it (rule name, "ward block list", ...) */
	uint8_t sha[WARD_SHA256_LEN];
};

/* A digest cache, not a verdict cache: rules added later are matched against the cached
 * digest, so nothing needs invalidating when the list grows. ctime is in the key because
 * a writer can restore mtime (utimensat) but never ctime. */
struct cache_slot {
	uint64_t dev, ino, size;
	int64_t mtime_ns, ctime_ns;
	bool used;
	bool hashed;            /* false: too large or unreadable, never matches a hash */
	uint8_t sha[WARD_SHA256_LEN];
};

/* Files no entry may deny (see ward_blocker_add). */
struct protected_file {
	char *path;
	uint8_t sha[WARD_SHA256_LEN];
	bool has_sha;
};

struct ward_blocker {
	int fan_fd;
	int stop_fd[2];
	pthread_t thread;
	bool started;
	/* Entries are appended, never changed or removed while the blocker lives: a writer
	 * (serialized by add_lock) fills the next slot and then publishes the count with
	 * release order; the answering thread loads the count with acquire order and reads
	 * only published slots, so it never takes a lock while an exec waits. */
	pthread_mutex_t add_lock;
	_Atomic size_t mark_cnt;
	struct block_rule rules[WARD_BLOCK_MAX_RULES];
	_Atomic size_t rules_cnt;
	_Atomic bool has_hash;
	struct protected_file prot[WARD_BLOCK_PROTECTED_MAX];
	size_t prot_cnt;
	char **prot_names;
	size_t prot_names_cnt;
	ward_block_cb cb;
	void *cb_arg;
	_Atomic uint64_t allowed, denied;
	struct cache_slot cache[WARD_BLOCK_CACHE_SLOTS]; /* owned by the thread */
};

static int parse_hex(const char *s, uint8_t out[WARD_SHA256_LEN]);

/* Records a file that must never be denied, by resolved path and content hash. */
static void protect_file(struct ward_blocker *b, const char *path)
{
	char resolved[PATH_MAX];
	struct protected_file *p;
	int fd;

	if (b->prot_cnt == WARD_BLOCK_PROTECTED_MAX || !realpath(path, resolved))
		return;
	for (size_t i = 0; i < b->prot_cnt; i++)
		if (strcmp(b->prot[i].path, resolved) == 0)
			return;
	p = &b->prot[b->prot_cnt++];
	p->path = ward_xstrdup(resolved);
	fd = open(resolved, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		p->has_sha = ward_sha256_fd(fd, p->sha) == 0;
		close(fd);
	}
}

/* The ELF interpreter (dynamic loader) named by an executable's PT_INTERP, if any. Every
 * exec of a dynamic binary also opens its loader for exec, so denying the loader would deny
 * nearly everything. Reads only the headers, bounded. */
static void protect_interp(struct ward_blocker *b, const char *exe)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	char interp[PATH_MAX];
	int fd = open(exe, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(ph) || eh.e_phnum > 64)
		goto out;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (uint64_t)i * sizeof(ph))) !=
		    (ssize_t)sizeof(ph))
			break;
		if (ph.p_type != PT_INTERP)
			continue;
		if (ph.p_filesz == 0 || ph.p_filesz >= sizeof(interp) ||
		    pread(fd, interp, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz)
			break;
		interp[ph.p_filesz] = '\0';
		protect_file(b, interp);
		break;
	}
out:
	close(fd);
}

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
	pthread_mutex_init(&b->add_lock, NULL);
	/* never deny ward itself, the host's init, or the loaders they and the shell need */
	protect_file(b, "/proc/self/exe");
	protect_file(b, "/proc/1/exe");
	protect_file(b, "/sbin/init");
	protect_interp(b, "/proc/self/exe");
	protect_interp(b, "/proc/1/exe");
	protect_interp(b, "/bin/sh");
	*out = b;
	return 0;
}

void ward_blocker_protect_name(struct ward_blocker *b, const char *name)
{
	if (!name || !*name)
		return;
	b->prot_names = ward_xreallocarray(b->prot_names, b->prot_names_cnt + 1, sizeof(char *));
	b->prot_names[b->prot_names_cnt++] = ward_xstrdup(name);
}

static int mark_mount(struct ward_blocker *b, const char *path)
{
	if (fanotify_mark(b->fan_fd, FAN_MARK_ADD | FAN_MARK_MOUNT, FAN_OPEN_EXEC_PERM, AT_FDCWD,
			  path) < 0)
		return -errno;
	atomic_fetch_add(&b->mark_cnt, 1);
	return 0;
}

int ward_blocker_add_mount(struct ward_blocker *b, const char *path)
{
	/* marks may be added while the thread runs: the kernel starts sending this mount's
	 * events at once, and the thread answers them like any other */
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

int ward_block_parse_sha256(const char *hex, uint8_t out[WARD_SHA256_LEN])
{
	return parse_hex(hex, out);
}

/* Refuses entries that would deny a protected file: the same path, a dir above it, the same
 * content, or a file whose name is on respond.protected. */
static int check_protected(const struct ward_blocker *b, const struct block_rule *r, char *why,
			   size_t why_len)
{
	const char *base;

	for (size_t i = 0; i < b->prot_cnt; i++) {
		const struct protected_file *p = &b->prot[i];
		size_t plen = strlen(p->path);
		bool hit = false;

		if (r->kind == WARD_BLOCK_PATH)
			hit = strcmp(r->text, p->path) == 0;
		else if (r->kind == WARD_BLOCK_DIR)
			hit = plen > r->text_len && memcmp(r->text, p->path, r->text_len) == 0 &&
			      (r->text_len == 1 || p->path[r->text_len] == '/');
		else
			hit = p->has_sha && memcmp(r->sha, p->sha, WARD_SHA256_LEN) == 0;
		if (hit) {
			snprintf(why, why_len, "refusing to block %s: it would deny %s (ward, the "
				 "host's init or a dynamic loader)", r->text, p->path);
			return -WARD_E_PROTECTED;
		}
	}
	if (r->kind != WARD_BLOCK_PATH)
		return 0;
	base = strrchr(r->text, '/');
	base = base ? base + 1 : r->text;
	for (size_t i = 0; i < b->prot_names_cnt; i++)
		if (strcmp(b->prot_names[i], base) == 0) {
			snprintf(why, why_len, "refusing to block %s: '%s' is on respond.protected",
				 r->text, base);
			return -WARD_E_PROTECTED;
		}
	return 0;
}

static bool same_rule(const struct block_rule *a, const struct block_rule *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == WARD_BLOCK_SHA256)
		return memcmp(a->sha, b->sha, WARD_SHA256_LEN) == 0;
	return a->text_len == b->text_len && memcmp(a->text, b->text, a->text_len) == 0;
}

static int add_locked(struct ward_blocker *b, const struct ward_block_entry *e, char *why,
		      size_t why_len)
{
	struct block_rule r = { .kind = e->kind };
	char resolved[PATH_MAX], hex[2 * WARD_SHA256_LEN + 1];
	size_t cnt = atomic_load_explicit(&b->rules_cnt, memory_order_relaxed);
	struct stat st;
	int err;

	if (e->kind == WARD_BLOCK_SHA256) {
		if (parse_hex(e->what, r.sha)) {
			snprintf(why, why_len, "'%s' is not a SHA-256 (64 hex digits)", e->what);
			return -EINVAL;
		}
		r.text = ward_hex(r.sha, WARD_SHA256_LEN, hex);
	} else {
		if (!realpath(e->what, resolved) || stat(resolved, &st) < 0) {
			err = -errno;
			snprintf(why, why_len, "%s: %s", e->what, strerror(-err));
			return err;
		}
		if (e->kind == WARD_BLOCK_DIR && !S_ISDIR(st.st_mode)) {
			snprintf(why, why_len, "%s is not a directory", e->what);
			return -ENOTDIR;
		}
		if (e->kind == WARD_BLOCK_PATH && S_ISDIR(st.st_mode)) {
			snprintf(why, why_len, "%s is a directory (use a dir entry)", e->what);
			return -EISDIR;
		}
		r.text = resolved;
	}
	r.text_len = strlen(r.text);
	for (size_t i = 0; i < cnt; i++)
		if (same_rule(&b->rules[i], &r)) {
			snprintf(why, why_len, "%s is already blocked", r.text);
			return -EEXIST;
		}
	err = check_protected(b, &r, why, why_len);
	if (err)
		return err;
	if (cnt == WARD_BLOCK_MAX_RULES) {
		snprintf(why, why_len, "the block list is full (%d entries)", WARD_BLOCK_MAX_RULES);
		return -WARD_E_LIMIT;
	}
	if (e->kind != WARD_BLOCK_SHA256) {
		/* the mark covers the mount holding the path; files on other mounts below a
		 * blocked dir need their own mark (ward_blocker_add_mount) */
		err = mark_mount(b, resolved);
		if (err) {
			snprintf(why, why_len, "fanotify mark on %s: %s", resolved, strerror(-err));
			return err;
		}
	}
	r.text = ward_xstrdup(r.text);
	r.origin = ward_xstrdup(e->origin ? e->origin : "manual");
	b->rules[cnt] = r;
	if (r.kind == WARD_BLOCK_SHA256)
		atomic_store_explicit(&b->has_hash, true, memory_order_release);
	atomic_store_explicit(&b->rules_cnt, cnt + 1, memory_order_release);
	return (int)cnt;
}

int ward_blocker_add(struct ward_blocker *b, const struct ward_block_entry *e, char *why,
		     size_t why_len)
{
	char scratch[8];
	int rc;

	if (!why) {
		why = scratch;
		why_len = sizeof(scratch);
	}
	why[0] = '\0';
	pthread_mutex_lock(&b->add_lock);
	rc = add_locked(b, e, why, why_len);
	pthread_mutex_unlock(&b->add_lock);
	return rc;
}

size_t ward_blocker_count(const struct ward_blocker *b)
{
	return atomic_load_explicit(&b->rules_cnt, memory_order_acquire);
}

int ward_blocker_entry(const struct ward_blocker *b, size_t idx, enum ward_block_kind *kind,
		       const char **text, const char **origin)
{
	if (idx >= ward_blocker_count(b))
		return -ENOENT;
	*kind = b->rules[idx].kind;
	*text = b->rules[idx].text;
	*origin = b->rules[idx].origin;
	return 0;
}

static int match_path(const struct ward_blocker *b, size_t cnt, const char *path, size_t len)
{
	for (size_t i = 0; i < cnt; i++) {
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

static int match_hash(struct ward_blocker *b, size_t cnt, int fd)
{
	struct cache_slot *slot;
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	uint64_t key = ward_hash64_mix((uint64_t)st.st_dev, (uint64_t)st.st_ino);
	slot = &b->cache[key % WARD_BLOCK_CACHE_SLOTS];
	int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	int64_t ctime = (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec;
	if (!(slot->used && slot->dev == (uint64_t)st.st_dev && slot->ino == (uint64_t)st.st_ino &&
	      slot->mtime_ns == mtime && slot->ctime_ns == ctime &&
	      slot->size == (uint64_t)st.st_size)) {
		*slot = (struct cache_slot){ .dev = (uint64_t)st.st_dev, .ino = (uint64_t)st.st_ino,
					     .size = (uint64_t)st.st_size, .mtime_ns = mtime,
					     .ctime_ns = ctime, .used = true };
		/* Larger files are allowed unhashed: hashing must stay bounded while an exec
		 * waits. */
		if ((uint64_t)st.st_size <= WARD_BLOCK_HASH_MAX_BYTES && lseek(fd, 0, SEEK_SET) == 0)
			slot->hashed = ward_sha256_fd(fd, slot->sha) == 0;
	}
	if (!slot->hashed)
		return -1;
	for (size_t i = 0; i < cnt; i++)
		if (b->rules[i].kind == WARD_BLOCK_SHA256 &&
		    memcmp(b->rules[i].sha, slot->sha, WARD_SHA256_LEN) == 0)
			return (int)i;
	return -1;
}

struct caller {
	char comm[17];
	char exe[PATH_MAX];
	char container_id[WARD_CONTAINER_ID_MAX + 1];
};

/* What a denial reports about the process, read while the kernel still holds its exec:
 * after the answer a failed exec's caller usually exits before anyone looks. Fixed buffers,
 * a few small reads, denials only. */
static void read_caller(pid_t pid, struct caller *c)
{
	char p[64], cg[4096];
	struct ward_cgroup_info ci;
	ssize_t n;
	int fd;

	c->comm[0] = c->exe[0] = c->container_id[0] = '\0';
	snprintf(p, sizeof(p), "/proc/%d/comm", (int)pid);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, c->comm, sizeof(c->comm) - 1);
		close(fd);
		if (n > 0 && c->comm[n - 1] == '\n')
			n--;
		c->comm[n > 0 ? n : 0] = '\0';
	}
	snprintf(p, sizeof(p), "/proc/%d/exe", (int)pid);
	n = readlink(p, c->exe, sizeof(c->exe) - 1);
	c->exe[n > 0 ? n : 0] = '\0';
	snprintf(p, sizeof(p), "/proc/%d/cgroup", (int)pid);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, cg, sizeof(cg) - 1);
	close(fd);
	cg[n > 0 ? n : 0] = '\0';
	/* the v2 line ("0::/path") names the container on hybrid and pure v2 hosts alike */
	for (char *line = cg, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strncmp(line, "0::", 3) == 0 &&
		    ward_cgroup_parse(line + 3, strlen(line + 3), &ci) == 1) {
			snprintf(c->container_id, sizeof(c->container_id), "%s", ci.id);
			break;
		}
	}
}

static void handle_event(struct ward_blocker *b, const struct fanotify_event_metadata *m)
{
	struct fanotify_response resp = { .fd = m->fd, .response = FAN_ALLOW };
	char link[64], path[PATH_MAX];
	uint64_t t0 = ward_mono_ns();
	size_t cnt = atomic_load_explicit(&b->rules_cnt, memory_order_acquire);
	struct caller caller;
	ssize_t n;
	int rule = -1;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", m->fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		n = 0;
	path[n] = '\0';
	rule = match_path(b, cnt, path, (size_t)n);
	if (rule < 0 && atomic_load_explicit(&b->has_hash, memory_order_acquire))
		rule = match_hash(b, cnt, m->fd);
	if (rule >= 0) {
		resp.response = FAN_DENY;
		read_caller(m->pid, &caller);
	}
	/* The answer must always be written: an unanswered event blocks the exec. */
	while (write(b->fan_fd, &resp, sizeof(resp)) < 0 && errno == EINTR)
		;
	if (rule >= 0) {
		struct ward_block_denial d = {
			.pid = m->pid, .path = path, .matched = b->rules[rule].kind,
			.rule = b->rules[rule].text, .origin = b->rules[rule].origin, .entry = rule,
			.comm = caller.comm, .exe = caller.exe, .container_id = caller.container_id,
			.time_ns = ward_now_ns(), .latency_ns = ward_mono_ns() - t0,
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

	sigset_t all, old;

	if (b->started)
		return -EBUSY;
	b->cb = cb;
	b->cb_arg = arg;
	/* the thread inherits a full signal mask: signals meant for the process (SIGINT,
	 * SIGHUP for reloads) go to threads that handle them, never to this one */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&b->thread, NULL, blocker_main, b);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
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
	for (size_t i = 0; i < b->rules_cnt; i++) {
		free(b->rules[i].text);
		free(b->rules[i].origin);
	}
	for (size_t i = 0; i < b->prot_cnt; i++)
		free(b->prot[i].path);
	for (size_t i = 0; i < b->prot_names_cnt; i++)
		free(b->prot_names[i]);
	free(b->prot_names);
	pthread_mutex_destroy(&b->add_lock);
	free(b);
}
