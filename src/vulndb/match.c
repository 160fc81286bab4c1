// SPDX-License-Identifier: Apache-2.0
/*
 * Matching an inventory against the database. Each package is looked up by its normalized
 * (ecosystem, name) key: OS packages by distribution release and source package (dpkg, apk;
 * rpm distributions publish by binary package), language packages by registry name. The
 * record's ranges are then evaluated as the OSV schema specifies (events sorted by version,
 * introduced/fixed/last_affected, limit as an upper bound, explicit versions), GIT ranges
 * ignored, and the fixed version of the branch the package is on is reported. Findings for
 * one package are de-duplicated by id and aliases. Not suppression (suppress*.c).
 */
#include "vulndb/osv.h"
#include "vulndb/store.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "vulndb/version.h"

enum ev_kind { EV_INTRODUCED, EV_FIXED, EV_LAST_AFFECTED, EV_LIMIT };

struct event {
	enum ev_kind kind;
	const char *v;
	int is_zero; /* introduced "0": before every version */
};

/* Major version of an os-release VERSION_ID ("12", "12.5" -> "12"); major.minor with
 * want_minor ("3.19.1" -> "3.19"). Empty when absent. */
static void release_part(const char *vid, int want_minor, char *out, size_t out_len)
{
	size_t n = strspn(vid, "0123456789");

	if (want_minor && vid[n] == '.')
		n += 1 + strspn(vid + n + 1, "0123456789");
	snprintf(out, out_len, "%.*s", (int)n, vid);
}

/* The ecosystem key records are indexed under for this package; 0 when none applies (an
 * OS package on a distribution without a release number, such as Debian sid). */
static int pkg_eco_key(const struct ward_pkg_list *l, const struct ward_pkg *p, char *out,
		       size_t out_len)
{
	char rel[32], eco[160];
	const char *e = p->ecosystem;

	if (strchr(e, ':'))
		return ward_osv_eco_key(e, out, out_len) ? 0 : 1;
	if (!strcmp(e, WARD_ECO_DEBIAN) || !strcmp(e, WARD_ECO_UBUNTU) || !strcmp(e, WARD_ECO_ALPINE) ||
	    !strcmp(e, WARD_ECO_REDHAT) || !strcmp(e, "AlmaLinux") || !strcmp(e, "Rocky Linux")) {
		int alpine = !strcmp(e, WARD_ECO_ALPINE), ubuntu = !strcmp(e, WARD_ECO_UBUNTU);

		release_part(l->os.version_id, alpine || ubuntu, rel, sizeof(rel));
		if (!rel[0])
			return 0;
		if (!strcmp(e, WARD_ECO_REDHAT) && !strcmp(l->os.id, "almalinux"))
			e = "AlmaLinux";
		else if (!strcmp(e, WARD_ECO_REDHAT) && !strcmp(l->os.id, "rocky"))
			e = "Rocky Linux";
		snprintf(eco, sizeof(eco), "%s:%s%s", e, alpine ? "v" : "", rel);
		return ward_osv_eco_key(eco, out, out_len) ? 0 : 1;
	}
	return snprintf(out, out_len, "%s", e) < (int)out_len;
}

/* dpkg and apk advisories name source packages; rpm ones and language ones do not. The
 * scheme decides, so a package without kind "os" is still matched the right way. */
static int uses_source(const struct ward_pkg *p)
{
	enum ward_ver_scheme s = ward_ver_scheme_for(p->ecosystem);

	return s == WARD_VER_DPKG || s == WARD_VER_APK;
}

static int ev_cmp(enum ward_ver_scheme s, const struct event *a, const struct event *b)
{
	int err, r;

	if (a->is_zero || b->is_zero)
		return b->is_zero - a->is_zero;
	r = ward_ver_cmp_scheme(s, a->v, b->v, &err);
	return err ? 0 : r;
}

/* Evaluates one range for version v. Returns 1 affected, 0 not, -errno when the package
 * version is not a version of this scheme. *fixed gets the first fix above v. */
