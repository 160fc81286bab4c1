// SPDX-License-Identifier: Apache-2.0
/*
 * RubyGems version ordering (Gem::Version): the string is cut into segments at '.' and at
 * digit/letter boundaries ("1.0.b1" -> 1, 0, "b", 1); a '-' means ".pre." ("1.0-1" ->
 * 1.0.pre.1). Trailing zero segments of the release part and of the pre-release part are
 * ignored (1.0 == 1, 1.0.a == 1.a); missing segments count as 0; a letter segment is older
 * than any number (so any letter makes a pre-release: 1.0.a < 1.0); letters compare as
 * strings. Not Gem::Requirement (~> and friends).
 */
#include "vulndb/version.h"

#include <ctype.h>
#include <string.h>

#include "common/err.h"
#include "common/limits.h"

#define GEM_MAX_SEGS (WARD_VERSION_MAX_LEN + 1)

struct gem_seg {
	const char *p;
	size_t len;
	int is_num;
};

struct gem_ver {
	struct gem_seg seg[GEM_MAX_SEGS];
	int cnt;
};

static int gem_push(struct gem_ver *v, const char *p, size_t len, int is_num)
{
	if (v->cnt >= GEM_MAX_SEGS)
		return -WARD_E_LIMIT;
	v->seg[v->cnt].p = p;
	v->seg[v->cnt].len = len;
	v->seg[v->cnt].is_num = is_num;
	v->cnt++;
	return 0;
}

static int gem_is_zero(const struct gem_seg *s)
{
	if (!s->is_num)
		return 0;
	for (size_t i = 0; i < s->len; i++)
		if (s->p[i] != '0')
			return 0;
	return 1;
}

static int gem_parse(const char *s, struct gem_ver *v)
{
	static const char pre[] = "pre";
	size_t i = 0, len;
	int err;

	v->cnt = 0;
	while (isspace((unsigned char)s[i]))
		i++;
	len = strlen(s);
	while (len > i && isspace((unsigned char)s[len - 1]))
		len--;
	/* Gem::Version accepts digits, letters, '.', '-' and must start with a digit. */
	if (i >= len || !isdigit((unsigned char)s[i]))
		return -WARD_E_SYNTAX;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t st = i;

		if (c == '.') {
			i++;
			continue;
		}
		if (c == '-') {
			if ((err = gem_push(v, pre, 3, 0)))
				return err;
			i++;
			continue;
		}
		if (isdigit(c)) {
			while (i < len && isdigit((unsigned char)s[i]))
				i++;
			if ((err = gem_push(v, s + st, i - st, 1)))
				return err;
		} else if (isalpha(c)) {
			while (i < len && isalpha((unsigned char)s[i]))
				i++;
			if ((err = gem_push(v, s + st, i - st, 0)))
				return err;
		} else {
			return -WARD_E_SYNTAX;
		}
	}
	/* Canonical form: drop zeros at the end of the release part and of the whole. */
	int first_str = v->cnt;

	for (int k = 0; k < v->cnt; k++)
		if (!v->seg[k].is_num) {
			first_str = k;
			break;
		}
	int end = v->cnt;

	while (end > first_str && gem_is_zero(&v->seg[end - 1]))
		end--;
	int rel_end = first_str;

	while (rel_end > 0 && gem_is_zero(&v->seg[rel_end - 1]))
		rel_end--;
	if (rel_end < first_str) {
		memmove(&v->seg[rel_end], &v->seg[first_str],
			(size_t)(end - first_str) * sizeof(v->seg[0]));
		end -= first_str - rel_end;
	}
	v->cnt = end;
	return 0;
}

int ward_vercmp_rubygems(const char *a, const char *b, int *err)
{
	static struct gem_seg zero = { "0", 1, 1 };
	struct gem_ver va, vb;
	int n;

	*err = gem_parse(a, &va);
	if (!*err)
		*err = gem_parse(b, &vb);
	if (*err)
		return 0;
	n = va.cnt > vb.cnt ? va.cnt : vb.cnt;
	for (int k = 0; k < n; k++) {
		const struct gem_seg *x = k < va.cnt ? &va.seg[k] : &zero;
		const struct gem_seg *y = k < vb.cnt ? &vb.seg[k] : &zero;
		int r;

		if (x->is_num != y->is_num)
			return x->is_num ? 1 : -1;
		if (x->is_num) {
			r = ward_ver_numcmp(x->p, x->len, y->p, y->len);
		} else {
			size_t m = x->len < y->len ? x->len : y->len;

			r = memcmp(x->p, y->p, m);
			if (!r && x->len != y->len)
				r = x->len < y->len ? -1 : 1;
		}
		if (r)
			return WARD_SIGN(r);
	}
	return 0;
}
