// SPDX-License-Identifier: Apache-2.0
/*
 * Per-type specialization of compiled conditions, run once after a ruleset is compiled.
 * An event meets only the rules of its type bucket, and within a bucket the answer of every
 * evt.type test is known before any event arrives, as is that of evt.dir (ward reports
 * exits only). For each bucket each rule's condition is rewritten with those tests replaced
 * by constants and the AND/OR/NOT above them simplified: a branch of an OR that needs
 * another type disappears, an AND that needs another type removes the rule from the
 * bucket's plan, nested ANDs (ORs) are flattened into one. Then the string tests of an OR
 * on one field (=, in, startswith, endswith, contains) are merged into a single comparison
 * that extracts the field once and looks the value up in a sorted set, a prefix, a suffix
 * and a substring list (struct ward_rmulti).
 *
 * The result is a plan per bucket: (rule, specialized root) in load order. Conditions are
 * pure functions of the event, so rewriting by boolean identities changes no answer, and the
 * memo ids of macros stay valid: within one event every use of a macro sees the same
 * bucket's version. Subtrees that do not depend on the type are rewritten once and shared
 * by every bucket; a subtree nothing changes in is used as it is. New nodes live in the
 * ruleset's arena. When the arena cannot hold something, the original subtree is kept,
 * which is always correct.
 */
#include "rules/rules_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

/* original node -> rewritten node, open addressing on the pointer */
struct pmap {
	const struct ward_rnode **keys;
	struct ward_rnode **vals;
	size_t cap, cnt;
};

struct sctx {
	struct ward_ruleset *rs;
	size_t t;                  /* bucket being specialized */
	struct pmap same;          /* results that hold for every bucket */
	struct pmap per_type;      /* results for bucket t only (cleared per bucket) */
	struct ward_rnode *yes, *no;
};

static size_t phash(const void *p, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 20) & (cap - 1);
}

static struct ward_rnode *pmap_get(const struct pmap *m, const struct ward_rnode *k)
{
	if (!m->cap)
		return NULL;
	for (size_t i = phash(k, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == k)
			return m->vals[i];
		if (!m->keys[i])
			return NULL;
	}
}

static void pmap_put(struct pmap *m, const struct ward_rnode *k, struct ward_rnode *v)
{
	size_t i;

	if ((m->cnt + 1) * 2 > m->cap) {
		struct pmap n = { .cap = m->cap ? m->cap * 2 : 256 };

		n.keys = ward_xcalloc(n.cap, sizeof(*n.keys));
		n.vals = ward_xcalloc(n.cap, sizeof(*n.vals));
		for (size_t j = 0; j < m->cap; j++)
			if (m->keys[j])
				pmap_put(&n, m->keys[j], m->vals[j]);
		free(m->keys);
		free(m->vals);
		*m = n;
	}
	for (i = phash(k, m->cap); m->keys[i] && m->keys[i] != k; i = (i + 1) & (m->cap - 1))
		;
	if (!m->keys[i])
		m->cnt++;
	m->keys[i] = k;
	m->vals[i] = v;
}

static void pmap_clear(struct pmap *m)
{
	if (m->cnt) {
		memset(m->keys, 0, m->cap * sizeof(*m->keys));
		m->cnt = 0;
	}
}

static void pmap_free(struct pmap *m)
{
	free(m->keys);
	free(m->vals);
}

static struct ward_rnode *node_new(struct sctx *c, int kind, size_t kids_cnt)
{
	struct ward_rnode *n = ward_rules_arena_alloc(c->rs, sizeof(*n));

	if (!n)
		return NULL;
	n->kind = (uint8_t)kind;
	n->in_arena = true;
	n->memo = UINT32_MAX;
	if (kids_cnt) {
		n->kids = ward_rules_arena_alloc(c->rs, kids_cnt * sizeof(*n->kids));
		if (!n->kids)
			return NULL;
		n->kids_cnt = (uint32_t)kids_cnt;
	}
	return n;
}

static bool is_const(const struct ward_rnode *n)
{
	return n->kind == WARD_RN_TRUE || n->kind == WARD_RN_FALSE;
}

/* ---- merged string tests ------------------------------------------------------------ */

