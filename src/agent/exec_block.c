// SPDX-License-Identifier: Apache-2.0
/*
 * The agent's one exec blocker (src/respond/block.c). It starts at agent start when the
 * config lists files (respond.block_paths, block_dirs, block_sha256), else the first time a
 * rule with `actions: [block]` runs in enforce mode. A matching exec adds its executable by
 * SHA-256 (read through /proc/PID/exe, the very file that runs, so a copy under another
 * name is denied too) and by path; a matching file event adds fd.name (and a rename's or
 * link's new name). The exec that matched already runs: block is about the next ones.
 *
 * Each denial becomes an alert whose rule is the entry's origin (the rule that added it, or
 * "ward block list") and whose ward.actions says block/denied. The blocker thread only
 * queues; the event thread emits on its tick. Per entry, one alert per
 * WARD_AGENT_BLOCK_WINDOW_NS; denials inside the window are counted and reported in one
 * summary alert when the window ends, so an exec loop cannot flood the alert stream.
 *
 * Not here: the fanotify mechanics (block.c), deciding when a rule matches (rules).
 */
#include "agent/exec_block.h"

#include "common/hash.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "common/xalloc.h"
#include "respond/respond.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WARD_AGENT_BLOCK_WINDOW_NS (10ull * 1000000000ull)
#define WARD_AGENT_BLOCK_QUEUE 32 /* denial alerts waiting for the event thread */

struct denial {
	pid_t pid;
	int entry;
	uint64_t time_ns;
	uint64_t coalesced;     /* denials of this entry held back before this one */
	char comm[17];
	char exe[PATH_MAX];     /* the caller's executable (the image that tried to exec) */
	char file[PATH_MAX];    /* what it tried to execute */
	char container[WARD_CONTAINER_ID_MAX + 1];
};

struct entry_state {
	uint64_t last_ns;       /* mono time of the last alert for this entry; 0 = none */
	uint64_t coalesced;     /* denials since, not alerted */
	uint64_t coalesced_total;
	pid_t last_pid;
	enum ward_priority prio;
};

struct ward_agent_block {
	const struct ward_config *cfg;
	const char *hostname;
	struct ward_blocker *b;
	bool failed;            /* the blocker could not start: do not retry per event */
	int start_err;
	pthread_mutex_t lock;   /* q, q_cnt, q_dropped, ent */
	struct denial q[WARD_AGENT_BLOCK_QUEUE];
	size_t q_cnt;
	uint64_t q_dropped;
	struct entry_state ent[WARD_BLOCK_MAX_RULES];
	struct denial out[WARD_AGENT_BLOCK_QUEUE]; /* event thread's copy while emitting */
};

static const char *const kind_names[] = { "path", "dir", "sha256" };

static bool is_absolute_list(const struct ward_config *cfg, const char *key)
{
	size_t n;
	const char *const *l = ward_config_list(cfg, key, &n);

	for (size_t i = 0; i < n; i++)
		if (l[i][0] != '/') {
			ward_err("config %s: %s: '%s' is not an absolute path", ward_config_path(cfg),
				 key, l[i]);
			return false;
		}
	return true;
}

int ward_agent_block_new(const struct ward_config *cfg, struct ward_agent_block **out)
{
	struct ward_agent_block *ab;
	const char *const *l;
	const char *h;
	uint8_t sha[WARD_SHA256_LEN];
	size_t n;

	l = ward_config_list(cfg, "respond.block_sha256", &n);
	for (size_t i = 0; i < n; i++)
		if (ward_block_parse_sha256(l[i], sha)) {
			ward_err("config %s: respond.block_sha256: item %zu '%s' is not a SHA-256 "
				 "(64 hex digits)", ward_config_path(cfg), i + 1, l[i]);
			return -EINVAL;
		}
	if (!is_absolute_list(cfg, "respond.block_paths") ||
	    !is_absolute_list(cfg, "respond.block_dirs") ||
	    !is_absolute_list(cfg, "respond.block_mounts"))
		return -EINVAL;
	ab = ward_xcalloc(1, sizeof(*ab));
	ab->cfg = cfg;
	h = ward_config_str(cfg, "agent.hostname");
	ab->hostname = h[0] ? h : NULL;
	pthread_mutex_init(&ab->lock, NULL);
	for (size_t i = 0; i < WARD_BLOCK_MAX_RULES; i++)
		ab->ent[i].prio = WARD_PRIO_WARNING;
	*out = ab;
	return 0;
}

