// SPDX-License-Identifier: Apache-2.0
/*
 * Python version ordering per PEP 440: [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local], with
 * the spec's normalizations (case-insensitive; optional 'v'; alpha/beta/c/pre/preview
 * spellings; '-', '_' or '.' separators or none; implicit 0 numbers; "1.0-1" as a post
 * release). Ordering: epoch, release (trailing zeros ignored), then dev-only releases before
 * pre-releases before the release before post-releases, dev before its base, and a local
 * version after the public one. Not the "legacy" ordering of non-PEP-440 strings: those are
 * syntax errors.
 */
#include "vulndb/version.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"

#define PEP440_MAX_RELEASE 32
#define PEP440_NUM_MAX_DIGITS 18 /* fits in unsigned long long */

struct pep440 {
	unsigned long long epoch;
	unsigned long long rel[PEP440_MAX_RELEASE];
	int rel_cnt;
	int pre_kind; /* 0 none, 1 a, 2 b, 3 rc */
	unsigned long long pre;
	int has_post;
	unsigned long long post;
	int has_dev;
	unsigned long long dev;
	const char *local; /* after '+', or NULL */
};

static int num(const char *s, size_t *i, unsigned long long *out)
{
	size_t st = *i;
	unsigned long long v = 0;

	while (isdigit((unsigned char)s[*i])) {
		if (*i - st >= PEP440_NUM_MAX_DIGITS)
			return -WARD_E_LIMIT;
		v = v * 10 + (unsigned long long)(s[*i] - '0');
		(*i)++;
	}
	if (*i == st)
		return -WARD_E_SYNTAX;
	*out = v;
	return 0;
}

static int is_sep(char c)
{
	return c == '.' || c == '-' || c == '_';
}

/* Matches one of the words (case-insensitively) at s+i, longest first; returns its length. */
static size_t word(const char *s, size_t i, const char *const *words, size_t cnt)
{
	size_t best = 0;

	for (size_t k = 0; k < cnt; k++) {
		size_t n = strlen(words[k]);

		if (n > best && !strncasecmp(s + i, words[k], n) && !isalpha((unsigned char)s[i + n]))
			best = n;
	}
	return best;
}

/* Optional separator then a number, absent number is 0 ("1.0a" == "1.0a0"). */
static int opt_num(const char *s, size_t *i, unsigned long long *out)
{
	size_t j = *i;

	if (is_sep(s[j]) && isdigit((unsigned char)s[j + 1]))
		j++;
	if (!isdigit((unsigned char)s[j])) {
		*out = 0;
		return 0;
	}
	*i = j;
	return num(s, i, out);
}

static int pep440_parse(const char *s, struct pep440 *v)
{
	static const char *const pre_a[] = { "a", "alpha" }, *const pre_b[] = { "b", "beta" },
		*const pre_rc[] = { "rc", "c", "pre", "preview" }, *const post_w[] = { "post", "rev", "r" },
		*const dev_w[] = { "dev" };
	size_t i = 0, n;
	unsigned long long x;
	int err;

	memset(v, 0, sizeof(*v));
	while (isspace((unsigned char)s[i]))
		i++;
	if (s[i] == 'v' || s[i] == 'V')
		i++;
	if ((err = num(s, &i, &x)))
		return err;
	if (s[i] == '!') {
		v->epoch = x;
		i++;
		if ((err = num(s, &i, &x)))
			return err;
	}
	v->rel[v->rel_cnt++] = x;
	while (s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
		i++;
		if (v->rel_cnt >= PEP440_MAX_RELEASE)
			return -WARD_E_LIMIT;
		if ((err = num(s, &i, &v->rel[v->rel_cnt++])))
			return err;
	}
	/* pre-release */
	{
		size_t j = i + (is_sep(s[i]) ? 1 : 0);

		if ((n = word(s, j, pre_a, 2)))
			v->pre_kind = 1;
		else if ((n = word(s, j, pre_b, 2)))
			v->pre_kind = 2;
		else if ((n = word(s, j, pre_rc, 4)))
			v->pre_kind = 3;
		if (v->pre_kind) {
			i = j + n;
			if ((err = opt_num(s, &i, &v->pre)))
				return err;
		}
	}
	/* post-release: ".post1", "-r1", or the implicit "-1" */
	if (s[i] == '-' && isdigit((unsigned char)s[i + 1])) {
		i++;
		v->has_post = 1;
		if ((err = num(s, &i, &v->post)))
			return err;
	} else {
		size_t j = i + (is_sep(s[i]) ? 1 : 0);

		if ((n = word(s, j, post_w, 3))) {
			i = j + n;
			v->has_post = 1;
			if ((err = opt_num(s, &i, &v->post)))
				return err;
		}
	}
	{
		size_t j = i + (is_sep(s[i]) ? 1 : 0);

		if ((n = word(s, j, dev_w, 1))) {
			i = j + n;
			v->has_dev = 1;
			if ((err = opt_num(s, &i, &v->dev)))
				return err;
		}
	}
	if (s[i] == '+') {
		i++;
		v->local = s + i;
		if (!isalnum((unsigned char)s[i]))
			return -WARD_E_SYNTAX;
		while (isalnum((unsigned char)s[i]) || (is_sep(s[i]) && isalnum((unsigned char)s[i + 1])))
			i++;
	}
	while (isspace((unsigned char)s[i]))
		i++;
	return s[i] ? -WARD_E_SYNTAX : 0;
}

