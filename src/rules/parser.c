// SPDX-License-Identifier: Apache-2.0
/*
 * Parser for Falco conditions into a syntax tree. Grammar, loosest binding first:
 *
 *   expr    := and ('or' and)*
 *   and     := unary ('and' unary)*
 *   unary   := 'not' unary | '(' expr ')' | check
 *   check   := FIELD OP value | FIELD LISTOP '(' [value (',' value)*] ')' | FIELD 'exists'
 *            | MACRO
 *
 * and/or chains become one n-ary node so a long chain costs no recursion depth; nesting of
 * parentheses and 'not' is bounded by WARD_RULES_MAX_DEPTH. Field names, macros and lists
 * are resolved later by the compiler; this file only checks shape.
 */
#include "rules/rules_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/xalloc.h"

static const char *const op_names[WARD_OP_CNT] = {
	[WARD_OP_EQ] = "=", [WARD_OP_NE] = "!=", [WARD_OP_LT] = "<", [WARD_OP_LE] = "<=",
	[WARD_OP_GT] = ">", [WARD_OP_GE] = ">=", [WARD_OP_IN] = "in",
	[WARD_OP_INTERSECTS] = "intersects", [WARD_OP_PMATCH] = "pmatch",
	[WARD_OP_CONTAINS] = "contains", [WARD_OP_ICONTAINS] = "icontains",
	[WARD_OP_STARTSWITH] = "startswith", [WARD_OP_ENDSWITH] = "endswith",
	[WARD_OP_GLOB] = "glob", [WARD_OP_REGEX] = "regex", [WARD_OP_EXISTS] = "exists",
};

const char *ward_rop_name(int op)
{
	return op >= 0 && op < WARD_OP_CNT ? op_names[op] : "?";
}

bool ward_rop_is_list(int op)
{
	return op == WARD_OP_IN || op == WARD_OP_INTERSECTS || op == WARD_OP_PMATCH;
}

struct ward_rpos ward_rast_pos(const struct ward_rast *a)
{
	return a->src ? ward_rtext_pos(a->src, a->off) : a->pos;
}

struct ward_rpos ward_rvalue_pos(const struct ward_rvalue *v)
{
	return v->src ? ward_rtext_pos(v->src, v->off) : v->pos;
}

struct parser {
	const struct ward_rtext *t;
	struct ward_rlex lx;
	struct ward_rtok tok;     /* current token */
	struct ward_diag *diag;
	int err;
};

static void advance(struct parser *p)
{
	ward_rlex_next(&p->lx, &p->tok);
}

static int fail(struct parser *p, int err, size_t off, const char *fmt, const char *arg)
	__attribute__((format(printf, 4, 0)));

static int fail(struct parser *p, int err, size_t off, const char *fmt, const char *arg)
{
	struct ward_rpos pos = ward_rtext_pos(p->t, off);
	char msg[400];

	if (p->err)
		return p->err;
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wformat-nonliteral"
	/* every caller passes a literal with one %s */
	snprintf(msg, sizeof(msg), fmt, arg);
#pragma clang diagnostic pop
	p->err = -err;
	ward_diag_set(p->diag, -err, pos.file, pos.line, pos.col, "%s", msg);
	return p->err;
}

static bool tok_is(const struct parser *p, const char *word)
{
	size_t n = strlen(word);

	return p->tok.kind == WARD_TK_WORD && p->tok.len == n &&
	       memcmp(p->t->s + p->tok.off, word, n) == 0;
}

/* The operator a token names, or -1. */
static int tok_op(const struct parser *p)
{
	const char *s = p->t->s + p->tok.off;
	size_t n = p->tok.len;

	if (p->tok.kind == WARD_TK_OP) {
		if ((n == 1 && s[0] == '=') || (n == 2 && s[0] == '=' && s[1] == '='))
			return WARD_OP_EQ;
		if (n == 2 && s[0] == '!')
			return WARD_OP_NE;
		if (s[0] == '<')
			return n == 2 ? WARD_OP_LE : WARD_OP_LT;
		if (s[0] == '>')
			return n == 2 ? WARD_OP_GE : WARD_OP_GT;
		return -1;
	}
	if (p->tok.kind != WARD_TK_WORD)
		return -1;
	for (int op = WARD_OP_IN; op < WARD_OP_CNT; op++)
		if (strlen(op_names[op]) == n && memcmp(op_names[op], s, n) == 0)
			return op;
	return -1;
}

static bool is_keyword(const struct parser *p)
{
	return tok_is(p, "and") || tok_is(p, "or") || tok_is(p, "not") ||
	       (p->tok.kind == WARD_TK_WORD && tok_op(p) >= 0);
}

