// SPDX-License-Identifier: Apache-2.0
/*
 * Attribute names and the AIDE-style group spec parser. Specs come from the config file and
 * the command line, so every length is bounded and every error names the offending term.
 * Not here: matching paths to groups (policy.c).
 */
#include "fim/attr.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

static const struct {
	const char *name;
	uint32_t bit;
} attr_names[] = {
	{ "ftype", WARD_FIM_A_TYPE }, { "p", WARD_FIM_A_PERM }, { "i", WARD_FIM_A_INODE },
	{ "n", WARD_FIM_A_NLINK }, { "u", WARD_FIM_A_UID }, { "g", WARD_FIM_A_GID },
	{ "s", WARD_FIM_A_SIZE }, { "m", WARD_FIM_A_MTIME }, { "c", WARD_FIM_A_CTIME },
	{ "l", WARD_FIM_A_LINK }, { "x", WARD_FIM_A_XATTR }, { "acl", WARD_FIM_A_ACL },
	{ "sha256", WARD_FIM_A_SHA256 }, { "sha512", WARD_FIM_A_SHA512 },
	/* aliases AIDE users type */
	{ "xattrs", WARD_FIM_A_XATTR },
};
#define ATTR_NAMES_CNT (sizeof(attr_names) / sizeof(attr_names[0]))

struct group {
	char name[WARD_FIM_GROUP_NAME_MAX + 1];
	uint32_t mask;
};

struct ward_fim_groups {
	struct group items[WARD_FIM_GROUPS_MAX];
	size_t cnt;
};

const char *ward_fim_attr_name(uint32_t bit)
{
	for (size_t i = 0; i < ATTR_NAMES_CNT; i++)
		if (attr_names[i].bit == bit)
			return attr_names[i].name;
	return "?";
}

const char *ward_fim_attr_list(uint32_t mask, const char *sep, char *out, size_t out_len)
{
	size_t off = 0;

	if (out_len)
		out[0] = '\0';
	for (unsigned b = 0; b < WARD_FIM_A_CNT; b++) {
		if (!(mask & (1u << b)))
			continue;
		int n = snprintf(out + off, out_len - off, "%s%s", off ? sep : "",
				 ward_fim_attr_name(1u << b));
		if (n < 0 || (size_t)n >= out_len - off)
			break; /* truncated: the caller sized out for every name */
		off += (size_t)n;
	}
	return out;
}

static int group_set(struct ward_fim_groups *g, const char *name, size_t len, uint32_t mask)
{
	for (size_t i = 0; i < g->cnt; i++) {
		if (strlen(g->items[i].name) == len && memcmp(g->items[i].name, name, len) == 0) {
			g->items[i].mask = mask;
			return 0;
		}
	}
	if (g->cnt >= WARD_FIM_GROUPS_MAX)
		return -WARD_E_LIMIT;
	memcpy(g->items[g->cnt].name, name, len);
	g->items[g->cnt].name[len] = '\0';
	g->items[g->cnt].mask = mask;
	g->cnt++;
	return 0;
}

struct ward_fim_groups *ward_fim_groups_new(uint32_t hash_bit)
{
	struct ward_fim_groups *g = ward_xcalloc(1, sizeof(*g));
	uint32_t l = WARD_FIM_A_TYPE | WARD_FIM_A_PERM | WARD_FIM_A_INODE | WARD_FIM_A_NLINK |
		     WARD_FIM_A_UID | WARD_FIM_A_GID | WARD_FIM_A_LINK | WARD_FIM_A_XATTR |
		     WARD_FIM_A_ACL;

	group_set(g, "R", 1, l | WARD_FIM_A_SIZE | WARD_FIM_A_MTIME | WARD_FIM_A_CTIME | hash_bit);
	group_set(g, "L", 1, l);
	group_set(g, "E", 1, WARD_FIM_A_TYPE);
	group_set(g, "H", 1, WARD_FIM_A_TYPE | hash_bit);
	return g;
}

void ward_fim_groups_free(struct ward_fim_groups *g)
{
	free(g);
}

static bool is_name_char(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return true;
	return !first && c >= '0' && c <= '9';
}

static int term_mask(const struct ward_fim_groups *g, const char *t, size_t len, uint32_t *out)
{
	for (size_t i = 0; i < ATTR_NAMES_CNT; i++) {
		if (strlen(attr_names[i].name) == len && memcmp(attr_names[i].name, t, len) == 0) {
			*out = attr_names[i].bit;
			return 0;
		}
	}
	for (size_t i = 0; g && i < g->cnt; i++) {
		if (strlen(g->items[i].name) == len && memcmp(g->items[i].name, t, len) == 0) {
			*out = g->items[i].mask;
			return 0;
		}
	}
	return -WARD_E_NOTFOUND;
}

