// SPDX-License-Identifier: Apache-2.0
/*
 * Alpine (apk) version ordering: dot-separated numbers, an optional letter, any number of
 * _suffix[N] (alpha < beta < pre < rc < none < cvs < svn < git < hg < p), and -rN. The
 * strings are compared token by token; when the token kinds differ, the version that goes on
 * with more numbers is newer unless what it goes on with is a pre-release suffix.
 * Not an apk-tools clone: '~hash' and other extensions outside the documented grammar are
 * rejected as syntax errors.
 */
#include "vulndb/version.h"

#include <ctype.h>
#include <string.h>

#include "common/err.h"

/* Token kinds in the order apk uses to break ties between different kinds: a smaller kind
 * continuing the version means "newer" (see apk_cmp). */
enum apk_tok { APK_DIGIT = 1, APK_LETTER, APK_SUFFIX, APK_SUFFIX_NO, APK_REV, APK_END, APK_BAD };

static const char *const apk_suffixes[] = { "alpha", "beta", "pre", "rc", "cvs", "svn", "git",
					    "hg", "p" };
#define APK_FIRST_POST 4 /* index of "cvs": suffixes from here on are post-release */

struct apk_lex {
	const char *s;
	size_t i;
	enum apk_tok next; /* kind expected/allowed at s[i] */
	int first_digit;
};

struct apk_token {
	enum apk_tok kind;
	const char *p;
	size_t len;
	int suffix; /* rank relative to "no suffix": negative pre, positive post */
};

static int apk_suffix_rank(const char *p, size_t len)
{
	for (size_t k = 0; k < sizeof(apk_suffixes) / sizeof(apk_suffixes[0]); k++)
		if (strlen(apk_suffixes[k]) == len && !memcmp(apk_suffixes[k], p, len))
			return k < APK_FIRST_POST ? (int)k - APK_FIRST_POST : (int)(k - APK_FIRST_POST) + 1;
	return 0;
}

/* Reads the token at the cursor and decides what may follow it. */
static void apk_next(struct apk_lex *lx, struct apk_token *t)
{
	const char *s = lx->s;
	size_t i = lx->i, st;

	memset(t, 0, sizeof(*t));
	t->kind = lx->next;
	switch (lx->next) {
	case APK_END:
	case APK_BAD:
		return;
	case APK_DIGIT:
	case APK_SUFFIX_NO:
	case APK_REV:
		st = i;
		while (isdigit((unsigned char)s[i]))
			i++;
		if (i == st && lx->next != APK_SUFFIX_NO) {
			t->kind = APK_BAD;
			return;
		}
		if (i == st) { /* suffix without number: nothing consumed, re-dispatch */
			lx->next = s[i] == '_' ? APK_SUFFIX : s[i] == '-' ? APK_REV : s[i] ? APK_BAD : APK_END;
			if (lx->next == APK_REV) {
				if (s[i + 1] != 'r') {
					t->kind = APK_BAD;
					return;
				}
				lx->i = i + 2;
			} else if (lx->next == APK_SUFFIX) {
				lx->i = i + 1;
			}
			apk_next(lx, t);
			return;
		}
		t->p = s + st;
		t->len = i - st;
		break;
	case APK_LETTER:
		t->p = s + i;
		t->len = 1;
		i++;
		break;
	case APK_SUFFIX:
		st = i;
		while (islower((unsigned char)s[i]))
			i++;
		t->suffix = apk_suffix_rank(s + st, i - st);
		if (!t->suffix) {
			t->kind = APK_BAD;
			return;
		}
		t->p = s + st;
		t->len = i - st;
		break;
	default:
		t->kind = APK_BAD;
		return;
	}
	/* What follows. */
	if (t->kind == APK_REV) {
		lx->next = s[i] ? APK_BAD : APK_END;
	} else if (s[i] == '.' && t->kind == APK_DIGIT && isdigit((unsigned char)s[i + 1])) {
		lx->next = APK_DIGIT;
		i++;
	} else if (islower((unsigned char)s[i]) && t->kind == APK_DIGIT) {
		lx->next = APK_LETTER;
	} else if (s[i] == '_' && t->kind != APK_SUFFIX) {
		lx->next = APK_SUFFIX;
		i++;
	} else if (t->kind == APK_SUFFIX) {
		lx->next = APK_SUFFIX_NO;
	} else if (s[i] == '-' && s[i + 1] == 'r') {
		lx->next = APK_REV;
		i += 2;
	} else {
		lx->next = s[i] ? APK_BAD : APK_END;
	}
	lx->i = i;
}

static int apk_digit_cmp(const struct apk_token *a, const struct apk_token *b, int first)
{
	/* After the first component, a leading zero makes the component a decimal fraction
	 * ("1.01" < "1.1"), so such components compare as strings. */
	if (!first && (a->p[0] == '0' || b->p[0] == '0')) {
		size_t n = a->len < b->len ? a->len : b->len;
		int r = memcmp(a->p, b->p, n);

		if (r)
			return WARD_SIGN(r);
		return a->len == b->len ? 0 : a->len < b->len ? -1 : 1;
	}
	return ward_ver_numcmp(a->p, a->len, b->p, b->len);
}

static int apk_valid_start(const char *s)
{
	return isdigit((unsigned char)s[0]);
}

int ward_vercmp_apk(const char *a, const char *b, int *err)
{
	struct apk_lex la = { a, 0, APK_DIGIT, 1 }, lb = { b, 0, APK_DIGIT, 1 };
	struct apk_token ta, tb;
	int first = 1;

	if (!apk_valid_start(a) || !apk_valid_start(b)) {
		*err = -WARD_E_SYNTAX;
		return 0;
	}
	for (;;) {
		apk_next(&la, &ta);
		apk_next(&lb, &tb);
		if (ta.kind == APK_BAD || tb.kind == APK_BAD) {
			*err = -WARD_E_SYNTAX;
			return 0;
		}
		if (ta.kind != tb.kind)
			break;
		int r = 0;

		switch (ta.kind) {
		case APK_DIGIT: r = apk_digit_cmp(&ta, &tb, first); first = 0; break;
		case APK_LETTER: r = WARD_SIGN(ta.p[0] - tb.p[0]); break;
		case APK_SUFFIX: r = WARD_SIGN(ta.suffix - tb.suffix); break;
		case APK_SUFFIX_NO:
		case APK_REV: r = ward_ver_numcmp(ta.p, ta.len, tb.p, tb.len); break;
		case APK_END: return 0;
		default: break;
		}
		if (r)
			return r;
	}
	/* Different kinds at the same position: the version that continues is newer, except
	 * when it continues with a pre-release suffix (1.0_rc1 < 1.0). Otherwise the smaller
	 * kind wins: more numbers beat a letter, a letter beats a suffix, and so on. */
	/* Both strings must be well-formed to the end for the order to be defined. */
	for (struct apk_lex *l = &la; l; l = (l == &la ? &lb : NULL)) {
		struct apk_lex copy = *l;
		struct apk_token t;

		do
			apk_next(&copy, &t);
		while (t.kind != APK_END && t.kind != APK_BAD);
		if (t.kind == APK_BAD) {
			*err = -WARD_E_SYNTAX;
			return 0;
		}
	}
	if (ta.kind == APK_SUFFIX && ta.suffix < 0)
		return -1;
	if (tb.kind == APK_SUFFIX && tb.suffix < 0)
		return 1;
	return ta.kind > tb.kind ? -1 : 1;
}
