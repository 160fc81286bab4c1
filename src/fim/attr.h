/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File attributes that FIM records and compares, and AIDE-style attribute groups
 * ("p+i+n+u+g+s+m+c+sha256", named groups, "R-m"). This is the vocabulary and the spec
 * parser only; which group applies to which path is policy.h.
 */
#ifndef WARD_FIM_ATTR_H
#define WARD_FIM_ATTR_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/limits.h"

enum {
	WARD_FIM_A_TYPE = 1u << 0,   /* file type (ftype); always compared */
	WARD_FIM_A_PERM = 1u << 1,   /* p: permission bits incl. setuid/setgid/sticky */
	WARD_FIM_A_INODE = 1u << 2,  /* i */
	WARD_FIM_A_NLINK = 1u << 3,  /* n */
	WARD_FIM_A_UID = 1u << 4,    /* u */
	WARD_FIM_A_GID = 1u << 5,    /* g */
	WARD_FIM_A_SIZE = 1u << 6,   /* s */
	WARD_FIM_A_MTIME = 1u << 7,  /* m */
	WARD_FIM_A_CTIME = 1u << 8,  /* c */
	WARD_FIM_A_LINK = 1u << 9,   /* l: symlink target */
	WARD_FIM_A_XATTR = 1u << 10, /* x / xattrs: extended attributes except ACLs */
	WARD_FIM_A_ACL = 1u << 11,   /* acl: POSIX ACLs */
	WARD_FIM_A_SHA256 = 1u << 12,
	WARD_FIM_A_SHA512 = 1u << 13,
};
#define WARD_FIM_A_HASHES (WARD_FIM_A_SHA256 | WARD_FIM_A_SHA512)
#define WARD_FIM_A_ALL ((1u << 14) - 1)
#define WARD_FIM_A_CNT 14

/* Short name of one attribute bit ("p", "sha256"); "?" for anything else. */
const char *ward_fim_attr_name(uint32_t bit);

/* Writes the names of the bits in mask joined by sep into out; returns out. */
const char *ward_fim_attr_list(uint32_t mask, const char *sep, char *out, size_t out_len);

struct ward_fim_groups;

/* The built-in groups with hash_bit (WARD_FIM_A_SHA256 or _SHA512) standing for "the
 * configured hash": R (everything), L (everything but content, size and times), E (type
 * only), H (type and content). Caller frees. */
struct ward_fim_groups *ward_fim_groups_new(uint32_t hash_bit);
void ward_fim_groups_free(struct ward_fim_groups *g);

/* Defines (or redefines) a named group from "NAME=SPEC"; the spec may use groups defined
 * before it. Returns 0, -WARD_E_SYNTAX or -WARD_E_LIMIT with diag naming the item. */
int ward_fim_groups_define(struct ward_fim_groups *g, const char *item, size_t len,
			   struct ward_diag *diag);

/* Parses a spec: terms joined by '+' (add) or '-' (remove), each term an attribute name
 * (p i n u g s m c l x xattrs acl ftype sha256 sha512) or a group name. The result
 * always includes WARD_FIM_A_TYPE. Choosing both sha256 and sha512 is an error. */
int ward_fim_spec_parse(const struct ward_fim_groups *g, const char *spec, size_t len,
			uint32_t *out, struct ward_diag *diag);

#endif
