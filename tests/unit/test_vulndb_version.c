// SPDX-License-Identifier: Apache-2.0
/*
 * Version ordering per scheme, table-driven from the orderings each scheme documents
 * (Debian Policy 5.6.12, apk, rpmvercmp, semver.org section 11, PEP 440's example list,
 * Maven's Version Order Specification, Go modules, Gem::Version, NuGet). Each list is
 * strictly increasing and every pair of it is checked both ways, which also checks
 * transitivity; equal groups check normalization; malformed inputs must be errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "vulndb/vulndb.h"

struct order {
	const char *eco;
	const char *const *v; /* NULL-terminated, strictly increasing */
};

struct eq {
	const char *eco;
	const char *a, *b;
};

static const char *const dpkg_order[] = {
	"1.0~~", "1.0~~a", "1.0~", "1.0", "1.0-1~bpo1", "1.0-1", "1.0-1.1", "1.0-2", "1.0-10",
	"1.0a", "1.0a+b", "1.0+dfsg", "1.0.1", "1.1", "1.10", "2.0~rc1", "2.0", "3.0.11-1~deb12u1",
	"3.0.11-1~deb12u2", "3.0.11-1", "3.0.11-1+deb12u1", "3.0.13-1~deb12u1", "1:0.1", "2:0.0",
	NULL,
};
static const char *const apk_order[] = {
	"1.0_alpha", "1.0_alpha1", "1.0_alpha2", "1.0_beta", "1.0_pre1", "1.0_rc1", "1.0",
	"1.0-r1", "1.0-r2", "1.0_p1", "1.0a", "1.0.1", "1.1", "1.2", "1.2-r1", "1.2_git20200101",
	"1.2_p1", "1.2a", "1.10", "2.0", "3.1.4-r5", "3.1.4-r6", "3.1.10", NULL,
};
static const char *const rpm_order[] = {
	"0:1.0~rc1-1", "1.0-1", "1.0-1.el9", "1.0-2", "1.0^git1-1", "1.0a-1", "1.0.1-1", "1.2-1",
	"1.10-1", "1.10-1.el8", "1.10-1.el9", "1.10-1.el9_2", "1:0.1-1", NULL,
};
static const char *const semver_order[] = {
	"0.0.1", "0.1.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
	"1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1",
	"4.17.15", "4.17.19", "4.17.21", "10.0.0", NULL,
};
static const char *const pep440_order[] = {
	"1.dev0", "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12",
	"1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456",
	"1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456",
	"1.0.15", "1.1.dev1", "2.31.0", "1!0.1", NULL,
};
static const char *const maven_order[] = {
	"NotAVersionString", "1-alpha2snapshot", "1-alpha2", "1-alpha-123", "1-beta-2",
	"1-beta123", "1-m2", "1-m11", "1-rc", "1-cr2", "1-rc123", "1-SNAPSHOT", "1", "1-sp",
	"1-sp2", "1-sp123", "1-abc", "1-def", "1-pom-1", "1-1-snapshot", "1-1", "1-2", "1-123",
	"2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1",
	"2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11", "11",
	"11.a", "11b", "11c", "11m", NULL,
};
static const char *const go_order[] = {
	"v0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20200101000000-aaaaaaaaaaaa", "0.1.0",
	"v1.2.3-pre", "v1.2.3", "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4", "1.3.0",
	"v2.0.0+incompatible", "v2.1.0", NULL,
};
static const char *const rubygems_order[] = {
	"1.0.a", "1.0.a1", "1.0.b1", "1.0-1", "1.0.rc1", "1.0", "1.0.1", "1.1", "1.9", "1.10",
	"2.0.0.pre", "2", "7.0.8.1", NULL,
};
static const char *const nuget_order[] = {
	"1.0.0-alpha", "1.0.0-Beta.2", "1.0.0-beta.10", "1.0.0-RC.1", "1.0.0", "1.0.0.1",
	"1.0.1", "1.2", "2.0.0.0-rc", "2.0.0", "13.0.1", NULL,
};

static const struct order orders[] = {
	{ "Debian:12", dpkg_order },   { "Ubuntu:22.04:LTS", dpkg_order },
	{ "Alpine:v3.19", apk_order }, { "Red Hat", rpm_order },
	{ "npm", semver_order },       { "crates.io", semver_order },
	{ "PyPI", pep440_order },      { "Maven", maven_order },
	{ "Go", go_order },            { "RubyGems", rubygems_order },
	{ "NuGet", nuget_order },
};