static void read_small(const char *path, char *out, size_t out_len, bool is_link)
{
	ssize_t n;
	int fd;

	out[0] = '\0';
	if (is_link) {
		n = readlink(path, out, out_len - 1);
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return;
		n = read(fd, out, out_len - 1);
		close(fd);
		if (n > 0 && out[n - 1] == '\n')
			n--;
	}
	out[n > 0 ? n : 0] = '\0';
}

/* Blocker thread, after the exec was answered: decide whether this denial gets its own
 * alert, then queue it. Only copies: the blocker read the caller before answering. */
static void on_denial(const struct ward_block_denial *d, void *arg)
{
	struct ward_agent_block *ab = arg;
	struct entry_state *st = &ab->ent[d->entry];
	uint64_t now = ward_mono_ns(), held;
	struct denial *q;

	pthread_mutex_lock(&ab->lock);
	st->last_pid = d->pid;
	if (st->last_ns && now - st->last_ns < WARD_AGENT_BLOCK_WINDOW_NS) {
		st->coalesced++;
		st->coalesced_total++;
		pthread_mutex_unlock(&ab->lock);
		return;
	}
	if (ab->q_cnt == WARD_AGENT_BLOCK_QUEUE) {
		ab->q_dropped++;
		st->coalesced++;
		st->coalesced_total++;
		pthread_mutex_unlock(&ab->lock);
		return;
	}
	st->last_ns = now;
	held = st->coalesced;
	st->coalesced = 0;
	pthread_mutex_unlock(&ab->lock);

	struct denial dn = { .pid = d->pid, .entry = d->entry, .time_ns = d->time_ns,
			     .coalesced = held };
	snprintf(dn.file, sizeof(dn.file), "%s", d->path);
	snprintf(dn.comm, sizeof(dn.comm), "%s", d->comm);
	snprintf(dn.exe, sizeof(dn.exe), "%s", d->exe);
	snprintf(dn.container, sizeof(dn.container), "%s", d->container_id);

	pthread_mutex_lock(&ab->lock);
	if (ab->q_cnt < WARD_AGENT_BLOCK_QUEUE) {
		q = &ab->q[ab->q_cnt++];
		*q = dn;
	} else {
		ab->q_dropped++;
	}
	pthread_mutex_unlock(&ab->lock);
}

static int ensure_blocker(struct ward_agent_block *ab)
{
	const char *const *l;
	size_t n;
	int err;

	if (ab->b)
		return 0;
	if (ab->failed)
		return ab->start_err;
	err = ward_blocker_new(&ab->b);
	if (err) {
		ward_err("respond: cannot start the exec blocker: fanotify: %s%s", ward_strerror(err),
			 err == -EPERM ? " (needs CAP_SYS_ADMIN)" : "");
		goto fail;
	}
	l = ward_config_list(ab->cfg, "respond.protected", &n);
	for (size_t i = 0; i < n; i++)
		ward_blocker_protect_name(ab->b, l[i]);
	l = ward_config_list(ab->cfg, "respond.block_mounts", &n);
	for (size_t i = 0; i < n; i++) {
		err = ward_blocker_add_mount(ab->b, l[i]);
		if (err) {
			ward_err("config %s: respond.block_mounts: %s: %s", ward_config_path(ab->cfg),
				 l[i], ward_strerror(err));
			goto fail;
		}
	}
	err = ward_blocker_start(ab->b, on_denial, ab);
	if (err) {
		ward_err("respond: cannot start the exec blocker thread: %s", ward_strerror(err));
		goto fail;
	}
	return 0;
fail:
	ward_blocker_free(ab->b);
	ab->b = NULL;
	ab->failed = true;
	ab->start_err = err;
	return err;
}