static int eval_range(enum ward_ver_scheme s, json_t *events, const char *v, const char **fixed)
{
	struct event *ev;
	size_t n = 0, i, cap = json_array_size(events);
	json_t *e;
	int affected = 0, err, r;

	if (!cap)
		return 0;
	if (cap > WARD_OSV_MAX_EVENTS)
		cap = WARD_OSV_MAX_EVENTS;
	ev = ward_xcalloc(cap, sizeof(*ev));

	json_array_foreach(events, i, e) {
		const char *k;
		json_t *val;

		if (n >= cap)
			break;
		json_object_foreach(e, k, val) {
			const char *sv = json_string_value(val);

			if (!sv)
				continue;
			ev[n].v = sv;
			ev[n].is_zero = 0;
			if (!strcmp(k, "introduced")) {
				ev[n].kind = EV_INTRODUCED;
				ev[n].is_zero = !strcmp(sv, "0");
			} else if (!strcmp(k, "fixed")) {
				ev[n].kind = EV_FIXED;
			} else if (!strcmp(k, "last_affected")) {
				ev[n].kind = EV_LAST_AFFECTED;
			} else {
				ev[n].kind = EV_LIMIT;
			}
			/* An event that is not a version of the scheme cannot be placed; drop it
			 * rather than guess (import validated only the shape). */
			if (!ev[n].is_zero) {
				ward_ver_cmp_scheme(s, sv, sv, &err);
				if (err)
					continue;
			}
			n++;
		}
	}
	/* Insertion sort: ranges hold a handful of events. */
	for (i = 1; i < n; i++) {
		struct event t = ev[i];
		size_t j = i;

		while (j > 0 && ev_cmp(s, &ev[j - 1], &t) > 0) {
			ev[j] = ev[j - 1];
			j--;
		}
		ev[j] = t;
	}
	ward_ver_cmp_scheme(s, v, v, &err);
	if (err) {
		free(ev);
		return err;
	}
	for (i = 0; i < n; i++) {
		r = ev[i].is_zero ? 1 : ward_ver_cmp_scheme(s, v, ev[i].v, &err);
		switch (ev[i].kind) {
		case EV_INTRODUCED:
			if (r >= 0)
				affected = 1;
			break;
		case EV_FIXED:
			if (r >= 0)
				affected = 0;
			break;
		case EV_LAST_AFFECTED:
			if (r > 0)
				affected = 0;
			break;
		case EV_LIMIT:
			break;
		}
	}
	for (i = 0; i < n && affected; i++)
		if (ev[i].kind == EV_LIMIT && ward_ver_cmp_scheme(s, v, ev[i].v, &err) >= 0)
			affected = 0;
	*fixed = NULL;
	for (i = 0; i < n && affected; i++)
		if (ev[i].kind == EV_FIXED && ward_ver_cmp_scheme(s, v, ev[i].v, &err) < 0) {
			*fixed = ev[i].v;
			break;
		}
	free(ev);
	return affected;
}

/* Evaluates one affected[] entry; on a hit *fixed is a malloc'd fixed version or NULL. */
static int eval_affected(const char *eco, const char *ranges_json, const char *v, char **fixed)
{
	json_t *root = json_loads(ranges_json, 0, NULL), *ranges, *versions, *r, *x;
	enum ward_ver_scheme eco_s = ward_ver_scheme_for(eco);
	size_t i;
	int hit = 0, err;

	*fixed = NULL;
	if (!root)
		return 0;
	ranges = json_object_get(root, "ranges");
	versions = json_object_get(root, "versions");
	json_array_foreach(ranges, i, r) {
		const char *type = json_string_value(json_object_get(r, "type")), *f = NULL;
		enum ward_ver_scheme s;
		int rc;

		if (!type || !strcmp(type, "GIT"))
			continue;
		s = !strcmp(type, "SEMVER") ? (eco_s == WARD_VER_GO ? WARD_VER_GO : WARD_VER_SEMVER) : eco_s;
		rc = eval_range(s, json_object_get(r, "events"), v, &f);
		if (rc > 0) {
			if (!hit || (f && !*fixed)) {
				free(*fixed);
				*fixed = f ? ward_xstrdup(f) : NULL;
			}
			hit = 1;
		}
	}
	json_array_foreach(versions, i, x) {
		const char *sv = json_string_value(x);

		if (hit || !sv)
			break;
		if (!strcmp(sv, v) || (!ward_ver_cmp_scheme(eco_s, v, sv, &err) && !err))
			hit = 1;
	}
	json_decref(root);
	return hit;
}

