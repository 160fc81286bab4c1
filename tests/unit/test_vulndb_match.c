// SPDX-License-Identifier: Apache-2.0
/*
 * Matching hand-built inventories against the real OSV fixtures: Debian binary packages
 * matched through their source package and release, Alpine by origin and v<major.minor>,
 * npm/PyPI/Go/Maven/crates.io/RubyGems/NuGet/Packagist by normalized name, the fixed version
 * of the branch the package is on, unfixed advisories, GIT ranges ignored, de-duplication
 * across aliases, and range evaluation order on synthetic event lists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/err.h"
#include "common/log.h"
#include "vulndb/vulndb.h"

struct ctx {
	char dir[64];
	char db[128];
	struct ward_vulndb *vdb;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct ward_vulndb *db = NULL;

	snprintf(c->dir, sizeof(c->dir), "/tmp/ward-vdbm-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	snprintf(c->db, sizeof(c->db), "%s/vuln.db", c->dir);
	assert_int_equal(ward_vulndb_open(c->db, false, &db, NULL), 0);
	assert_true(ward_vulndb_import(db, "tests/data/osv", NULL) > 0);
	ward_vulndb_close(db);
	assert_int_equal(ward_vulndb_open(c->db, true, &c->vdb, NULL), 0);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	char *argv[] = { "rm", "-rf", c->dir, NULL };
	pid_t pid;

	ward_vulndb_close(c->vdb);
	pid = fork();
	if (pid == 0) {
		execvp("rm", argv);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	free(c);
	return 0;
}

struct want {
	size_t pkg;          /* index into the list */
	const char *id;
	const char *fixed;   /* NULL: no fix */
	enum ward_severity sev;
};

static const struct ward_finding *find(const struct ward_findings *f, const struct ward_pkg *p,
				       const char *id)
{
	for (size_t i = 0; i < f->cnt; i++)
		if (f->items[i].pkg == p && !strcmp(f->items[i].id, id))
			return &f->items[i];
	return NULL;
}

/* Every wanted finding is there with its fixed version and severity, and nothing else. */
static void check(struct ward_vulndb *db, struct ward_pkg_list *l, const struct want *w, size_t n)
{
	struct ward_findings f = { 0 };
	int got = ward_vulndb_match(db, l, &f);

	for (size_t i = 0; i < n; i++) {
		const struct ward_finding *x = find(&f, &l->items[w[i].pkg], w[i].id);

		if (!x)
			fail_msg("%s %s: %s not found", l->items[w[i].pkg].name, l->items[w[i].pkg].version, w[i].id);
		if (!w[i].fixed != !x->fixed_version || (w[i].fixed && strcmp(w[i].fixed, x->fixed_version)))
			fail_msg("%s: fixed %s, want %s", w[i].id, x->fixed_version ? x->fixed_version : "(none)",
				 w[i].fixed ? w[i].fixed : "(none)");
		if (x->severity != w[i].sev)
			fail_msg("%s: severity %s, want %s", w[i].id, ward_severity_name(x->severity),
				 ward_severity_name(w[i].sev));
	}
	if (got != (int)n) {
		for (size_t i = 0; i < f.cnt; i++)
			fprintf(stderr, "  got %s %s: %s\n", f.items[i].pkg->name, f.items[i].pkg->version, f.items[i].id);
		fail_msg("%d findings, want %zu", got, n);
	}
	assert_int_equal(f.cnt, n);
	ward_findings_free(&f);
}

#define OS(n, v, sn, sv) { .ecosystem = "Debian", .name = n, .version = v, .src_name = sn, .src_version = sv, .kind = "os" }