int ward_agent_block_start(struct ward_agent_block *ab)
{
	static const char *const keys[] = { "respond.block_paths", "respond.block_dirs",
					    "respond.block_sha256" };
	static const enum ward_block_kind kinds[] = { WARD_BLOCK_PATH, WARD_BLOCK_DIR,
						      WARD_BLOCK_SHA256 };
	size_t total = 0, n, mounts;
	bool hash_only = true;
	char why[PATH_MAX + 200];
	int err;

	for (size_t k = 0; k < 3; k++) {
		ward_config_list(ab->cfg, keys[k], &n);
		total += n;
		if (n && kinds[k] != WARD_BLOCK_SHA256)
			hash_only = false;
	}
	if (!total)
		return 0;
	err = ensure_blocker(ab);
	if (err)
		return err;
	for (size_t k = 0; k < 3; k++) {
		const char *const *l = ward_config_list(ab->cfg, keys[k], &n);

		for (size_t i = 0; i < n; i++) {
			struct ward_block_entry e = { kinds[k], l[i], WARD_AGENT_BLOCK_ORIGIN };

			err = ward_blocker_add(ab->b, &e, why, sizeof(why));
			if (err == -EEXIST)
				continue;
			if (err < 0) {
				ward_err("config %s: %s: %s", ward_config_path(ab->cfg), keys[k], why);
				return err;
			}
		}
	}
	/* hashes alone name no mount: cover the root mount unless mounts are listed */
	ward_config_list(ab->cfg, "respond.block_mounts", &mounts);
	if (hash_only && !mounts) {
		err = ward_blocker_add_mount(ab->b, "/");
		if (err) {
			ward_err("respond: fanotify mark on /: %s", ward_strerror(err));
			return err;
		}
	}
	ward_info("respond: exec blocker started with %zu entr%s from the config (fail-open: "
		  "execs are allowed again if the agent stops)", ward_blocker_count(ab->b),
		  ward_blocker_count(ab->b) == 1 ? "y" : "ies");
	return 0;
}

/* Adds one entry; appends what happened to detail. Returns the add's result. */
static int add_one(struct ward_agent_block *ab, enum ward_block_kind kind, const char *what,
		   const char *rule, enum ward_priority prio, char *detail, size_t detail_len)
{
	struct ward_block_entry e = { kind, what, rule };
	char why[PATH_MAX + 200];
	size_t used = strlen(detail);
	/* after the "blocked for future execs: " lead-in, entries are separated by commas */
	const char *sep = used >= 2 && strcmp(detail + used - 2, ": ") == 0 ? "" : ", ";
	int rc = ward_blocker_add(ab->b, &e, why, sizeof(why));

	if (rc >= 0) {
		pthread_mutex_lock(&ab->lock);
		ab->ent[rc].prio = prio;
		pthread_mutex_unlock(&ab->lock);
		snprintf(detail + used, detail_len - used, "%s%s %s", sep, kind_names[kind], what);
		return 0;
	}
	snprintf(detail + used, detail_len - used, "%s%s", sep, why);
	return rc;
}

/* The file behind fd as ward sees it (the path the blocker will compare), or "" when it has
 * none (deleted). */
static void fd_path(int fd, char *out, size_t out_len)
{
	char link[64];
	size_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	read_small(link, out, out_len, true);
	n = strlen(out);
	if (out[0] != '/' || (n > 10 && strcmp(out + n - 10, " (deleted)") == 0))
		out[0] = '\0';
}

