// SPDX-License-Identifier: Apache-2.0
/*
 * Secret rules, table-driven: each built-in rule must hit its token format (with the right
 * line and the secret masked in the snippet) and stay quiet on near misses; YAML rule files
 * load, and broken ones fail naming file, line and rule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan/scan.h"
#include "scan/secrets.h"

struct scase {
	const char *path, *text;
	const char *rule;      /* expected rule id, or NULL for no hit */
	int line;
	const char *secret;    /* must not appear in the snippet */
};

static const struct scase CASES[] = {
	{ "k.pem", "x\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n", "private-key", 2, NULL },
	{ "k", "-----BEGIN OPENSSH PRIVATE KEY-----\n", "private-key", 1, NULL },
	{ "k", "-----BEGIN PUBLIC KEY-----\n", NULL, 0, NULL },
	{ "c", "id=AKIAZ7QRSTUVWXYZ2345\n", "aws-access-key-id", 1, "AKIAZ7QRSTUVWXYZ2345" },
	{ "c", "id=AKIAZ7QRSTUVWXYZ23\n", NULL, 0, NULL },  /* too short */
	{ "c", "\n\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
	  "aws-secret-access-key", 3, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
	{ "c", "GH=ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123\n", "github-pat", 1,
	  "ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123" },
	{ "c", "GH=ghp_ABCDEF\n", NULL, 0, NULL },
	{ "c", "t=github_pat_11ABCDEFG0abcdefghij0123456789_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxy\n",
	  "github-fine-grained-pat", 1, "github_pat_11ABCDEFG" },
	{ "c", "t: glpat-abcdefghij0123456789\n", "gitlab-pat", 1, "glpat-abcdefghij0123456789" },
	{ "c", "slack xoxb-123456789012-abcdefghijkl\n", "slack-token", 1, "xoxb-123456789012" },
	{ "c", "k=sk_live_abcdefghijklmnopqrstuvwx\n", "stripe-secret-key", 1, "sk_live_abcdefghij" },
	{ "c", "k=sk_test_abcdefghijklmnopqrstuvwx\n", NULL, 0, NULL },
	{ "c", "key: AIzaSyA1234567890abcdefghijklmnopqrstuv\n", "google-api-key", 1,
	  "AIzaSyA1234567890abcdefghijklmnopqrstuv" },
	{ "c", "a eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U\n",
	  "jwt", 1, "dozjgNryP4J3jVmNHl0w5N" },
	{ "etc/app/db.yaml", "db:\n  password: s3cretvalue\n", "generic-password", 2, "s3cretvalue" },
	{ "src/app.c", "password = s3cretvalue\n", NULL, 0, NULL },      /* not a config file */
	{ "etc/app.conf", "password=${DB_PASSWORD}\n", NULL, 0, NULL },  /* a reference */
};

static void test_builtins(void **state)
{
	struct ward_secrets *s = NULL;
	struct ward_diag d = { 0 };

	assert_int_equal(ward_secrets_new(NULL, &s, &d), 0);
	for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++) {
		const struct scase *t = &CASES[i];
		struct ward_scan_result r = { 0 };
		int n = ward_secrets_scan(s, t->path, t->text, strlen(t->text), &r);

		if (!t->rule) {
			if (n != 0)
				fail_msg("case %zu (%s): unexpected hit %s", i, t->path, r.secrets[0].rule_id);
		} else {
			if (n != 1 || strcmp(r.secrets[0].rule_id, t->rule) || r.secrets[0].line != t->line)
				fail_msg("case %zu: n=%d rule=%s line=%d, want %s line %d", i, n,
					 n ? r.secrets[0].rule_id : "-", n ? r.secrets[0].line : 0, t->rule, t->line);
			if (t->secret && strstr(r.secrets[0].snippet, t->secret))
				fail_msg("case %zu: secret not redacted: %s", i, r.secrets[0].snippet);
			if (!strstr(r.secrets[0].snippet, "********") && t->secret)
				fail_msg("case %zu: no mask in %s", i, r.secrets[0].snippet);
		}
		for (size_t k = 0; k < r.secret_cnt; k++) {
			free(r.secrets[k].rule_id);
			free(r.secrets[k].title);
			free(r.secrets[k].path);
			free(r.secrets[k].snippet);
		}
		free(r.secrets);
	}
	ward_secrets_free(s);
}

static char *write_tmp(const char *text)
{
	char *p = strdup("/tmp/ward-test-secrets-XXXXXX.yaml");
	int fd = mkstemps(p, 5);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return p;
}

static void test_yaml_rules(void **state)
{
	static const struct { const char *yaml; int rc; int line; const char *msg; } T[] = {
		{ "rules:\n  - id: a\n    description: A\n    regex: 'tok_[0-9]{4}'\n    severity: LOW\n", 0, 0, NULL },
		{ "- id: a\n  description: A\n  regex: 'x'\n", 0, 0, NULL },
		{ "rules:\n  - id: a\n    regex: 'x'\n", -WARD_E_SYNTAX, 2, "needs 'id', 'description' and 'regex'" },
		{ "rules:\n  - id: a\n    description: A\n    regex: '(x'\n", -WARD_E_SYNTAX, 2, "regex error" },
		{ "rules:\n  - id: a\n    description: A\n    regex: x\n    severity: HUGE\n", -WARD_E_SYNTAX, 2, "unknown severity" },
		{ "rules: [unclosed\n", -WARD_E_SYNTAX, 2, "YAML" },
		{ "other: 1\n", -WARD_E_SYNTAX, 1, "expected 'rules:'" },
	};

	for (size_t i = 0; i < sizeof(T) / sizeof(T[0]); i++) {
		char *p = write_tmp(T[i].yaml);
		struct ward_secrets *s = NULL;
		struct ward_diag d = { 0 };
		int rc = ward_secrets_new(p, &s, &d);

		if (rc != T[i].rc)
			fail_msg("yaml %zu: rc %d want %d (%s)", i, rc, T[i].rc, d.msg);
		if (rc < 0 && (strcmp(d.file, p) || (T[i].line && d.line != T[i].line) || !strstr(d.msg, T[i].msg)))
			fail_msg("yaml %zu: diag %s:%d: %s", i, d.file, d.line, d.msg);
		if (rc == 0) {
			struct ward_scan_result r = { 0 };

			assert_int_equal(ward_secrets_rule_cnt(s), 1);
			if (i == 0) {
				assert_int_equal(ward_secrets_scan(s, "f", "a tok_1234\n", 11, &r), 1);
				assert_int_equal(r.secrets[0].severity, WARD_SEV_LOW);
				free(r.secrets[0].rule_id); free(r.secrets[0].title);
				free(r.secrets[0].path); free(r.secrets[0].snippet);
				free(r.secrets);
			}
		}
		ward_secrets_free(s);
		unlink(p);
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtins),
		cmocka_unit_test(test_yaml_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