static void test_debian(void **state)
{
	struct ctx *c = *state;
	struct ward_pkg pk[] = {
		OS("libc6", "2.36-9+deb12u1", "glibc", NULL),       /* before DSA-5514-1 */
		OS("libc-bin", "2.36-9+deb12u14", "glibc", NULL),   /* current bookworm: fixed */
		OS("libssl3", "3.0.11-1~deb12u1", "openssl", NULL), /* before DSA-5532-1 */
		OS("openssl", "3.0.22-1~deb12u2", NULL, NULL),      /* current: fixed */
		OS("tar", "1.34+dfsg-1.2+deb12u1", NULL, NULL),     /* CVE-2023-39804 fixed; 2005-2541 never */
		OS("tar", "1.34+dfsg-1.2", NULL, NULL),             /* both */
		OS("zlib1g", "1:1.2.13.dfsg-1", "zlib", NULL),      /* no fixture */
	};
	struct ward_pkg_list l = { .items = pk, .cnt = 7, .cap = 7 };
	static const struct want w[] = {
		{ 0, "DSA-5514-1", "2.36-9+deb12u3", WARD_SEV_UNKNOWN },
		/* DSA-5532-1 names CVE-2023-5363 as related: one finding, under the CVE record */
		{ 2, "DEBIAN-CVE-2023-5363", "3.0.11-1~deb12u2", WARD_SEV_UNKNOWN },
		{ 4, "DEBIAN-CVE-2005-2541", NULL, WARD_SEV_LOW },
		{ 5, "DEBIAN-CVE-2005-2541", NULL, WARD_SEV_LOW },
		{ 5, "DEBIAN-CVE-2023-39804", "1.34+dfsg-1.2+deb12u1", WARD_SEV_UNKNOWN },
	};

	snprintf(l.os.id, sizeof(l.os.id), "debian");
	snprintf(l.os.version_id, sizeof(l.os.version_id), "12");
	check(c->vdb, &l, w, 5);

	/* Upstream CVE ids become aliases, so users can ignore "CVE-2005-2541". */
	struct ward_findings f = { 0 };

	assert_int_equal(ward_vulndb_match(c->vdb, &l, &f), 5);
	const struct ward_finding *x = find(&f, &pk[4], "DEBIAN-CVE-2005-2541");

	assert_non_null(x);
	assert_string_equal(x->aliases, "CVE-2005-2541");
	x = find(&f, &pk[0], "DSA-5514-1");
	assert_non_null(x);
	assert_string_equal(x->aliases, "CVE-2023-4527,CVE-2023-4806,CVE-2023-4911");
	ward_findings_free(&f);

	/* The same packages on bullseye meet only the Debian:11 entry of DSA-5514-1. */
	struct ward_pkg old[] = { OS("libc6", "2.31-13+deb11u5", "glibc", NULL),
				  OS("libc6", "2.31-13+deb11u7", "glibc", NULL) };
	struct ward_pkg_list l11 = { .items = old, .cnt = 2, .cap = 2 };
	static const struct want w11[] = { { 0, "DSA-5514-1", "2.31-13+deb11u7", WARD_SEV_UNKNOWN } };

	snprintf(l11.os.id, sizeof(l11.os.id), "debian");
	snprintf(l11.os.version_id, sizeof(l11.os.version_id), "11");
	check(c->vdb, &l11, w11, 1);

	/* No release (sid): OS packages cannot be matched, and are not guessed. */
	l.os.version_id[0] = 0;
	check(c->vdb, &l, NULL, 0);
}

static void test_source_version(void **state)
{
	struct ctx *c = *state;
	/* A binNMU: the binary version differs, the source version decides. */
	struct ward_pkg pk[] = { OS("libssl3", "3.0.11-1~deb12u2+b1", "openssl", "3.0.11-1~deb12u1") };
	struct ward_pkg_list l = { .items = pk, .cnt = 1, .cap = 1 };
	static const struct want w[] = { { 0, "DEBIAN-CVE-2023-5363", "3.0.11-1~deb12u2", WARD_SEV_UNKNOWN } };

	snprintf(l.os.id, sizeof(l.os.id), "debian");
	snprintf(l.os.version_id, sizeof(l.os.version_id), "12");
	check(c->vdb, &l, w, 1);
}

