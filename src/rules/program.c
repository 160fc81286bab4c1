// SPDX-License-Identifier: Apache-2.0
/*
 * Compiles each type bucket's plan (specialize.c) into one flat program that
 * ward_rules_eval runs with a single loop, instead of walking a tree per rule. A condition
 * becomes tests with two jump targets: an AND child that holds goes on to the next child and
 * one that fails jumps straight to whatever follows the AND, and the other way round for an
 * OR; NOT swaps the targets and costs nothing. A macro with a memo id is wrapped in a check
 * (already known this event: jump by its value) and two stores at its exits; a comparison
 * other rules share checks and stores its memo itself. Every rule ends in a MATCH and falls
 * through to the next rule; the last is followed by END.
 *
 * Macro uses are expanded in place, so a deeply nested macro used many times could make
 * the program much larger than the trees. Past max_insns instructions, what remains is
 * emitted as WARD_RI_NODE, which hands the subtree to the tree evaluator: slower, same
 * answer. Not here: the evaluation loop (eval.c) and any rewriting of conditions.
 */
#include "rules/rules_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

struct pgen {
	struct ward_rinsn *code;
	size_t cnt, cap, max;
	uint32_t *labels;          /* label -> instruction index */
	size_t labels_cnt, labels_cap;
};

static uint32_t label_new(struct pgen *g)
{
	if (g->labels_cnt == g->labels_cap) {
		g->labels_cap = g->labels_cap ? g->labels_cap * 2 : 256;
		g->labels = ward_xreallocarray(g->labels, g->labels_cap, sizeof(*g->labels));
	}
	g->labels[g->labels_cnt] = UINT32_MAX;
	return (uint32_t)g->labels_cnt++;
}

static void label_here(struct pgen *g, uint32_t l)
{
	g->labels[l] = (uint32_t)g->cnt;
}

/* Jump targets are labels until the program is complete. */
static void emit(struct pgen *g, int kind, uint32_t arg, uint32_t on_true, uint32_t on_false,
		 const void *p)
{
	struct ward_rinsn *in;

	if (g->cnt == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 256;
		g->code = ward_xreallocarray(g->code, g->cap, sizeof(*g->code));
	}
	in = &g->code[g->cnt++];
	memset(in, 0, sizeof(*in));
	in->kind = (uint8_t)kind;
	in->arg = arg;
	in->on_true = on_true;
	in->on_false = on_false;
	in->p = p;
}

/* Code that goes to label yes when n holds for the event, else to label no. */
static void gen(struct pgen *g, const struct ward_rnode *n, uint32_t yes, uint32_t no)
{
	uint32_t next, set_yes, set_no;

	if (g->cnt >= g->max) {
		/* the limit: the tree evaluator answers for the rest (memos included) */
		emit(g, WARD_RI_NODE, 0, yes, no, n);
		return;
	}
	switch (n->kind) {
	case WARD_RN_TRUE:
		emit(g, WARD_RI_JUMP, 0, yes, yes, NULL);
		return;
	case WARD_RN_FALSE:
		emit(g, WARD_RI_JUMP, 0, no, no, NULL);
		return;
	case WARD_RN_NOT:
		gen(g, n->kids[0], no, yes);
		return;
	case WARD_RN_CMP:
		if (n->memo < WARD_RULES_MEMO_MAX)
			emit(g, WARD_RI_TEST_MEMO, n->memo, yes, no, &n->cmp);
		else
			emit(g, WARD_RI_TEST, 0, yes, no, &n->cmp);
		return;
	case WARD_RN_AND:
	case WARD_RN_OR:
		for (uint32_t i = 0; i + 1 < n->kids_cnt; i++) {
			next = label_new(g);
			if (n->kind == WARD_RN_AND)
				gen(g, n->kids[i], next, no);
			else
				gen(g, n->kids[i], yes, next);
			label_here(g, next);
		}
		if (n->kids_cnt)
			gen(g, n->kids[n->kids_cnt - 1], yes, no);
		else
			emit(g, WARD_RI_JUMP, 0, n->kind == WARD_RN_AND ? yes : no, 0, NULL);
		return;
	case WARD_RN_MEMO:
		if (n->memo == UINT32_MAX) {
			gen(g, n->kids[0], yes, no);
			return;
		}
		if (n->memo >= WARD_RULES_MEMO_MAX)
			break;
		set_yes = label_new(g);
		set_no = label_new(g);
		emit(g, WARD_RI_MEMO, n->memo, yes, no, NULL);
		gen(g, n->kids[0], set_yes, set_no);
		label_here(g, set_yes);
		emit(g, WARD_RI_SET_TRUE, n->memo, yes, no, NULL);
		label_here(g, set_no);
		emit(g, WARD_RI_SET_FALSE, n->memo, yes, no, NULL);
		return;
	default:
		break;
	}
	emit(g, WARD_RI_NODE, 0, yes, no, n);
}