static struct ward_rast *node_new(struct parser *p, enum ward_rast_kind kind, size_t off)
{
	struct ward_rast *a = ward_xcalloc(1, sizeof(*a));

	a->kind = kind;
	a->src = p->t;
	a->off = off;
	return a;
}

static void add_kid(struct ward_rast *a, struct ward_rast *k)
{
	a->kids = ward_xreallocarray(a->kids, a->kids_cnt + 1, sizeof(*a->kids));
	a->kids[a->kids_cnt++] = k;
}

void ward_rast_free(struct ward_rast *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->kids_cnt; i++)
		ward_rast_free(a->kids[i]);
	free(a->kids);
	free(a->name);
	for (size_t i = 0; i < a->vals_cnt; i++)
		free(a->vals[i].s);
	free(a->vals);
	free(a);
}

/* Takes the current token as a value. */
static int take_value(struct parser *p, struct ward_rast *a)
{
	struct ward_rvalue *v;

	/* old rules compare evt.dir with a bare < or > */
	bool dir_sym = p->tok.kind == WARD_TK_OP && p->tok.len == 1 &&
		       (p->t->s[p->tok.off] == '<' || p->t->s[p->tok.off] == '>');

	if (p->tok.kind == WARD_TK_ERR)
		return fail(p, WARD_E_SYNTAX, p->tok.off, "%s", p->tok.err);
	if (p->tok.kind != WARD_TK_WORD && p->tok.kind != WARD_TK_STR && !dir_sym)
		return fail(p, WARD_E_SYNTAX, p->tok.off, "expected a value after '%s'",
			    ward_rop_name(a->op));
	if (a->vals_cnt >= WARD_RULES_MAX_LIST_ITEMS)
		return fail(p, WARD_E_LIMIT, p->tok.off, "more than %s values in a list", "100000");
	a->vals = ward_xreallocarray(a->vals, a->vals_cnt + 1, sizeof(*a->vals));
	v = &a->vals[a->vals_cnt++];
	memset(v, 0, sizeof(*v));
	v->src = p->t;
	v->off = p->tok.off;
	if (p->tok.kind == WARD_TK_STR) {
		v->s = ward_rlex_unquote(p->t->s + p->tok.off, p->tok.len);
		v->bare = false;
	} else {
		v->s = ward_xstrndup(p->t->s + p->tok.off, p->tok.len);
		v->bare = true;
	}
	v->len = strlen(v->s);
	advance(p);
	return 0;
}

static struct ward_rast *parse_or(struct parser *p, int depth);

static struct ward_rast *parse_check(struct parser *p)
{
	size_t off = p->tok.off;
	char *name = ward_xstrndup(p->t->s + p->tok.off, p->tok.len);
	struct ward_rast *a;
	int op;

	advance(p);
	op = tok_op(p);
	if (op < 0) {
		/* a macro reference: a plain identifier */
		for (const char *c = name; *c; c++) {
			if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			      (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' || *c == '.')) {
				fail(p, WARD_E_SYNTAX, off, "'%s' is neither a macro name nor followed by an operator", name);
				free(name);
				return NULL;
			}
		}
		if (strchr(name, '.')) {
			fail(p, WARD_E_SYNTAX, p->tok.off,
			     "expected an operator after field '%s'", name);
			free(name);
			return NULL;
		}
		a = node_new(p, WARD_RA_MACRO, off);
		a->name = name;
		return a;
	}
	a = node_new(p, WARD_RA_CMP, off);
	a->name = name;
	a->op = op;
	advance(p);
	if (op == WARD_OP_EXISTS)
		return a;
	if (ward_rop_is_list(op)) {
		if (p->tok.kind != WARD_TK_LP) {
			/* "in list_name" without parentheses: one value, may name a list */
			if (take_value(p, a) < 0)
				goto bad;
			return a;
		}
		advance(p);
		if (p->tok.kind == WARD_TK_RP) {
			advance(p);
			return a;
		}
		for (;;) {
			if (take_value(p, a) < 0)
				goto bad;
			if (p->tok.kind == WARD_TK_COMMA) {
				advance(p);
				continue;
			}
			if (p->tok.kind == WARD_TK_RP) {
				advance(p);
				return a;
			}
			fail(p, WARD_E_SYNTAX, p->tok.off, "expected ',' or ')' in the value list of '%s'",
			     ward_rop_name(op));
			goto bad;
		}
	}
	if (p->tok.kind == WARD_TK_LP) {
		fail(p, WARD_E_SYNTAX, p->tok.off, "operator '%s' takes one value, not a list",
		     ward_rop_name(op));
		goto bad;
	}
	if (p->tok.kind == WARD_TK_WORD && (tok_is(p, "and") || tok_is(p, "or"))) {
		fail(p, WARD_E_SYNTAX, p->tok.off, "expected a value after '%s'", ward_rop_name(op));
		goto bad;
	}
	if (take_value(p, a) < 0)
		goto bad;
	return a;
bad:
	ward_rast_free(a);
	return NULL;
}

