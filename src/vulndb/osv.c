// SPDX-License-Identifier: Apache-2.0
/*
 * OSV record parsing (jansson): checks the parts ward relies on (id, modified, affected[]
 * packages, ranges and their events, versions) and extracts severity from severity[]
 * (CVSS v3 and v4 vectors scored, v3 first), GHSA's database_specific.severity, Ubuntu's
 * priority and Debian's urgency. Errors name the JSON path. Not the database or matching:
 * store.c and match.c. Fields ward does not use (credits, references beyond the first
 * advisory link, GIT range repos) are ignored, not validated.
 */
#include "vulndb/osv.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/limits.h"
#include "common/xalloc.h"
#include "vulndb/version.h"

#define OSV_SUMMARY_MAX 512

static int fail(struct ward_diag *d, const char *name, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct ward_diag *d, const char *name, const char *path, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ward_diag_set(d, -WARD_E_SYNTAX, name, 0, 0, "%s: %s", path, msg);
}

static char *dup_or_null(const char *s)
{
	return s ? ward_xstrdup(s) : NULL;
}

/* Optional string member: absent/null is fine, another type is an error. */
static int opt_str(json_t *obj, const char *key, const char **out, const char *name,
		   const char *path, struct ward_diag *d)
{
	json_t *v = json_object_get(obj, key);
	char p[128];

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		snprintf(p, sizeof(p), "%s.%s", path, key);
		return fail(d, name, p, "expected a string");
	}
	*out = json_string_value(v);
	return 0;
}

int ward_osv_eco_key(const char *eco, char *out, size_t out_len)
{
	int n;

	/* Ubuntu "22.04:LTS" and "22.04" are the same release for matching. */
	if (!strncmp(eco, "Ubuntu:", 7)) {
		const char *rel = eco + 7, *end = strchr(rel, ':');

		if (!strncmp(rel, "Pro:", 4)) /* Ubuntu Pro streams: not for plain installs */
			n = snprintf(out, out_len, "%s", eco);
		else
			n = snprintf(out, out_len, "Ubuntu:%.*s", (int)(end ? (size_t)(end - rel) : strlen(rel)), rel);
	} else if (!strncmp(eco, "Red Hat:enterprise_linux:", 25)) {
		/* "Red Hat:enterprise_linux:9::appstream" -> "Red Hat:9" */
		const char *rel = eco + 25;
		size_t m = strspn(rel, "0123456789");

		n = m ? snprintf(out, out_len, "Red Hat:%.*s", (int)m, rel) : snprintf(out, out_len, "%s", eco);
	} else {
		n = snprintf(out, out_len, "%s", eco);
	}
	return n < 0 || (size_t)n >= out_len ? -WARD_E_LIMIT : 0;
}

int ward_osv_name_key(const char *eco, const char *name, char *out, size_t out_len)
{
	size_t bl = strcspn(eco, ":"), o = 0;
	int pypi = bl == 4 && !strncmp(eco, "PyPI", 4);
	int fold = pypi || (bl == 5 && !strncmp(eco, "NuGet", 5)) ||
		   (bl == 9 && !strncmp(eco, "Packagist", 9)) || (bl == 9 && !strncmp(eco, "crates.io", 9));

	for (size_t i = 0; name[i]; i++) {
		char c = name[i];

		if (o + 1 >= out_len)
			return -WARD_E_LIMIT;
		/* PEP 503: runs of '-', '_' and '.' are one '-'; crates.io treats '-' and '_'
		 * as the same name. */
		if (pypi && (c == '-' || c == '_' || c == '.')) {
			while (name[i + 1] == '-' || name[i + 1] == '_' || name[i + 1] == '.')
				i++;
			c = '-';
		} else if (bl == 9 && !strncmp(eco, "crates.io", 9) && c == '_') {
			c = '-';
		}
		out[o++] = fold ? (char)tolower((unsigned char)c) : c;
	}
	if (o >= out_len)
		return -WARD_E_LIMIT;
	out[o] = 0;
	return 0;
}

/* Severity from a severity[] array: the highest CVSS v3 score wins; without v3, the
 * highest CVSS v4 score; an Ubuntu priority when there is neither. */
