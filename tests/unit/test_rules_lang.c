// SPDX-License-Identifier: Apache-2.0
/* The condition language: tokens, the shape of parsed trees, and syntax errors with their
 * line and column, table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rules/rules_int.h"

static struct ward_rtext text_of(const char *s)
{
	struct ward_rtext t;

	ward_rtext_init(&t);
	assert_int_equal(ward_rtext_add(&t, s, strlen(s), NULL, 0, 0, (struct ward_rpos){ "c", 1, 1 }), 0);
	return t;
}

static void test_lexer(void **state)
{
	static const struct {
		const char *in;
		const char *toks; /* kinds: W word, S string, ( ) , O op, E error */
	} cases[] = {
		{ "proc.name = bash", "WOW" },
		{ "fd.name=/etc/shadow", "WOW" },
		{ "a!=b", "WOW" },
		{ "x in (a, 'b c', \"d\\\"e\")", "WW(W,S,S)" },
		{ "proc.pname in (runc:[0:PARENT], exe)", "WW(W,W)" },
		{ "proc.aname[2] startswith google", "WWW" },
		{ "n <= 5 and n >= 1 or n<2", "WOWWWOWWWOW" },
		{ "'unterminated", "E" },
		{ "a ! b", "WEW" },
		{ "", "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ward_rlex l;
		struct ward_rtok t;
		char got[64] = "";
		size_t n = 0;

		ward_rlex_init(&l, cases[i].in, strlen(cases[i].in));
		for (;;) {
			ward_rlex_next(&l, &t);
			if (t.kind == WARD_TK_EOF)
				break;
			got[n++] = "?WS(),OE"[t.kind];
			if (n >= sizeof(got) - 1)
				break;
		}
		got[n] = '\0';
		if (strcmp(got, cases[i].toks) != 0)
			fail_msg("lexing '%s': got %s, want %s", cases[i].in, got, cases[i].toks);
	}
}

static void test_unquote(void **state)
{
	char *s = ward_rlex_unquote("\"a \\\"b\\\" \\\\ c\"", 14);

	assert_string_equal(s, "a \"b\" \\ c");
	free(s);
	s = ward_rlex_unquote("'it''s'", 7);
	assert_string_equal(s, "it''s");
	free(s);
}

/* Renders a tree compactly: (and a b), (not x), field op [vals], macro name. */
static void render(const struct ward_rast *a, char *out, size_t cap)
{
	size_t o = strlen(out);

	switch (a->kind) {
	case WARD_RA_AND:
	case WARD_RA_OR:
	case WARD_RA_NOT:
		snprintf(out + o, cap - o, "(%s", a->kind == WARD_RA_AND ? "and" : a->kind == WARD_RA_OR ? "or" : "not");
		for (size_t i = 0; i < a->kids_cnt; i++) {
			strncat(out, " ", cap - strlen(out) - 1);
			render(a->kids[i], out, cap);
		}
		strncat(out, ")", cap - strlen(out) - 1);
		break;
	case WARD_RA_MACRO:
		snprintf(out + o, cap - o, "%s", a->name);
		break;
	case WARD_RA_CMP:
		snprintf(out + o, cap - o, "%s%s", a->name, ward_rop_name(a->op));
		for (size_t i = 0; i < a->vals_cnt; i++) {
			o = strlen(out);
			snprintf(out + o, cap - o, "%s%s%s", i ? "|" : "[", a->vals[i].bare ? "" : "'", a->vals[i].s);
		}
		if (a->vals_cnt)
			strncat(out, "]", cap - strlen(out) - 1);
		break;
	}
}

