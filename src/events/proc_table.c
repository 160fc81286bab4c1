// SPDX-License-Identifier: Apache-2.0
/*
 * Process table: a fixed array of entries with a chained hash index on (pid, start).
 * Capacity is fixed at creation, so memory is bounded. When the table is full, a clock hand
 * looks for an exited entry to reuse, else the least recently seen entry among the next few.
 * Exited entries are also reclaimed lazily after a grace period, a few per insertion, so no
 * timer or full sweep runs on the event path.
 */
#include "events/proc.h"
#include "common/err.h"
#include "common/hash.h"
#include "common/limits.h"
#include "common/xalloc.h"
#include "events/container.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NIL UINT32_MAX
#define EXITED_GRACE_NS (30ull * 1000000000ull)
#define EVICT_SCAN 64

struct ward_proc_table {
	struct ward_proc *slots;
	uint32_t *buckets;
	uint32_t bucket_mask;
	size_t cap;
	size_t used;        /* slots handed out at least once (high-water mark) */
	size_t cnt;         /* entries currently in the index */
	uint32_t free_head; /* free list through slot_next */
	size_t hand;        /* clock hand for eviction and lazy reaping */
	uint64_t tick;      /* logical time for last_seen */
};

static uint32_t bucket_of(const struct ward_proc_table *t, uint32_t pid, uint64_t start)
{
	return (uint32_t)ward_hash64_mix(pid, start) & t->bucket_mask;
}

int ward_proc_table_new(size_t max_cnt, struct ward_proc_table **out)
{
	struct ward_proc_table *t;
	size_t nb = 1;

	if (max_cnt == 0)
		max_cnt = WARD_PROC_TABLE_DEFAULT;
	if (max_cnt > WARD_PROC_TABLE_MAX)
		return -WARD_E_LIMIT;
	while (nb < max_cnt)
		nb <<= 1;
	t = ward_xcalloc(1, sizeof(*t));
	t->slots = ward_xcalloc(max_cnt, sizeof(*t->slots));
	t->buckets = ward_xmalloc(nb * sizeof(*t->buckets));
	memset(t->buckets, 0xff, nb * sizeof(*t->buckets));
	t->bucket_mask = (uint32_t)(nb - 1);
	t->cap = max_cnt;
	t->free_head = NIL;
	*out = t;
	return 0;
}

static void proc_release_strings(struct ward_proc *p)
{
	free(p->exe);
	free(p->exepath);
	free(p->args);
	free(p->cwd);
	free(p->cgroup);
}

void ward_proc_table_free(struct ward_proc_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->used; i++)
		proc_release_strings(&t->slots[i]);
	free(t->slots);
	free(t->buckets);
	free(t);
}

struct ward_proc *ward_proc_get(struct ward_proc_table *t, uint32_t pid, uint64_t start)
{
	uint32_t i = t->buckets[bucket_of(t, pid, start)];

	while (i != NIL) {
		struct ward_proc *p = &t->slots[i];

		if (p->pid == pid && p->start == start) {
			p->last_seen = ++t->tick;
			return p;
		}
		i = p->slot_next;
	}
	return NULL;
}

static void unlink_slot(struct ward_proc_table *t, uint32_t idx)
{
	struct ward_proc *p = &t->slots[idx];
	uint32_t *link = &t->buckets[bucket_of(t, p->pid, p->start)];

	while (*link != NIL && *link != idx)
		link = &t->slots[*link].slot_next;
	if (*link == idx)
		*link = p->slot_next;
	ward_container_put(p->container);
	proc_release_strings(p);
	memset(p, 0, sizeof(*p));
	p->pid = 0;
	t->cnt--;
}

/* Reclaims up to a few exited entries past their grace period. */
static void reap_some(struct ward_proc_table *t, uint64_t now)
{
	for (int n = 0; n < 4 && t->used; n++) {
		size_t i = t->hand++ % t->used;
		struct ward_proc *p = &t->slots[i];

		if (p->start && p->exited && p->exit_ts + EXITED_GRACE_NS < now &&
		    p->last_seen + 1024 < t->tick) {
			unlink_slot(t, (uint32_t)i);
			p->slot_next = t->free_head;
			t->free_head = (uint32_t)i;
		}
	}
}

