// SPDX-License-Identifier: Apache-2.0
/*
 * Resolving the layered view once every layer was read: tree.c replays the entry records
 * into the final filesystem, and each result staged with the record of the file it was read
 * from is reported under every final name of that content (none when it was deleted or
 * replaced, two for a hard link). Memory is bounded by the entry count and name bytes, not
 * the image size. It also picks the OS and finalizes packages. It does not read archives.
 */
#include "scan/walk.h"

#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "scan/parsers.h"
#include "scan/purl.h"

static const char *blob_digest(const struct ward_scan_ctx *c, uint32_t blob)
{
	return c->layered ? (c->blobs[blob].digest ? c->blobs[blob].digest : c->blobs[blob].name)
			  : NULL;
}

/* The final names of each record's content: indices into names, sorted by record. */
struct view {
	struct ward_scan_name *names;
	size_t cnt;
	uint32_t *by_rec;
	size_t by_cnt;
};

static int by_rec_cmp(const void *a, const void *b, void *arg)
{
	const struct view *v = arg;
	uint32_t x = v->names[*(const uint32_t *)a].rec, y = v->names[*(const uint32_t *)b].rec;

	return x < y ? -1 : x > y;
}

/* [*lo, return) are the by_rec slots of the names with rec's content. */
static size_t names_of(const struct view *v, uint32_t rec, size_t *lo)
{
	size_t l = 0, h = v->by_cnt;

	while (l < h) {
		size_t m = (l + h) / 2;

		if (v->names[v->by_rec[m]].rec < rec)
			l = m + 1;
		else
			h = m;
	}
	*lo = l;
	while (h < v->by_cnt && v->names[v->by_rec[h]].rec == rec)
		h++;
	return l == h ? l : h;
}

/* "a.war!/x.jar" read at a.war, reached as b.war -> "b.war!/x.jar" */
static char *renamed(const char *result_path, const char *read_as, const char *name)
{
	size_t n = strlen(read_as);
	char *out;

	if (strncmp(result_path, read_as, n) || (result_path[n] && result_path[n] != '!'))
		return ward_xstrdup(name);
	out = ward_xmalloc(strlen(name) + strlen(result_path + n) + 1);
	memcpy(out, name, strlen(name));
	memcpy(out + strlen(name), result_path + n, strlen(result_path + n) + 1);
	return out;
}

static const char *read_as(const struct ward_scan_ctx *c, uint32_t rec)
{
	return c->names + c->recs[rec].name;
}

/*
 * Every result was staged with the record of the file it was read from; it is reported
 * once per name that content has in the final view (none: deleted; two: a hard link), with
 * that name. Names that would be analyzed differently were refused earlier.
 */