/* A string comparison an OR may merge with others on the same field. */
static bool mergeable(const struct ward_rnode *n)
{
	const struct ward_rcmp *m = &n->cmp;

	if (n->kind != WARD_RN_CMP || m->fr.f->type != WARD_RFT_STR)
		return false;
	if (m->cv == WARD_RCV_MULTI)
		return true;
	if (m->cv == WARD_RCV_STRSET)
		return m->op == WARD_OP_IN;
	return m->cv == WARD_RCV_STR && (m->op == WARD_OP_EQ || m->op == WARD_OP_STARTSWITH ||
					 m->op == WARD_OP_ENDSWITH || m->op == WARD_OP_CONTAINS);
}

static bool same_field(const struct ward_rfref *a, const struct ward_rfref *b)
{
	return a->f == b->f && a->idx == b->idx && a->key_len == b->key_len &&
	       (!a->key_len || memcmp(a->key, b->key, a->key_len) == 0);
}

static int rstr_cmp(const void *a, const void *b)
{
	const struct ward_rstr *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->s, y->s, n);

	return r ? r : (x->len < y->len ? -1 : x->len > y->len);
}

enum { MU_EXACT, MU_PREFIX, MU_SUFFIX, MU_INFIX, MU_KINDS };

static int mu_kind(int op)
{
	return op == WARD_OP_EQ ? MU_EXACT : op == WARD_OP_STARTSWITH ? MU_PREFIX :
	       op == WARD_OP_ENDSWITH ? MU_SUFFIX : MU_INFIX;
}

/* Appends the tests of a mergeable comparison to out[kind] at at[kind]. */
static void mu_items(const struct ward_rcmp *m, struct ward_rstr *out[MU_KINDS], size_t at[MU_KINDS])
{
	const struct ward_rstr *lists[MU_KINDS] = { 0 };
	size_t cnts[MU_KINDS] = { 0 };

	if (m->cv == WARD_RCV_MULTI) {
		lists[MU_EXACT] = m->multi->exact;
		cnts[MU_EXACT] = m->multi->exact_cnt;
		lists[MU_PREFIX] = m->multi->prefix;
		cnts[MU_PREFIX] = m->multi->prefix_cnt;
		lists[MU_SUFFIX] = m->multi->suffix;
		cnts[MU_SUFFIX] = m->multi->suffix_cnt;
		lists[MU_INFIX] = m->multi->infix;
		cnts[MU_INFIX] = m->multi->infix_cnt;
	} else if (m->cv == WARD_RCV_STRSET) {
		lists[MU_EXACT] = m->strs;
		cnts[MU_EXACT] = m->set_cnt;
	} else {
		int k = mu_kind(m->op);

		out[k][at[k]].s = m->s;
		out[k][at[k]++].len = m->len;
		return;
	}
	for (int k = 0; k < MU_KINDS; k++)
		for (size_t i = 0; i < cnts[k]; i++)
			out[k][at[k]++] = lists[k][i];
}

/* Size per kind of the merge of kids[i] for every i with pick[i]. */
static void mu_count(struct ward_rnode **kids, const bool *pick, size_t cnt, size_t sizes[MU_KINDS])
{
	memset(sizes, 0, MU_KINDS * sizeof(size_t));
	for (size_t i = 0; i < cnt; i++) {
		const struct ward_rcmp *m = &kids[i]->cmp;

		if (!pick[i])
			continue;
		if (m->cv == WARD_RCV_MULTI) {
			sizes[MU_EXACT] += m->multi->exact_cnt;
			sizes[MU_PREFIX] += m->multi->prefix_cnt;
			sizes[MU_SUFFIX] += m->multi->suffix_cnt;
			sizes[MU_INFIX] += m->multi->infix_cnt;
		} else if (m->cv == WARD_RCV_STRSET) {
			sizes[MU_EXACT] += m->set_cnt;
		} else {
			sizes[mu_kind(m->op)]++;
		}
	}
}

/* One comparison doing the work of every kids[i] with pick[i]; NULL if the arena cannot
 * hold it. */