static int block_exec(struct ward_agent_block *ab, const char *rule, enum ward_priority prio,
		      const struct ward_event *ev, char *detail, size_t detail_len)
{
	uint8_t sha[WARD_SHA256_LEN];
	char p[64], hex[2 * WARD_SHA256_LEN + 1], path[PATH_MAX];
	struct stat st;
	int fd, rc, rc2, err = 0;

	/* /proc/PID/exe is the file that runs, even if it was renamed or replaced since; the
	 * event's path is the fallback for a process that already exited (host only: a
	 * container's path means nothing in ward's mount namespace) */
	snprintf(p, sizeof(p), "/proc/%u/exe", ev->raw->pid);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && !ev->container && ev->path[0] == '/')
		fd = open(ev->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		err = -errno;
		snprintf(detail, detail_len, "cannot open the executable %s: %s", ev->path,
			 strerror(errno));
		return err;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(detail, detail_len, "the executable %s is not a regular file", ev->path);
		close(fd);
		return -EINVAL;
	}
	fd_path(fd, path, sizeof(path));
	/* the hash covers the executable's own mount (and respond.block_mounts) */
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	ward_blocker_add_mount(ab->b, p);
	if ((uint64_t)st.st_size > WARD_BLOCK_HASH_MAX_BYTES || ward_sha256_fd(fd, sha) != 0) {
		close(fd);
		snprintf(detail, detail_len, "cannot hash %s", path[0] ? path : ev->path);
		return -EIO;
	}
	close(fd);
	snprintf(detail, detail_len, "blocked for future execs: ");
	rc = add_one(ab, WARD_BLOCK_SHA256, ward_hex(sha, sizeof(sha), hex), rule, prio, detail,
		     detail_len);
	rc2 = path[0] ? add_one(ab, WARD_BLOCK_PATH, path, rule, prio, detail, detail_len) : rc;
	/* refused (protected) wins; else done if either entry is (now or already) listed */
	if (rc == -WARD_E_PROTECTED || rc2 == -WARD_E_PROTECTED) {
		snprintf(detail, detail_len, "refusing to block %s: it is ward, the host's init, a "
			 "dynamic loader or on respond.protected", path[0] ? path : ev->path);
		return -WARD_E_PROTECTED;
	}
	if ((rc == 0 || rc == -EEXIST) || (rc2 == 0 || rc2 == -EEXIST))
		return 0;
	return rc;
}

static int block_file(struct ward_agent_block *ab, const char *rule, enum ward_priority prio,
		      const struct ward_event *ev, char *detail, size_t detail_len)
{
	const char *names[2] = { ev->path, NULL };
	char path[PATH_MAX], open_path[PATH_MAX + 64];
	int best = -ENOENT;

	if (ev->raw->kind == WARD_EV_RENAME || ev->raw->kind == WARD_EV_LINK)
		names[1] = ev->path2;
	snprintf(detail, detail_len, "blocked for future execs: ");
	for (size_t i = 0; i < 2; i++) {
		struct stat st;
		int fd, rc;

		if (!names[i] || names[i][0] != '/')
			continue;
		/* a container's path is resolved in its own root; the final component is never
		 * followed, so a symlink cannot point the block at another file */
		if (ev->container)
			snprintf(open_path, sizeof(open_path), "/proc/%u/root%s", ev->raw->pid,
				 names[i]);
		else
			snprintf(open_path, sizeof(open_path), "%s", names[i]);
		fd = open(open_path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0) {
			size_t used = strlen(detail);

			snprintf(detail + used, detail_len - used, "%s%s: %s", i ? "; " : "",
				 names[i], strerror(errno));
			if (best == -ENOENT)
				best = -errno;
			continue;
		}
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			size_t used = strlen(detail);

			snprintf(detail + used, detail_len - used, "%s%s: not a regular file",
				 i ? "; " : "", names[i]);
			close(fd);
			best = best == -ENOENT ? -EINVAL : best;
			continue;
		}
		fd_path(fd, path, sizeof(path));
		close(fd);
		if (!path[0])
			continue;
		rc = add_one(ab, WARD_BLOCK_PATH, path, rule, prio, detail, detail_len);
		if (rc == -WARD_E_PROTECTED)
			return rc;
		if (rc == 0 || rc == -EEXIST)
			best = 0;
	}
	return best;
}