static void test_alpine(void **state)
{
	struct ctx *c = *state;
	struct ward_pkg pk[] = {
		{ .ecosystem = "Alpine", .name = "libcrypto3", .version = "3.1.3-r0", .src_name = "openssl", .kind = "os" },
		{ .ecosystem = "Alpine", .name = "libssl3", .version = "3.1.4-r0", .src_name = "openssl", .kind = "os" },
	};
	struct ward_pkg_list l = { .items = pk, .cnt = 2, .cap = 2 };
	static const struct want w[] = { { 0, "ALPINE-CVE-2023-5363", "3.1.4-r0", WARD_SEV_UNKNOWN } };

	snprintf(l.os.id, sizeof(l.os.id), "alpine");
	snprintf(l.os.version_id, sizeof(l.os.version_id), "3.18.4");
	check(c->vdb, &l, w, 1);
	snprintf(l.os.version_id, sizeof(l.os.version_id), "3.19.1"); /* other release */
	check(c->vdb, &l, NULL, 0);
}

#define LANG(e, n, v) { .ecosystem = e, .name = n, .version = v, .kind = "lang" }

static void test_npm(void **state)
{
	struct ctx *c = *state;
	struct ward_pkg pk[] = {
		LANG("npm", "lodash", "4.17.15"), LANG("npm", "lodash", "4.17.21"),
		LANG("npm", "lodash", "3.6.0"),   LANG("npm", "minimist", "1.2.5"),
		LANG("npm", "minimist", "0.2.1"), LANG("npm", "minimist", "1.2.6"),
		LANG("npm", "@types/lodash", "4.14.0"),
	};
	struct ward_pkg_list l = { .items = pk, .cnt = 7, .cap = 7 };
	static const struct want w[] = {
		{ 0, "GHSA-p6mc-m468-83gw", "4.17.19", WARD_SEV_HIGH },
		{ 0, "GHSA-35jh-r3h4-6jhm", "4.17.21", WARD_SEV_HIGH },
		{ 2, "GHSA-35jh-r3h4-6jhm", "4.17.21", WARD_SEV_HIGH }, /* before 3.7.0: one only */
		{ 3, "GHSA-xvch-5gv4-984h", "1.2.6", WARD_SEV_CRITICAL },
		{ 4, "GHSA-xvch-5gv4-984h", "0.2.4", WARD_SEV_CRITICAL }, /* the 0.x branch's fix */
	};
	struct ward_findings f = { 0 };

	check(c->vdb, &l, w, 5);
	/* Score, vector, alias, summary and URL come through. */
	assert_int_equal(ward_vulndb_match(c->vdb, &l, &f), 5);
	const struct ward_finding *x = find(&f, &pk[0], "GHSA-p6mc-m468-83gw");

	assert_non_null(x);
	assert_true(x->cvss_score == 7.4);
	assert_string_equal(x->cvss_vector, "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H");
	assert_string_equal(x->aliases, "CVE-2020-8203");
	assert_string_equal(x->summary, "Prototype Pollution in lodash");
	assert_string_equal(x->url, "https://nvd.nist.gov/vuln/detail/CVE-2020-8203");
	assert_false(x->suppressed);
	ward_findings_free(&f);
}