static struct ward_rnode *mu_build(struct sctx *c, struct ward_rnode **kids, const bool *pick,
				   size_t cnt, size_t first)
{
	struct ward_rnode *n = node_new(c, WARD_RN_CMP, 0);
	struct ward_rmulti *mu = ward_rules_arena_alloc(c->rs, sizeof(*mu));
	struct ward_rstr *arr[MU_KINDS];
	size_t sizes[MU_KINDS], at[MU_KINDS] = { 0 };

	if (!n || !mu)
		return NULL;
	mu_count(kids, pick, cnt, sizes);
	for (int k = 0; k < MU_KINDS; k++) {
		arr[k] = sizes[k] ? ward_rules_arena_alloc(c->rs, sizes[k] * sizeof(struct ward_rstr)) : NULL;
		if (sizes[k] && !arr[k])
			return NULL;
	}
	for (size_t i = 0; i < cnt; i++)
		if (pick[i])
			mu_items(&kids[i]->cmp, arr, at);
	if (at[MU_EXACT] > 1)
		qsort(arr[MU_EXACT], at[MU_EXACT], sizeof(struct ward_rstr), rstr_cmp);
	mu->exact = arr[MU_EXACT];
	mu->exact_cnt = at[MU_EXACT];
	mu->prefix = arr[MU_PREFIX];
	mu->prefix_cnt = at[MU_PREFIX];
	mu->suffix = arr[MU_SUFFIX];
	mu->suffix_cnt = at[MU_SUFFIX];
	mu->infix = arr[MU_INFIX];
	mu->infix_cnt = at[MU_INFIX];
	/* the field reference is borrowed from a comparison the ruleset owns */
	n->cmp.fr = kids[first]->cmp.fr;
	n->cmp.op = WARD_OP_IN;
	n->cmp.cv = WARD_RCV_MULTI;
	n->cmp.multi = mu;
	return n;
}

/* Merges the mergeable kids of an OR that test the same field; returns the new count. */
static size_t merge_or(struct sctx *c, struct ward_rnode **kids, size_t cnt)
{
	bool *pick = ward_xcalloc(cnt ? cnt : 1, sizeof(bool));
	bool *gone = ward_xcalloc(cnt ? cnt : 1, sizeof(bool));
	size_t out = 0;

	for (size_t i = 0; i < cnt; i++) {
		size_t group = 1;
		struct ward_rnode *m;

		if (gone[i] || !mergeable(kids[i]))
			continue;
		memset(pick, 0, cnt * sizeof(bool));
		pick[i] = true;
		for (size_t j = i + 1; j < cnt; j++) {
			if (!gone[j] && mergeable(kids[j]) && same_field(&kids[i]->cmp.fr, &kids[j]->cmp.fr)) {
				pick[j] = true;
				group++;
			}
		}
		if (group < 2)
			continue;
		m = mu_build(c, kids, pick, cnt, i);
		if (!m)
			continue;
		for (size_t j = i + 1; j < cnt; j++)
			gone[j] = gone[j] || pick[j];
		kids[i] = m;
	}
	for (size_t i = 0; i < cnt; i++)
		if (!gone[i])
			kids[out++] = kids[i];
	free(pick);
	free(gone);
	return out;
}

/* ---- rewriting ---------------------------------------------------------------------- */

static struct ward_rnode *spec(struct sctx *c, struct ward_rnode *n, bool *dep);

/* A comparison whose answer is known for bucket t (*dep: only for t), or NULL. */
static struct ward_rnode *fold_cmp(struct sctx *c, const struct ward_rnode *n, bool *dep)
{
	const struct ward_rcmp *m = &n->cmp;

	if (m->cv == WARD_RCV_TYPES) {
		bool in = (m->types[c->t / 64] >> (c->t % 64)) & 1;

		*dep = true;
		return (m->op == WARD_OP_NE ? !in : in) ? c->yes : c->no;
	}
	if (!strcmp(m->fr.f->name, "evt.dir")) {
		/* every event ward evaluates is an exit event: evt.dir is always "<" */
		struct ward_rval v = { .s = "<", .len = 1 };

		return ward_rcmp_match(m, &v) ? c->yes : c->no;
	}
	return NULL;
}

static struct ward_rnode *spec_andor(struct sctx *c, struct ward_rnode *n, bool *dep)
{
	bool is_and = n->kind == WARD_RN_AND, changed = false;
	struct ward_rnode *unit = is_and ? c->yes : c->no, *zero = is_and ? c->no : c->yes;
	struct ward_rnode **kids = NULL, *r = n;
	size_t cnt = 0, cap = 0;

