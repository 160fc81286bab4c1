// SPDX-License-Identifier: Apache-2.0
/*
 * Token buckets per (rule, workload) in an open-addressing table with LRU eviction. Tokens
 * are kept in fixed point (micro-tokens) so refill is exact integer arithmetic whatever the
 * rate. Not the policy of which alerts reach which output: that is the pipeline.
 */
#include "alert/ratelimit.h"
#include "common/hash.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MICRO 1000000ull
#define NS_PER_MIN 60000000000ull

struct rl_entry {
	uint64_t hash;          /* 0 = empty slot */
	uint64_t tokens;        /* micro-tokens */
	uint64_t last_ns;       /* last refill */
	uint64_t used_ns;       /* last check, for LRU eviction */
	uint64_t suppressed;
	char rule[WARD_RL_RULE_MAX];
	char workload[WARD_RL_WORKLOAD_MAX];
};

struct ward_ratelimit {
	uint32_t per_min;
	size_t cap;             /* power of two, twice the key budget so probes stay short */
	size_t budget;
	size_t cnt;
	uint64_t evictions;
	struct rl_entry *slots;
};

int ward_ratelimit_new(uint32_t per_min, size_t keys_cap, struct ward_ratelimit **out)
{
	struct ward_ratelimit *rl;
	size_t cap = 16;

	if (per_min > WARD_RL_PER_MIN_MAX || keys_cap > WARD_RL_KEYS_MAX)
		return -EINVAL;
	if (keys_cap == 0)
		keys_cap = WARD_RL_KEYS_DEFAULT;
	while (cap < keys_cap * 2)
		cap *= 2;
	rl = ward_xcalloc(1, sizeof(*rl));
	rl->per_min = per_min;
	rl->cap = cap;
	rl->budget = keys_cap;
	rl->slots = ward_xcalloc(cap, sizeof(*rl->slots));
	*out = rl;
	return 0;
}

void ward_ratelimit_free(struct ward_ratelimit *rl)
{
	if (!rl)
		return;
	free(rl->slots);
	free(rl);
}

static void copy_trunc(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static bool same_key(const struct rl_entry *e, uint64_t h, const char *rule, const char *wl)
{
	return e->hash == h && strncmp(e->rule, rule, WARD_RL_RULE_MAX - 1) == 0 &&
	       strncmp(e->workload, wl, WARD_RL_WORKLOAD_MAX - 1) == 0;
}

/* Backward-shift deletion keeps linear probing correct without tombstones. */
static void remove_slot(struct ward_ratelimit *rl, size_t i)
{
	size_t mask = rl->cap - 1, j = i;

	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!rl->slots[j].hash)
			break;
		home = rl->slots[j].hash & mask;
		/* move j into the hole at i unless its home lies cyclically in (i, j] */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			rl->slots[i] = rl->slots[j];
			i = j;
		}
	}
	memset(&rl->slots[i], 0, sizeof(rl->slots[i]));
	rl->cnt--;
}

static void evict_lru(struct ward_ratelimit *rl)
{
	size_t victim = 0;
	uint64_t oldest = UINT64_MAX;

	/* a linear scan, but only when a new key arrives with the table full: rare, bounded */
	for (size_t i = 0; i < rl->cap; i++) {
		if (rl->slots[i].hash && rl->slots[i].used_ns < oldest) {
			oldest = rl->slots[i].used_ns;
			victim = i;
		}
	}
	remove_slot(rl, victim);
	rl->evictions++;
}

static struct rl_entry *lookup(struct ward_ratelimit *rl, const char *rule, const char *wl,
			       uint64_t now_ns)
{
	uint64_t h = ward_hash64_mix(ward_hash64(rule, strlen(rule)), ward_hash64(wl, strlen(wl)));
	size_t mask = rl->cap - 1, i;
	struct rl_entry *e;

	if (h == 0)
		h = 1; /* 0 marks an empty slot */
	for (i = h & mask; rl->slots[i].hash; i = (i + 1) & mask) {
		if (same_key(&rl->slots[i], h, rule, wl))
			return &rl->slots[i];
	}
	if (rl->cnt >= rl->budget) {
		evict_lru(rl);
		for (i = h & mask; rl->slots[i].hash; i = (i + 1) & mask)
			;
	}
	e = &rl->slots[i];
	e->hash = h;
	e->tokens = (uint64_t)rl->per_min * MICRO; /* a new key starts with a full bucket */
	e->last_ns = now_ns;
	e->suppressed = 0;
	copy_trunc(e->rule, sizeof(e->rule), rule);
	copy_trunc(e->workload, sizeof(e->workload), wl);
	rl->cnt++;
	return e;
}

static void refill(const struct ward_ratelimit *rl, struct rl_entry *e, uint64_t now_ns)
{
	uint64_t full = (uint64_t)rl->per_min * MICRO, elapsed, add;

	if (now_ns <= e->last_ns)
		return;
	elapsed = now_ns - e->last_ns;
	/* a full refill takes one minute; cap elapsed there so the product cannot overflow */
	if (elapsed >= NS_PER_MIN) {
		e->tokens = full;
		e->last_ns = now_ns;
		return;
	}
	/* per_min*1e6 tokens per 6e10 ns: elapsed*per_min/60000 micro-tokens */
	add = elapsed * rl->per_min / 60000ull;
	if (add == 0)
		return; /* keep last_ns so sub-micro-token time is not lost */
	e->tokens = e->tokens + add > full ? full : e->tokens + add;
	e->last_ns = now_ns;
}

bool ward_ratelimit_check(struct ward_ratelimit *rl, const char *rule, const char *workload,
			  uint64_t now_ns, uint64_t *suppressed)
{
	struct rl_entry *e;

	if (rl->per_min == 0) {
		*suppressed = 0;
		return true;
	}
	e = lookup(rl, rule ? rule : "", workload ? workload : "", now_ns);
	e->used_ns = now_ns;
	refill(rl, e, now_ns);
	if (e->tokens < MICRO) {
		e->suppressed++;
		return false;
	}
	e->tokens -= MICRO;
	*suppressed = e->suppressed;
	e->suppressed = 0;
	return true;
}

size_t ward_ratelimit_pending(const struct ward_ratelimit *rl, size_t max,
			      void (*fn)(const char *rule, const char *workload, uint64_t held,
					 void *arg),
			      void *arg)
{
	size_t n = 0;

	for (size_t i = 0; i < rl->cap; i++) {
		const struct rl_entry *e = &rl->slots[i];

		if (!e->hash || !e->suppressed)
			continue;
		if (n++ < max)
			fn(e->rule, e->workload, e->suppressed, arg);
	}
	return n;
}

size_t ward_ratelimit_count(const struct ward_ratelimit *rl) { return rl->cnt; }
uint64_t ward_ratelimit_evictions(const struct ward_ratelimit *rl) { return rl->evictions; }