static int parse_severity(json_t *arr, const char *name, const char *path, double *score,
			  char **vector, enum ward_severity *level, struct ward_diag *d)
{
	size_t i;
	json_t *e;
	char p[160];

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return fail(d, name, path, "expected an array");
	json_array_foreach(arr, i, e) {
		const char *type, *sc;
		double s;

		snprintf(p, sizeof(p), "%s[%zu]", path, i);
		if (!json_is_object(e))
			return fail(d, name, p, "expected an object");
		type = json_string_value(json_object_get(e, "type"));
		sc = json_string_value(json_object_get(e, "score"));
		if (!type || !sc)
			return fail(d, name, p, "needs string 'type' and 'score'");
		if (!strcmp(type, "CVSS_V3")) {
			struct ward_diag cd = { 0 };

			if (ward_cvss3_score(sc, &s, &cd))
				return fail(d, name, p, "%s", cd.msg);
			if (!*vector || s > *score || strncmp(*vector, "CVSS:3", 6)) {
				free(*vector);
				*vector = ward_xstrdup(sc);
				*score = s;
				*level = ward_cvss_level(s);
			}
		} else if (!strcmp(type, "CVSS_V4")) {
			struct ward_diag cd = { 0 };
			bool v3 = *vector && !strncmp(*vector, "CVSS:3", 6);

			if (strncmp(sc, "CVSS:4.0/", 9))
				return fail(d, name, p, "CVSS_V4 score is not a CVSS:4.0 vector");
			/* v3 keeps precedence (what NVD-based policies and other scanners show
			 * first); a v4-only record is scored, the highest v4 vector winning. A v4
			 * vector that does not score is kept as text rather than dropping the
			 * whole advisory. */
			if (v3)
				continue;
			if (ward_cvss4_score(sc, &s, &cd) == 0) {
				if (!*vector || s > *score || *score == 0.0) {
					free(*vector);
					*vector = ward_xstrdup(sc);
					*score = s;
					*level = ward_cvss_level(s);
				}
			} else if (!*vector) {
				*vector = ward_xstrdup(sc);
			}
		} else if (!strcmp(type, "Ubuntu")) {
			enum ward_severity u;

			if (*level == WARD_SEV_UNKNOWN && !ward_severity_parse(sc, &u))
				*level = u;
		}
		/* CVSS_V2 and unknown types: not used for levels. */
	}
	return 0;
}

/* database_specific / ecosystem_specific: GHSA "severity", Debian "urgency". */
static enum ward_severity specific_severity(json_t *obj)
{
	static const char *const keys[] = { "severity", "urgency", "priority" };
	enum ward_severity s;

	if (!json_is_object(obj))
		return WARD_SEV_UNKNOWN;
	for (size_t k = 0; k < 3; k++) {
		const char *v = json_string_value(json_object_get(obj, keys[k]));

		if (v && !ward_severity_parse(v, &s))
			return s;
	}
	return WARD_SEV_UNKNOWN;
}

static int check_ranges(json_t *aff, const char *name, const char *path, size_t *events,
			struct ward_diag *d)
{
	json_t *ranges = json_object_get(aff, "ranges"), *versions = json_object_get(aff, "versions");
	char p[200];
	size_t i, j;
	json_t *r, *e;

