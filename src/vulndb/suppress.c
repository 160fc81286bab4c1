// SPDX-License-Identifier: Apache-2.0
/*
 * Applying suppression rules to findings: an ignore entry suppresses a finding whose id or
 * alias it names (and whose package, when it names one) until its expiry date, after which
 * it is warned about and no longer applies; for OpenVEX the last statement that matches a
 * finding decides (not_affected/fixed suppress, affected/under_investigation keep).
 * Suppressed findings stay in the list, marked, so reports can show them.
 * Not parsing: suppress_ignore.c and suppress_vex.c load the rules.
 */
#include "vulndb/suppress.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/fileio.h"
#include "common/log.h"
#include "common/xalloc.h"

struct ward_suppress *ward_suppress_new(void)
{
	return ward_xcalloc(1, sizeof(struct ward_suppress));
}

void ward_sup_truncate(struct ward_suppress *s, size_t cnt)
{
	while (s->cnt > cnt) {
		struct ward_sup_rule *r = &s->r[--s->cnt];

		free(r->ids);
		for (size_t k = 0; k < r->pkgs_cnt; k++)
			free(r->pkgs[k]);
		free(r->pkgs);
		free(r->reason);
	}
}

void ward_suppress_free(struct ward_suppress *s)
{
	if (!s)
		return;
	ward_sup_truncate(s, 0);
	free(s->r);
	free(s);
}

struct ward_sup_rule *ward_sup_add(struct ward_suppress *s)
{
	if (s->cnt == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->r = ward_xreallocarray(s->r, s->cap, sizeof(*s->r));
	}
	memset(&s->r[s->cnt], 0, sizeof(s->r[0]));
	return &s->r[s->cnt++];
}

void ward_sup_add_pkg(struct ward_sup_rule *r, const char *pkg)
{
	r->pkgs = ward_xreallocarray(r->pkgs, r->pkgs_cnt + 1, sizeof(*r->pkgs));
	r->pkgs[r->pkgs_cnt++] = ward_xstrdup(pkg);
}

bool ward_sup_valid_date(const char *s)
{
	int y, m, dd;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	dd = (s[8] - '0') * 10 + (s[9] - '0');
	return y >= 1970 && m >= 1 && m <= 12 && dd >= 1 && dd <= 31;
}

bool ward_sup_valid_id(const char *s, size_t len)
{
	if (!len || len > 128)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isgraph((unsigned char)s[i]) || s[i] == ',')
			return false;
	return true;
}

int ward_sup_read_file(const char *path, size_t max, char **out, size_t *len, struct ward_diag *d)
{
	struct stat sb;
	char *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0) {
		err = -errno;
		return ward_diag_set(d, err, path, 0, 0, "cannot open: %s", strerror(-err));
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return ward_diag_set(d, -EINVAL, path, 0, 0, "not a regular file");
	}
	if ((unsigned long long)sb.st_size > max) {
		close(fd);
		return ward_diag_set(d, -WARD_E_LIMIT, path, 0, 0, "larger than %zu bytes", max);
	}
	buf = ward_xmalloc((size_t)sb.st_size + 1);
	/* a read error keeps what came before it */
	(void)ward_read_full(fd, buf, (size_t)sb.st_size, &got);
	close(fd);
	buf[got] = 0;
	*out = buf;
	*len = got;
	return 0;
}

static bool id_in(const char *id, const char *list)
{
	size_t n = strlen(id);

	for (const char *p = list; p && *p;) {
		const char *c = strchr(p, ',');
		size_t m = c ? (size_t)(c - p) : strlen(p);

		if (m == n && !strncasecmp(p, id, n))
			return true;
		p = c ? c + 1 : NULL;
	}
	return false;
}

/* Any of the rule's ids equals the finding's id or one of its aliases. */
static bool ids_match(const struct ward_sup_rule *r, const struct ward_finding *f)
{
	if (id_in(f->id, r->ids))
		return true;
	for (const char *p = f->aliases; p && *p;) {
		const char *c = strchr(p, ',');
		size_t m = c ? (size_t)(c - p) : strlen(p);
		char one[160];

		if (m < sizeof(one)) {
			memcpy(one, p, m);
			one[m] = 0;
			if (id_in(one, r->ids))
				return true;
		}
		p = c ? c + 1 : NULL;
	}
	return false;
}

/* purl without qualifiers and subpath; without the version too when drop_version. */
static size_t purl_core(const char *p, bool drop_version)
{
	size_t n = strcspn(p, "?#");

	if (drop_version) {
		const char *at = memchr(p, '@', n);

		/* '@' in "pkg:npm/%40scope/x" is percent-encoded, so a literal '@' is the
		 * version separator. */
		if (at)
			n = (size_t)(at - p);
	}
	return n;
}

static bool pkg_match(const char *want, const struct ward_pkg *p)
{
	if (!strncmp(want, "pkg:", 4)) {
		if (!p->purl)
			return false;
		bool versioned = memchr(want, '@', purl_core(want, false)) != NULL;
		size_t a = purl_core(want, false), b = purl_core(p->purl, !versioned);

		return a == b && !strncmp(want, p->purl, a);
	}
	return (p->name && !strcmp(want, p->name)) || (p->src_name && !strcmp(want, p->src_name));
}

static bool rule_matches(const struct ward_sup_rule *r, const struct ward_finding *f)
{
	if (!ids_match(r, f))
		return false;
	if (!r->pkgs_cnt)
		return true;
	for (size_t k = 0; k < r->pkgs_cnt; k++)
		if (f->pkg && pkg_match(r->pkgs[k], f->pkg))
			return true;
	return false;
}

static void suppress_one(struct ward_finding *f, const struct ward_sup_rule *r)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s (%s)", r->reason && *r->reason ? r->reason : "no reason given",
		 r->origin);
	f->suppressed = true;
	free(f->suppressed_reason);
	f->suppressed_reason = ward_xstrdup(buf);
}

int ward_suppress_apply(struct ward_suppress *s, struct ward_findings *f, const char *today)
{
	char now[16];
	int n = 0;

	if (!today) {
		time_t t = time(NULL);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(now, sizeof(now), "%Y-%m-%d", &tm);
		today = now;
	}
	s->expired = 0;
	for (size_t i = 0; i < s->cnt; i++) {
		struct ward_sup_rule *r = &s->r[i];

		/* Expires at the end of the given day (UTC). */
		if (r->kind == WARD_SUP_IGNORE && r->expires[0] && strcmp(r->expires, today) < 0) {
			s->expired++;
			if (!r->warned) {
				ward_warn("%s: ignore entry for %s expired on %s; it no longer suppresses",
					  r->origin, r->ids, r->expires);
				r->warned = true;
			}
		}
	}
	for (size_t i = 0; i < f->cnt; i++) {
		struct ward_finding *x = &f->items[i];
		const struct ward_sup_rule *vex = NULL, *ign = NULL;

		if (x->suppressed)
			continue;
		for (size_t k = 0; k < s->cnt; k++) {
			const struct ward_sup_rule *r = &s->r[k];

			if (!rule_matches(r, x))
				continue;
			if (r->kind == WARD_SUP_VEX)
				vex = r; /* the latest statement wins */
			else if (!ign && !(r->expires[0] && strcmp(r->expires, today) < 0))
				ign = r;
		}
		if (ign) {
			suppress_one(x, ign);
			n++;
		} else if (vex && vex->suppresses) {
			suppress_one(x, vex);
			n++;
		}
	}
	return n;
}

size_t ward_suppress_expired_cnt(const struct ward_suppress *s)
{
	return s->expired;
}