int ward_agent_block_event(struct ward_agent_block *ab, const char *rule,
			   enum ward_priority prio, const struct ward_event *ev, char *detail,
			   size_t detail_len)
{
	int err = ensure_blocker(ab);

	detail[0] = '\0';
	if (err) {
		snprintf(detail, detail_len, "the exec blocker is not running: %s",
			 ward_strerror(err));
		return err;
	}
	if (ev->raw->kind == WARD_EV_EXEC)
		return block_exec(ab, rule, prio, ev, detail, detail_len);
	return block_file(ab, rule, prio, ev, detail, detail_len);
}

/* Completes a denial alert (one process, one action) and sends it down the pipeline. */
static void emit(struct ward_agent_block *ab, struct ward_alerts *alerts, struct ward_alert *a,
		 struct ward_alert_proc *proc, struct ward_alert_action *act)
{
	a->hostname = ab->hostname;
	a->ancestry = proc;
	a->ancestry_cnt = 1;
	a->actions = act;
	a->actions_cnt = 1;
	ward_alerts_emit(alerts, a);
}

static void emit_denial(struct ward_agent_block *ab, struct ward_alerts *alerts,
			const struct denial *d, enum ward_priority prio)
{
	enum ward_block_kind kind = WARD_BLOCK_PATH;
	const char *text = "", *origin = WARD_AGENT_BLOCK_ORIGIN;
	char output[PATH_MAX + 256], detail[PATH_MAX + 256];
	struct ward_alert_proc proc = { .pid = (uint32_t)d->pid, .name = d->comm,
					.exepath = d->exe, .cmdline = "" };
	struct ward_alert_action act = { "block", "denied", detail };
	struct ward_alert_field f[4] = {
		{ "proc.pid", WARD_AV_UINT, { .u = (uint64_t)d->pid } },
		{ "proc.name", WARD_AV_STR, { .s = d->comm } },
		{ "proc.exepath", WARD_AV_STR, { .s = d->exe } },
		{ "fd.name", WARD_AV_STR, { .s = d->file } },
	};

	if (ab->b)
		ward_blocker_entry(ab->b, (size_t)d->entry, &kind, &text, &origin);
	snprintf(output, sizeof(output), "Exec denied by block list (file=%s proc.name=%s "
		 "proc.pid=%d matched=%s %s)", d->file, d->comm, (int)d->pid, kind_names[kind],
		 text);
	if (d->coalesced)
		snprintf(detail, sizeof(detail), "exec of %s denied with EPERM (matched %s %s); "
			 "%llu earlier denial(s) of this entry coalesced", d->file,
			 kind_names[kind], text, (unsigned long long)d->coalesced);
	else
		snprintf(detail, sizeof(detail), "exec of %s denied with EPERM (matched %s %s)",
			 d->file, kind_names[kind], text);
	emit(ab, alerts, &(struct ward_alert){ .time_ns = d->time_ns, .rule = origin,
		.priority = prio, .output = output, .fields = f, .fields_cnt = 4,
		.container.id = d->container[0] ? d->container : "host" }, &proc, &act);
}

