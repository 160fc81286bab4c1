// SPDX-License-Identifier: Apache-2.0
/*
 * Builds the FIM policy from config items and answers "which mask applies here" and "is
 * this excluded" for the walker. Items are user input: each is validated and a bad one is
 * an error naming it. Not here: the spec grammar (attr.c).
 */
#include "fim/policy.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/xalloc.h"

int ward_fim_path_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;

	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x == y)
			continue;
		x = x == '/' ? 0 : x;
		y = y == '/' ? 0 : y;
		return x < y ? -1 : 1;
	}
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

bool ward_fim_path_within(const char *path, size_t len, const char *dir, size_t dir_len)
{
	if (dir_len == 1 && dir[0] == '/')
		return len >= 1 && path[0] == '/';
	if (len < dir_len || memcmp(path, dir, dir_len) != 0)
		return false;
	return len == dir_len || path[dir_len] == '/';
}

int ward_fim_glob_check(const char *glob, size_t len, struct ward_diag *diag)
{
	if (len == 0)
		return ward_diag_set(diag, -WARD_E_SYNTAX, "", 0, 0, "empty exclude glob");
	if (len > WARD_FIM_GLOB_MAX)
		return ward_diag_set(diag, -WARD_E_LIMIT, "", 0, 0,
				     "exclude glob longer than %d bytes", WARD_FIM_GLOB_MAX);
	if (memchr(glob, '\0', len))
		return ward_diag_set(diag, -WARD_E_SYNTAX, "", 0, 0, "exclude glob holds a NUL byte");
	if (glob[0] != '/' && glob[0] != '*')
		return ward_diag_set(diag, -WARD_E_SYNTAX, "", 0, 1,
				     "exclude glob '%.*s' must be absolute or start with '*'",
				     (int)len, glob);
	return 0;
}

/* Validates and normalizes one root path in place (drops trailing slashes). */
static int check_root(char *path, size_t *len, struct ward_diag *diag)
{
	size_t n = *len;

	if (n == 0 || path[0] != '/')
		return ward_diag_set(diag, -WARD_E_SYNTAX, "", 0, 0,
				     "fim path '%.*s' must be absolute", (int)n, path);
	if (n >= WARD_FIM_PATH_MAX)
		return ward_diag_set(diag, -WARD_E_LIMIT, "", 0, 0,
				     "fim path longer than %d bytes", WARD_FIM_PATH_MAX);
	while (n > 1 && path[n - 1] == '/')
		n--;
	path[n] = '\0';
	/* "." and ".." would break the path order and the prefix tests; refuse them */
	for (size_t i = 0; i < n; i++) {
		if (path[i] != '/')
			continue;
		const char *c = path + i + 1;
		size_t rest = n - i - 1;

		if ((rest >= 1 && c[0] == '/') || (rest == 1 && c[0] == '.') ||
		    (rest >= 2 && c[0] == '.' && c[1] == '/') ||
		    (rest == 2 && c[0] == '.' && c[1] == '.') ||
		    (rest >= 3 && c[0] == '.' && c[1] == '.' && c[2] == '/'))
			return ward_diag_set(diag, -WARD_E_SYNTAX, "", 0, 0,
					     "fim path '%s' must be normalized (no '//', '.' or '..')", path);
	}
	*len = n;
	return 0;
}

static int root_cmp(const void *a, const void *b)
{
	const struct ward_fim_root *x = a, *y = b;

	return ward_fim_path_cmp(x->path, x->len, y->path, y->len);
}

int ward_fim_policy_new(const struct ward_fim_policy_src *src, struct ward_fim_policy **out,
			struct ward_diag *diag)
{
	struct ward_fim_policy *p = ward_xcalloc(1, sizeof(*p));
	struct ward_fim_groups *g = NULL;
	uint32_t def_mask;
	int err;

