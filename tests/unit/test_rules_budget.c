// SPDX-License-Identifier: Apache-2.0
/* The compile budgets of the rules engine (docs/rules.md, "Budgets"): YAML aliases that fan
 * out, macros that expand exponentially, and list values over a whole ruleset are refused
 * with an error naming the file, the line and the limit, while rule files of the same shapes
 * within the budgets load as before. Every budget is a count, so these tests assert on what
 * was refused, never on how long it took. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/buf.h"
#include "rules/rules_int.h"

struct doc {
	char *s;
	size_t len, cap;
};

static void add(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct doc *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(d->s ? d->s + d->len : NULL, d->s ? d->cap - d->len : 0, fmt, ap);
		va_end(ap);
		assert_true(n >= 0);
		if (d->s && d->len + (size_t)n < d->cap)
			break;
		d->cap = (d->cap + (size_t)n + 1) * 2;
		d->s = realloc(d->s, d->cap);
		assert_non_null(d->s);
	}
	d->len += (size_t)n;
}

/* Loads doc as "b.yaml"; returns the first error message containing want (or fails). */
static const struct ward_rules_msg *load_expect(const struct doc *d, struct ward_rules_report *rep,
						struct ward_ruleset **rs, const char *want)
{
	assert_int_equal(ward_rules_load_mem("b.yaml", d->s, d->len, NULL, rep, rs), 0);
	for (size_t i = 0; i < rep->msgs_cnt; i++)
		if (rep->msgs[i].is_error && strstr(rep->msgs[i].d.msg, want))
			return &rep->msgs[i];
	for (size_t i = 0; i < rep->msgs_cnt; i++)
		fprintf(stderr, "%s:%d: %s\n", rep->msgs[i].d.file, rep->msgs[i].d.line, rep->msgs[i].d.msg);
	fail_msg("no error mentioning '%s' (%zu errors)", want, rep->errors);
	return NULL;
}

static void rule(struct doc *d, const char *name, const char *cond)
{
	add(d, "- rule: %s\n  desc: d\n  condition: %s\n  output: o\n  priority: WARNING\n", name, cond);
}

/* ---- aliases ------------------------------------------------------------------------- */

/* Fault 4 of issue 19: lists that each alias one big list. */
static void test_alias_fanout(void **state)
{
	struct ward_rules_report rep;
	struct ward_ruleset *rs;
	const struct ward_rules_msg *m;
	struct doc d = { 0 };

	(void)state;
	add(&d, "- list: big\n  items: &b [");
	for (int i = 0; i < 30000; i++)
		add(&d, "%sa%d", i ? "," : "", i);
	add(&d, "]\n");
	for (int i = 0; i < 40; i++)
		add(&d, "- list: l%d\n  items: *b\n", i);
	m = load_expect(&d, &rep, &rs, "WARD_RULES_MAX_YAML_ALIAS_NODES");
	assert_string_equal(m->d.file, "b.yaml");
	/* 30,001 nodes per alias: the 35th alias (on line 3 + 2 * 34 + 1) crosses 2^20 */
	assert_int_equal(m->d.line, 72);
	assert_non_null(strstr(m->d.msg, "1048576"));
	/* the file is refused before any list is built */
	assert_int_equal(rep.lists, 0);
	ward_rules_report_free(&rep);
	ward_rules_free(rs);
	free(d.s);
}

/* Aliases of aliases: each level doubles what the last anchor stands for. */
static void test_alias_nested(void **state)
{
	struct ward_rules_report rep;
	struct ward_ruleset *rs;
	struct doc d = { 0 };

	(void)state;
	add(&d, "- list: a0\n  items: &a0 [x, y]\n");
	for (int i = 1; i < 30; i++)
		add(&d, "- list: a%d\n  items: &a%d [*a%d, *a%d]\n", i, i, i - 1, i - 1);
	(void)load_expect(&d, &rep, &rs, "WARD_RULES_MAX_YAML_ALIAS_NODES");
	ward_rules_report_free(&rep);
	ward_rules_free(rs);
	free(d.s);
}

static void test_alias_within_budget(void **state)
{
	static const char doc[] =
		"- list: shells\n  items: &sh [bash, sh, zsh]\n"
		"- list: more_shells\n  items: *sh\n"
		"- rule: r\n  desc: d\n  condition: evt.type = execve and proc.name in (more_shells)\n"
		"  output: o\n  priority: WARNING\n";
	struct ward_rules_report rep;
	struct ward_ruleset *rs;

	(void)state;
	assert_int_equal(ward_rules_load_mem("ok.yaml", doc, sizeof(doc) - 1, NULL, &rep, &rs), 0);
	assert_int_equal(rep.errors, 0);
	assert_int_equal(rep.lists, 2);
	assert_int_equal(rep.rules_compiled, 1);
	ward_rules_report_free(&rep);
	ward_rules_free(rs);

	/* an alias inside the node it names would be a cycle */
	{
		static const char cyc[] = "- list: c\n  items: &c [a, *c]\n";

		assert_int_equal(ward_rules_load_mem("c.yaml", cyc, sizeof(cyc) - 1, NULL, &rep, &rs), 0);
		assert_true(rep.errors >= 1);
		ward_rules_report_free(&rep);
		ward_rules_free(rs);
	}
}