	if (ranges && !json_is_array(ranges)) {
		snprintf(p, sizeof(p), "%s.ranges", path);
		return fail(d, name, p, "expected an array");
	}
	json_array_foreach(ranges, i, r) {
		const char *type;
		json_t *evs;

		snprintf(p, sizeof(p), "%s.ranges[%zu]", path, i);
		if (!json_is_object(r))
			return fail(d, name, p, "expected an object");
		type = json_string_value(json_object_get(r, "type"));
		if (!type || (strcmp(type, "ECOSYSTEM") && strcmp(type, "SEMVER") && strcmp(type, "GIT")))
			return fail(d, name, p, "type must be ECOSYSTEM, SEMVER or GIT");
		evs = json_object_get(r, "events");
		if (!json_is_array(evs) || !json_array_size(evs))
			return fail(d, name, p, "events must be a non-empty array");
		json_array_foreach(evs, j, e) {
			const char *k;
			json_t *v;

			snprintf(p, sizeof(p), "%s.ranges[%zu].events[%zu]", path, i, j);
			if (!json_is_object(e) || json_object_size(e) != 1)
				return fail(d, name, p, "expected an object with one of introduced, fixed, last_affected, limit");
			json_object_foreach(e, k, v) {
				if (strcmp(k, "introduced") && strcmp(k, "fixed") && strcmp(k, "last_affected") &&
				    strcmp(k, "limit"))
					return fail(d, name, p, "unknown event '%s'", k);
				if (!json_is_string(v) || !json_string_length(v) ||
				    json_string_length(v) > WARD_VERSION_MAX_LEN)
					return fail(d, name, p, "event '%s' needs a version string", k);
			}
			if (++*events > WARD_OSV_MAX_EVENTS)
				return ward_diag_set(d, -WARD_E_LIMIT, name, 0, 0, "%s: more than %d events", path,
						     WARD_OSV_MAX_EVENTS);
		}
	}
	if (versions && !json_is_null(versions)) {
		snprintf(p, sizeof(p), "%s.versions", path);
		if (!json_is_array(versions))
			return fail(d, name, p, "expected an array");
		json_array_foreach(versions, i, e) {
			if (!json_is_string(e) || json_string_length(e) > WARD_VERSION_MAX_LEN) {
				snprintf(p, sizeof(p), "%s.versions[%zu]", path, i);
				return fail(d, name, p, "expected a version string");
			}
			if (++*events > WARD_OSV_MAX_EVENTS)
				return ward_diag_set(d, -WARD_E_LIMIT, name, 0, 0, "%s: more than %d versions", path,
						     WARD_OSV_MAX_EVENTS);
		}
	}
	return 0;
}

static char *pick_url(json_t *refs, const char *id)
{
	size_t i;
	json_t *r;
	const char *first = NULL;
	char buf[300];

	json_array_foreach(refs, i, r) {
		const char *type = json_string_value(json_object_get(r, "type"));
		const char *url = json_string_value(json_object_get(r, "url"));

		if (!url)
			continue;
		if (type && !strcmp(type, "ADVISORY"))
			return ward_xstrdup(url);
		if (!first)
			first = url;
	}
	if (first)
		return ward_xstrdup(first);
	snprintf(buf, sizeof(buf), "https://osv.dev/vulnerability/%s", id);
	return ward_xstrdup(buf);
}

static void affected_free(struct ward_osv_affected *a)
{
	free(a->ecosystem);
	free(a->eco_key);
	free(a->name);
	free(a->name_key);
	free(a->purl);
	free(a->ranges);
	free(a->cvss_vector);
}

static int parse_affected(json_t *a, size_t idx, const char *name, struct ward_osv_affected *out,
			  int *skip, struct ward_diag *d)
{
	char path[64], key[512];
	json_t *pkg = json_object_get(a, "package"), *ranges, *versions, *keep;
	const char *eco, *pname, *purl;
	size_t events = 0;
	int err;

	*skip = 0;
	snprintf(path, sizeof(path), "affected[%zu]", idx);
	if (!json_is_object(a))
		return fail(d, name, path, "expected an object");
	if (!pkg) { /* allowed by the schema (GIT-only records); nothing to match on */
		*skip = 1;
		return 0;
	}
	snprintf(path, sizeof(path), "affected[%zu].package", idx);
	if (!json_is_object(pkg))
		return fail(d, name, path, "expected an object");
	if ((err = opt_str(pkg, "ecosystem", &eco, name, path, d)) ||
	    (err = opt_str(pkg, "name", &pname, name, path, d)) ||
	    (err = opt_str(pkg, "purl", &purl, name, path, d)))
		return err;
	if (!eco || !*eco || !pname || !*pname)
		return fail(d, name, path, "needs non-empty 'ecosystem' and 'name'");
	snprintf(path, sizeof(path), "affected[%zu]", idx);
	if ((err = check_ranges(a, name, path, &events, d)))
		return err;

	memset(out, 0, sizeof(*out));
	if (ward_osv_eco_key(eco, key, sizeof(key)))
		return fail(d, name, path, "ecosystem too long");
	out->eco_key = ward_xstrdup(key);
	if (ward_osv_name_key(eco, pname, key, sizeof(key))) {
		free(out->eco_key);
		return fail(d, name, path, "package name too long");
	}
	out->name_key = ward_xstrdup(key);
	out->ecosystem = ward_xstrdup(eco);
	out->name = ward_xstrdup(pname);
	out->purl = dup_or_null(purl);
	ranges = json_object_get(a, "ranges");
	versions = json_object_get(a, "versions");
	keep = json_pack("{s:O?,s:O?}", "ranges", ranges, "versions", versions);
	out->ranges = keep ? json_dumps(keep, JSON_COMPACT) : NULL;
	json_decref(keep);
	if (!out->ranges)
		abort(); /* jansson only fails here on OOM; control-plane policy */
	out->severity = specific_severity(json_object_get(a, "ecosystem_specific"));
	if (out->severity == WARD_SEV_UNKNOWN)
		out->severity = specific_severity(json_object_get(a, "database_specific"));
	snprintf(path, sizeof(path), "affected[%zu].severity", idx);
	err = parse_severity(json_object_get(a, "severity"), name, path, &out->cvss_score,
			     &out->cvss_vector, &out->severity, d);
	if (err)
		affected_free(out);
	return err;
}