/* A jump to an unconditional jump goes to its target instead. */
static uint32_t settle(const struct ward_rinsn *code, uint32_t pc)
{
	for (unsigned hops = 0; code[pc].kind == WARD_RI_JUMP && hops < 64; hops++)
		pc = code[pc].on_true;
	return pc;
}

/* ---- string groups ------------------------------------------------------------------ */

/* A string test a group can answer: on a field with one value per event. */
static bool groupable(const struct ward_rcmp *m)
{
	if (m->fr.f->type != WARD_RFT_STR || (m->fr.f->multi && m->fr.idx < 0))
		return false;
	if (m->cv == WARD_RCV_MULTI)
		return true;
	if (m->cv == WARD_RCV_STRSET)
		return m->op == WARD_OP_IN;
	return m->cv == WARD_RCV_STR && (m->op == WARD_OP_EQ || m->op == WARD_OP_STARTSWITH ||
					 m->op == WARD_OP_ENDSWITH || m->op == WARD_OP_CONTAINS ||
					 m->op == WARD_OP_ICONTAINS);
}

/* Substrings test m has. */
static size_t sub_cnt_of(const struct ward_rcmp *m)
{
	if (m->cv == WARD_RCV_MULTI)
		return m->multi->infix_cnt;
	return m->cv == WARD_RCV_STR && (m->op == WARD_OP_CONTAINS || m->op == WARD_OP_ICONTAINS);
}

static bool same_field(const struct ward_rfref *a, const struct ward_rfref *b)
{
	return a->f == b->f && a->idx == b->idx && a->key_len == b->key_len &&
	       (!a->key_len || memcmp(a->key, b->key, a->key_len) == 0);
}

enum { G_EXACT, G_PREFIX, G_SUFFIX, G_SUB, G_ISUB, G_KINDS };

struct gitem {
	const char *s;
	size_t len;
	uint64_t mask;
};

struct gbuild {
	const struct ward_rfref *fr;
	const struct ward_rcmp *tests[64];
	uint32_t tests_cnt;
	size_t sub_cnt;            /* substrings of the tests */
	struct gitem *items[G_KINDS];
	size_t cnt[G_KINDS], cap[G_KINDS];
};

static void gitem_add(struct gbuild *b, int kind, const char *s, size_t len, uint32_t bit)
{
	if (b->cnt[kind] == b->cap[kind]) {
		b->cap[kind] = b->cap[kind] ? b->cap[kind] * 2 : 16;
		b->items[kind] = ward_xreallocarray(b->items[kind], b->cap[kind], sizeof(struct gitem));
	}
	b->items[kind][b->cnt[kind]++] = (struct gitem){ s, len, 1ull << bit };
}

static void gitem_add_list(struct gbuild *b, int kind, const struct ward_rstr *l, size_t cnt,
			   uint32_t bit)
{
	for (size_t i = 0; i < cnt; i++)
		gitem_add(b, kind, l[i].s, l[i].len, bit);
}

/* The strings of test bit of b, by kind. */
static void gitems_of(struct gbuild *b, uint32_t bit)
{
	const struct ward_rcmp *m = b->tests[bit];

	if (m->cv == WARD_RCV_MULTI) {
		gitem_add_list(b, G_EXACT, m->multi->exact, m->multi->exact_cnt, bit);
		gitem_add_list(b, G_PREFIX, m->multi->prefix, m->multi->prefix_cnt, bit);
		gitem_add_list(b, G_SUFFIX, m->multi->suffix, m->multi->suffix_cnt, bit);
		gitem_add_list(b, G_SUB, m->multi->infix, m->multi->infix_cnt, bit);
	} else if (m->cv == WARD_RCV_STRSET) {
		gitem_add_list(b, G_EXACT, m->strs, m->set_cnt, bit);
	} else {
		/* icontains needles were lowercased when compiled */
		int k = m->op == WARD_OP_EQ ? G_EXACT : m->op == WARD_OP_STARTSWITH ? G_PREFIX :
			m->op == WARD_OP_ENDSWITH ? G_SUFFIX : m->op == WARD_OP_CONTAINS ? G_SUB :
			G_ISUB;

		gitem_add(b, k, m->s, m->len, bit);
	}
}

