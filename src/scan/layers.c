// SPDX-License-Identifier: Apache-2.0
/*
 * Resolving the layered view once every layer was read: a result staged from layer i at
 * path P survives unless a later layer has an entry or whiteout at P, or replaces, deletes
 * or makes opaque one of P's parent directories. Entries are kept only as 16-byte records
 * (path hash, layer, kind), so memory stays bounded by the entry count, not the image size.
 * It also picks the OS and finalizes packages. It does not read archives.
 */
#include "scan/walk.h"

#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "scan/parsers.h"
#include "scan/purl.h"

struct shadow {
	const struct ward_scan_ev *ev;   /* sorted by hash */
	size_t cnt;
	const struct ward_scan_blob *blobs;
};

static int ev_cmp(const void *a, const void *b)
{
	const struct ward_scan_ev *x = a, *y = b;

	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

/* Highest layer index of events at hash; subtree selects the kinds that hide descendants. */
static int max_layer(const struct shadow *s, uint64_t h, bool subtree)
{
	size_t lo = 0, hi = s->cnt;
	int best = -1;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->ev[mid].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < s->cnt && s->ev[lo].hash == h; lo++) {
		const struct ward_scan_ev *e = &s->ev[lo];
		int idx = s->blobs[e->blob].idx;

		if (subtree && e->kind == WARD_SCAN_EV_DIR)
			continue;
		if (idx > best)
			best = idx;
	}
	return best;
}

static bool visible(const struct ward_scan_ctx *c, const struct shadow *s, uint32_t blob,
		    const char *path)
{
	int layer = c->blobs[blob].idx;
	size_t n = strlen(path);

	if (layer < 0)
		return false;
	if (!c->layered)
		return true;
	/* nested jar paths ("a.war!/x.jar") live inside the file before the '!' */
	{
		const char *bang = strstr(path, "!/");

		if (bang)
			n = (size_t)(bang - path);
	}
	if (max_layer(s, ward_hash64(path, n), false) > layer)
		return false;
	for (size_t i = n; i > 0; i--) {
		if (path[i - 1] == '/' && max_layer(s, ward_hash64(path, i - 1), true) > layer)
			return false;
	}
	return true;
}

static const char *blob_digest(const struct ward_scan_ctx *c, uint32_t blob)
{
	return c->layered ? (c->blobs[blob].digest ? c->blobs[blob].digest : c->blobs[blob].name)
			  : NULL;
}

static void drop_hidden(struct ward_scan_ctx *c, const struct shadow *s)
{
	struct ward_scan_result *r = c->r;
	size_t o = 0;

	for (size_t i = 0; i < r->pkgs.cnt;) {
		if (!visible(c, s, c->pkg_blob[i], r->pkgs.items[i].path)) {
			ward_pkg_remove(&r->pkgs, i);
			c->pkg_blob[i] = c->pkg_blob[r->pkgs.cnt];
			continue;
		}
		ward_pkg_set(&r->pkgs.items[i].layer, blob_digest(c, c->pkg_blob[i]));
		i++;
	}
	for (size_t i = 0; i < r->secret_cnt; i++) {
		struct ward_secret_hit *h = &r->secrets[i];

		if (visible(c, s, c->secret_blob[i], h->path)) {
			ward_pkg_set(&h->layer, blob_digest(c, c->secret_blob[i]));
			r->secrets[o++] = *h;
		} else {
			free(h->rule_id); free(h->title); free(h->path); free(h->layer);
			free(h->snippet); free(h->suppressed_reason);
		}
	}
	r->secret_cnt = o;
	o = 0;
	for (size_t i = 0; i < r->malware_cnt; i++) {
		struct ward_malware_hit *h = &r->malware[i];

		if (visible(c, s, c->malware_blob[i], h->path)) {
			ward_pkg_set(&h->layer, blob_digest(c, c->malware_blob[i]));
			r->malware[o++] = *h;
		} else {
			free(h->rule); free(h->title); free(h->path); free(h->layer);
			free(h->suppressed_reason);
		}
	}
	r->malware_cnt = o;
}

static void pick_os(struct ward_scan_ctx *c, const struct shadow *s)
{
	int best = -1;

	for (size_t i = 0; i < c->os_cnt; i++) {
		if (!visible(c, s, c->os[i].blob, c->os[i].path))
			continue;
		if (best < 0 || c->os[i].prio > c->os[best].prio ||
		    (c->os[i].prio == c->os[best].prio &&
		     c->blobs[c->os[i].blob].idx > c->blobs[c->os[best].blob].idx))
			best = (int)i;
	}
	if (best >= 0)
		c->r->pkgs.os = c->os[best].os;
}

