// SPDX-License-Identifier: Apache-2.0
/*
 * Suppression: YAML ignore files (id, package by name or purl, reason, expiry), the
 * .trivyignore text form, OpenVEX statements (not_affected/fixed suppress, affected keeps,
 * the later statement wins, products by purl with or without version, subcomponents), and
 * errors that name the file and line or JSON path. Findings are built by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "common/log.h"
#include "vulndb/vulndb.h"

static struct ward_pkg pkgs[] = {
	{ .ecosystem = "npm", .name = "lodash", .version = "4.17.15", .purl = "pkg:npm/lodash@4.17.15", .kind = "lang" },
	{ .ecosystem = "Debian", .name = "libssl3", .version = "3.0.11-1~deb12u1", .src_name = "openssl",
	  .purl = "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12", .kind = "os" },
	{ .ecosystem = "npm", .name = "minimist", .version = "1.2.5", .purl = "pkg:npm/minimist@1.2.5", .kind = "lang" },
};

static void add(struct ward_findings *f, size_t pkg, const char *id, const char *aliases)
{
	if (f->cnt == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 8;
		f->items = realloc(f->items, f->cap * sizeof(*f->items));
	}
	memset(&f->items[f->cnt], 0, sizeof(f->items[0]));
	f->items[f->cnt].pkg = &pkgs[pkg];
	f->items[f->cnt].id = strdup(id);
	f->items[f->cnt].aliases = aliases ? strdup(aliases) : NULL;
	f->cnt++;
}

static void findings(struct ward_findings *f)
{
	memset(f, 0, sizeof(*f));
	add(f, 0, "GHSA-p6mc-m468-83gw", "CVE-2020-8203");   /* 0 */
	add(f, 0, "GHSA-35jh-r3h4-6jhm", "CVE-2021-23337");  /* 1 */
	add(f, 1, "DSA-5532-1", NULL);                       /* 2 */
	add(f, 1, "DEBIAN-CVE-2023-5363", "CVE-2023-5363");  /* 3 */
	add(f, 2, "GHSA-xvch-5gv4-984h", "CVE-2021-44906");  /* 4 */
}

static void test_yaml_ignore(void **state)
{
	static const char y[] =
		"# accepted risks\n"
		"ignore:\n"
		"  - id: CVE-2020-8203            # an alias of the GHSA id\n"
		"    package: lodash\n"
		"    reason: zipObjectDeep is never called with user input\n"
		"    expires: 2026-12-31\n"
		"  - id: DSA-5532-1\n"
		"    package: pkg:deb/debian/libssl3\n"
		"    reason: patched in our base image\n"
		"  - id: GHSA-xvch-5gv4-984h\n"
		"    package: lodash                # other package: no effect\n"
		"  - id: GHSA-35jh-r3h4-6jhm\n"
		"    reason: old decision\n"
		"    expires: 2024-01-31\n";
	struct ward_suppress *s = ward_suppress_new();
	struct ward_findings f;
	struct ward_diag d = { 0 };

	(void)state;
	assert_int_equal(ward_suppress_load_ignore_mem(s, "ignore.yaml", y, sizeof(y) - 1, &d), 4);
	findings(&f);
	assert_int_equal(ward_suppress_apply(s, &f, "2025-06-01"), 2);
	assert_true(f.items[0].suppressed);
	assert_non_null(strstr(f.items[0].suppressed_reason, "never called"));
	assert_non_null(strstr(f.items[0].suppressed_reason, "ignore.yaml:3"));
	assert_false(f.items[1].suppressed); /* expired */
	assert_true(f.items[2].suppressed);
	assert_false(f.items[3].suppressed);
	assert_false(f.items[4].suppressed);
	assert_int_equal(ward_suppress_expired_cnt(s), 1);
	ward_findings_free(&f);

	/* On the expiry day itself the entry still applies; the day after it does not. */
	findings(&f);
	assert_int_equal(ward_suppress_apply(s, &f, "2026-12-31"), 2);
	ward_findings_free(&f);
	findings(&f);
	assert_int_equal(ward_suppress_apply(s, &f, "2027-01-01"), 1);
	assert_false(f.items[0].suppressed);
	assert_int_equal(ward_suppress_expired_cnt(s), 2);
	ward_findings_free(&f);
	ward_suppress_free(s);
}