/* Byte order of a and b, read from the end when rev (how suffix tables are sorted). */
static int gcmp(const char *a, size_t al, const char *b, size_t bl, bool rev)
{
	size_t n = al < bl ? al : bl;

	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)(rev ? a[al - 1 - i] : a[i]);
		unsigned char y = (unsigned char)(rev ? b[bl - 1 - i] : b[i]);

		if (x != y)
			return x < y ? -1 : 1;
	}
	return al < bl ? -1 : al > bl;
}

static int gitem_fwd(const void *a, const void *b)
{
	const struct gitem *x = a, *y = b;

	return gcmp(x->s, x->len, y->s, y->len, false);
}

static int gitem_rev(const void *a, const void *b)
{
	const struct gitem *x = a, *y = b;

	return gcmp(x->s, x->len, y->s, y->len, true);
}

/* Whether a starts (rev: ends) with b. */
static bool has_affix(const struct gitem *a, const struct gitem *b, bool rev)
{
	return b->len <= a->len && memcmp(rev ? a->s + a->len - b->len : a->s, b->s, b->len) == 0;
}

/* Sorted table of kind k without duplicates (their masks joined), and for prefixes and
 * suffixes the up links with masks accumulated down the chains; NULL when the arena
 * refuses. */
static struct ward_rgstr *gtable(struct ward_ruleset *rs, struct gbuild *b, int k, uint32_t *cnt)
{
	bool rev = k == G_SUFFIX, affix = k == G_PREFIX || k == G_SUFFIX;
	struct gitem *it = b->items[k];
	struct ward_rgstr *t;
	uint32_t *stack, depth = 0, n = 0;

	*cnt = 0;
	if (!b->cnt[k])
		return NULL;
	qsort(it, b->cnt[k], sizeof(*it), rev ? gitem_rev : gitem_fwd);
	t = ward_rules_arena_alloc(rs, b->cnt[k] * sizeof(*t));
	if (!t)
		return NULL;
	stack = ward_xcalloc(b->cnt[k], sizeof(*stack));
	for (size_t i = 0; i < b->cnt[k]; i++) {
		struct gitem cur = it[i];

		if (n && t[n - 1].len == cur.len && memcmp(t[n - 1].s, cur.s, cur.len) == 0) {
			t[n - 1].mask |= cur.mask;
			continue;
		}
		t[n] = (struct ward_rgstr){ cur.s, (uint32_t)cur.len, UINT32_MAX, cur.mask };
		if (affix) {
			/* sorted order visits the affix tree depth first: the entries on the
			 * stack that cur extends are its chain */
			while (depth) {
				struct gitem top = { t[stack[depth - 1]].s, t[stack[depth - 1]].len, 0 };

				if (has_affix(&cur, &top, rev))
					break;
				depth--;
			}
			if (depth)
				t[n].up = stack[depth - 1];
			stack[depth++] = n;
		}
		n++;
	}
	/* an up link points to an earlier entry, already accumulated */
	for (uint32_t i = 0; i < n; i++)
		if (t[i].up != UINT32_MAX)
			t[i].mask |= t[t[i].up].mask;
	free(stack);
	*cnt = n;
	return t;
}

static int gitem_pair(const void *a, const void *b)
{
	const struct gitem *x = a, *y = b;
	unsigned px = ward_rgroup_pair(x->s), py = ward_rgroup_pair(y->s);

	if (px != py)
		return px < py ? -1 : 1;
	return gcmp(x->s, x->len, y->s, y->len, false);
}

/* Substring tables of kind k (G_SUB or G_ISUB) into out: needles of two bytes or more
 * ordered by pair bucket with the bucket offsets, shorter ones apart; equal needles once,
 * their masks joined. Returns 0, or -1 when the arena refuses. */