	if (!src->hash || strcmp(src->hash, "sha256") == 0) {
		p->hash_bit = WARD_FIM_A_SHA256;
	} else if (strcmp(src->hash, "sha512") == 0) {
		p->hash_bit = WARD_FIM_A_SHA512;
	} else {
		err = ward_diag_set(diag, -WARD_E_SYNTAX, "", 0, 0,
				    "fim.hash '%s': use sha256 or sha512", src->hash);
		goto out;
	}
	g = ward_fim_groups_new(p->hash_bit);
	for (size_t i = 0; i < src->groups_cnt; i++) {
		err = ward_fim_groups_define(g, src->groups[i], strlen(src->groups[i]), diag);
		if (err)
			goto out;
	}
	const char *dg = src->default_group ? src->default_group : "R";
	err = ward_fim_spec_parse(g, dg, strlen(dg), &def_mask, diag);
	if (err)
		goto out;
	if (src->paths_cnt == 0) {
		err = ward_diag_set(diag, -WARD_E_SYNTAX, "", 0, 0, "no fim paths configured");
		goto out;
	}
	if (src->paths_cnt > WARD_FIM_ROOTS_MAX || src->excludes_cnt > WARD_FIM_EXCLUDES_MAX) {
		err = ward_diag_set(diag, -WARD_E_LIMIT, "", 0, 0,
				    "at most %d fim paths and %d excludes", WARD_FIM_ROOTS_MAX,
				    WARD_FIM_EXCLUDES_MAX);
		goto out;
	}
	p->roots = ward_xcalloc(src->paths_cnt, sizeof(*p->roots));
	for (size_t i = 0; i < src->paths_cnt; i++) {
		const char *item = src->paths[i];
		size_t len = strlen(item), plen = len;
		uint32_t mask = def_mask;

		/* "PATH SPEC": the spec follows the last blank; a path with blanks needs a spec */
		const char *sp = NULL;
		for (size_t j = len; j > 0; j--)
			if (item[j - 1] == ' ' || item[j - 1] == '\t') {
				sp = item + j;
				break;
			}
		if (sp) {
			plen = (size_t)(sp - item);
			while (plen && (item[plen - 1] == ' ' || item[plen - 1] == '\t'))
				plen--;
			err = ward_fim_spec_parse(g, sp, len - (size_t)(sp - item), &mask, diag);
			if (err)
				goto out;
		}
		struct ward_fim_root *r = &p->roots[p->roots_cnt];
		r->path = ward_xstrndup(item, plen);
		r->len = plen;
		r->mask = mask;
		err = check_root(r->path, &r->len, diag);
		if (err) {
			free(r->path);
			goto out;
		}
		p->roots_cnt++;
	}
	qsort(p->roots, p->roots_cnt, sizeof(*p->roots), root_cmp);
	for (size_t i = 0; i < p->roots_cnt; i++) {
		if (i && p->roots[i].len == p->roots[i - 1].len &&
		    memcmp(p->roots[i].path, p->roots[i - 1].path, p->roots[i].len) == 0) {
			err = ward_diag_set(diag, -WARD_E_SYNTAX, "", 0, 0,
					    "fim path '%s' listed twice", p->roots[i].path);
			goto out;
		}
		for (size_t j = 0; j < i; j++)
			if (!p->roots[j].is_nested &&
			    ward_fim_path_within(p->roots[i].path, p->roots[i].len, p->roots[j].path,
						 p->roots[j].len))
				p->roots[i].is_nested = true;
	}
	p->excludes = ward_xcalloc(src->excludes_cnt + 1, sizeof(char *));
	for (size_t i = 0; i < src->excludes_cnt; i++) {
		err = ward_fim_glob_check(src->excludes[i], strlen(src->excludes[i]), diag);
		if (err)
			goto out;
		p->excludes[p->excludes_cnt++] = ward_xstrdup(src->excludes[i]);
	}
	*out = p;
	p = NULL;
	err = 0;
out:
	ward_fim_groups_free(g);
	ward_fim_policy_free(p);
	return err;
}

void ward_fim_policy_free(struct ward_fim_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->roots_cnt; i++)
		free(p->roots[i].path);
	free(p->roots);
	for (size_t i = 0; i < p->excludes_cnt; i++)
		free(p->excludes[i]);
	free(p->excludes);
	free(p);
}

uint32_t ward_fim_policy_mask(const struct ward_fim_policy *p, const char *path, size_t len)
{
	uint32_t mask = 0;
	size_t best = 0;

	for (size_t i = 0; i < p->roots_cnt; i++) {
		const struct ward_fim_root *r = &p->roots[i];

		if (r->len >= best && ward_fim_path_within(path, len, r->path, r->len)) {
			best = r->len;
			mask = r->mask;
		}
	}
	return mask;
}

bool ward_fim_policy_excluded(const struct ward_fim_policy *p, const char *path)
{
	for (size_t i = 0; i < p->excludes_cnt; i++)
		if (fnmatch(p->excludes[i], path, 0) == 0)
			return true;
	return false;
}