/* Same vulnerability: equal ids, or one's id among the other's aliases, or a shared alias. */
static int same_vuln(const struct ward_finding *f, const char *id, const char *aliases)
{
	if (!strcmp(f->id, id) || ward_osv_id_in_list(id, f->aliases) ||
	    ward_osv_id_in_list(f->id, aliases))
		return 1;
	for (const char *p = aliases; p && *p;) {
		const char *c = strchr(p, ',');
		char one[160];
		size_t m = c ? (size_t)(c - p) : strlen(p);

		if (m < sizeof(one)) {
			memcpy(one, p, m);
			one[m] = 0;
			if (ward_osv_id_in_list(one, f->aliases))
				return 1;
		}
		p = c ? c + 1 : NULL;
	}
	return 0;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? ward_xstrdup((const char *)t) : NULL;
}

static int match_pkg(struct ward_vulndb *db, const struct ward_pkg_list *l, const struct ward_pkg *p,
		     struct ward_findings *out)
{
	char eco[256], name[512];
	const char *pname = p->name, *ver = p->version;
	size_t first = out->cnt;
	int rc, found = 0;

	if (!p->ecosystem || !p->name || !p->version || !pkg_eco_key(l, p, eco, sizeof(eco)))
		return 0;
	/* dpkg and apk advisories are per source package and source version; rpm
	 * distributions publish per binary package. */
	if (uses_source(p)) {
		if (p->src_name && *p->src_name)
			pname = p->src_name;
		if (p->src_version && *p->src_version)
			ver = p->src_version;
	}
	if (ward_osv_name_key(eco, pname, name, sizeof(name)))
		return 0;
	sqlite3_bind_text(db->match, 1, eco, -1, SQLITE_STATIC);
	sqlite3_bind_text(db->match, 2, name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(db->match)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(db->match, 0);
		const char *aliases = (const char *)sqlite3_column_text(db->match, 1);
		const char *aeco = (const char *)sqlite3_column_text(db->match, 7);
		const char *ranges = (const char *)sqlite3_column_text(db->match, 8);
		char *fixed = NULL;
		struct ward_finding *f = NULL;

		if (!id || !aeco || !ranges || !eval_affected(aeco, ranges, ver, &fixed))
			continue;
		for (size_t k = first; k < out->cnt; k++)
			if (same_vuln(&out->items[k], id, aliases)) {
				f = &out->items[k];
				break;
			}
		if (f) { /* keep the first; fill what it lacks */
			if (!f->fixed_version && fixed) {
				f->fixed_version = fixed;
				fixed = NULL;
			}
			free(fixed);
			continue;
		}
		if (out->cnt == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->items = ward_xreallocarray(out->items, out->cap, sizeof(*out->items));
		}
		f = &out->items[out->cnt++];
		memset(f, 0, sizeof(*f));
		f->pkg = p;
		f->id = ward_xstrdup(id);
		f->aliases = col_dup(db->match, 1);
		f->summary = col_dup(db->match, 2);
		f->severity = (enum ward_severity)sqlite3_column_int(db->match, 3);
		f->cvss_score = sqlite3_column_double(db->match, 4);
		f->cvss_vector = col_dup(db->match, 5);
		f->url = col_dup(db->match, 6);
		if (f->severity == WARD_SEV_UNKNOWN)
			f->severity = (enum ward_severity)sqlite3_column_int(db->match, 9);
		if (!f->cvss_vector) {
			f->cvss_score = sqlite3_column_double(db->match, 10);
			f->cvss_vector = col_dup(db->match, 11);
		}
		if (f->severity < WARD_SEV_UNKNOWN || f->severity > WARD_SEV_CRITICAL)
			f->severity = WARD_SEV_UNKNOWN;
		f->fixed_version = fixed;
		found++;
	}
	sqlite3_reset(db->match);
	sqlite3_clear_bindings(db->match);
	return rc == SQLITE_DONE ? found : -EIO;
}

int ward_vulndb_match(struct ward_vulndb *db, const struct ward_pkg_list *pkgs,
		      struct ward_findings *out)
{
	int total = 0, n;

	for (size_t i = 0; i < pkgs->cnt; i++) {
		n = match_pkg(db, pkgs, &pkgs->items[i], out);
		if (n < 0) {
			ward_err("%s: match failed: %s", db->path, sqlite3_errmsg(db->db));
			return n;
		}
		total += n;
	}
	return total;
}

void ward_findings_free(struct ward_findings *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->cnt; i++) {
		struct ward_finding *x = &f->items[i];

		free(x->id);
		free(x->aliases);
		free(x->summary);
		free(x->cvss_vector);
		free(x->fixed_version);
		free(x->url);
		free(x->suppressed_reason);
	}
	free(f->items);
	memset(f, 0, sizeof(*f));
}