static uint32_t take_slot(struct ward_proc_table *t)
{
	uint32_t victim = NIL;
	uint64_t oldest = UINT64_MAX;

	if (t->free_head != NIL) {
		uint32_t i = t->free_head;

		t->free_head = t->slots[i].slot_next;
		return i;
	}
	if (t->used < t->cap)
		return (uint32_t)t->used++;
	/* full: prefer an exited entry, else the least recently seen of the next few */
	for (int n = 0; n < EVICT_SCAN; n++) {
		size_t i = t->hand++ % t->cap;
		struct ward_proc *p = &t->slots[i];

		if (p->exited) {
			victim = (uint32_t)i;
			break;
		}
		if (p->last_seen < oldest) {
			oldest = p->last_seen;
			victim = (uint32_t)i;
		}
	}
	unlink_slot(t, victim);
	return victim;
}

struct ward_proc *ward_proc_upsert(struct ward_proc_table *t, uint32_t pid, uint64_t start,
				   bool *created)
{
	struct ward_proc *p = ward_proc_get(t, pid, start);
	uint32_t idx, b;

	if (p) {
		if (created)
			*created = false;
		return p;
	}
	idx = take_slot(t);
	p = &t->slots[idx];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->start = start;
	p->last_seen = ++t->tick;
	b = bucket_of(t, pid, start);
	p->slot_next = t->buckets[b];
	t->buckets[b] = idx;
	t->cnt++;
	if (created)
		*created = true;
	return p;
}

struct ward_proc *ward_proc_by_pid(struct ward_proc_table *t, uint32_t pid)
{
	struct ward_proc *best = NULL;

	for (size_t i = 0; i < t->used; i++) {
		struct ward_proc *p = &t->slots[i];

		if (p->pid == pid && p->start && !p->exited && (!best || p->start > best->start))
			best = p;
	}
	return best;
}

struct ward_proc *ward_proc_parent(struct ward_proc_table *t, const struct ward_proc *p)
{
	if (!p || !p->ppid)
		return NULL;
	return ward_proc_get(t, p->ppid, p->pstart);
}

struct ward_proc *ward_proc_ancestor(struct ward_proc_table *t, const struct ward_proc *p,
				     unsigned n)
{
	struct ward_proc *a = (struct ward_proc *)p;

	for (unsigned i = 0; i < n && a; i++) {
		struct ward_proc *next = ward_proc_parent(t, a);

		if (next == a)
			return NULL; /* a self-parented snapshot entry must not loop */
		a = next;
	}
	return a == p ? NULL : a;
}

void ward_proc_mark_exited(struct ward_proc_table *t, struct ward_proc *p, uint64_t now)
{
	p->exited = true;
	p->exit_ts = now;
	reap_some(t, now);
}

void ward_proc_set_container(struct ward_proc *p, const struct ward_container *c)
{
	ward_container_hold(c);
	ward_container_put(p->container);
	p->container = c;
}

void ward_proc_set_str(char **field, const char *s, size_t len)
{
	free(*field);
	*field = NULL;
	if (!s)
		return;
	if (len > WARD_PROC_CMDLINE_MAX)
		len = WARD_PROC_CMDLINE_MAX;
	*field = ward_xstrndup(s, len);
}

const char *ward_proc_cmdline(const struct ward_proc *p, char *out, size_t out_len)
{
	if (p->args && p->args[0])
		snprintf(out, out_len, "%s %s", p->comm, p->args);
	else
		snprintf(out, out_len, "%s", p->comm);
	return out;
}

size_t ward_proc_table_count(const struct ward_proc_table *t) { return t->cnt; }
size_t ward_proc_table_capacity(const struct ward_proc_table *t) { return t->cap; }

int ward_proc_table_foreach(struct ward_proc_table *t,
			    int (*fn)(struct ward_proc *p, void *arg), void *arg)
{
	for (size_t i = 0; i < t->used; i++) {
		struct ward_proc *p = &t->slots[i];
		int rc;

		if (!p->start && !p->pid)
			continue;
		rc = fn(p, arg);
		if (rc)
			return rc;
	}
	return 0;
}