static int place_results(struct ward_scan_ctx *c, const struct view *v)
{
	struct ward_scan_result *r = c->r;
	struct ward_pkg_list pk;
	struct ward_secret_hit *sec = NULL;
	struct ward_malware_hit *mal = NULL;
	size_t sec_cnt = 0, mal_cnt = 0, lo, hi;
	int rc = 0;

	ward_pkg_list_init(&pk);
	for (size_t i = 0; i < r->pkgs.cnt; i++) {
		struct ward_pkg p = r->pkgs.items[i];
		uint32_t rec = c->pkg_blob[i];

		for (hi = names_of(v, rec, &lo); rc == 0 && lo < hi; lo++) {
			char *path = renamed(p.path ? p.path : "", read_as(c, rec),
					     v->names[v->by_rec[lo]].path);

			p.path = path;
			p.layer = (char *)blob_digest(c, c->recs[rec].blob);
			rc = ward_pkg_add(&pk, &p);
			free(path);
			p = r->pkgs.items[i];
		}
	}
	for (size_t i = 0; i < r->secret_cnt; i++) {
		const struct ward_secret_hit *h = &r->secrets[i];
		uint32_t rec = c->secret_blob[i];

		for (hi = names_of(v, rec, &lo); lo < hi; lo++) {
			struct ward_secret_hit *o;

			sec = ward_xreallocarray(sec, sec_cnt + 1, sizeof(*sec));
			o = &sec[sec_cnt++];
			*o = *h;
			o->rule_id = ward_xstrdup(h->rule_id);
			o->title = h->title ? ward_xstrdup(h->title) : NULL;
			o->path = renamed(h->path, read_as(c, rec), v->names[v->by_rec[lo]].path);
			o->layer = ward_xstrdup(blob_digest(c, c->recs[rec].blob));
			o->snippet = h->snippet ? ward_xstrdup(h->snippet) : NULL;
			o->suppressed_reason = h->suppressed_reason ? ward_xstrdup(h->suppressed_reason)
								    : NULL;
		}
	}
	for (size_t i = 0; i < r->malware_cnt; i++) {
		const struct ward_malware_hit *h = &r->malware[i];
		uint32_t rec = c->malware_blob[i];

		for (hi = names_of(v, rec, &lo); lo < hi; lo++) {
			struct ward_malware_hit *o;

			mal = ward_xreallocarray(mal, mal_cnt + 1, sizeof(*mal));
			o = &mal[mal_cnt++];
			*o = *h;
			o->rule = ward_xstrdup(h->rule);
			o->title = h->title ? ward_xstrdup(h->title) : NULL;
			o->path = renamed(h->path, read_as(c, rec), v->names[v->by_rec[lo]].path);
			o->layer = ward_xstrdup(blob_digest(c, c->recs[rec].blob));
			o->suppressed_reason = h->suppressed_reason ? ward_xstrdup(h->suppressed_reason)
								    : NULL;
		}
	}
	/* swap the staged results for the placed ones */
	{
		struct ward_os os = r->pkgs.os;
		size_t sc = r->secret_cnt, mc = r->malware_cnt;

		r->secret_cnt = r->malware_cnt = 0;
		for (size_t i = 0; i < sc; i++) {
			struct ward_secret_hit *h = &r->secrets[i];

			free(h->rule_id); free(h->title); free(h->path); free(h->layer);
			free(h->snippet); free(h->suppressed_reason);
		}
		for (size_t i = 0; i < mc; i++) {
			struct ward_malware_hit *h = &r->malware[i];

			free(h->rule); free(h->title); free(h->path); free(h->layer);
			free(h->suppressed_reason);
		}
		free(r->secrets);
		free(r->malware);
		ward_pkg_list_free(&r->pkgs);
		r->pkgs = pk;
		r->pkgs.os = os;
		r->secrets = sec;
		r->secret_cnt = sec_cnt;
		r->malware = mal;
		r->malware_cnt = mal_cnt;
		free(c->pkg_blob);
		free(c->secret_blob);
		free(c->malware_blob);
		c->pkg_blob = c->secret_blob = c->malware_blob = NULL;
		c->pkg_blob_cap = c->secret_cap = c->malware_cap = 0;
	}
	if (rc < 0)
		return ward_diag_set(c->d, rc, r->target, 0, 0,
				     "more than %u packages once hard links are counted",
				     WARD_SCAN_MAX_PKGS);
	return 0;
}

static bool os_visible(const struct ward_scan_ctx *c, const struct view *v,
		       const struct ward_scan_os_cand *o)
{
	size_t lo, hi;

	if (!c->layered)
		return true;
	for (hi = names_of(v, o->rec, &lo); lo < hi; lo++)
		if (!strcmp(v->names[v->by_rec[lo]].path, o->path))
			return true;
	return false;
}

static void pick_os(struct ward_scan_ctx *c, const struct view *v)
{
	int best = -1;

	for (size_t i = 0; i < c->os_cnt; i++) {
		if (!os_visible(c, v, &c->os[i]))
			continue;
		/* the same priority twice (a hard link): the later layer's */
		if (best < 0 || c->os[i].prio > c->os[best].prio ||
		    (c->os[i].prio == c->os[best].prio && c->layered &&
		     c->os[i].rec > c->os[best].rec))
			best = (int)i;
	}
	if (best >= 0)
		c->r->pkgs.os = c->os[best].os;
}

/* A name whose content was read under another path (a hard link, or a file written through
 * a symlinked directory) and would be analyzed differently there cannot be reported from
 * this single pass: refused rather than reported clean. */
static int check_renames(struct ward_scan_ctx *c, const struct view *v)
{
	for (size_t i = 0; i < v->cnt; i++) {
		const struct ward_scan_name *n = &v->names[i];
		const char *was;

		if (n->kind != WARD_SCAN_R_FILE)
			continue;
		was = read_as(c, n->rec);
		if (strcmp(was, n->path) && !ward_scan_same_analysis(c, was, n->path))
			return ward_diag_set(c->d, -WARD_E_UNSUPPORTED,
					     c->blobs[c->recs[n->rec].blob].name, 0, 0,
					     "'%.300s' has the content of '%.300s' (a hard link or a "
					     "symlinked directory) and would be analyzed differently "
					     "under its own name; refusing to report it unread",
					     n->path, was);
	}
	return 0;
}

