/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What FIM watches: the configured roots (each with its attribute mask), the exclude globs
 * and the hash. Built from config keys fim.paths / fim.exclude / fim.groups / fim.group /
 * fim.hash or from command-line overrides. Not the walker and not the comparison.
 *
 * Path order: the baseline and the walker agree on one total order, memcmp of the path with
 * every '/' read as byte 0 (ward_fim_path_cmp). A depth-first walk that visits each
 * directory's names in byte order produces exactly that order, which is what lets check
 * compare a live walk against the stored baseline with a cursor instead of a table in memory.
 */
#ifndef WARD_FIM_POLICY_H
#define WARD_FIM_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "fim/attr.h"

struct ward_fim_root {
	char *path;        /* absolute, no trailing '/', except "/" itself */
	size_t len;
	uint32_t mask;
	bool is_nested;    /* inside another root: walked as part of that root */
};

struct ward_fim_policy {
	struct ward_fim_root *roots;   /* sorted by ward_fim_path_cmp */
	size_t roots_cnt;
	char **excludes;               /* fnmatch(3) globs against the full path */
	size_t excludes_cnt;
	uint32_t hash_bit;             /* WARD_FIM_A_SHA256 or WARD_FIM_A_SHA512 */
};

struct ward_fim_policy_src {
	const char *const *paths;      /* "PATH" or "PATH SPEC" (spec after the last blank) */
	size_t paths_cnt;
	const char *const *excludes;
	size_t excludes_cnt;
	const char *const *groups;     /* "NAME=SPEC" */
	size_t groups_cnt;
	const char *default_group;     /* name or spec */
	const char *hash;              /* "sha256" or "sha512" */
};

/* Builds a policy; errors name the offending item in diag. Caller frees. */
int ward_fim_policy_new(const struct ward_fim_policy_src *src, struct ward_fim_policy **out,
			struct ward_diag *diag);
void ward_fim_policy_free(struct ward_fim_policy *p);

/* The mask of the innermost root containing path, or 0 when no root contains it. */
uint32_t ward_fim_policy_mask(const struct ward_fim_policy *p, const char *path, size_t len);
/* True when an exclude glob matches path (NUL-terminated). */
bool ward_fim_policy_excluded(const struct ward_fim_policy *p, const char *path);

/* Checks one exclude glob: absolute or starting with '*', bounded, no NUL. Returns 0 or
 * -WARD_E_SYNTAX / -WARD_E_LIMIT with diag. */
int ward_fim_glob_check(const char *glob, size_t len, struct ward_diag *diag);

/* Total order of the baseline: memcmp with '/' as 0. Returns <0, 0, >0. */
int ward_fim_path_cmp(const char *a, size_t alen, const char *b, size_t blen);
/* True when path equals dir or lies below it. */
bool ward_fim_path_within(const char *path, size_t len, const char *dir, size_t dir_len);

#endif