static void test_other_ecosystems(void **state)
{
	struct ctx *c = *state;
	struct ward_pkg pk[] = {
		LANG("PyPI", "python_multipart", "0.0.6"),    /* dist-info spelling */
		LANG("PyPI", "Python.Multipart", "0.0.7"),
		LANG("Go", "golang.org/x/net", "v0.0.0-20220127200216-cd36cc0744dd"),
		LANG("Go", "golang.org/x/net", "v0.1.0"),
		LANG("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"),
		LANG("Maven", "org.apache.logging.log4j:log4j-core", "2.12.1"),
		LANG("Maven", "org.apache.logging.log4j:log4j-core", "2.0-beta8"),
		LANG("Maven", "org.apache.logging.log4j:log4j-core", "2.3"),
		LANG("Maven", "org.apache.logging.log4j:log4j-core", "2.17.1"),
		LANG("crates.io", "regex", "1.5.4"),
		LANG("RubyGems", "rexml", "3.2.4"),
		LANG("NuGet", "newtonsoft.json", "12.0.3"),
		LANG("Packagist", "guzzlehttp/guzzle", "7.4.2"),
		LANG("Packagist", "guzzlehttp/guzzle", "6.5.8"),
	};
	struct ward_pkg_list l = { .items = pk, .cnt = 14, .cap = 14 };
	static const struct want w[] = {
		{ 0, "GHSA-2jv5-9r88-3w3p", "0.0.7", WARD_SEV_HIGH },
		/* GO-2022-0969 and GHSA-69cg-p879-7622 alias each other: one finding */
		{ 2, "GHSA-69cg-p879-7622", "0.0.0-20220906165146-f3363e06e74c", WARD_SEV_HIGH },
		{ 4, "GHSA-jfh8-c2jp-5v3q", "2.15.0", WARD_SEV_CRITICAL },
		{ 5, "GHSA-jfh8-c2jp-5v3q", "2.12.2", WARD_SEV_CRITICAL },
		{ 7, "GHSA-jfh8-c2jp-5v3q", "2.3.1", WARD_SEV_CRITICAL },
		{ 9, "GHSA-m5pq-gvj9-9vr8", "1.5.5", WARD_SEV_HIGH },
		{ 10, "GHSA-8cr8-4vfw-mr7h", "3.2.5", WARD_SEV_HIGH },
		{ 11, "GHSA-5crp-9r3c-p9vr", "13.0.1", WARD_SEV_HIGH },
		{ 12, "GHSA-cwmx-hcrq-mhc3", "7.4.3", WARD_SEV_HIGH },
	};

	check(c->vdb, &l, w, 9);
}