int ward_fim_spec_parse(const struct ward_fim_groups *g, const char *spec, size_t len,
			uint32_t *out, struct ward_diag *diag)
{
	uint32_t mask = 0, m;
	size_t i = 0;
	char sign = '+';

	if (len > WARD_FIM_SPEC_MAX)
		return ward_diag_set(diag, -WARD_E_LIMIT, "", 0, 0,
				     "attribute spec longer than %d bytes", WARD_FIM_SPEC_MAX);
	while (i < len && (spec[i] == ' ' || spec[i] == '\t'))
		i++;
	if (i == len)
		return ward_diag_set(diag, -WARD_E_SYNTAX, "", 0, 0, "empty attribute spec");
	for (;;) {
		size_t start = i;

		while (i < len && is_name_char(spec[i], i == start))
			i++;
		if (i == start)
			return ward_diag_set(diag, -WARD_E_SYNTAX, "", 0, (int)i + 1,
					     "attribute spec '%.*s': expected an attribute or group name at column %zu",
					     (int)len, spec, i + 1);
		if (term_mask(g, spec + start, i - start, &m))
			return ward_diag_set(diag, -WARD_E_SYNTAX, "", 0, (int)start + 1,
					     "attribute spec '%.*s': unknown attribute or group '%.*s' "
					     "(attributes: p i n u g s m c l x acl ftype sha256 sha512)",
					     (int)len, spec, (int)(i - start), spec + start);
		if (sign == '+')
			mask |= m;
		else
			mask &= ~m;
		while (i < len && (spec[i] == ' ' || spec[i] == '\t'))
			i++;
		if (i == len)
			break;
		if (spec[i] != '+' && spec[i] != '-')
			return ward_diag_set(diag, -WARD_E_SYNTAX, "", 0, (int)i + 1,
					     "attribute spec '%.*s': expected '+' or '-' at column %zu",
					     (int)len, spec, i + 1);
		sign = spec[i++];
		while (i < len && (spec[i] == ' ' || spec[i] == '\t'))
			i++;
	}
	if ((mask & WARD_FIM_A_HASHES) == WARD_FIM_A_HASHES)
		return ward_diag_set(diag, -WARD_E_SYNTAX, "", 0, 0,
				     "attribute spec '%.*s': choose one of sha256 and sha512",
				     (int)len, spec);
	*out = mask | WARD_FIM_A_TYPE;
	return 0;
}

int ward_fim_groups_define(struct ward_fim_groups *g, const char *item, size_t len,
			   struct ward_diag *diag)
{
	const char *eq = memchr(item, '=', len);
	size_t nlen;
	uint32_t mask;
	int err;

	if (!eq)
		return ward_diag_set(diag, -WARD_E_SYNTAX, "", 0, 0,
				     "group '%.*s': expected NAME=SPEC", (int)(len > 200 ? 200 : len), item);
	nlen = (size_t)(eq - item);
	while (nlen && (item[nlen - 1] == ' ' || item[nlen - 1] == '\t'))
		nlen--;
	if (nlen == 0 || nlen > WARD_FIM_GROUP_NAME_MAX)
		return ward_diag_set(diag, -WARD_E_SYNTAX, "", 0, 0,
				     "group '%.*s': name must be 1 to %d characters",
				     (int)(len > 200 ? 200 : len), item, WARD_FIM_GROUP_NAME_MAX);
	for (size_t i = 0; i < nlen; i++)
		if (!is_name_char(item[i], i == 0))
			return ward_diag_set(diag, -WARD_E_SYNTAX, "", 0, (int)i + 1,
					     "group '%.*s': name may hold letters, digits and '_'",
					     (int)nlen, item);
	uint32_t dummy;

	if (term_mask(NULL, item, nlen, &dummy) == 0)
		return ward_diag_set(diag, -WARD_E_SYNTAX, "", 0, 0,
				     "group '%.*s': name is an attribute name", (int)nlen, item);
	err = ward_fim_spec_parse(g, eq + 1, len - (size_t)(eq + 1 - item), &mask, diag);
	if (err)
		return err;
	if (group_set(g, item, nlen, mask))
		return ward_diag_set(diag, -WARD_E_LIMIT, "", 0, 0,
				     "more than %d attribute groups", WARD_FIM_GROUPS_MAX);
	return 0;
}