static int sub_tables(struct ward_ruleset *rs, struct gbuild *b, int k, struct ward_rsubs *out,
		      uint64_t *tests)
{
	struct gitem *it = b->items[k];
	size_t cnt = b->cnt[k], nl = 0, ns = 0, nshort = 0;
	struct ward_rgstr *l, *sh;
	uint16_t *at;

	for (size_t i = 0; i < cnt; i++)
		nshort += it[i].len < 2;
	l = ward_rules_arena_alloc(rs, (cnt - nshort + 1) * sizeof(*l));
	sh = ward_rules_arena_alloc(rs, (nshort + 1) * sizeof(*sh));
	at = ward_rules_arena_alloc(rs, 257 * sizeof(*at));
	if (!l || !sh || !at)
		return -1;
	/* long needles first (sorted by bucket), short ones after */
	for (size_t i = 0, j = cnt; i < j;) {
		struct gitem tmp;

		if (it[i].len >= 2) {
			i++;
			continue;
		}
		tmp = it[--j];
		it[j] = it[i];
		it[i] = tmp;
	}
	qsort(it, cnt - nshort, sizeof(*it), gitem_pair);
	for (size_t i = 0; i < cnt; i++) {
		bool is_short = i >= cnt - nshort;
		struct ward_rgstr *t = is_short ? sh : l;
		size_t *n = is_short ? &ns : &nl;

		*tests |= it[i].mask;
		if (*n && t[*n - 1].len == it[i].len && memcmp(t[*n - 1].s, it[i].s, it[i].len) == 0) {
			t[*n - 1].mask |= it[i].mask;
			continue;
		}
		t[(*n)++] = (struct ward_rgstr){ it[i].s, (uint32_t)it[i].len, UINT32_MAX, it[i].mask };
	}
	for (size_t i = 0, p = 0; p <= 256; p++) {
		while (i < nl && ward_rgroup_pair(l[i].s) < p)
			i++;
		at[p] = (uint16_t)i;
	}
	out->s = l;
	out->cnt = (uint32_t)nl;
	out->short_ = sh;
	out->short_cnt = (uint32_t)ns;
	out->at = at;
	for (size_t i = 0, distinct = 0; i < nl; i++) {
		unsigned char c = (unsigned char)l[i].s[0];

		if (!((out->first_set[c / 64] >> (c % 64)) & 1)) {
			if (distinct < WARD_RSUBS_FIRSTS)
				out->firsts[distinct] = c;
			distinct++;
		}
		out->first_set[c / 64] |= 1ull << (c % 64);
		out->firsts_cnt = distinct <= WARD_RSUBS_FIRSTS ? (uint8_t)distinct : 0;
	}
	return 0;
}

static struct ward_rgroup *group_make(struct ward_ruleset *rs, struct gbuild *b)
{
	struct ward_rgroup *g = ward_rules_arena_alloc(rs, sizeof(*g));
	uint32_t cnt[G_SUB];
	struct ward_rgstr *tab[G_SUB];

	if (!g)
		return NULL;
	for (uint32_t bit = 0; bit < b->tests_cnt; bit++)
		gitems_of(b, bit);
	for (int k = 0; k < G_SUB; k++) {
		tab[k] = gtable(rs, b, k, &cnt[k]);
		if (b->cnt[k] && !tab[k])
			return NULL;
	}
	if (b->cnt[G_SUB] && sub_tables(rs, b, G_SUB, &g->sub, &g->sub_tests) < 0)
		return NULL;
	if (b->cnt[G_ISUB] && sub_tables(rs, b, G_ISUB, &g->isub, &g->sub_tests) < 0)
		return NULL;
	g->fr = b->fr;
	g->exact = tab[G_EXACT];
	g->exact_cnt = cnt[G_EXACT];
	g->prefix = tab[G_PREFIX];
	g->prefix_cnt = cnt[G_PREFIX];
	g->suffix = tab[G_SUFFIX];
	g->suffix_cnt = cnt[G_SUFFIX];
	for (int k = 0; k < 2; k++) {
		const struct ward_rgstr *t = k ? g->suffix : g->prefix;
		uint64_t *set = k ? g->suffix_last : g->prefix_first;

		for (uint32_t i = 0; i < (k ? g->suffix_cnt : g->prefix_cnt); i++) {
			unsigned char c;

			if (!t[i].len) {
				memset(set, 0xff, 4 * sizeof(*set));
				break;
			}
			c = (unsigned char)t[i].s[k ? t[i].len - 1 : 0];
			set[c / 64] |= 1ull << (c % 64);
		}
	}
	/* without an index (too large for the arena) eval.c searches the sorted table */
	if (g->exact_cnt >= WARD_RSHASH_MIN)
		(void)ward_rshash_build(rs, g->exact, g->exact_cnt, &g->exact_hash);
	memcpy(g->tests, b->tests, b->tests_cnt * sizeof(b->tests[0]));
	g->tests_cnt = b->tests_cnt;
	return g;
}

