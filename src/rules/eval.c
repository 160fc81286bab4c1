// SPDX-License-Identifier: Apache-2.0
/*
 * Evaluation of compiled conditions against one event, and the per-event driver: find the
 * event's type bucket and run its program (the bucket's rules in load order, conditions
 * specialized for the type and compiled to jumps by program.c), render the output of the
 * ones that match and hand them to the caller. Nothing here allocates on a non-matching
 * event; the only shared writes are the relaxed atomic hit counters. Comparison with an
 * absent value is false (so "not" of it is true), as in Falco.
 */
#include "rules/rules_int.h"

#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include "events/event.h"

/* ASCII lowering, as tolower() does in the C locale ward runs in (compile.c lowers the
 * needle with tolower()); inline, where tolower() is a call per byte. */
static inline char lower(char c)
{
	return (unsigned char)c - 'A' < 26u ? (char)(c + ('a' - 'A')) : c;
}

static bool icontains(const char *h, size_t hlen, const char *n, size_t nlen)
{
	if (nlen == 0)
		return true;
	for (size_t i = 0; i + nlen <= hlen; i++) {
		size_t k = 1;

		if (lower(h[i]) != n[0])
			continue;
		while (k < nlen && lower(h[i + k]) == n[k])
			k++;
		if (k == nlen)
			return true;
	}
	return false;
}

/* Whether n (nlen > 0) occurs in h. The haystacks are short (paths, command lines), where
 * finding the first byte with memchr and comparing the rest beats memmem's setup. */
static bool has_sub(const char *h, size_t hlen, const char *n, size_t nlen)
{
	const char *p = h, *end = h + hlen;

	while (nlen <= (size_t)(end - p)) {
		p = memchr(p, n[0], (size_t)(end - p) - nlen + 1);
		if (!p)
			return false;
		if (memcmp(p + 1, n + 1, nlen - 1) == 0)
			return true;
		p++;
	}
	return false;
}

static int str_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int r;

	/* most probes of a sorted set differ in the first byte: no call for those */
	if (al && bl && a[0] != b[0])
		return (unsigned char)a[0] < (unsigned char)b[0] ? -1 : 1;
	r = memcmp(a, b, al < bl ? al : bl);

	return r ? r : (al < bl ? -1 : al > bl);
}

