// SPDX-License-Identifier: Apache-2.0
/*
 * The package list behind struct ward_pkg_list: append-only storage with copied strings.
 * It is not a parser and knows nothing about ecosystems; purls are built in purl.c.
 */
#include "scan/pkg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/limits.h"
#include "common/xalloc.h"
#include "scan/parsers.h"

void ward_pkg_list_init(struct ward_pkg_list *l)
{
	memset(l, 0, sizeof(*l));
}

static void pkg_free_fields(struct ward_pkg *p)
{
	free(p->ecosystem);
	free(p->name);
	free(p->version);
	free(p->src_name);
	free(p->src_version);
	free(p->purl);
	free(p->license);
	free(p->layer);
	free(p->path);
	free(p->kind);
}

void ward_pkg_list_free(struct ward_pkg_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->cnt; i++)
		pkg_free_fields(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

static char *dup_or_null(const char *s)
{
	return s ? ward_xstrdup(s) : NULL;
}

int ward_pkg_add(struct ward_pkg_list *l, const struct ward_pkg *p)
{
	struct ward_pkg *n;

	if (!p->ecosystem || !p->name || !p->version || !*p->name)
		return -EINVAL;
	if (l->cnt >= WARD_SCAN_MAX_PKGS)
		return -WARD_E_LIMIT;
	if (l->cnt == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->items = ward_xreallocarray(l->items, l->cap, sizeof(*l->items));
	}
	n = &l->items[l->cnt++];
	n->ecosystem = ward_xstrdup(p->ecosystem);
	n->name = ward_xstrdup(p->name);
	n->version = ward_xstrdup(p->version);
	n->src_name = dup_or_null(p->src_name);
	n->src_version = dup_or_null(p->src_version);
	n->purl = dup_or_null(p->purl);
	n->license = dup_or_null(p->license);
	n->layer = dup_or_null(p->layer);
	n->path = dup_or_null(p->path);
	n->kind = dup_or_null(p->kind);
	return 0;
}

/* Replaces one string field, taking a copy; used when finalizing staged packages. */
void ward_pkg_set(char **field, const char *value)
{
	free(*field);
	*field = dup_or_null(value);
}

/* Removes item i by moving the last one into its place (order is restored by sorting). */
void ward_pkg_remove(struct ward_pkg_list *l, size_t i)
{
	if (i >= l->cnt)
		return;
	pkg_free_fields(&l->items[i]);
	l->items[i] = l->items[--l->cnt];
}

static const char *or_null(const char *s)
{
	return s && *s ? s : NULL;
}

int ward_scan_add_os(struct ward_pkg_list *out, const struct ward_os_rec *r, const char *path)
{
	struct ward_pkg p = { 0 };
	const char *arch = or_null(r->arch) ? r->arch : r->default_arch;
	char quals[160];

	if (!or_null(r->name) || !or_null(r->version))
		return 0;
	if (r->epoch > 0)
		snprintf(quals, sizeof(quals), "arch=%.64s&epoch=%ld", arch, r->epoch);
	else
		snprintf(quals, sizeof(quals), "arch=%.64s", arch);
	p.ecosystem = (char *)r->mgr;
	p.name = (char *)r->name;
	p.version = (char *)r->version;
	p.src_name = (char *)(or_null(r->src_name) ? r->src_name : r->name);
	p.src_version = (char *)or_null(r->src_version);
	p.license = (char *)or_null(r->license);
	p.purl = quals;
	p.path = (char *)path;
	return ward_pkg_add(out, &p) < 0 ? -WARD_E_LIMIT : 1;
}

int ward_scan_add_lang(struct ward_pkg_list *out, const char *eco, const char *name,
		       const char *version, const char *license, const char *path)
{
	struct ward_pkg p = { 0 };

	if (!name || !version || !*name || !*version)
		return 0;
	if (strlen(name) > WARD_SCAN_MAX_FIELD || strlen(version) > WARD_SCAN_MAX_FIELD)
		return -WARD_E_LIMIT;
	p.ecosystem = (char *)eco;
	p.name = (char *)name;
	p.version = (char *)version;
	p.license = (char *)license;
	p.path = (char *)path;
	p.kind = "lang";
	return ward_pkg_add(out, &p) < 0 ? -WARD_E_LIMIT : 1;
}