void ward_osv_record_free(struct ward_osv_record *r)
{
	if (!r)
		return;
	free(r->id);
	free(r->modified);
	free(r->published);
	free(r->withdrawn);
	free(r->aliases);
	free(r->summary);
	free(r->url);
	free(r->cvss_vector);
	for (size_t i = 0; i < r->aff_cnt; i++)
		affected_free(&r->aff[i]);
	free(r->aff);
	memset(r, 0, sizeof(*r));
}

static int valid_id(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 128)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.:", s[i]))
			return 0;
	return 1;
}

/* "2023-10-24T15:10:44Z" and friends: date, 'T', time; the rest is not needed for ordering
 * because all OSV sources write UTC with 'Z'. */
static int valid_time(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";

	for (size_t i = 0; shape[i]; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return 0;
	}
	return strlen(s) < 40;
}

int ward_osv_id_in_list(const char *id, const char *list)
{
	size_t n = strlen(id);

	for (const char *p = list; p && *p;) {
		const char *c = strchr(p, ',');
		size_t m = c ? (size_t)(c - p) : strlen(p);

		if (m == n && !strncmp(p, id, n))
			return 1;
		p = c ? c + 1 : NULL;
	}
	return 0;
}

int ward_osv_parse(const char *name, const char *data, size_t len, struct ward_osv_record *out,
		   struct ward_diag *d)
{
	json_error_t jerr;
	json_t *root, *aff, *aliases, *a;
	const char *id, *modified, *published, *withdrawn, *summary, *details;
	struct ward_osv_record r = { 0 };
	struct ward_buf ab;
	size_t i;
	int err = 0;

