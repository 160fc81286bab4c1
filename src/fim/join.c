// SPDX-License-Identifier: Apache-2.0
/*
 * The who-data join table (see join.h). Each record sits in two hash chains, one by path
 * and one by pid, threaded through the records themselves; overwriting the oldest record
 * unlinks it from both first, so the chains never reach a reused slot. Chains stay short:
 * the bucket arrays have twice as many heads as there are records.
 */
#include "fim/join.h"

#include <stdlib.h>

#include "common/hash.h"
#include "common/xalloc.h"

struct ward_fim_join {
	struct ward_fim_join_rec *recs;
	uint32_t *next_pid;    /* second chain, parallel to recs (index + 1, 0 ends) */
	uint32_t *heads_path;  /* bucket -> index + 1 */
	uint32_t *heads_pid;
	size_t cap, cnt, pos;  /* pos: the slot written next (the oldest when full) */
	size_t mask;
	uint64_t max_age_ns, slack_ns;
};

static size_t bucket_of(const struct ward_fim_join *j, uint64_t h)
{
	return (size_t)(h ^ (h >> 29)) & j->mask;
}

static uint64_t pid_hash(uint32_t pid)
{
	return ward_hash64_mix(pid, 0x9e3779b97f4a7c15ull);
}

struct ward_fim_join *ward_fim_join_new(size_t cap, uint64_t max_age_ns, uint64_t slack_ns)
{
	struct ward_fim_join *j = ward_xcalloc(1, sizeof(*j));
	size_t heads = 2;

	if (cap == 0 || cap > WARD_FIM_JOIN_CAP * 16)
		cap = WARD_FIM_JOIN_CAP;
	while (heads < cap * 2)
		heads <<= 1;
	j->recs = ward_xcalloc(cap, sizeof(*j->recs));
	j->next_pid = ward_xcalloc(cap, sizeof(*j->next_pid));
	j->heads_path = ward_xcalloc(heads, sizeof(*j->heads_path));
	j->heads_pid = ward_xcalloc(heads, sizeof(*j->heads_pid));
	j->cap = cap;
	j->mask = heads - 1;
	j->max_age_ns = max_age_ns;
	j->slack_ns = slack_ns;
	return j;
}

void ward_fim_join_free(struct ward_fim_join *j)
{
	if (!j)
		return;
	free(j->recs);
	free(j->next_pid);
	free(j->heads_path);
	free(j->heads_pid);
	free(j);
}

/* Removes slot idx from the chain starting at head; link() gives a slot's next field. */
static void unlink_from(uint32_t *head, uint32_t idx, uint32_t *(*link)(struct ward_fim_join *,
									  uint32_t),
			struct ward_fim_join *j)
{
	uint32_t *p = head;

	while (*p) {
		if (*p == idx + 1) {
			*p = *link(j, idx);
			*link(j, idx) = 0;
			return;
		}
		p = link(j, *p - 1);
	}
}

static uint32_t *link_path(struct ward_fim_join *j, uint32_t i) { return &j->recs[i].next; }
static uint32_t *link_pid(struct ward_fim_join *j, uint32_t i) { return &j->next_pid[i]; }

static uint64_t path_hash(const char *path, size_t len)
{
	return ward_hash64_mix(ward_hash64(path, len), len);
}

void ward_fim_join_add(struct ward_fim_join *j, const char *path, size_t len, uint32_t pid,
		       uint64_t start, int nr, uint64_t ts_ns)
{
	uint32_t idx = (uint32_t)j->pos;
	struct ward_fim_join_rec *r = &j->recs[idx];

	if (j->cnt == j->cap) {
		unlink_from(&j->heads_path[bucket_of(j, r->path_h)], idx, link_path, j);
		unlink_from(&j->heads_pid[bucket_of(j, pid_hash(r->pid))], idx, link_pid, j);
	} else {
		j->cnt++;
	}
	r->path_h = len ? path_hash(path, len) : 0;
	r->path_len = (uint32_t)len;
	r->ts_ns = ts_ns;
	r->start = start;
	r->pid = pid;
	r->nr = nr;
	uint32_t *hp = &j->heads_path[bucket_of(j, r->path_h)];
	uint32_t *hd = &j->heads_pid[bucket_of(j, pid_hash(pid))];
	r->next = *hp;
	*hp = idx + 1;
	j->next_pid[idx] = *hd;
	*hd = idx + 1;
	j->pos = (j->pos + 1) % j->cap;
}

/* A record may serve a change at ts when it is neither too old nor too new. */
static bool in_time(const struct ward_fim_join *j, const struct ward_fim_join_rec *r,
		    uint64_t ts)
{
	return r->ts_ns + j->max_age_ns >= ts && r->ts_ns <= ts + j->slack_ns;
}

/* The newest usable record in the path chain for (hash, len) and pid. */
static const struct ward_fim_join_rec *find_path(const struct ward_fim_join *j, uint64_t h,
						 size_t len, uint32_t pid, uint64_t ts)
{
	const struct ward_fim_join_rec *best = NULL;

	for (uint32_t i = j->heads_path[bucket_of(j, h)]; i; i = j->recs[i - 1].next) {
		const struct ward_fim_join_rec *r = &j->recs[i - 1];

		if (r->path_h != h || r->path_len != len || (pid && r->pid != pid) ||
		    !in_time(j, r, ts))
			continue;
		if (!best || r->ts_ns > best->ts_ns)
			best = r;
	}
	return best;
}

enum ward_fim_join_match ward_fim_join_find(const struct ward_fim_join *j, const char *path,
					    size_t len, uint32_t pid, uint64_t ts_ns,
					    struct ward_fim_join_rec *out)
{
	const struct ward_fim_join_rec *r;

	if (len && (r = find_path(j, path_hash(path, len), len, pid, ts_ns))) {
		*out = *r;
		return WARD_FIM_JOIN_PATH;
	}
	/* a process in another mount namespace names /data/f what the host sees as
	 * /var/lib/.../rootfs/data/f: try every tail that starts at a '/'; only with the pid
	 * fanotify gave, since a tail alone ("/f") proves little */
	for (size_t i = 1; pid && i < len; i++) {
		if (path[i] != '/')
			continue;
		r = find_path(j, path_hash(path + i, len - i), len - i, pid, ts_ns);
		if (r) {
			*out = *r;
			return WARD_FIM_JOIN_SUFFIX;
		}
	}
	if (!pid)
		return WARD_FIM_JOIN_NONE;
	const struct ward_fim_join_rec *best = NULL;
	uint64_t ph = pid_hash(pid);

	for (uint32_t i = j->heads_pid[bucket_of(j, ph)]; i; i = j->next_pid[i - 1]) {
		r = &j->recs[i - 1];
		if (r->pid != pid || !in_time(j, r, ts_ns))
			continue;
		if (!best || r->ts_ns > best->ts_ns)
			best = r;
	}
	if (!best)
		return WARD_FIM_JOIN_NONE;
	*out = *best;
	return WARD_FIM_JOIN_PID;
}

size_t ward_fim_join_count(const struct ward_fim_join *j)
{
	return j->cnt;
}

const char *ward_fim_join_match_name(enum ward_fim_join_match m)
{
	switch (m) {
	case WARD_FIM_JOIN_PATH: return "path";
	case WARD_FIM_JOIN_SUFFIX: return "path_tail";
	case WARD_FIM_JOIN_PID: return "pid";
	default: return "none";
	}
}
