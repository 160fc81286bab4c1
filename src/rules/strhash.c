// SPDX-License-Identifier: Apache-2.0
/*
 * Hash index over a table of strings (a string group's exact strings, program.c): one hash of
 * the value and, mostly, one comparison, where a binary search of a large set (the default
 * ruleset's proc.name group has 148 to 235 strings) costs eight or more comparisons of
 * strings that often share their first bytes (paths). Open addressing with linear probing,
 * at most half full; slots hold table indexes, so the table keeps its order and its masks.
 * Built once at load in the ruleset's arena; read-only afterwards.
 * Not here: which strings go into a group, or prefix and suffix matching (eval.c).
 */
#include "rules/rules_int.h"

#include <string.h>

static inline uint64_t load8(const char *p, size_t n)
{
	uint64_t v = 0;

	memcpy(&v, p, n);
	return v;
}

uint32_t ward_rstr_hash(const char *s, size_t len)
{
	const uint64_t k = 0x9e3779b97f4a7c15ull;
	uint64_t h = (uint64_t)len * k;

	/* eight bytes at a time: the strings are names and paths of a few dozen bytes */
	for (; len >= 8; s += 8, len -= 8) {
		h = (h ^ load8(s, 8)) * k;
		h ^= h >> 29;
	}
	if (len) {
		h = (h ^ load8(s, len)) * k;
		h ^= h >> 29;
	}
	h *= 0xbf58476d1ce4e5b9ull;
	return (uint32_t)(h ^ (h >> 32));
}

int ward_rshash_build(struct ward_ruleset *rs, const struct ward_rgstr *t, uint32_t cnt,
		      struct ward_rshash *out)
{
	uint32_t cap = 8, *slot;

	memset(out, 0, sizeof(*out));
	while (cap < 2ull * cnt && cap < (1u << 30))
		cap *= 2;
	if (cap < 2ull * cnt)
		return -WARD_E_LIMIT;
	slot = ward_rules_arena_alloc(rs, (size_t)cap * sizeof(*slot));
	if (!slot)
		return -WARD_E_LIMIT; /* beyond an arena chunk: the caller keeps binary search */
	for (uint32_t i = 0; i < cnt; i++) {
		uint32_t h = ward_rstr_hash(t[i].s, t[i].len) & (cap - 1);

		while (slot[h])
			h = (h + 1) & (cap - 1);
		slot[h] = i + 1;
	}
	out->slot = slot;
	out->mask = cap - 1;
	return 0;
}

uint32_t ward_rshash_find(const struct ward_rshash *h, const struct ward_rgstr *t,
			  const char *s, size_t len)
{
	uint32_t i = ward_rstr_hash(s, len) & h->mask, e;

	/* at most half full, so an empty slot ends every probe */
	while ((e = h->slot[i])) {
		const struct ward_rgstr *g = &t[e - 1];

		if (g->len == len && memcmp(g->s, s, len) == 0)
			return e - 1;
		i = (i + 1) & h->mask;
	}
	return UINT32_MAX;
}