/* Binary search of a sorted string array. */
static bool sorted_has(const struct ward_rstr *v, size_t cnt, const char *s, size_t len)
{
	size_t lo = 0, hi = cnt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = str_cmp(v[mid].s, v[mid].len, s, len);

		if (r == 0)
			return true;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool in_strs(const struct ward_rcmp *m, const char *s, size_t len)
{
	return sorted_has(m->strs, m->set_cnt, s, len);
}

static bool in_nums(const struct ward_rcmp *m, int64_t v)
{
	size_t lo = 0, hi = m->set_cnt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->nums[mid] == v)
			return true;
		if (m->nums[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool in_net(const struct ward_rnet *n, const uint8_t *addr, size_t len)
{
	unsigned full = n->prefix / 8, rest = n->prefix % 8;

	if (len != n->family_len)
		return false;
	if (memcmp(n->addr, addr, full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		return (n->addr[full] & mask) == (addr[full] & mask);
	}
	return true;
}

/* Path-prefix match: /etc matches /etc and /etc/passwd but not /etcfoo. */
static bool pmatch(const struct ward_rcmp *m, const char *s, size_t len)
{
	for (size_t i = 0; i < m->set_cnt; i++) {
		const struct ward_rstr *p = &m->strs[i];

		if (len < p->len || memcmp(s, p->s, p->len) != 0)
			continue;
		if (len == p->len || s[p->len] == '/' || (p->len == 1 && p->s[0] == '/'))
			return true;
	}
	return false;
}

bool ward_rmulti_match(const struct ward_rmulti *mu, const char *s, size_t len)
{
	if (sorted_has(mu->exact, mu->exact_cnt, s, len))
		return true;
	for (size_t i = 0; i < mu->prefix_cnt; i++) {
		const struct ward_rstr *p = &mu->prefix[i];

		if (len >= p->len && (!p->len || s[0] == p->s[0]) && memcmp(s, p->s, p->len) == 0)
			return true;
	}
	for (size_t i = 0; i < mu->suffix_cnt; i++) {
		const struct ward_rstr *p = &mu->suffix[i];

		if (len >= p->len && (!p->len || s[len - 1] == p->s[p->len - 1]) &&
		    memcmp(s + len - p->len, p->s, p->len) == 0)
			return true;
	}
	for (size_t i = 0; i < mu->infix_cnt; i++) {
		const struct ward_rstr *p = &mu->infix[i];

		if (p->len == 0 || has_sub(s, len, p->s, p->len))
			return true;
	}
	return false;
}

/* Order of a and b read from their last bytes backwards (how suffix tables are sorted). */
static int rev_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	const char *p = a + al, *q = b + bl;

	for (size_t n = al < bl ? al : bl; n; n--) {
		unsigned char x = (unsigned char)*--p, y = (unsigned char)*--q;

		if (x != y)
			return x < y ? -1 : 1;
	}
	return al < bl ? -1 : al > bl;
}

/* Mask of the entries of a prefix (rev: suffix) table that s starts (ends) with. Entries
 * are sorted; the longest one that s starts with, if any, is on the chain of up links from
 * the last entry not greater than s (every entry between it and s also starts with it), and
 * its mask covers the shorter ones. */
static uint64_t affix_mask(const struct ward_rgstr *t, uint32_t cnt, const char *s, size_t len,
			   bool rev)
{
	size_t lo = 0, hi = cnt;
	uint32_t i;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = rev ? rev_cmp(t[mid].s, t[mid].len, s, len) :
			      str_cmp(t[mid].s, t[mid].len, s, len);

		if (r <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	for (i = (uint32_t)lo - 1; i != UINT32_MAX; i = t[i].up) {
		const struct ward_rgstr *e = &t[i];

		if (e->len <= len && memcmp(rev ? s + len - e->len : s, e->s, e->len) == 0)
			return e->mask;
	}
	return 0;
}

uint64_t ward_rgroup_match_affix(const struct ward_rgroup *g, const char *s, size_t len)
{
	uint64_t bits = 0;
	size_t lo = 0, hi = g->exact_cnt;

	if (g->exact_hash.slot) {
		uint32_t i = ward_rshash_find(&g->exact_hash, g->exact, s, len);

		if (i != UINT32_MAX)
			bits = g->exact[i].mask;
		hi = 0; /* no binary search */
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = str_cmp(g->exact[mid].s, g->exact[mid].len, s, len);

		if (r == 0) {
			bits = g->exact[mid].mask;
			break;
		}
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* an empty value can only match empty affixes, which put every byte in the sets */
	if (g->prefix_cnt && (!len || ((g->prefix_first[(unsigned char)s[0] / 64] >>
					((unsigned char)s[0] % 64)) & 1)))
		bits |= affix_mask(g->prefix, g->prefix_cnt, s, len, false);
	if (g->suffix_cnt && (!len || ((g->suffix_last[(unsigned char)s[len - 1] / 64] >>
					 ((unsigned char)s[len - 1] % 64)) & 1)))
		bits |= affix_mask(g->suffix, g->suffix_cnt, s, len, true);
	return bits;
}

/* Adds the masks of the needles of t found at s + i; true once all of want hold. */
static inline bool subs_at(const struct ward_rsubs *t, const char *s, size_t len, size_t i,
			   uint64_t *bits, uint64_t want)
{
	unsigned b = ward_rgroup_pair(s + i);

	for (uint32_t k = t->at[b]; k < t->at[b + 1]; k++) {
		const struct ward_rgstr *n = &t->s[k];

		if (n->len <= len - i && n->s[0] == s[i] && n->s[1] == s[i + 1] &&
		    memcmp(s + i + 2, n->s + 2, n->len - 2) == 0) {
			*bits |= n->mask;
			if ((*bits & want) == want)
				return true;
		}
	}
	return false;
}

/* Masks of the needles of t found in s, in one pass: at each position only the needles whose
 * first two bytes fall in the position's bucket are compared. Stops once all of want hold. */
static uint64_t subs_scan(const struct ward_rsubs *t, const char *s, size_t len, uint64_t want)
{
	uint64_t bits = 0;

	for (uint32_t i = 0; i < t->short_cnt; i++) {
		const struct ward_rgstr *n = &t->short_[i];

		if (!n->len || memchr(s, n->s[0], len))
			bits |= n->mask;
	}
	if (!t->cnt || len < 2)
		return bits;
	if (t->firsts_cnt) {
		/* few first bytes ('/' of paths): memchr from one occurrence to the next */
		for (unsigned f = 0; f < t->firsts_cnt; f++) {
			const char *p = s, *end = s + len - 1;

			while (p < end && (p = memchr(p, t->firsts[f], (size_t)(end - p)))) {
				if (subs_at(t, s, len, (size_t)(p - s), &bits, want))
					return bits;
				p++;
			}
		}
		return bits;
	}
	for (size_t i = 0; i < len - 1; i++) {
		unsigned char c = (unsigned char)s[i];

		/* no needle starts at most positions */
		if (((t->first_set[c / 64] >> (c % 64)) & 1) && subs_at(t, s, len, i, &bits, want))
			return bits;
	}
	return bits;
}

/* Masks of the lowercase needles of t that s contains ignoring ASCII case. */
static uint64_t isubs_scan(const struct ward_rsubs *t, const char *s, size_t len, uint64_t want)
{
	char low[WARD_RX_TMP];
	uint64_t bits = 0;

	if (len <= sizeof(low)) {
		for (size_t i = 0; i < len; i++)
			low[i] = lower(s[i]);
		return subs_scan(t, low, len, want);
	}
	/* longer than any extracted value should be: each needle on its own */
	for (uint32_t i = 0; i < t->cnt; i++)
		if (icontains(s, len, t->s[i].s, t->s[i].len))
			bits |= t->s[i].mask;
	for (uint32_t i = 0; i < t->short_cnt; i++)
		if (icontains(s, len, t->short_[i].s, t->short_[i].len))
			bits |= t->short_[i].mask;
	return bits;
}

uint64_t ward_rgroup_match_sub(const struct ward_rgroup *g, const char *s, size_t len)
{
	uint64_t bits = 0;

	if (g->sub.cnt || g->sub.short_cnt)
		bits = subs_scan(&g->sub, s, len, g->sub_tests);
	if (g->isub.cnt || g->isub.short_cnt)
		bits |= isubs_scan(&g->isub, s, len, g->sub_tests & ~bits);
	return bits;
}

uint64_t ward_rgroup_match(const struct ward_rgroup *g, const char *s, size_t len)
{
	return ward_rgroup_match_affix(g, s, len) | ward_rgroup_match_sub(g, s, len);
}

/* Group id's bitmap for the event: the tables at its first test, the substrings (sub) at
 * the first test that needs them. An absent field makes every test false (a comparison with
 * an absent value is false). */
static __attribute__((noinline)) void eval_group(const struct ward_rgroup *g, uint32_t id,
						 struct ward_rx *x, bool sub)
{
	struct ward_rval v;
	char num[32];
	const char *s;
	size_t len;

	if (!((x->grp_done >> id) & 1))
		x->grp_bits[id] = 0;
	if (ward_rfield_extract(x, g->fr, 0, &v)) {
		s = ward_rval_str(&v, num, sizeof(num), &len);
		if (sub)
			x->grp_bits[id] |= ward_rgroup_match_sub(g, s, len);
		else
			x->grp_bits[id] = ward_rgroup_match_affix(g, s, len);
	}
	if (sub)
		x->grp_sub_done |= 1ull << id;
	x->grp_done |= 1ull << id;
}

static __thread pcre2_match_data *re_md;

static bool match_value(const struct ward_rcmp *m, const struct ward_rval *v)
{
	char num[32];
	const char *s;
	size_t len;
	int r;

	if (m->cv == WARD_RCV_NUM && v->is_num) {
		switch (m->op) {
		case WARD_OP_EQ: return v->n == m->n;
		case WARD_OP_NE: return v->n != m->n;
		case WARD_OP_LT: return v->n < m->n;
		case WARD_OP_LE: return v->n <= m->n;
		case WARD_OP_GT: return v->n > m->n;
		case WARD_OP_GE: return v->n >= m->n;
		default: return false;
		}
	}
	if (m->cv == WARD_RCV_NUMSET)
		return v->is_num && in_nums(m, v->n);
	if (m->cv == WARD_RCV_NETS) {
		bool hit = false;

		for (size_t i = 0; i < m->set_cnt && !hit; i++)
			hit = in_net(&m->nets[i], (const uint8_t *)v->s, v->len);
		return m->op == WARD_OP_NE ? !hit : hit;
	}
	s = ward_rval_str(v, num, sizeof(num), &len);
	if (m->cv == WARD_RCV_MULTI)
		return ward_rmulti_match(m->multi, s, len);
	switch (m->op) {
	case WARD_OP_EQ:
		return len == m->len && memcmp(s, m->s, len) == 0;
	case WARD_OP_NE:
		return !(len == m->len && memcmp(s, m->s, len) == 0);
	case WARD_OP_LT: return str_cmp(s, len, m->s, m->len) < 0;
	case WARD_OP_LE: return str_cmp(s, len, m->s, m->len) <= 0;
	case WARD_OP_GT: return str_cmp(s, len, m->s, m->len) > 0;
	case WARD_OP_GE: return str_cmp(s, len, m->s, m->len) >= 0;
	case WARD_OP_IN:
	case WARD_OP_INTERSECTS:
		return in_strs(m, s, len);
	case WARD_OP_PMATCH:
		return pmatch(m, s, len);
	case WARD_OP_CONTAINS:
		return m->len == 0 || has_sub(s, len, m->s, m->len);
	case WARD_OP_ICONTAINS:
		return icontains(s, len, m->s, m->len);
	case WARD_OP_STARTSWITH:
		return len >= m->len && (!m->len || s[0] == m->s[0]) && memcmp(s, m->s, m->len) == 0;
	case WARD_OP_ENDSWITH:
		return len >= m->len && (!m->len || s[len - 1] == m->s[m->len - 1]) &&
		       memcmp(s + len - m->len, m->s, m->len) == 0;
	case WARD_OP_GLOB:
		/* extracted strings are NUL-terminated; '*' crosses '/', as in Falco */
		return fnmatch(m->s, s, 0) == 0;
	case WARD_OP_REGEX:
		if (!re_md) {
			/* one per thread, created on first use and kept: one ovector pair is
			 * enough to learn whether it matched */
			re_md = pcre2_match_data_create(1, NULL);
			if (!re_md)
				return false;
		}
		r = pcre2_match(m->re, (PCRE2_SPTR)s, len, 0, 0, re_md, NULL);
		return r >= 0;
	default:
		return false;
	}
}

bool ward_rcmp_match(const struct ward_rcmp *m, const struct ward_rval *v)
{
	return m->op == WARD_OP_EXISTS || match_value(m, v);
}

/* Kept out of line: its locals would otherwise enlarge the frame of every recursive
 * ward_rnode_eval call, including the AND/OR nodes that never compare anything. */
static __attribute__((noinline)) bool eval_cmp(const struct ward_rcmp *m, struct ward_rx *x)
{
	struct ward_rval v;

	if (m->cv == WARD_RCV_TYPES) {
		bool in = x->type_id >= 0 && ((m->types[x->type_id / 64] >> (x->type_id % 64)) & 1);

		return m->op == WARD_OP_NE ? !in : in;
	}
	for (unsigned i = 0; i <= WARD_RULES_ANAME_DEPTH; i++) {
		if (!ward_rfield_extract(x, &m->fr, i, &v))
			return false;
		if (m->op == WARD_OP_EXISTS || match_value(m, &v))
			return true;
		if (!m->fr.f->multi)
			return false;
	}
	return false;
}

/* A child of AND/OR: a result already in the memo or an evt.type bitmap test is answered
 * here, without the call (most children of a rule's top AND are one or the other). */
static inline bool eval_kid(const struct ward_rnode *k, struct ward_rx *x)
{
	if (k->memo != UINT32_MAX && (x->memo_done[k->memo / 64] >> (k->memo % 64)) & 1)
		return (x->memo_val[k->memo / 64] >> (k->memo % 64)) & 1;
	if (k->kind == WARD_RN_CMP) {
		if (k->cmp.cv == WARD_RCV_TYPES) {
			bool in = x->type_id >= 0 &&
				  ((k->cmp.types[x->type_id / 64] >> (x->type_id % 64)) & 1);

			return k->cmp.op == WARD_OP_NE ? !in : in;
		}
		/* a comparison no other rule shares: no call through the node */
		if (k->memo == UINT32_MAX)
			return eval_cmp(&k->cmp, x);
	}
	return ward_rnode_eval(k, x);
}

bool ward_rnode_eval(const struct ward_rnode *n, struct ward_rx *x)
{
	switch (n->kind) {
	case WARD_RN_AND:
		for (uint32_t i = 0; i < n->kids_cnt; i++)
			if (!eval_kid(n->kids[i], x))
				return false;
		return true;
	case WARD_RN_OR:
		for (uint32_t i = 0; i < n->kids_cnt; i++)
			if (eval_kid(n->kids[i], x))
				return true;
		return false;
	case WARD_RN_NOT:
		return !ward_rnode_eval(n->kids[0], x);
	case WARD_RN_CMP: {
		uint64_t bit = 1ull << (n->memo % 64);
		size_t w = n->memo / 64;
		bool r;

		if (n->cmp.cv == WARD_RCV_TYPES) {
			bool in = x->type_id >= 0 &&
				  ((n->cmp.types[x->type_id / 64] >> (x->type_id % 64)) & 1);

			return n->cmp.op == WARD_OP_NE ? !in : in;
		}
		if (n->memo == UINT32_MAX)
			return eval_cmp(&n->cmp, x);
		/* a comparison other rules share: once per event */
		if (x->memo_done[w] & bit)
			return x->memo_val[w] & bit;
		r = eval_cmp(&n->cmp, x);
		x->memo_done[w] |= bit;
		x->memo_val[w] = r ? x->memo_val[w] | bit : x->memo_val[w] & ~bit;
		return r;
	}
	case WARD_RN_TRUE:
		return true;
	case WARD_RN_MEMO: {
		uint64_t bit = 1ull << (n->memo % 64);
		size_t w = n->memo / 64;
		bool r;

		if (n->memo == UINT32_MAX)
			return ward_rnode_eval(n->kids[0], x);
		if (x->memo_done[w] & bit)
			return x->memo_val[w] & bit;
		r = ward_rnode_eval(n->kids[0], x);
		x->memo_done[w] |= bit;
		x->memo_val[w] = r ? x->memo_val[w] | bit : x->memo_val[w] & ~bit;
		return r;
	}
	default:
		return false;
	}
}

/* Reports a matched rule to fn; returns fn's answer (nonzero: stop). */
static __attribute__((noinline)) int report(const struct ward_ruleset *rs, uint32_t rule,
					    struct ward_rx *x, ward_rule_match_fn fn, void *arg)
{
	struct ward_rrule *r = &rs->rules[rule];
	struct ward_rule_match m;

	atomic_fetch_add_explicit(&r->hits, 1, memory_order_relaxed);
	if (!fn)
		return 0;
	memset(&m, 0, sizeof(m));
	m.index = rule;
	m.rule = r->name;
	m.priority = r->info.priority;
	m.source = r->source;
	m.tags = (const char *const *)r->tags;
	m.tags_cnt = r->tags_cnt;
	m.actions = r->info.actions;
	if (ward_rout_render(r->out, x, &m.output, &m.fields, &m.fields_cnt) < 0) {
		m.output = r->output;
		m.fields = NULL;
		m.fields_cnt = 0;
	}
	return fn(&m, arg);
}

static inline void memo_put(struct ward_rx *x, uint32_t id, bool r)
{
	uint64_t bit = 1ull << (id % 64);
	size_t w = id / 64;

	x->memo_done[w] |= bit;
	x->memo_val[w] = r ? x->memo_val[w] | bit : x->memo_val[w] & ~bit;
}

int ward_rules_eval(const struct ward_ruleset *rs, const struct ward_event *ev,
		    struct ward_proc_table *pt, ward_rule_match_fn fn, void *arg)
{
	struct ward_rx x;
	const struct ward_rinsn *code;
	uint32_t pc = 0;
	int matches = 0;

	if (!rs || !ev || !ev->raw)
		return -EINVAL;
	ward_rx_init(&x, rs, ev, pt);
	if (x.type_id < 0)
		return 0;
	code = rs->prog[x.type_id];
	if (!code)
		return 0;
	/* the bucket's program (program.c): each instruction says where to go next */
	for (;;) {
		const struct ward_rinsn *in = &code[pc];
		uint32_t id = in->arg;
		bool r;

		switch (in->kind) {
		case WARD_RI_TEST:
			r = eval_cmp(in->p, &x);
			break;
		case WARD_RI_TEST_MEMO:
			if ((x.memo_done[id / 64] >> (id % 64)) & 1) {
				r = (x.memo_val[id / 64] >> (id % 64)) & 1;
			} else {
				r = eval_cmp(in->p, &x);
				memo_put(&x, id, r);
			}
			break;
		case WARD_RI_MEMO:
			if (!((x.memo_done[id / 64] >> (id % 64)) & 1)) {
				pc++;
				continue;
			}
			r = (x.memo_val[id / 64] >> (id % 64)) & 1;
			break;
		case WARD_RI_SET_TRUE:
		case WARD_RI_SET_FALSE:
			r = in->kind == WARD_RI_SET_TRUE;
			memo_put(&x, id, r);
			break;
		case WARD_RI_GROUP: {
			const struct ward_rgroup *g = in->p;

			if (!((x.grp_done >> (id / 64)) & 1))
				eval_group(g, id / 64, &x, false);
			r = (x.grp_bits[id / 64] >> (id % 64)) & 1;
			/* not by the tables: its substrings, if it has any, searched once */
			if (!r && ((g->sub_tests >> (id % 64)) & 1) && !((x.grp_sub_done >> (id / 64)) & 1)) {
				eval_group(g, id / 64, &x, true);
				r = (x.grp_bits[id / 64] >> (id % 64)) & 1;
			}
			break;
		}
		case WARD_RI_NODE:
			r = ward_rnode_eval(in->p, &x);
			break;
		case WARD_RI_MATCH:
			matches++;
			if (report(rs, id, &x, fn, arg))
				return matches;
			r = true;
			break;
		case WARD_RI_JUMP:
			r = true;
			break;
		default:
			return matches;
		}
		pc = r ? in->on_true : in->on_false;
	}
}