static void list_files(struct ward_scan_ctx *c, const struct view *v)
{
	struct ward_scan_result *r = c->r;

	r->files = ward_xcalloc(v->cnt ? v->cnt : 1, sizeof(*r->files));
	for (size_t i = 0; i < v->cnt; i++) {
		const struct ward_scan_name *n = &v->names[i];
		struct ward_scan_file *f = &r->files[r->file_cnt++];
		const struct ward_scan_rec *rec = n->rec == WARD_SCAN_NO_REC ? NULL : &c->recs[n->rec];

		f->path = ward_xstrdup(n->path);
		f->type = n->kind == WARD_SCAN_R_FILE ? "file" : n->kind == WARD_SCAN_R_DIR ? "dir"
			  : n->kind == WARD_SCAN_R_SYMLINK ? "symlink" : "other";
		/* a directory no entry named (made for a deeper entry) gets what runtimes give */
		f->mode = rec ? rec->mode : 0755;
		if (!rec)
			continue;
		f->layer = ward_xstrdup(blob_digest(c, rec->blob));
		if (n->kind == WARD_SCAN_R_FILE) {
			f->size = rec->size;
			if (c->sha)
				ward_hex(c->sha[n->rec], 32, f->sha256);
		} else if (n->kind == WARD_SCAN_R_SYMLINK) {
			f->target = ward_xstrdup(c->names + rec->link);
		}
	}
}

static int resolve_view(struct ward_scan_ctx *c, struct view *v)
{
	int rc = ward_scan_tree_build(c, &v->names, &v->cnt);

	if (rc < 0)
		return rc;
	v->by_rec = ward_xcalloc(v->cnt ? v->cnt : 1, sizeof(*v->by_rec));
	for (size_t i = 0; i < v->cnt; i++)
		if (v->names[i].kind == WARD_SCAN_R_FILE)
			v->by_rec[v->by_cnt++] = (uint32_t)i;
	if (v->by_cnt)
		qsort_r(v->by_rec, v->by_cnt, sizeof(*v->by_rec), by_rec_cmp, v);
	if ((rc = check_renames(c, v)) < 0)
		return rc;
	if (c->o->files)
		list_files(c, v);
	return place_results(c, v);
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
	struct view v = { 0 };
	int rc = 0;

	/* every file's secret and YARA hits are staged before whiteouts are applied */
	if (c->pipe && (rc = ward_scan_pipe_drain(c->pipe)) < 0)
		goto out;
	if (c->layered && (rc = resolve_view(c, &v)) < 0)
		goto out;
	if (!c->layered)
		for (size_t i = 0; i < r->pkgs.cnt; i++)
			ward_pkg_set(&r->pkgs.items[i].layer, NULL);
	pick_os(c, &v);
	dedupe_locks(&r->pkgs);
	for (size_t i = 0; i < r->pkgs.cnt; i++)
		ward_purl_finalize(&r->pkgs.items[i], &r->pkgs.os);
	if (r->pkgs.cnt)
		qsort(r->pkgs.items, r->pkgs.cnt, sizeof(*r->pkgs.items), pkg_cmp);
	if (r->secret_cnt)
		qsort(r->secrets, r->secret_cnt, sizeof(*r->secrets), secret_cmp);
	if (r->malware_cnt)
		qsort(r->malware, r->malware_cnt, sizeof(*r->malware), malware_cmp);
	/* one entry per position: a layer listed twice is applied (and listed) twice */
	if (c->layered && c->order_cnt) {
		r->layers = ward_xcalloc(c->order_cnt, sizeof(char *));
		for (size_t i = 0; i < c->order_cnt; i++)
			r->layers[i] = ward_xstrdup(blob_digest(c, c->order[i]));
		r->layer_cnt = c->order_cnt;
	}
	*out = r;
	c->r = NULL;
out:
	ward_scan_progress(c, NULL, true);
	if (v.names)
		ward_scan_names_free(v.names, v.cnt);
	free(v.by_rec);
	return rc;
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