static int pkg_cmp(const void *a, const void *b)
{
	const struct ward_pkg *x = a, *y = b;
	int k;

	if ((k = strcmp(x->kind ? x->kind : "", y->kind ? y->kind : "")) != 0)
		return -k; /* "os" before "lang" */
	if ((k = strcmp(x->ecosystem, y->ecosystem)) != 0)
		return k;
	if ((k = strcmp(x->name, y->name)) != 0)
		return k;
	if ((k = strcmp(x->version, y->version)) != 0)
		return k;
	return strcmp(x->path ? x->path : "", y->path ? y->path : "");
}

static int secret_cmp(const void *a, const void *b)
{
	const struct ward_secret_hit *x = a, *y = b;
	int k = strcmp(x->path, y->path);

	return k ? k : x->line - y->line;
}

static int malware_cmp(const void *a, const void *b)
{
	const struct ward_malware_hit *x = a, *y = b;
	int k = strcmp(x->path, y->path);

	return k ? k : strcmp(x->rule, y->rule);
}

static bool is_lockfile(const char *path)
{
	const char *b = strrchr(path, '/');

	b = b ? b + 1 : path;
	return !strcmp(b, "package-lock.json");
}

/* A package seen both in node_modules and a lockfile is listed once (the installed copy). */
static void dedupe_locks(struct ward_pkg_list *l)
{
	size_t o = 0;

	for (size_t i = 0; i < l->cnt; i++) {
		struct ward_pkg *p = &l->items[i];
		bool dup = false;

		if (p->path && is_lockfile(p->path)) {
			for (size_t j = 0; j < l->cnt && !dup; j++) {
				struct ward_pkg *q = &l->items[j];

				dup = j != i && q->path && !is_lockfile(q->path) &&
				      !strcmp(q->ecosystem, p->ecosystem) &&
				      !strcmp(q->name, p->name) && !strcmp(q->version, p->version);
			}
		}
		if (dup) {
			ward_pkg_set(&p->ecosystem, NULL);
			ward_pkg_set(&p->name, NULL);
			ward_pkg_set(&p->version, NULL);
			ward_pkg_set(&p->src_name, NULL); ward_pkg_set(&p->src_version, NULL);
			ward_pkg_set(&p->purl, NULL); ward_pkg_set(&p->license, NULL);
			ward_pkg_set(&p->layer, NULL); ward_pkg_set(&p->path, NULL);
			ward_pkg_set(&p->kind, NULL);
			continue;
		}
		l->items[o++] = *p;
	}
	l->cnt = o;
}

int ward_scan_finish(struct ward_scan_ctx *c, struct ward_scan_result **out)
{
	struct ward_scan_result *r = c->r;
	struct shadow s = { .ev = c->ev, .cnt = c->ev_cnt, .blobs = c->blobs };
	int n = 0, rc;

	/* every file's secret and YARA hits are staged before whiteouts are applied */
	if (c->pipe && (rc = ward_scan_pipe_drain(c->pipe)) < 0) {
		ward_scan_progress(c, NULL, true);
		return rc;
	}
	if (c->ev_cnt)
		qsort(c->ev, c->ev_cnt, sizeof(*c->ev), ev_cmp);
	drop_hidden(c, &s);
	pick_os(c, &s);
	dedupe_locks(&r->pkgs);
	for (size_t i = 0; i < r->pkgs.cnt; i++)
		ward_purl_finalize(&r->pkgs.items[i], &r->pkgs.os);
	if (r->pkgs.cnt)
		qsort(r->pkgs.items, r->pkgs.cnt, sizeof(*r->pkgs.items), pkg_cmp);
	if (r->secret_cnt)
		qsort(r->secrets, r->secret_cnt, sizeof(*r->secrets), secret_cmp);
	if (r->malware_cnt)
		qsort(r->malware, r->malware_cnt, sizeof(*r->malware), malware_cmp);
	for (size_t i = 0; i < c->blob_cnt; i++)
		if (c->blobs[i].idx >= 0 && c->layered)
			n++;
	if (n) {
		r->layers = ward_xcalloc((size_t)n, sizeof(char *));
		for (size_t i = 0; i < c->blob_cnt; i++)
			if (c->blobs[i].idx >= 0 && c->blobs[i].idx < n)
				r->layers[c->blobs[i].idx] = ward_xstrdup(blob_digest(c, (uint32_t)i));
		r->layer_cnt = (size_t)n;
	}
	ward_scan_progress(c, NULL, true);
	*out = r;
	c->r = NULL;
	return 0;
}

int ward_scan_conclude(struct ward_scan_ctx *c, int rc, struct ward_scan_result **out)
{
	if (rc == 0)
		rc = ward_scan_finish(c, out);
	else
		ward_scan_progress(c, NULL, true);
	ward_scan_ctx_free(c);
	return rc;
}