static struct ward_rast *parse_unary(struct parser *p, int depth)
{
	if (depth > WARD_RULES_MAX_DEPTH) {
		fail(p, WARD_E_LIMIT, p->tok.off, "condition nested deeper than %s levels", "200");
		return NULL;
	}
	if (p->tok.kind == WARD_TK_ERR) {
		fail(p, WARD_E_SYNTAX, p->tok.off, "%s", p->tok.err);
		return NULL;
	}
	if (tok_is(p, "not")) {
		struct ward_rast *a = node_new(p, WARD_RA_NOT, p->tok.off), *k;

		advance(p);
		k = parse_unary(p, depth + 1);
		if (!k) {
			ward_rast_free(a);
			return NULL;
		}
		add_kid(a, k);
		return a;
	}
	if (p->tok.kind == WARD_TK_LP) {
		size_t off = p->tok.off;
		struct ward_rast *a;

		advance(p);
		a = parse_or(p, depth + 1);
		if (!a)
			return NULL;
		if (p->tok.kind != WARD_TK_RP) {
			fail(p, WARD_E_SYNTAX, p->tok.kind == WARD_TK_EOF ? off : p->tok.off, "%s",
			     p->tok.kind == WARD_TK_EOF ? "unbalanced '(': missing ')'"
							: "expected ')' or 'and'/'or'");
			ward_rast_free(a);
			return NULL;
		}
		advance(p);
		return a;
	}
	if (p->tok.kind == WARD_TK_WORD && !is_keyword(p))
		return parse_check(p);
	if (p->tok.kind == WARD_TK_EOF)
		fail(p, WARD_E_SYNTAX, p->t->len, "%s", "unexpected end of condition");
	else if (p->tok.kind == WARD_TK_RP)
		fail(p, WARD_E_SYNTAX, p->tok.off, "%s", "unexpected ')'");
	else {
		char w[64];

		snprintf(w, sizeof(w), "%.*s", (int)(p->tok.len > 40 ? 40 : p->tok.len),
			 p->t->s + p->tok.off);
		fail(p, WARD_E_SYNTAX, p->tok.off, "expected a field, macro, 'not' or '(' but found '%s'", w);
	}
	return NULL;
}

static struct ward_rast *parse_chain(struct parser *p, int depth, bool is_or)
{
	const char *kw = is_or ? "or" : "and";
	struct ward_rast *first = is_or ? parse_chain(p, depth, false) : parse_unary(p, depth);
	struct ward_rast *chain;

	if (!first || !tok_is(p, kw))
		return first;
	chain = node_new(p, is_or ? WARD_RA_OR : WARD_RA_AND, first->off);
	add_kid(chain, first);
	while (tok_is(p, kw)) {
		struct ward_rast *k;

		advance(p);
		k = is_or ? parse_chain(p, depth, false) : parse_unary(p, depth);
		if (!k) {
			ward_rast_free(chain);
			return NULL;
		}
		add_kid(chain, k);
	}
	return chain;
}

static struct ward_rast *parse_or(struct parser *p, int depth)
{
	return parse_chain(p, depth, true);
}

int ward_rparse(const struct ward_rtext *t, struct ward_rast **out, struct ward_diag *diag)
{
	struct parser p = { .t = t, .diag = diag };
	struct ward_rast *a;

	if (t->len > WARD_RULES_MAX_COND_LEN)
		return ward_diag_set(diag, -WARD_E_LIMIT, NULL, 0, 0, "condition longer than %u bytes",
				     WARD_RULES_MAX_COND_LEN);
	ward_rlex_init(&p.lx, t->s, t->len);
	advance(&p);
	if (p.tok.kind == WARD_TK_EOF) {
		fail(&p, WARD_E_SYNTAX, 0, "%s", "empty condition");
		return p.err;
	}
	a = parse_or(&p, 0);
	if (!a)
		return p.err ? p.err : -WARD_E_SYNTAX;
	if (p.tok.kind != WARD_TK_EOF) {
		char w[64];

		snprintf(w, sizeof(w), "%.*s", (int)(p.tok.len > 40 ? 40 : p.tok.len), t->s + p.tok.off);
		if (p.tok.kind == WARD_TK_ERR)
			fail(&p, WARD_E_SYNTAX, p.tok.off, "%s", p.tok.err);
		else
			fail(&p, WARD_E_SYNTAX, p.tok.off, "unexpected '%s' (expected 'and', 'or' or the end)", w);
		ward_rast_free(a);
		return p.err;
	}
	*out = a;
	return 0;
}