static void emit_summary(struct ward_agent_block *ab, struct ward_alerts *alerts, size_t idx,
			 uint64_t cnt, pid_t last_pid, enum ward_priority prio)
{
	enum ward_block_kind kind = WARD_BLOCK_PATH;
	const char *text = "", *origin = WARD_AGENT_BLOCK_ORIGIN;
	char output[PATH_MAX + 256], detail[PATH_MAX + 256];
	struct ward_alert_proc proc = { .pid = (uint32_t)last_pid, .name = "", .exepath = "",
					.cmdline = "" };
	struct ward_alert_action act = { "block", "denied", detail };
	struct ward_alert_field f[2] = {
		{ "proc.pid", WARD_AV_UINT, { .u = (uint64_t)last_pid } },
		{ "ward.block.coalesced", WARD_AV_UINT, { .u = cnt } },
	};

	if (ab->b)
		ward_blocker_entry(ab->b, idx, &kind, &text, &origin);
	snprintf(output, sizeof(output), "%llu more exec(s) denied by block list entry %s %s "
		 "(coalesced; last pid %d)", (unsigned long long)cnt, kind_names[kind], text,
		 (int)last_pid);
	snprintf(detail, sizeof(detail), "%llu exec(s) denied with EPERM (matched %s %s), "
		 "coalesced into this alert", (unsigned long long)cnt, kind_names[kind], text);
	emit(ab, alerts, &(struct ward_alert){ .time_ns = ward_now_ns(), .rule = origin,
		.priority = prio, .output = output, .fields = f, .fields_cnt = 2,
		.container.id = "host" }, &proc, &act);
}

void ward_agent_block_flush(struct ward_agent_block *ab, struct ward_alerts *alerts, bool final)
{
	struct { size_t idx; uint64_t cnt; pid_t pid; enum ward_priority prio; } sum[16];
	enum ward_priority prio[WARD_AGENT_BLOCK_QUEUE];
	size_t n, sum_cnt = 0, entries;
	uint64_t now = ward_mono_ns();

	if (!ab || (!ab->b && !ab->q_cnt))
		return;
	entries = ab->b ? ward_blocker_count(ab->b) : 0;
	pthread_mutex_lock(&ab->lock);
	n = ab->q_cnt;
	memcpy(ab->out, ab->q, n * sizeof(ab->q[0]));
	for (size_t i = 0; i < n; i++)
		prio[i] = ab->ent[ab->out[i].entry].prio;
	ab->q_cnt = 0;
	/* a window has ended: report what it held back, in bounded batches per tick */
	for (size_t i = 0; i < entries && sum_cnt < 16; i++) {
		struct entry_state *st = &ab->ent[i];

		if (!st->coalesced || (!final && now - st->last_ns < WARD_AGENT_BLOCK_WINDOW_NS))
			continue;
		sum[sum_cnt].idx = i;
		sum[sum_cnt].cnt = st->coalesced;
		sum[sum_cnt].pid = st->last_pid;
		sum[sum_cnt++].prio = st->prio;
		st->coalesced = 0;
		st->last_ns = now; /* the summary opens a new window */
	}
	pthread_mutex_unlock(&ab->lock);
	for (size_t i = 0; i < n; i++)
		emit_denial(ab, alerts, &ab->out[i], prio[i]);
	for (size_t i = 0; i < sum_cnt; i++)
		emit_summary(ab, alerts, sum[i].idx, sum[i].cnt, sum[i].pid, sum[i].prio);
}

void ward_agent_block_finish(struct ward_agent_block *ab, struct ward_alerts *alerts)
{
	uint64_t allowed, denied;

	if (!ab || !ab->b)
		return;
	/* a denial answered after this flush is still denied, only not alerted */
	ward_agent_block_flush(ab, alerts, true);
	ward_blocker_stats(ab->b, &allowed, &denied);
	ward_info("respond: exec blocker stopped: %llu denied, %llu allowed, %zu entries "
		  "(execs are allowed again)", (unsigned long long)denied,
		  (unsigned long long)allowed, ward_blocker_count(ab->b));
	ward_blocker_free(ab->b);
	ab->b = NULL;
}

void ward_agent_block_free(struct ward_agent_block *ab)
{
	if (!ab)
		return;
	ward_blocker_free(ab->b);
	pthread_mutex_destroy(&ab->lock);
	free(ab);
}