/* Range evaluation order on synthetic records: last_affected, limit, versions lists, GIT. */
static void test_ranges(void **state)
{
	struct ctx *c = *state;
	struct ward_vulndb *db = NULL;
	char path[256], db2[256];
	FILE *f;
	static const char rec[] =
		"{\"id\": \"TEST-1\", \"modified\": \"2024-01-01T00:00:00Z\", \"affected\": ["
		"{\"package\": {\"ecosystem\": \"npm\", \"name\": \"r\"}, \"ranges\": ["
		" {\"type\": \"SEMVER\", \"events\": [{\"fixed\": \"2.0.0\"}, {\"introduced\": \"1.0.0\"},"
		"  {\"introduced\": \"3.0.0\"}, {\"last_affected\": \"3.2.0\"}]},"
		" {\"type\": \"GIT\", \"repo\": \"https://example.org/r\", \"events\": [{\"introduced\": \"0\"}]},"
		" {\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"5.0.0\"}, {\"limit\": \"5.5.0\"}]}],"
		" \"versions\": [\"0.5.0\", \"9.9.9\"]}]}";

	snprintf(path, sizeof(path), "%s/r.json", c->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(rec, f);
	fclose(f);
	snprintf(db2, sizeof(db2), "%s/r.db", c->dir);
	assert_int_equal(ward_vulndb_open(db2, false, &db, NULL), 0);
	assert_int_equal(ward_vulndb_import(db, path, NULL), 1);

	static const struct { const char *v; int hit; const char *fixed; } cases[] = {
		{ "0.9.0", 0, NULL }, { "1.0.0", 1, "2.0.0" }, { "1.9.9", 1, "2.0.0" },
		{ "2.0.0-rc.1", 1, "2.0.0" }, { "2.0.0", 0, NULL }, { "2.5.0", 0, NULL },
		{ "3.0.0", 1, NULL }, { "3.2.0", 1, NULL }, { "3.2.1", 0, NULL },
		{ "5.0.0", 1, NULL }, { "5.4.9", 1, NULL }, { "5.5.0", 0, NULL },
		{ "0.5.0", 1, NULL }, { "9.9.9", 1, NULL }, { "not-a-version", 0, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ward_pkg p = LANG("npm", "r", (char *)cases[i].v);
		struct ward_pkg_list l = { .items = &p, .cnt = 1, .cap = 1 };
		struct ward_findings fs = { 0 };
		int n = ward_vulndb_match(db, &l, &fs);

		if (n != cases[i].hit)
			fail_msg("version %s: %d findings, want %d", cases[i].v, n, cases[i].hit);
		if (n && (!cases[i].fixed != !fs.items[0].fixed_version ||
			  (cases[i].fixed && strcmp(cases[i].fixed, fs.items[0].fixed_version))))
			fail_msg("version %s: fixed %s", cases[i].v, fs.items[0].fixed_version);
		ward_findings_free(&fs);
	}
	ward_vulndb_close(db);
}

/* Distribution keys on synthetic records (TEST-*, not real advisories): Ubuntu's ":LTS"
 * suffix, Red Hat's product streams matched by binary package, a package without kind. */
static void test_distro_keys(void **state)
{
	struct ctx *c = *state;
	struct ward_vulndb *db = NULL;
	char path[256], db2[256];
	FILE *f;
	static const char rec[] =
		"{\"id\": \"TEST-2\", \"modified\": \"2024-01-01T00:00:00Z\", \"affected\": ["
		"{\"package\": {\"ecosystem\": \"Ubuntu:22.04:LTS\", \"name\": \"openssl\"},"
		" \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"}, {\"fixed\": \"3.0.2-0ubuntu1.12\"}]}]},"
		"{\"package\": {\"ecosystem\": \"Ubuntu:Pro:18.04:LTS\", \"name\": \"openssl\"},"
		" \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"}]}]},"
		"{\"package\": {\"ecosystem\": \"Red Hat:enterprise_linux:9::appstream\", \"name\": \"openssl-libs\"},"
		" \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"}, {\"fixed\": \"1:3.0.7-24.el9\"}]}]}]}";

	snprintf(path, sizeof(path), "%s/d.json", c->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(rec, f);
	fclose(f);
	snprintf(db2, sizeof(db2), "%s/d.db", c->dir);
	assert_int_equal(ward_vulndb_open(db2, false, &db, NULL), 0);
	assert_int_equal(ward_vulndb_import(db, path, NULL), 1);

	struct ward_pkg ub[] = {
		{ .ecosystem = "Ubuntu", .name = "libssl3", .version = "3.0.2-0ubuntu1.10", .src_name = "openssl" },
		{ .ecosystem = "Ubuntu", .name = "libssl3", .version = "3.0.2-0ubuntu1.12", .src_name = "openssl" },
	};
	struct ward_pkg_list lu = { .items = ub, .cnt = 2, .cap = 2 };
	static const struct want wu[] = { { 0, "TEST-2", "3.0.2-0ubuntu1.12", WARD_SEV_UNKNOWN } };

	snprintf(lu.os.id, sizeof(lu.os.id), "ubuntu");
	snprintf(lu.os.version_id, sizeof(lu.os.version_id), "22.04");
	check(db, &lu, wu, 1);
	snprintf(lu.os.version_id, sizeof(lu.os.version_id), "18.04"); /* only a Pro stream */
	check(db, &lu, NULL, 0);

	struct ward_pkg rh[] = {
		{ .ecosystem = "Red Hat", .name = "openssl-libs", .version = "1:3.0.7-18.el9", .src_name = "openssl", .kind = "os" },
		{ .ecosystem = "Red Hat", .name = "openssl-libs", .version = "1:3.0.7-24.el9", .src_name = "openssl", .kind = "os" },
		{ .ecosystem = "Red Hat", .name = "openssl", .version = "1:3.0.7-18.el9", .kind = "os" },
	};
	struct ward_pkg_list lr = { .items = rh, .cnt = 3, .cap = 3 };
	static const struct want wr[] = { { 0, "TEST-2", "1:3.0.7-24.el9", WARD_SEV_UNKNOWN } };

	snprintf(lr.os.id, sizeof(lr.os.id), "rhel");
	snprintf(lr.os.version_id, sizeof(lr.os.version_id), "9.3");
	check(db, &lr, wr, 1);
	ward_vulndb_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian),
		cmocka_unit_test(test_source_version),
		cmocka_unit_test(test_alpine),
		cmocka_unit_test(test_npm),
		cmocka_unit_test(test_other_ecosystems),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_distro_keys),
	};
	ward_log_set_level(WARD_LOG_ERROR);
	return cmocka_run_group_tests(tests, setup, teardown);
}