	for (uint32_t i = 0; i < n->kids_cnt; i++) {
		bool kdep = false;
		struct ward_rnode *k = spec(c, n->kids[i], &kdep);

		*dep = *dep || kdep;
		if (k != n->kids[i])
			changed = true;
		if (k == unit)
			continue;
		if (k == zero) {
			/* decided by this child alone */
			*dep = kdep;
			r = zero;
			goto out;
		}
		/* an AND directly below an AND (OR below OR) joins its parent */
		if (k->kind == n->kind) {
			changed = true;
			if (cnt + k->kids_cnt > cap) {
				cap = cnt + k->kids_cnt + 8;
				kids = ward_xreallocarray(kids, cap, sizeof(*kids));
			}
			memcpy(kids + cnt, k->kids, k->kids_cnt * sizeof(*kids));
			cnt += k->kids_cnt;
			continue;
		}
		if (cnt + 1 > cap) {
			cap = cnt + 8;
			kids = ward_xreallocarray(kids, cap, sizeof(*kids));
		}
		kids[cnt++] = k;
	}
	if (!is_and) {
		size_t merged = merge_or(c, kids, cnt);

		changed = changed || merged != cnt;
		cnt = merged;
	}
	if (cnt == 0) {
		r = unit;
	} else if (cnt == 1) {
		r = kids[0];
	} else if (changed) {
		struct ward_rnode *m = node_new(c, n->kind, cnt);

		if (m) {
			memcpy(m->kids, kids, cnt * sizeof(*kids));
			r = m;
		}
	}
out:
	free(kids);
	return r;
}

static struct ward_rnode *spec_node(struct sctx *c, struct ward_rnode *n, bool *dep)
{
	struct ward_rnode *k, *r;

	switch (n->kind) {
	case WARD_RN_CMP:
		r = fold_cmp(c, n, dep);
		return r ? r : n;
	case WARD_RN_TRUE:
		return c->yes;
	case WARD_RN_FALSE:
		return c->no;
	case WARD_RN_NOT:
		k = spec(c, n->kids[0], dep);
		if (is_const(k))
			return k == c->yes ? c->no : c->yes;
		if (k->kind == WARD_RN_NOT)
			return k->kids[0];
		if (k == n->kids[0])
			return n;
		r = node_new(c, WARD_RN_NOT, 1);
		if (!r)
			return n;
		r->kids[0] = k;
		return r;
	case WARD_RN_MEMO:
		/* the macro's tree is shared: the map rewrites it once per bucket */
		k = spec(c, n->kids[0], dep);
		if (is_const(k))
			return k;
		if (k == n->kids[0])
			return n;
		r = node_new(c, WARD_RN_MEMO, 1);
		if (!r)
			return n;
		r->memo = n->memo;
		r->kids[0] = k;
		return r;
	case WARD_RN_AND:
	case WARD_RN_OR:
		return spec_andor(c, n, dep);
	default:
		return n;
	}
}

/* Rewritten n for bucket c->t; *dep: the result holds for this bucket only. */
static struct ward_rnode *spec(struct sctx *c, struct ward_rnode *n, bool *dep)
{
	struct ward_rnode *r = pmap_get(&c->same, n);

	*dep = false;
	if (r)
		return r;
	r = pmap_get(&c->per_type, n);
	if (r) {
		*dep = true;
		return r;
	}
	r = spec_node(c, n, dep);
	pmap_put(*dep ? &c->per_type : &c->same, n, r);
	return r;
}

void ward_rspecialize(struct ward_ruleset *rs)
{
	struct sctx c = { .rs = rs };
	struct ward_rnode yes = { .kind = WARD_RN_TRUE, .memo = UINT32_MAX };
	struct ward_rnode no = { .kind = WARD_RN_FALSE, .memo = UINT32_MAX };

	c.yes = ward_rules_arena_alloc(rs, sizeof(yes));
	c.no = ward_rules_arena_alloc(rs, sizeof(no));
	if (c.yes)
		*c.yes = yes;
	if (c.no)
		*c.no = no;
	for (size_t t = 0; t < WARD_RTYPE_CNT; t++) {
		const uint32_t *list = rs->bucket_rules[t];

		free(rs->plan[t]);
		rs->plan[t] = NULL;
		rs->plan_cnt[t] = 0;
		if (!rs->bucket_cnt[t])
			continue;
		rs->plan[t] = ward_xcalloc(rs->bucket_cnt[t], sizeof(*rs->plan[t]));
		c.t = t;
		pmap_clear(&c.per_type);
		for (uint32_t i = 0; i < rs->bucket_cnt[t]; i++) {
			struct ward_rnode *root = rs->rules[list[i]].root;
			bool dep;

			/* without the two constants (arena refused them) nothing is rewritten */
			if (c.yes && c.no)
				root = spec(&c, root, &dep);
			if (root == c.no)
				continue;
			rs->plan[t][rs->plan_cnt[t]].root = root;
			rs->plan[t][rs->plan_cnt[t]++].rule = list[i];
		}
	}
	pmap_free(&c.same);
	pmap_free(&c.per_type);
}