static void test_text_ignore(void **state)
{
	static const char t[] =
		"# .trivyignore\n"
		"\n"
		"CVE-2021-44906\n"
		"   DSA-5532-1   # trailing comment\n"
		"CVE-2021-23337 exp:2020-01-01\n";
	struct ward_suppress *s = ward_suppress_new();
	struct ward_findings f;

	(void)state;
	assert_int_equal(ward_suppress_load_ignore_mem(s, ".trivyignore", t, sizeof(t) - 1, NULL), 3);
	findings(&f);
	assert_int_equal(ward_suppress_apply(s, &f, "2025-01-01"), 2);
	assert_true(f.items[4].suppressed);
	assert_true(f.items[2].suppressed);
	assert_false(f.items[1].suppressed);
	assert_non_null(strstr(f.items[2].suppressed_reason, ".trivyignore:4"));
	ward_findings_free(&f);
	ward_suppress_free(s);
}

static void test_ignore_errors(void **state)
{
	static const struct { const char *name, *data; int line; const char *msg; } bad[] = {
		{ "a.yaml", "ignore:\n  - id: CVE-1\n    expires: 31/12/2026\n", 2, "YYYY-MM-DD" },
		{ "b.yaml", "ignore:\n  - id: CVE-1\n  - reason: no id\n", 3, "id" },
		{ "c.yaml", "ignore:\n  - id: CVE-1\n    pkg: x\n", 3, "unknown key" },
		{ "d.yaml", "ignore: [\n", 2, "YAML" },
		{ "e.yaml", "other:\n  - id: CVE-1\n", 1, "unknown top-level" },
		{ "f.txt", "CVE-1\nCVE-2 exp:tomorrow\n", 2, "exp:" },
		{ "g.yaml", "ignore:\n  - id: [a, b]\n", 2, "single value" },
	};
	struct ward_suppress *s = ward_suppress_new();

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ward_diag d = { 0 };

		if (ward_suppress_load_ignore_mem(s, bad[i].name, bad[i].data, strlen(bad[i].data), &d) >= 0)
			fail_msg("%s accepted", bad[i].name);
		assert_string_equal(d.file, bad[i].name);
		if (d.line != bad[i].line || !strstr(d.msg, bad[i].msg))
			fail_msg("%s: line %d '%s', want line %d '%s'", bad[i].name, d.line, d.msg, bad[i].line,
				 bad[i].msg);
	}
	/* A failed file adds nothing. */
	struct ward_findings f;

	findings(&f);
	assert_int_equal(ward_suppress_apply(s, &f, "2025-01-01"), 0);
	ward_findings_free(&f);
	ward_suppress_free(s);
}

static void test_vex(void **state)
{
	static const char v[] =
		"{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"@id\": \"https://example.com/vex/1\",\n"
		" \"author\": \"sec@example.com\", \"timestamp\": \"2024-01-01T00:00:00Z\", \"version\": 1,\n"
		" \"statements\": [\n"
		"  {\"vulnerability\": {\"name\": \"CVE-2020-8203\"},\n"
		"   \"products\": [{\"@id\": \"pkg:npm/lodash@4.17.15\"}],\n"
		"   \"status\": \"not_affected\", \"justification\": \"vulnerable_code_not_in_execute_path\",\n"
		"   \"impact_statement\": \"zipObjectDeep is not used\"},\n"
		"  {\"vulnerability\": {\"@id\": \"https://nvd.nist.gov/vuln/detail/CVE-2023-5363\"},\n"
		"   \"products\": [{\"@id\": \"pkg:oci/app@sha256%3Aabc\", \"subcomponents\": [{\"@id\": \"pkg:deb/debian/libssl3\"}]}],\n"
		"   \"status\": \"fixed\"},\n"
		"  {\"vulnerability\": {\"name\": \"CVE-2021-44906\"}, \"products\": [\"pkg:npm/minimist\"],\n"
		"   \"status\": \"not_affected\", \"justification\": \"component_not_present\"},\n"
		"  {\"vulnerability\": {\"name\": \"CVE-2021-44906\"}, \"products\": [\"pkg:npm/minimist\"],\n"
		"   \"status\": \"affected\", \"action_statement\": \"upgrade\"},\n"
		"  {\"vulnerability\": {\"name\": \"GHSA-35jh-r3h4-6jhm\"}, \"products\": [{\"@id\": \"pkg:npm/lodash@4.17.21\"}],\n"
		"   \"status\": \"not_affected\", \"justification\": \"component_not_present\"}\n"
		" ]}\n";
	struct ward_suppress *s = ward_suppress_new();
	struct ward_findings f;
	struct ward_diag d = { 0 };

	(void)state;
	assert_int_equal(ward_suppress_load_vex_mem(s, "app.vex.json", v, sizeof(v) - 1, &d), 5);
	findings(&f);
	assert_int_equal(ward_suppress_apply(s, &f, "2025-01-01"), 2);
	assert_true(f.items[0].suppressed);
	assert_non_null(strstr(f.items[0].suppressed_reason, "not_affected (vulnerable_code_not_in_execute_path)"));
	assert_non_null(strstr(f.items[0].suppressed_reason, "zipObjectDeep is not used"));
	assert_false(f.items[1].suppressed); /* VEX names another version */
	assert_false(f.items[2].suppressed); /* DSA id, no CVE alias on this finding */
	assert_true(f.items[3].suppressed);  /* alias CVE-2023-5363 via subcomponent purl */
	assert_false(f.items[4].suppressed); /* later "affected" overrides */
	ward_findings_free(&f);
	ward_suppress_free(s);
}