/* Bit of comparison m in b, added if there is room; -1 if not. */
static int gbit(struct gbuild *b, const struct ward_rcmp *m)
{
	for (uint32_t i = 0; i < b->tests_cnt; i++)
		if (b->tests[i] == m)
			return (int)i;
	if (b->tests_cnt == 64 || b->sub_cnt + sub_cnt_of(m) > WARD_RGROUP_SUB_MAX)
		return -1;
	b->sub_cnt += sub_cnt_of(m);
	b->tests[b->tests_cnt] = m;
	return (int)b->tests_cnt++;
}

/* Turns the string tests of code on fields tested two or more ways into group tests. */
static void group_tests(struct ward_ruleset *rs, struct ward_rinsn *code, size_t cnt)
{
	struct gbuild *b = ward_xcalloc(WARD_RGROUP_MAX, sizeof(*b));
	struct ward_rgroup *made[WARD_RGROUP_MAX] = { 0 };
	int ids[WARD_RGROUP_MAX];
	size_t b_cnt = 0;
	int next = 0;

	for (size_t i = 0; i < cnt; i++) {
		const struct ward_rcmp *m = code[i].p;
		size_t k;

		if ((code[i].kind != WARD_RI_TEST && code[i].kind != WARD_RI_TEST_MEMO) || !groupable(m))
			continue;
		for (k = 0; k < b_cnt && !same_field(b[k].fr, &m->fr); k++)
			;
		if (k == b_cnt) {
			if (b_cnt == WARD_RGROUP_MAX)
				continue;
			b[b_cnt++].fr = &m->fr;
		}
		gbit(&b[k], m);
	}
	for (size_t k = 0; k < b_cnt; k++) {
		ids[k] = -1;
		if (b[k].tests_cnt < 2)
			continue;
		made[k] = group_make(rs, &b[k]);
		if (made[k])
			ids[k] = next++;
	}
	for (size_t i = 0; i < cnt; i++) {
		const struct ward_rcmp *m = code[i].p;
		size_t k;
		int bit;

		if ((code[i].kind != WARD_RI_TEST && code[i].kind != WARD_RI_TEST_MEMO) || !groupable(m))
			continue;
		for (k = 0; k < b_cnt && !same_field(b[k].fr, &m->fr); k++)
			;
		if (k == b_cnt || ids[k] < 0)
			continue;
		for (bit = 0; bit < (int)made[k]->tests_cnt && made[k]->tests[bit] != m; bit++)
			;
		if (bit == (int)made[k]->tests_cnt)
			continue;
		code[i].kind = WARD_RI_GROUP;
		code[i].arg = (uint32_t)ids[k] * 64 + (uint32_t)bit;
		code[i].p = made[k];
	}
	for (size_t k = 0; k < b_cnt; k++)
		for (int j = 0; j < G_KINDS; j++)
			free(b[k].items[j]);
	free(b);
}

void ward_rprogram_build(struct ward_ruleset *rs, size_t max_insns)
{
	struct pgen g = { .max = max_insns };

	for (size_t t = 0; t < WARD_RTYPE_CNT; t++) {
		free(rs->prog[t]);
		rs->prog[t] = NULL;
		rs->prog_cnt[t] = 0;
		if (!rs->plan_cnt[t])
			continue;
		g.cnt = 0;
		g.labels_cnt = 0;
		for (uint32_t i = 0; i < rs->plan_cnt[t]; i++) {
			struct ward_rplan *pl = &rs->plan[t][i];
			uint32_t match = label_new(&g), next = label_new(&g);

			pl->code = (uint32_t)g.cnt;
			gen(&g, pl->root, match, next);
			label_here(&g, match);
			emit(&g, WARD_RI_MATCH, pl->rule, next, next, NULL);
			label_here(&g, next);
		}
		emit(&g, WARD_RI_END, 0, 0, 0, NULL);
		for (size_t i = 0; i + 1 < g.cnt; i++) {
			g.code[i].on_true = g.labels[g.code[i].on_true];
			g.code[i].on_false = g.labels[g.code[i].on_false];
		}
		for (size_t i = 0; i < g.cnt; i++) {
			g.code[i].on_true = settle(g.code, g.code[i].on_true);
			g.code[i].on_false = settle(g.code, g.code[i].on_false);
		}
		group_tests(rs, g.code, g.cnt);
		for (uint32_t i = 0; i < rs->plan_cnt[t]; i++)
			rs->plan[t][i].code = settle(g.code, rs->plan[t][i].code);
		rs->prog[t] = ward_xreallocarray(NULL, g.cnt, sizeof(*g.code));
		memcpy(rs->prog[t], g.code, g.cnt * sizeof(*g.code));
		rs->prog_cnt[t] = (uint32_t)g.cnt;
	}
	free(g.code);
	free(g.labels);
}
