// SPDX-License-Identifier: Apache-2.0
/*
 * Maven version ordering (the "Version Order Specification" of the POM reference, as
 * ComparableVersion implements it): the string is split into numbers and qualifiers at '.',
 * '-' and digit/letter transitions; '-' and transitions open a nested list, and so does a
 * qualifier that follows a '.' (".foo" == "-foo"). Trailing "null" items (0, "", "ga",
 * "final", "release") are dropped from each list. Numbers beat lists beat qualifiers;
 * qualifiers order alpha < beta < milestone < rc = cr < snapshot < "" = ga = final < sp <
 * anything else (lexically); "a1", "b1", "m1" are alpha 1, beta 1, milestone 1.
 * Not Maven's range syntax ([1.0,2.0)); not the resolver's GenericVersion.
 */
#include "vulndb/version.h"

#include <ctype.h>
#include <string.h>

#include "common/err.h"
#include "common/limits.h"

enum mvn_kind { MVN_INT, MVN_STR, MVN_LIST };

struct mvn_item {
	enum mvn_kind kind;
	const char *p;  /* INT: digits without leading zeros; STR: qualifier (lower case) */
	size_t len;
	int qual;       /* STR: rank in the known-qualifier table, or MVN_Q_OTHER */
	int first;      /* LIST: index of first child, -1 if empty */
	int next;       /* next sibling, -1 */
	int parent;
};

/* Items never outnumber input characters plus the lists opened for them. */
#define MVN_MAX_ITEMS (2 * WARD_VERSION_MAX_LEN + 4)
#define MVN_Q_RELEASE 5
#define MVN_Q_OTHER 7

struct mvn_ver {
	struct mvn_item it[MVN_MAX_ITEMS];
	int cnt;
	char low[WARD_VERSION_MAX_LEN + 1];
};

static const char *const mvn_quals[] = { "alpha", "beta", "milestone", "rc", "snapshot", "", "sp" };

static int mvn_new(struct mvn_ver *v, enum mvn_kind kind, int parent)
{
	struct mvn_item *it;
	int idx;

	if (v->cnt >= MVN_MAX_ITEMS)
		return -1;
	idx = v->cnt++;
	it = &v->it[idx];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->first = it->next = -1;
	it->parent = parent;
	if (parent >= 0) {
		int *link = &v->it[parent].first;

		while (*link >= 0)
			link = &v->it[*link].next;
		*link = idx;
	}
	return idx;
}

static void mvn_set_str(struct mvn_item *it, const char *p, size_t len, int followed_by_digit)
{
	/* Single-letter shorthands count only right before a number ("a1" but not "a"). */
	if (followed_by_digit && len == 1) {
		if (*p == 'a') { p = "alpha"; len = 5; }
		else if (*p == 'b') { p = "beta"; len = 4; }
		else if (*p == 'm') { p = "milestone"; len = 9; }
	}
	if ((len == 2 && !memcmp(p, "ga", 2)) || (len == 5 && !memcmp(p, "final", 5)) ||
	    (len == 7 && !memcmp(p, "release", 7))) {
		p = "";
		len = 0;
	} else if (len == 2 && !memcmp(p, "cr", 2)) {
		p = "rc";
		len = 2;
	}
	it->p = p;
	it->len = len;
	it->qual = MVN_Q_OTHER;
	for (int k = 0; k < (int)(sizeof(mvn_quals) / sizeof(mvn_quals[0])); k++)
		if (strlen(mvn_quals[k]) == len && !memcmp(mvn_quals[k], p, len))
			it->qual = k;
}

/* Adds the token [p, p+len) to list `cur`; returns the list to continue in. */
static int mvn_add(struct mvn_ver *v, int cur, const char *p, size_t len, int is_digit,
		   int followed_by_digit)
{
	int idx;

	if (!is_digit && v->it[cur].first >= 0) {
		/* A qualifier after '.' behaves as after '-': it starts a nested list. */
		cur = mvn_new(v, MVN_LIST, cur);
		if (cur < 0)
			return -1;
	}
	idx = mvn_new(v, is_digit ? MVN_INT : MVN_STR, cur);
	if (idx < 0)
		return -1;
	if (is_digit) {
		while (len > 1 && *p == '0') {
			p++;
			len--;
		}
		if (len == 1 && *p == '0')
			len = 0;
		v->it[idx].p = p;
		v->it[idx].len = len;
	} else {
		mvn_set_str(&v->it[idx], p, len, followed_by_digit);
	}
	return cur;
}

static int mvn_is_null(const struct mvn_ver *v, int idx)
{
	const struct mvn_item *it = &v->it[idx];

	switch (it->kind) {
	case MVN_INT: return it->len == 0;
	case MVN_STR: return it->qual == MVN_Q_RELEASE;
	case MVN_LIST: return it->first < 0;
	}
	return 0;
}

/* Drops trailing null items, walking back over non-empty lists as ComparableVersion does;
 * children are normalized first so an emptied list counts as null. */