static void test_vex_errors(void **state)
{
	static const struct { const char *data; const char *msg; int line; } bad[] = {
		{ "{\"statements\": [{\"vulnerability\": {\"name\": \"CVE-1\"}, \"products\": [\"pkg:npm/a\"]}]}",
		  "statements[0].status", 0 },
		{ "{\"statements\": [{\"vulnerability\": {\"name\": \"CVE-1\"}, \"products\": [\"pkg:npm/a\"], \"status\": \"maybe\"}]}",
		  "statements[0].status", 0 },
		{ "{\"statements\": [{\"vulnerability\": {}, \"products\": [\"pkg:npm/a\"], \"status\": \"fixed\"}]}",
		  "statements[0].vulnerability", 0 },
		{ "{\"statements\": [{\"vulnerability\": \"CVE-1\", \"products\": [], \"status\": \"fixed\"}]}",
		  "statements[0].products", 0 },
		{ "{\"statements\": [{\"vulnerability\": \"CVE-1\", \"products\": [\"pkg:npm/a\"], \"status\": \"fixed\"},\n"
		  "  {\"vulnerability\": \"CVE-2\", \"products\": [{\"@id\": \"sha256:abc\"}], \"status\": \"fixed\"}]}",
		  "statements[1].products", 0 },
		{ "{\"statements\": 5}", "$.statements", 0 },
		{ "{\"statements\": [\n  {]}", "invalid JSON", 2 },
	};
	struct ward_suppress *s = ward_suppress_new();
	struct ward_findings f;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ward_diag d = { 0 };

		if (ward_suppress_load_vex_mem(s, "x.vex.json", bad[i].data, strlen(bad[i].data), &d) >= 0)
			fail_msg("case %zu accepted", i);
		assert_string_equal(d.file, "x.vex.json");
		if (!strstr(d.msg, bad[i].msg) || d.line != bad[i].line)
			fail_msg("case %zu: line %d '%s', want '%s'", i, d.line, d.msg, bad[i].msg);
	}
	findings(&f);
	assert_int_equal(ward_suppress_apply(s, &f, "2025-01-01"), 0); /* nothing half-loaded */
	ward_findings_free(&f);
	ward_suppress_free(s);
}

static void test_files(void **state)
{
	struct ward_suppress *s = ward_suppress_new();
	struct ward_diag d = { 0 };

	(void)state;
	assert_int_equal(ward_suppress_load_ignore(s, "tests/data/vulndb/ignore.yaml", &d), 2);
	assert_int_equal(ward_suppress_load_vex(s, "tests/data/vulndb/lodash.openvex.json", &d), 1);
	assert_true(ward_suppress_load_ignore(s, "tests/data/vulndb/does-not-exist", &d) < 0);
	assert_string_equal(d.file, "tests/data/vulndb/does-not-exist");
	ward_suppress_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml_ignore),
		cmocka_unit_test(test_text_ignore),
		cmocka_unit_test(test_ignore_errors),
		cmocka_unit_test(test_vex),
		cmocka_unit_test(test_vex_errors),
		cmocka_unit_test(test_files),
	};
	ward_log_set_level(WARD_LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