/* ---- macros -------------------------------------------------------------------------- */

/* Fault 5 of issue 19: eN: (eN+1 and eN+1), n levels, the last a comparison. */
static void macro_chain(struct doc *d, int n)
{
	for (int i = 0; i < n; i++)
		add(d, "- macro: e%d\n  condition: (e%d and e%d)\n", i, i + 1, i + 1);
	add(d, "- macro: e%d\n  condition: proc.name = x\n", n);
}

static void test_macro_exponential(void **state)
{
	static const int depths[] = { 20, 40 };

	(void)state;
	for (size_t k = 0; k < sizeof(depths) / sizeof(depths[0]); k++) {
		struct ward_rules_report rep;
		struct ward_ruleset *rs;
		const struct ward_rules_msg *m;
		struct doc d = { 0 };

		macro_chain(&d, depths[k]);
		rule(&d, "bomb", "evt.type = execve and e0");
		m = load_expect(&d, &rep, &rs, "WARD_RULES_MAX_RULE_NODES");
		assert_string_equal(m->d.file, "b.yaml");
		/* 2^16 nodes are crossed inside e(n-15), which uses e(n-14) twice: line 2(n-15)+2 */
		assert_int_equal(m->d.line, 2 * (depths[k] - 15) + 2);
		assert_non_null(strstr(m->d.msg, "rule 'bomb'"));
		assert_non_null(strstr(m->d.msg, "65536"));
		assert_int_equal(rep.rules_compiled, 0);
		ward_rules_report_free(&rep);
		ward_rules_free(rs);
		free(d.s);
	}
}

static void test_macro_within_budget(void **state)
{
	struct ward_rules_report rep;
	struct ward_ruleset *rs;
	struct doc d = { 0 };

	(void)state;
	macro_chain(&d, 12);
	rule(&d, "fine", "evt.type = execve and e0");
	assert_int_equal(ward_rules_load_mem("m.yaml", d.s, d.len, NULL, &rep, &rs), 0);
	assert_int_equal(rep.errors, 0);
	assert_int_equal(rep.rules_compiled, 1);
	ward_rules_report_free(&rep);
	ward_rules_free(rs);
	free(d.s);
}

/* Each rule within its own budget, the ruleset past its total. */
static void test_ruleset_nodes(void **state)
{
	struct ward_rules_report rep;
	struct ward_ruleset *rs;
	const struct ward_rules_msg *m;
	struct doc d = { 0 };
	char name[32];

	(void)state;
	macro_chain(&d, 13); /* 2^15 nodes per rule: 128 fit in 2^22 */
	for (int i = 0; i < 140; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		rule(&d, name, "evt.type = execve and e0");
	}
	m = load_expect(&d, &rep, &rs, "WARD_RULES_MAX_SET_NODES");
	assert_string_equal(m->d.file, "b.yaml");
	assert_true(rep.rules_compiled > 100 && rep.rules_compiled < 140);
	ward_rules_report_free(&rep);
	ward_rules_free(rs);
	free(d.s);
}

/* ---- list values --------------------------------------------------------------------- */

static void test_ruleset_values(void **state)
{
	struct ward_rules_report rep;
	struct ward_ruleset *rs;
	const struct ward_rules_msg *m;
	struct doc d = { 0 };
	char name[32];

	(void)state;
	add(&d, "- list: big\n  items: [");
	for (int i = 0; i < 90000; i++)
		add(&d, "%sv%d", i ? "," : "", i);
	add(&d, "]\n");
	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		rule(&d, name, "evt.type = execve and proc.name in (big)");
	}
	m = load_expect(&d, &rep, &rs, "WARD_RULES_MAX_SET_VALUES");
	assert_string_equal(m->d.file, "b.yaml");
	/* 4,194,304 values: 46 rules of 90,000 fit, the 47th does not */
	assert_int_equal(rep.rules_compiled, 46);
	ward_rules_report_free(&rep);
	ward_rules_free(rs);
	free(d.s);
}

static void test_loaded_items(void **state)
{
	struct ward_rules_report rep;
	struct ward_ruleset *rs;
	const struct ward_rules_msg *m;
	struct doc d = { 0 };

	(void)state;
	for (int l = 0; l < 11; l++) {
		add(&d, "- list: l%d\n  items: [", l);
		for (int i = 0; i < 100000; i++)
			add(&d, "%sx", i ? "," : "");
		add(&d, "]\n");
	}
	m = load_expect(&d, &rep, &rs, "WARD_RULES_MAX_LOADED_ITEMS");
	assert_string_equal(m->d.file, "b.yaml");
	assert_int_equal(m->d.line, 2 * 10 + 2); /* in the 11th list */
	ward_rules_report_free(&rep);
	ward_rules_free(rs);
	free(d.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alias_fanout),
		cmocka_unit_test(test_alias_nested),
		cmocka_unit_test(test_alias_within_budget),
		cmocka_unit_test(test_macro_exponential),
		cmocka_unit_test(test_macro_within_budget),
		cmocka_unit_test(test_ruleset_nodes),
		cmocka_unit_test(test_ruleset_values),
		cmocka_unit_test(test_loaded_items),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
