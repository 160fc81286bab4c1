// SPDX-License-Identifier: Apache-2.0
/*
 * Semantic Versioning 2.0.0 precedence (semver.org section 11): MAJOR.MINOR.PATCH compared
 * numerically, a pre-release is older than its release, pre-release identifiers compare
 * numerically when all digits and in ASCII order otherwise (numeric < alphanumeric), a
 * longer identifier list wins a tie, and build metadata is ignored. Also the dotted core
 * shared with Go and NuGet (ward_ver_semverish_cmp). Used for npm, crates.io, Packagist.
 * Lenient where registries are: a leading 'v' and missing MINOR/PATCH (read as 0) are
 * accepted; npm range syntax (^1.2, 1.x) is not a version and is rejected.
 */
#include "vulndb/version.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"

#define SEMVER_MAX_PARTS 4

struct semverish {
	const char *num[SEMVER_MAX_PARTS];
	size_t num_len[SEMVER_MAX_PARTS];
	const char *pre; /* without the '-', or NULL */
	size_t pre_len;
};

static int semverish_parse(const char *s, int min_parts, int max_parts, struct semverish *v)
{
	int n = 0;
	size_t i = 0;

	memset(v, 0, sizeof(*v));
	if (s[0] == 'v' || s[0] == 'V')
		i++;
	for (;;) {
		size_t st = i;

		while (isdigit((unsigned char)s[i]))
			i++;
		if (i == st || n >= max_parts)
			return -WARD_E_SYNTAX;
		v->num[n] = s + st;
		v->num_len[n] = i - st;
		n++;
		if (s[i] != '.')
			break;
		i++;
	}
	if (n < min_parts)
		return -WARD_E_SYNTAX;
	for (; n < max_parts; n++) {
		v->num[n] = "0";
		v->num_len[n] = 1;
	}
	if (s[i] == '-') {
		size_t st = ++i;

		while (s[i] && s[i] != '+') {
			unsigned char c = (unsigned char)s[i];

			if (!isalnum(c) && c != '-' && c != '.')
				return -WARD_E_SYNTAX;
			/* Empty identifiers ("1.0.0-a..b") are not allowed. */
			if (c == '.' && (i == st || s[i - 1] == '.' || !s[i + 1] || s[i + 1] == '+'))
				return -WARD_E_SYNTAX;
			i++;
		}
		if (i == st)
			return -WARD_E_SYNTAX;
		v->pre = s + st;
		v->pre_len = i - st;
	}
	if (s[i] == '+') {
		for (i++; s[i]; i++)
			if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
				return -WARD_E_SYNTAX;
	}
	return s[i] ? -WARD_E_SYNTAX : 0;
}

static int all_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return 0;
	return n > 0;
}

static int pre_cmp(const char *a, size_t al, const char *b, size_t bl, int ci)
{
	size_t i = 0, j = 0;

	while (i < al && j < bl) {
		const char *ea = memchr(a + i, '.', al - i), *eb = memchr(b + j, '.', bl - j);
		size_t na = ea ? (size_t)(ea - a) - i : al - i, nb = eb ? (size_t)(eb - b) - j : bl - j;
		int da = all_digits(a + i, na), db = all_digits(b + j, nb), r;

		if (da && db) {
			r = ward_ver_numcmp(a + i, na, b + j, nb);
		} else if (da != db) {
			r = da ? -1 : 1;
		} else {
			size_t n = na < nb ? na : nb;

			r = ci ? strncasecmp(a + i, b + j, n) : memcmp(a + i, b + j, n);
			if (!r && na != nb)
				r = na < nb ? -1 : 1;
		}
		if (r)
			return WARD_SIGN(r);
		i += na + 1;
		j += nb + 1;
	}
	if (i >= al && j >= bl)
		return 0;
	return i >= al ? -1 : 1;
}

int ward_ver_semverish_cmp(const char *a, const char *b, int min_parts, int max_parts, int ci,
			   int *err)
{
	struct semverish va, vb;
	int r;

	*err = semverish_parse(a, min_parts, max_parts, &va);
	if (!*err)
		*err = semverish_parse(b, min_parts, max_parts, &vb);
	if (*err)
		return 0;
	for (int k = 0; k < max_parts; k++) {
		r = ward_ver_numcmp(va.num[k], va.num_len[k], vb.num[k], vb.num_len[k]);
		if (r)
			return r;
	}
	if (!va.pre || !vb.pre)
		return va.pre ? -1 : vb.pre ? 1 : 0;
	return pre_cmp(va.pre, va.pre_len, vb.pre, vb.pre_len, ci);
}

int ward_vercmp_semver(const char *a, const char *b, int *err)
{
	return ward_ver_semverish_cmp(a, b, 1, 3, 0, err);
}
