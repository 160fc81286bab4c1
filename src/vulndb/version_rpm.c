// SPDX-License-Identifier: Apache-2.0
/*
 * RPM version ordering ([epoch:]version[-release]) with rpmvercmp segment rules: strings
 * split into alternating digit and letter segments, separators ignored, digits newer than
 * letters, '~' older than anything (even the end), '^' newer than the end but older than any
 * further segment. Used for Red Hat, AlmaLinux, Rocky and SUSE records.
 * Not rpm's dependency-range logic: a missing release compares equal to any release only in
 * the sense rpm gives it (see ward_vercmp_rpm).
 */
#include "vulndb/version.h"

#include <ctype.h>
#include <string.h>

#include "common/err.h"

static int rpm_sep(unsigned char c)
{
	return c && !isalnum(c) && c != '~' && c != '^';
}

static int rpm_segcmp(const char *a, size_t al, const char *b, size_t bl)
{
	size_t i = 0, j = 0;

	if (al == bl && !memcmp(a, b, al))
		return 0;
	while (i < al || j < bl) {
		while (i < al && rpm_sep((unsigned char)a[i]))
			i++;
		while (j < bl && rpm_sep((unsigned char)b[j]))
			j++;
		/* Tilde: pre-release, older than whatever the other side has, even nothing. */
		if ((i < al && a[i] == '~') || (j < bl && b[j] == '~')) {
			if (i >= al || a[i] != '~')
				return 1;
			if (j >= bl || b[j] != '~')
				return -1;
			i++;
			j++;
			continue;
		}
		/* Caret: post-release snapshot, newer than the end, older than a real segment. */
		if ((i < al && a[i] == '^') || (j < bl && b[j] == '^')) {
			if (i >= al)
				return -1;
			if (j >= bl)
				return 1;
			if (a[i] != '^')
				return 1;
			if (b[j] != '^')
				return -1;
			i++;
			j++;
			continue;
		}
		if (i >= al || j >= bl)
			break;
		size_t as = i, bs = j;
		int isnum = isdigit((unsigned char)a[i]);

		if (isnum) {
			while (i < al && isdigit((unsigned char)a[i]))
				i++;
			while (j < bl && isdigit((unsigned char)b[j]))
				j++;
		} else {
			while (i < al && isalpha((unsigned char)a[i]))
				i++;
			while (j < bl && isalpha((unsigned char)b[j]))
				j++;
		}
		/* Segments of different kinds: a number is newer than letters. */
		if (j == bs)
			return isnum ? 1 : -1;
		int r;

		if (isnum) {
			r = ward_ver_numcmp(a + as, i - as, b + bs, j - bs);
		} else {
			size_t n = (i - as) < (j - bs) ? (i - as) : (j - bs);

			r = memcmp(a + as, b + bs, n);
			if (!r && (i - as) != (j - bs))
				r = (i - as) < (j - bs) ? -1 : 1;
		}
		if (r)
			return WARD_SIGN(r);
	}
	if (i >= al && j >= bl)
		return 0;
	return i < al ? 1 : -1;
}

struct rpm_evr {
	const char *e, *v, *r;
	size_t el, vl, rl;
};

static int rpm_parse(const char *s, struct rpm_evr *p)
{
	const char *colon = strchr(s, ':'), *dash;
	size_t len;

	memset(p, 0, sizeof(*p));
	p->e = "0";
	p->el = 1;
	if (colon) {
		if (colon == s)
			return -WARD_E_SYNTAX;
		for (const char *q = s; q < colon; q++)
			if (!isdigit((unsigned char)*q))
				return -WARD_E_SYNTAX;
		p->e = s;
		p->el = (size_t)(colon - s);
		s = colon + 1;
	}
	len = strlen(s);
	if (!len)
		return -WARD_E_SYNTAX;
	for (size_t i = 0; i < len; i++)
		if (!isgraph((unsigned char)s[i]))
			return -WARD_E_SYNTAX;
	dash = memrchr(s, '-', len);
	p->v = s;
	p->vl = dash ? (size_t)(dash - s) : len;
	p->r = dash ? dash + 1 : NULL;
	p->rl = dash ? len - p->vl - 1 : 0;
	return 0;
}

int ward_vercmp_rpm(const char *a, const char *b, int *err)
{
	struct rpm_evr pa, pb;
	int r;

	*err = rpm_parse(a, &pa);
	if (!*err)
		*err = rpm_parse(b, &pb);
	if (*err)
		return 0;
	r = ward_ver_numcmp(pa.e, pa.el, pb.e, pb.el);
	if (!r)
		r = rpm_segcmp(pa.v, pa.vl, pb.v, pb.vl);
	/* Like rpm, a side without a release matches any release of the same version. */
	if (!r && pa.r && pb.r)
		r = rpm_segcmp(pa.r, pa.rl, pb.r, pb.rl);
	return WARD_SIGN(r);
}