static void test_parse_shapes(void **state)
{
	static const struct {
		const char *in, *tree;
	} cases[] = {
		{ "a and b or c", "(or (and a b) c)" },
		{ "a or b and c", "(or a (and b c))" },
		{ "not a and b", "(and (not a) b)" },
		{ "not (a or b)", "(not (or a b))" },
		{ "a and b and c and d", "(and a b c d)" },
		{ "proc.name=bash", "proc.name=[bash]" },
		{ "proc.name == \"ba sh\"", "proc.name=['ba sh]" },
		{ "fd.num>=0", "fd.num>=[0]" },
		{ "x.y in (a, b, 'c d')", "x.yin[a|b|'c d]" },
		{ "x.y in ()", "x.yin" },
		{ "x.y in mylist", "x.yin[mylist]" },
		{ "proc.pname exists", "proc.pnameexists" },
		{ "evt.dir = <", "evt.dir=[<]" },
		{ "proc.aname[2] startswith google_accounts", "proc.aname[2]startswith[google_accounts]" },
		{ "k8s.pod.label[app.kubernetes.io/name] = web", "k8s.pod.label[app.kubernetes.io/name]=[web]" },
		{ "fd.name glob '/home/*/.ssh/*'", "fd.nameglob['/home/*/.ssh/*]" },
		{ "((a))", "a" },
		{ "a and (b or not c)", "(and a (or b (not c)))" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ward_rtext t = text_of(cases[i].in);
		struct ward_rast *a = NULL;
		struct ward_diag d = { 0 };
		char got[512] = "";

		if (ward_rparse(&t, &a, &d) != 0)
			fail_msg("'%s' did not parse: %s", cases[i].in, d.msg);
		render(a, got, sizeof(got));
		if (strcmp(got, cases[i].tree) != 0)
			fail_msg("'%s': got %s, want %s", cases[i].in, got, cases[i].tree);
		ward_rast_free(a);
		ward_rtext_free(&t);
	}
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *in;
		int col;
		const char *msg;
	} cases[] = {
		{ "", 1, "empty condition" },
		{ "a and", 6, "unexpected end" },
		{ "(a or b", 1, "missing ')'" },
		{ "a or b)", 7, "unexpected ')'" },
		{ "proc.name =", 12, "expected a value" },
		{ "proc.name = and b", 13, "expected a value" },
		{ "proc.name in (a b)", 17, "expected ',' or ')'" },
		{ "proc.name", 10, "expected an operator" },
		{ "proc.name startswith (a)", 22, "takes one value" },
		{ "a b", 3, "unexpected 'b'" },
		{ "proc.name = 'x", 13, "unterminated" },
		{ "not", 4, "unexpected end" },
		{ "and", 1, "expected a field" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ward_rtext t = text_of(cases[i].in);
		struct ward_rast *a = NULL;
		struct ward_diag d = { 0 };

		if (ward_rparse(&t, &a, &d) == 0)
			fail_msg("'%s' parsed but should not", cases[i].in);
		if (!strstr(d.msg, cases[i].msg) || d.column != cases[i].col || d.line != 1)
			fail_msg("'%s': got %d:%d '%s', want 1:%d '%s'", cases[i].in, d.line, d.column, d.msg,
				 cases[i].col, cases[i].msg);
		ward_rtext_free(&t);
	}
}

static void test_depth_limit(void **state)
{
	char deep[2 * WARD_RULES_MAX_DEPTH + 64];
	size_t n = 0;
	struct ward_rast *a = NULL;
	struct ward_diag d = { 0 };
	struct ward_rtext t;

	for (int i = 0; i < WARD_RULES_MAX_DEPTH + 5; i++)
		deep[n++] = '(';
	deep[n++] = 'a';
	deep[n] = '\0';
	t = text_of(deep);
	assert_int_equal(ward_rparse(&t, &a, &d), -WARD_E_LIMIT);
	assert_non_null(strstr(d.msg, "nested deeper"));
	ward_rtext_free(&t);

	/* a long flat chain costs no depth */
	{
		static char chain[40000];
		size_t o = 0;

		for (int i = 0; i < 3000; i++)
			o += (size_t)snprintf(chain + o, sizeof(chain) - o, "%sm%d", i ? " or " : "", i);
		t = text_of(chain);
		assert_int_equal(ward_rparse(&t, &a, &d), 0);
		assert_int_equal(a->kids_cnt, 3000);
		ward_rast_free(a);
		ward_rtext_free(&t);
	}
}

/* Positions inside folded YAML scalars map back to the file line and column. */
static void test_positions_in_yaml(void **state)
{
	static const char doc[] =
		"- macro: m\n"
		"  condition: evt.type = execve\n"
		"- rule: r\n"
		"  desc: d\n"
		"  condition: >\n"
		"    m and\n"
		"      (proc.name = bash or\n"
		"       proc.bogus = x)\n"
		"  output: o\n"
		"  priority: INFO\n";
	struct ward_rules_report rep;
	struct ward_ruleset *rs;

	assert_int_equal(ward_rules_load_mem("f.yaml", doc, sizeof(doc) - 1, NULL, &rep, &rs), 0);
	assert_int_equal(rep.errors, 1);
	assert_string_equal(rep.msgs[0].d.file, "f.yaml");
	assert_int_equal(rep.msgs[0].d.line, 8);
	assert_int_equal(rep.msgs[0].d.column, 8);
	assert_non_null(strstr(rep.msgs[0].d.msg, "unknown field 'proc.bogus'"));
	ward_rules_report_free(&rep);
	ward_rules_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lexer),
		cmocka_unit_test(test_unquote),
		cmocka_unit_test(test_parse_shapes),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_positions_in_yaml),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
