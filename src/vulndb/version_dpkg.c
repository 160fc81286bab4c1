// SPDX-License-Identifier: Apache-2.0
/*
 * Debian package version ordering ([epoch:]upstream[-revision]) as Debian Policy 5.6.12
 * defines it: epochs numerically, then upstream and revision with the alternating
 * non-digit/digit comparison where '~' sorts before everything (even the end of the
 * string), letters before non-letters, and digit runs by value. Used for Debian and Ubuntu.
 * It is not a validator of dpkg's warnings (e.g. upstream not starting with a digit): such
 * versions occur in the wild and still have a defined order.
 */
#include "vulndb/version.h"

#include <ctype.h>
#include <string.h>

#include "common/err.h"

struct dpkg_ver {
	const char *epoch, *up, *rev;
	size_t epoch_len, up_len, rev_len;
};

static int dpkg_parse(const char *s, struct dpkg_ver *v)
{
	const char *colon = strchr(s, ':'), *dash;
	size_t len = strlen(s);

	memset(v, 0, sizeof(*v));
	v->epoch = "0";
	v->epoch_len = 1;
	if (colon) {
		if (colon == s)
			return -WARD_E_SYNTAX;
		for (const char *p = s; p < colon; p++)
			if (!isdigit((unsigned char)*p))
				return -WARD_E_SYNTAX;
		v->epoch = s;
		v->epoch_len = (size_t)(colon - s);
		len -= (size_t)(colon + 1 - s);
		s = colon + 1;
	}
	/* The revision is what follows the last hyphen; upstream may contain hyphens. */
	dash = memrchr(s, '-', len);
	v->up = s;
	v->up_len = dash ? (size_t)(dash - s) : len;
	v->rev = dash ? dash + 1 : "";
	v->rev_len = dash ? len - (size_t)(dash + 1 - s) : 0;
	if (!v->up_len)
		return -WARD_E_SYNTAX;
	for (size_t i = 0; i < len; i++)
		if (isspace((unsigned char)s[i]) || !isprint((unsigned char)s[i]))
			return -WARD_E_SYNTAX;
	return 0;
}

/* Weight of one character in a non-digit run; 0 is the end of the run or string. */
static int dpkg_order(const char *s, size_t len, size_t i)
{
	unsigned char c;

	if (i >= len)
		return 0;
	c = (unsigned char)s[i];
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	return c + 256;
}

static int dpkg_part_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	size_t i = 0, j = 0;

	while (i < al || j < bl) {
		/* Non-digit prefix, compared character by character with the weights above. */
		while ((i < al && !isdigit((unsigned char)a[i])) ||
		       (j < bl && !isdigit((unsigned char)b[j]))) {
			int ac = dpkg_order(a, al, i), bc = dpkg_order(b, bl, j);

			if (ac != bc)
				return ac < bc ? -1 : 1;
			i++;
			j++;
		}
		/* Digit run, by value. */
		size_t ds = i, es = j;

		while (i < al && isdigit((unsigned char)a[i]))
			i++;
		while (j < bl && isdigit((unsigned char)b[j]))
			j++;
		int r = ward_ver_numcmp(a + ds, i - ds, b + es, j - es);

		if (r)
			return r;
	}
	return 0;
}

int ward_vercmp_dpkg(const char *a, const char *b, int *err)
{
	struct dpkg_ver va, vb;
	int r;

	*err = dpkg_parse(a, &va);
	if (!*err)
		*err = dpkg_parse(b, &vb);
	if (*err)
		return 0;
	r = ward_ver_numcmp(va.epoch, va.epoch_len, vb.epoch, vb.epoch_len);
	if (!r)
		r = dpkg_part_cmp(va.up, va.up_len, vb.up, vb.up_len);
	if (!r)
		r = dpkg_part_cmp(va.rev, va.rev_len, vb.rev, vb.rev_len);
	return WARD_SIGN(r);
}