static const struct eq eqs[] = {
	{ "Debian", "0:1.0", "1.0" },      { "Debian", "1.0-0", "1.0" },
	{ "Debian", "1.01", "1.1" },       { "Alpine", "1.0-r01", "1.0-r1" },
	{ "Red Hat", "1.0-1", "0:1.0-1" }, { "Red Hat", "1.0", "1.0-5" },
	{ "Red Hat", "1_0", "1.0" },       { "Red Hat", "1.01-1", "1.1-1" },
	{ "npm", "1.0.0+build.1", "1.0.0" }, { "npm", "1.0.0+a", "1.0.0+b" },
	{ "PyPI", "1.0", "1.0.0" },        { "PyPI", "v1.0", "1.0.0.0" },
	{ "PyPI", "1.0a1", "1.0-alpha1" }, { "PyPI", "1.0a1", "1.0.a.1" },
	{ "PyPI", "1.0c1", "1.0rc1" },     { "PyPI", "1.0RC1", "1.0rc1" },
	{ "PyPI", "1.0-1", "1.0.post1" },  { "PyPI", "1.0-r1", "1.0post1" },
	{ "PyPI", "1.0.dev", "1.0.dev0" }, { "PyPI", "1.0a", "1.0a0" },
	{ "PyPI", "0!1.0", "1.0" },
	{ "Maven", "1", "1.0" },           { "Maven", "1", "1.0.0" },
	{ "Maven", "1", "1-0" },           { "Maven", "1", "1.ga" },
	{ "Maven", "1", "1-final" },       { "Maven", "1", "1.0.0-RELEASE" },
	{ "Maven", "1-cr1", "1-rc1" },     { "Maven", "1-a1", "1-alpha1" },
	{ "Maven", "1alpha1", "1-alpha-1" }, { "Maven", "1.foo", "1-foo" },
	{ "Maven", "1-SNAPSHOT", "1-snapshot" },
	{ "Go", "v2.0.0+incompatible", "2.0.0" }, { "Go", "v1.2.3", "1.2.3" },
	{ "Go", "go1.19.1", "1.19.1" },    { "Go", "go1.20", "v1.20.0" },
	{ "RubyGems", "1.0", "1" },        { "RubyGems", "1.0.0", "1" },
	{ "RubyGems", "1.0.a", "1.a" },    { "RubyGems", "1.0.b1", "1.0b1" },
	{ "NuGet", "1.0.0-beta", "1.0.0-BETA" }, { "NuGet", "1.0", "1.0.0.0" },
	{ "NuGet", "1.0.0+abc", "1.0.0" },
};

static const struct eq bad[] = {
	{ "Debian", ":1.0", "1.0" },       { "Debian", "a:1.0", "1.0" },
	{ "Debian", "1.0 1", "1.0" },      { "Alpine", "1.0_foo", "1.0" },
	{ "Alpine", "abc", "1.0" },        { "Alpine", "1.0-x1", "1.0" },
	{ "npm", "1.0.0-", "1.0.0" },      { "npm", "a.b.c", "1.0.0" },
	{ "npm", "1.0.0-a..b", "1.0.0" },  { "npm", "1.2.3.4", "1.0.0" },
	{ "npm", "^1.2.0", "1.0.0" },      { "PyPI", "1.0foo", "1.0" },
	{ "PyPI", "not a version", "1.0" }, { "PyPI", "99999999999999999999", "1.0" },
	{ "RubyGems", "a1.0", "1.0" },     { "RubyGems", "1.0_1", "1.0" },
	{ "NuGet", "1.2.3.4.5", "1.0" },   { "Maven", "", "1" },
	{ "Red Hat", ":1", "1" },          { "GIT", "abc", "def" },
};

static void test_orders(void **state)
{
	(void)state;
	for (size_t o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
		const char *const *v = orders[o].v;

		for (size_t i = 0; v[i]; i++) {
			for (size_t j = 0; v[j]; j++) {
				int err = 1, r = ward_version_cmp(orders[o].eco, v[i], v[j], &err);
				int want = i < j ? -1 : i > j ? 1 : 0;

				if (err || (r < 0 ? -1 : r > 0) != want)
					fail_msg("%s: cmp(%s, %s) = %d err %d, want %d", orders[o].eco,
						 v[i], v[j], r, err, want);
			}
		}
	}
}

static void test_equal(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(eqs) / sizeof(eqs[0]); k++) {
		int err = 1, r = ward_version_cmp(eqs[k].eco, eqs[k].a, eqs[k].b, &err);

		if (err || r)
			fail_msg("%s: %s vs %s = %d err %d, want equal", eqs[k].eco, eqs[k].a, eqs[k].b,
				 r, err);
		r = ward_version_cmp(eqs[k].eco, eqs[k].b, eqs[k].a, &err);
		if (err || r)
			fail_msg("%s: %s vs %s not symmetric", eqs[k].eco, eqs[k].b, eqs[k].a);
	}
}

static void test_bad(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		int err = 0;

		ward_version_cmp(bad[k].eco, bad[k].a, bad[k].b, &err);
		if (!err)
			fail_msg("%s: '%s' accepted, want an error", bad[k].eco, bad[k].a);
	}
}

static void test_limit(void **state)
{
	char big[4096];
	int err = 0;

	(void)state;
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	ward_version_cmp("Maven", big, "1", &err);
	assert_int_equal(err, -WARD_E_LIMIT);
	/* Deep nesting right under the cap still compares without trouble. */
	char deep[257];

	for (size_t i = 0; i < 256; i++)
		deep[i] = (i % 2) ? '-' : 'a';
	deep[256] = 0;
	err = 1;
	int r = ward_version_cmp("Maven", deep, "1", &err);

	assert_int_equal(err, 0);
	assert_true(r < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orders),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