static void mvn_normalize(struct mvn_ver *v, int list)
{
	int stop = -1, *link;

	/* Null items after the last plain (non-list, non-null) item are dropped; nothing at or
	 * before it is. */
	for (int c = v->it[list].first; c >= 0; c = v->it[c].next) {
		if (v->it[c].kind == MVN_LIST)
			mvn_normalize(v, c);
		else if (!mvn_is_null(v, c))
			stop = c;
	}
	int seen_stop = stop < 0;

	link = &v->it[list].first;
	for (int c = v->it[list].first; c >= 0; c = v->it[c].next) {
		if (!seen_stop || !mvn_is_null(v, c)) {
			*link = c;
			link = &v->it[c].next;
		}
		if (c == stop)
			seen_stop = 1;
	}
	*link = -1;
}

static int mvn_parse(const char *s, struct mvn_ver *v)
{
	size_t len = strlen(s), start = 0;
	int cur, is_digit = 0;

	if (!len || len > WARD_VERSION_MAX_LEN)
		return -WARD_E_SYNTAX;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isgraph(c))
			return -WARD_E_SYNTAX;
		v->low[i] = (char)tolower(c);
	}
	v->low[len] = 0;
	v->cnt = 0;
	cur = mvn_new(v, MVN_LIST, -1);
	s = v->low;
	for (size_t i = 0; i < len && cur >= 0; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.' || c == '-') {
			if (i == start)
				cur = mvn_add(v, cur, "0", 1, 1, 0);
			else
				cur = mvn_add(v, cur, s + start, i - start, is_digit, 0);
			start = i + 1;
			if (c == '-' && cur >= 0)
				cur = mvn_new(v, MVN_LIST, cur);
			is_digit = 0;
		} else if (isdigit(c)) {
			if (!is_digit && i > start) {
				cur = mvn_add(v, cur, s + start, i - start, 0, 1);
				start = i;
				if (cur >= 0)
					cur = mvn_new(v, MVN_LIST, cur);
			}
			is_digit = 1;
		} else {
			if (is_digit && i > start) {
				cur = mvn_add(v, cur, s + start, i - start, 1, 0);
				start = i;
				if (cur >= 0)
					cur = mvn_new(v, MVN_LIST, cur);
			}
			is_digit = 0;
		}
	}
	if (cur >= 0 && len > start)
		cur = mvn_add(v, cur, s + start, len - start, is_digit, 0);
	if (cur < 0)
		return -WARD_E_LIMIT;
	mvn_normalize(v, 0);
	return 0;
}

static int mvn_cmp_item(const struct mvn_ver *va, int a, const struct mvn_ver *vb, int b);

/* Compares item a with "nothing" (the other list ran out). */
static int mvn_cmp_null(const struct mvn_ver *v, int a)
{
	const struct mvn_item *it = &v->it[a];

	switch (it->kind) {
	case MVN_INT: return it->len ? 1 : 0;
	case MVN_STR: return WARD_SIGN(it->qual - MVN_Q_RELEASE);
	case MVN_LIST: return it->first < 0 ? 0 : mvn_cmp_null(v, it->first);
	}
	return 0;
}

static int mvn_cmp_str(const struct mvn_item *x, const struct mvn_item *y)
{
	if (x->qual != y->qual)
		return x->qual < y->qual ? -1 : 1;
	if (x->qual != MVN_Q_OTHER)
		return 0;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->p, y->p, n);

	if (r)
		return WARD_SIGN(r);
	return x->len == y->len ? 0 : x->len < y->len ? -1 : 1;
}

static int mvn_cmp_list(const struct mvn_ver *va, int a, const struct mvn_ver *vb, int b)
{
	int x = va->it[a].first, y = vb->it[b].first;

	while (x >= 0 || y >= 0) {
		int r;

		if (x < 0)
			r = -mvn_cmp_null(vb, y);
		else if (y < 0)
			r = mvn_cmp_null(va, x);
		else
			r = mvn_cmp_item(va, x, vb, y);
		if (r)
			return r;
		if (x >= 0)
			x = va->it[x].next;
		if (y >= 0)
			y = vb->it[y].next;
	}
	return 0;
}

static int mvn_cmp_item(const struct mvn_ver *va, int a, const struct mvn_ver *vb, int b)
{
	const struct mvn_item *x = &va->it[a], *y = &vb->it[b];

	if (x->kind != y->kind) {
		/* number > list > qualifier */
		static const int weight[] = { [MVN_INT] = 2, [MVN_LIST] = 1, [MVN_STR] = 0 };

		return weight[x->kind] > weight[y->kind] ? 1 : -1;
	}
	switch (x->kind) {
	case MVN_INT: return ward_ver_numcmp(x->p, x->len, y->p, y->len);
	case MVN_STR: return mvn_cmp_str(x, y);
	case MVN_LIST: return mvn_cmp_list(va, a, vb, b);
	}
	return 0;
}

int ward_vercmp_maven(const char *a, const char *b, int *err)
{
	/* ~10 KiB each: fine on the stack of a scanner thread, avoids allocation per compare. */
	struct mvn_ver va, vb;

	*err = mvn_parse(a, &va);
	if (!*err)
		*err = mvn_parse(b, &vb);
	if (*err)
		return 0;
	return mvn_cmp_list(&va, 0, &vb, 0);
}