	if (len > WARD_OSV_MAX_RECORD)
		return ward_diag_set(d, -WARD_E_LIMIT, name, 0, 0, "record larger than %u bytes",
				     WARD_OSV_MAX_RECORD);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return ward_diag_set(d, -WARD_E_SYNTAX, name, jerr.line > 0 ? jerr.line : 0,
				     jerr.column > 0 ? jerr.column : 0, "invalid JSON: %s", jerr.text);
	if (!json_is_object(root)) {
		err = fail(d, name, "$", "an OSV record is a JSON object");
		goto out;
	}
	if ((err = opt_str(root, "id", &id, name, "$", d)) ||
	    (err = opt_str(root, "modified", &modified, name, "$", d)) ||
	    (err = opt_str(root, "published", &published, name, "$", d)) ||
	    (err = opt_str(root, "withdrawn", &withdrawn, name, "$", d)) ||
	    (err = opt_str(root, "summary", &summary, name, "$", d)) ||
	    (err = opt_str(root, "details", &details, name, "$", d)))
		goto out;
	if (!id || !valid_id(id)) {
		err = fail(d, name, "$.id", "missing or not an advisory id");
		goto out;
	}
	if (!modified || !valid_time(modified)) {
		err = fail(d, name, "$.modified", "missing or not an RFC 3339 time");
		goto out;
	}
	if ((published && !valid_time(published)) || (withdrawn && !valid_time(withdrawn))) {
		err = fail(d, name, published && !valid_time(published) ? "$.published" : "$.withdrawn",
			   "not an RFC 3339 time");
		goto out;
	}
	/* aliases, plus "upstream" ids (DEBIAN-CVE-x, ALPINE-CVE-x -> CVE-x) and, for Debian
	 * advisories, the "related" CVEs they fix: findings are then de-duplicated and
	 * suppressed by the CVE ids users know. */
	ward_buf_init(&ab, 64u << 10);
	{
		static const char *const keys[] = { "aliases", "upstream", "related" };
		int debian_adv = !strncmp(id, "DSA-", 4) || !strncmp(id, "DLA-", 4) || !strncmp(id, "DTSA-", 5);

		for (size_t k = 0; k < 3 && !err; k++) {
			char p[48];

			aliases = json_object_get(root, keys[k]);
			if (!aliases || json_is_null(aliases) || (k == 2 && !debian_adv))
				continue;
			snprintf(p, sizeof(p), "$.%s", keys[k]);
			if (!json_is_array(aliases)) {
				err = fail(d, name, p, "expected an array");
				break;
			}
			if (json_array_size(aliases) > WARD_OSV_MAX_ALIASES) {
				err = ward_diag_set(d, -WARD_E_LIMIT, name, 0, 0, "%s: more than %d", p,
						    WARD_OSV_MAX_ALIASES);
				break;
			}
			json_array_foreach(aliases, i, a) {
				const char *s = json_string_value(a);

				if (!s || !valid_id(s)) {
					snprintf(p, sizeof(p), "$.%s[%zu]", keys[k], i);
					err = fail(d, name, p, "expected an advisory id");
					break;
				}
				if (!strcmp(s, id) || ward_osv_id_in_list(s, ab.data))
					continue;
				if ((ab.len && ward_buf_putc(&ab, ',')) || ward_buf_puts(&ab, s)) {
					err = ward_diag_set(d, -WARD_E_LIMIT, name, 0, 0, "%s: too long", p);
					break;
				}
			}
		}
	}
	if (err) {
		ward_buf_free(&ab);
		goto out;
	}
	r.aliases = ab.len ? ward_xstrdup(ab.data) : NULL;
	ward_buf_free(&ab);
	aff = json_object_get(root, "affected");
	if (aff && !json_is_null(aff) && !json_is_array(aff)) {
		err = fail(d, name, "$.affected", "expected an array");
		goto out;
	}
	if (json_array_size(aff) > WARD_OSV_MAX_AFFECTED) {
		err = ward_diag_set(d, -WARD_E_LIMIT, name, 0, 0, "$.affected: more than %d entries",
				    WARD_OSV_MAX_AFFECTED);
		goto out;
	}
	r.id = ward_xstrdup(id);
	r.modified = ward_xstrdup(modified);
	r.published = dup_or_null(published);
	r.withdrawn = dup_or_null(withdrawn);
	if (summary && *summary) {
		r.summary = ward_xstrndup(summary, OSV_SUMMARY_MAX);
	} else if (details && *details) {
		size_t n = strcspn(details, "\n");

		r.summary = ward_xstrndup(details, n < OSV_SUMMARY_MAX ? n : OSV_SUMMARY_MAX);
	}
	r.url = pick_url(json_object_get(root, "references"), id);
	if ((err = parse_severity(json_object_get(root, "severity"), name, "$.severity", &r.cvss_score,
				  &r.cvss_vector, &r.severity, d)))
		goto out;
	if (r.severity == WARD_SEV_UNKNOWN)
		r.severity = specific_severity(json_object_get(root, "database_specific"));
	if (json_array_size(aff))
		r.aff = ward_xcalloc(json_array_size(aff), sizeof(*r.aff));
	json_array_foreach(aff, i, a) {
		int skip;

		if ((err = parse_affected(a, i, name, &r.aff[r.aff_cnt], &skip, d)))
			goto out;
		if (!skip)
			r.aff_cnt++;
	}
	*out = r;
	memset(&r, 0, sizeof(r));
out:
	ward_osv_record_free(&r);
	json_decref(root);
	return err;
}