static int ull_cmp(unsigned long long a, unsigned long long b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

/* Local labels: segments split on . - _; numbers beat strings; strings case-insensitive;
 * more segments win a tie. */
static int local_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		size_t na = 0, nb = 0;

		while (a[na] && !is_sep(a[na]))
			na++;
		while (b[nb] && !is_sep(b[nb]))
			nb++;
		int da = 1, db = 1, r;

		for (size_t k = 0; k < na; k++)
			da &= isdigit((unsigned char)a[k]) != 0;
		for (size_t k = 0; k < nb; k++)
			db &= isdigit((unsigned char)b[k]) != 0;
		if (da && db) {
			r = ward_ver_numcmp(a, na, b, nb);
		} else if (da != db) {
			r = da ? 1 : -1;
		} else {
			r = strncasecmp(a, b, na < nb ? na : nb);
			if (!r && na != nb)
				r = na < nb ? -1 : 1;
		}
		if (r)
			return WARD_SIGN(r);
		a += na + (a[na] ? 1 : 0);
		b += nb + (b[nb] ? 1 : 0);
	}
	return *a ? 1 : *b ? -1 : 0;
}

int ward_vercmp_pep440(const char *a, const char *b, int *err)
{
	struct pep440 va, vb;
	int r, n;

	*err = pep440_parse(a, &va);
	if (!*err)
		*err = pep440_parse(b, &vb);
	if (*err)
		return 0;
	if ((r = ull_cmp(va.epoch, vb.epoch)))
		return r;
	n = va.rel_cnt > vb.rel_cnt ? va.rel_cnt : vb.rel_cnt;
	for (int k = 0; k < n; k++) {
		unsigned long long x = k < va.rel_cnt ? va.rel[k] : 0, y = k < vb.rel_cnt ? vb.rel[k] : 0;

		if ((r = ull_cmp(x, y)))
			return r;
	}
	/* Pre-release key: a dev-only release sorts before any pre-release of the same
	 * release; no pre-release sorts after all of them. Encoded as 0 / kind / 4. */
	int pka = va.pre_kind ? va.pre_kind : (va.has_dev && !va.has_post) ? 0 : 4;
	int pkb = vb.pre_kind ? vb.pre_kind : (vb.has_dev && !vb.has_post) ? 0 : 4;

	if ((r = WARD_SIGN(pka - pkb)))
		return r;
	if (va.pre_kind && (r = ull_cmp(va.pre, vb.pre)))
		return r;
	if (va.has_post != vb.has_post)
		return va.has_post ? 1 : -1;
	if (va.has_post && (r = ull_cmp(va.post, vb.post)))
		return r;
	if (va.has_dev != vb.has_dev)
		return va.has_dev ? -1 : 1;
	if (va.has_dev && (r = ull_cmp(va.dev, vb.dev)))
		return r;
	if (!va.local || !vb.local)
		return va.local ? 1 : vb.local ? -1 : 0;
	return local_cmp(va.local, vb.local);
}
