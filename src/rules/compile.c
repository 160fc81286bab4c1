// SPDX-License-Identifier: Apache-2.0
/*
 * From syntax tree to the evaluated form: macros are inlined (with cycle and depth checks),
 * list names inside value lists are expanded (lists may name lists), exceptions become
 * "and not (...)" clauses, fields are resolved to table entries, and constants are prepared
 * once: numbers parsed, value lists sorted for binary search, icontains needles lowercased,
 * regexes compiled (PCRE2, JIT when available), CIDRs parsed, evt.type sets turned into a
 * bitmap over event-type buckets. Also the analysis of which event types a condition can
 * match, used to index rules. Not the evaluation itself (eval.c).
 */
#include "rules/rules_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/hash.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

struct cctx {
	struct ward_ruleset *rs;
	const char *rule;        /* rule name for messages, NULL for bare conditions */
	struct ward_diag *diag;  /* bare conditions: first error goes here */
	int macro_depth;
	int errors;
	bool arena;              /* allocate nodes in rs's arena (rules, macros) */
	uint64_t nodes;          /* nodes of the condition so far, every macro use inlined */
	uint32_t ticks;          /* compile steps, to read the clock only now and then */
	bool over;               /* a budget ran out (reported once): stop compiling */
};

static void cerr(struct cctx *c, struct ward_rpos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void cerr(struct cctx *c, struct ward_rpos pos, const char *fmt, ...)
{
	char msg[480];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->diag) {
		if (!c->errors)
			ward_diag_set(c->diag, -WARD_E_SYNTAX, pos.file, pos.line, pos.col, "%s", msg);
	} else if (c->rule) {
		ward_rules_msg(c->rs, true, pos, "rule '%s': %s", c->rule, msg);
	} else {
		ward_rules_msg(c->rs, true, pos, "%s", msg);
	}
	c->errors++;
}

/* ---- budgets ------------------------------------------------------------------------ */

/*
 * Macros are compiled once and shared, so compiling stays linear; but everything that walks
 * a condition as a tree (event-type analysis, the kernel filter, the program generator, the
 * evaluator for macros without a memo id) pays for every use of every macro. Forty macros
 * that each use the next twice are 2^40 nodes to those walkers: the expanded size is what a
 * condition costs, so that is what the budget counts (docs/rules.md, "Budgets").
 */
static bool spend_nodes(struct cctx *c, uint64_t n, const struct ward_rast *at, const char *macro)
{
	if (c->over)
		return false;
	c->nodes += n;
	if (c->nodes <= WARD_RULES_MAX_RULE_NODES)
		return true;
	if (macro)
		cerr(c, ward_rast_pos(at),
		     "macro '%s' makes the condition expand to more than %u nodes (limit WARD_RULES_MAX_RULE_NODES)",
		     macro, WARD_RULES_MAX_RULE_NODES);
	else
		cerr(c, ward_rast_pos(at), "the condition has more than %u nodes (limit WARD_RULES_MAX_RULE_NODES)",
		     WARD_RULES_MAX_RULE_NODES);
	c->over = true;
	return false;
}

/* One list value after expansion, counted over the whole ruleset. */
static bool spend_value(struct cctx *c, struct ward_rpos at)
{
	if (c->over)
		return false;
	if (++c->rs->spent_values <= WARD_RULES_MAX_SET_VALUES)
		return true;
	cerr(c, at, "the ruleset's lists expand to more than %u values in all (limit WARD_RULES_MAX_SET_VALUES)",
	     WARD_RULES_MAX_SET_VALUES);
	c->over = true;
	return false;
}

/* The wall-clock backstop behind the counted budgets: a load that still runs past
 * WARD_RULES_MAX_COMPILE_SECS stops compiling (every rule not yet compiled fails). */
static bool in_time(struct cctx *c, const struct ward_rast *at)
{
	struct ward_ruleset *rs = c->rs;

	if (c->over)
		return false;
	if (!rs->past_deadline && rs->deadline_ns && (++c->ticks & 1023) == 0) {
		if (ward_mono_ns() > rs->deadline_ns)
			rs->past_deadline = true;
		else if (rs->opts.cancel && atomic_load_explicit(rs->opts.cancel, memory_order_relaxed))
			rs->past_deadline = rs->cancelled = true;
	}
	if (!rs->past_deadline)
		return true;
	if (rs->cancelled)
		cerr(c, ward_rast_pos(at), "compiling the rules was cancelled (the agent is stopping)");
	else
		cerr(c, ward_rast_pos(at), "compiling the rules took longer than %d s (limit WARD_RULES_MAX_COMPILE_SECS)",
		     WARD_RULES_MAX_COMPILE_SECS);
	c->over = true;
	return false;
}

void ward_rnode_free(struct ward_rnode *n)
{
	if (!n)
		return;
	for (uint32_t i = 0; i < n->kids_cnt && n->kind != WARD_RN_MEMO; i++)
		ward_rnode_free(n->kids[i]);
	ward_rfref_free(&n->cmp.fr);
	free(n->cmp.s);
	for (size_t i = 0; n->cmp.strs && i < n->cmp.set_cnt; i++)
		free((char *)n->cmp.strs[i].s);
	free(n->cmp.strs);
	free(n->cmp.nums);
	free(n->cmp.nets);
	if (n->cmp.re)
		pcre2_code_free(n->cmp.re);
	if (!n->in_arena) {
		free(n->kids);
		free(n->cmp.types);
		free(n);
	}
}

/* ---- value lists ------------------------------------------------------------------- */

struct flat {
	char **v;
	size_t cnt, cap;
	struct ward_rpos *pos;  /* first value's position, for messages */
};

/* Room for one more value: doubling, as a list can expand to millions of values. */
static void flat_grow(struct flat *f)
{
	if (f->cnt < f->cap)
		return;
	f->cap = f->cap ? f->cap * 2 : 16;
	f->v = ward_xreallocarray(f->v, f->cap, sizeof(char *));
}

static void flat_add(struct flat *f, const char *s, size_t len)
{
	flat_grow(f);
	/* list items written as '"a b"' carry their own quotes, as Falco expects */
	if (len >= 2 && (s[0] == '"' || s[0] == '\'') && s[len - 1] == s[0])
		f->v[f->cnt++] = ward_rlex_unquote(s, len);
	else
		f->v[f->cnt++] = ward_xstrndup(s, len);
}

static void flat_free(struct flat *f)
{
	for (size_t i = 0; i < f->cnt; i++)
		free(f->v[i]);
	free(f->v);
}

static int expand_list(struct cctx *c, struct ward_rlist *l, struct flat *f, struct ward_rpos at,
		       int depth)
{
	if (l->visiting) {
		cerr(c, at, "list '%s' contains itself", l->name);
		return -WARD_E_SYNTAX;
	}
	if (depth > WARD_RULES_MAX_MACRO_DEPTH) {
		cerr(c, at, "lists nested deeper than %d", WARD_RULES_MAX_MACRO_DEPTH);
		return -WARD_E_LIMIT;
	}
	l->visiting = 1;
	for (size_t i = 0; i < l->cnt; i++) {
		const struct ward_rvalue *it = &l->items[i];
		long sub = it->bare ? ward_rules_find_list(c->rs, it->s) : -1;

		if (f->cnt >= WARD_RULES_MAX_LIST_ITEMS) {
			cerr(c, at, "more than %u values after expanding lists", WARD_RULES_MAX_LIST_ITEMS);
			l->visiting = 0;
			return -WARD_E_LIMIT;
		}
		if (sub >= 0) {
			if (expand_list(c, &c->rs->lists[sub], f, at, depth + 1) < 0) {
				l->visiting = 0;
				return -WARD_E_SYNTAX;
			}
		} else {
			if (!spend_value(c, at)) {
				l->visiting = 0;
				return -WARD_E_LIMIT;
			}
			flat_add(f, it->s, it->len);
		}
	}
	l->visiting = 0;
	return 0;
}

static int expand_values(struct cctx *c, const struct ward_rvalue *vals, size_t cnt, struct flat *f)
{
	for (size_t i = 0; i < cnt; i++) {
		long l = vals[i].bare ? ward_rules_find_list(c->rs, vals[i].s) : -1;

		if (l >= 0) {
			if (expand_list(c, &c->rs->lists[l], f, ward_rvalue_pos(&vals[i]), 0) < 0)
				return -WARD_E_SYNTAX;
		} else {
			if (!spend_value(c, ward_rvalue_pos(&vals[i])))
				return -WARD_E_LIMIT;
			flat_grow(f);
			f->v[f->cnt++] = ward_xstrndup(vals[i].s, vals[i].len);
		}
		if (f->cnt > WARD_RULES_MAX_LIST_ITEMS) {
			cerr(c, ward_rvalue_pos(&vals[i]), "more than %u values after expanding lists",
			     WARD_RULES_MAX_LIST_ITEMS);
			return -WARD_E_LIMIT;
		}
	}
	return 0;
}

/* ---- constants ---------------------------------------------------------------------- */

static bool parse_num(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!*s)
		return false;
	errno = 0;
	/* decimal, or 0x hex; a leading zero is not octal ("0080" is 80) */
	if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ||
	    (s[0] == '-' && s[1] == '0' && (s[2] == 'x' || s[2] == 'X')))
		v = strtoll(s, &end, 16);
	else
		v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool parse_net(const char *s, struct ward_rnet *n)
{
	char ip[64];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	long prefix = -1;

	if (len >= sizeof(ip))
		return false;
	memcpy(ip, s, len);
	ip[len] = '\0';
	memset(n, 0, sizeof(*n));
	if (inet_pton(AF_INET, ip, n->addr) == 1)
		n->family_len = 4;
	else if (inet_pton(AF_INET6, ip, n->addr) == 1)
		n->family_len = 16;
	else
		return false;
	if (slash) {
		char *end;

		errno = 0;
		prefix = strtol(slash + 1, &end, 10);
		if (errno || *end || end == slash + 1 || prefix < 0 || prefix > n->family_len * 8)
			return false;
	}
	n->prefix = (uint8_t)(prefix < 0 ? n->family_len * 8 : prefix);
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	const struct ward_rstr *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->s, y->s, n);

	return r ? r : (x->len < y->len ? -1 : x->len > y->len);
}

static int cmp_num(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static bool is_type_field(const struct ward_rfref *r)
{
	return !strcmp(r->f->name, "evt.type") || !strcmp(r->f->name, "syscall.type");
}

static void *c_alloc(struct cctx *c, size_t size)
{
	void *p = c->arena ? ward_rules_arena_alloc(c->rs, size) : NULL;

	return p ? p : ward_xcalloc(1, size);
}

static struct ward_rnode *node_new(struct cctx *c, int kind)
{
	struct ward_rnode *n = c->arena ? ward_rules_arena_alloc(c->rs, sizeof(*n)) : NULL;

	if (!n)
		n = ward_xcalloc(1, sizeof(*n));
	else
		n->in_arena = true;
	n->kind = (uint8_t)kind;
	n->memo = UINT32_MAX;
	return n;
}

/* kids array (or types bitmap) of n: in the arena when n is */
static void *n_alloc(struct cctx *c, const struct ward_rnode *n, size_t size)
{
	return n->in_arena ? c_alloc(c, size) : ward_xcalloc(1, size);
}

static struct ward_rnode *compile_cmp(struct cctx *c, const struct ward_rast *a)
{
	struct ward_rnode *n = node_new(c, WARD_RN_CMP);
	struct ward_rcmp *m = &n->cmp;
	struct ward_rpos pos = ward_rast_pos(a);
	struct flat f = { 0 };
	char err[300];
	int type;

	if (ward_rfield_resolve(a->name, &m->fr, err, sizeof(err)) < 0) {
		cerr(c, pos, "%s", err);
		goto bad;
	}
	m->op = (uint8_t)a->op;
	type = m->fr.f->type;
	if (a->op == WARD_OP_EXISTS) {
		m->cv = WARD_RCV_NONE;
		return n;
	}
	if (expand_values(c, a->vals, a->vals_cnt, &f) < 0)
		goto bad;
	if (!ward_rop_is_list(a->op) && f.cnt != 1) {
		cerr(c, pos, "operator '%s' needs exactly one value, '%s' names a list of %zu",
		     ward_rop_name(a->op), a->vals_cnt ? a->vals[0].s : "", f.cnt);
		goto bad;
	}
	if (is_type_field(&m->fr) && (a->op == WARD_OP_EQ || a->op == WARD_OP_NE ||
				      a->op == WARD_OP_IN || a->op == WARD_OP_INTERSECTS)) {
		m->cv = WARD_RCV_TYPES;
		m->types = n_alloc(c, n, WARD_RTYPE_WORDS * sizeof(uint64_t));
		for (size_t i = 0; i < f.cnt; i++) {
			int id = ward_rtype_id(f.v[i]);

			/* an event type ward never produces simply never matches */
			if (!strcmp(f.v[i], "fork") || !strcmp(f.v[i], "vfork") || !strcmp(f.v[i], "clone3"))
				id = 56; /* every process creation is reported as clone */
			if (id >= 0)
				m->types[id / 64] |= 1ull << (id % 64);
		}
		goto out;
	}
	if (type == WARD_RFT_NET) {
		if (a->op != WARD_OP_EQ && a->op != WARD_OP_NE && a->op != WARD_OP_IN &&
		    a->op != WARD_OP_INTERSECTS) {
			cerr(c, pos, "operator '%s' does not apply to network field '%s' (use =, != or in)",
			     ward_rop_name(a->op), m->fr.f->name);
			goto bad;
		}
		m->cv = WARD_RCV_NETS;
		m->nets = ward_xcalloc(f.cnt ? f.cnt : 1, sizeof(*m->nets));
		for (size_t i = 0; i < f.cnt; i++) {
			if (!parse_net(f.v[i], &m->nets[i])) {
				cerr(c, pos, "'%s' is not an IP address or CIDR network", f.v[i]);
				goto bad;
			}
		}
		m->set_cnt = f.cnt;
		goto out;
	}
	if (ward_rop_is_list(a->op)) {
		if (type == WARD_RFT_NUM && a->op != WARD_OP_PMATCH) {
			m->cv = WARD_RCV_NUMSET;
			m->nums = ward_xcalloc(f.cnt ? f.cnt : 1, sizeof(int64_t));
			for (size_t i = 0; i < f.cnt; i++) {
				if (!parse_num(f.v[i], &m->nums[i])) {
					cerr(c, pos, "'%s' is not a number (field '%s' is numeric)", f.v[i],
					     m->fr.f->name);
					goto bad;
				}
			}
			m->set_cnt = f.cnt;
			qsort(m->nums, f.cnt, sizeof(int64_t), cmp_num);
			goto out;
		}
		m->cv = WARD_RCV_STRSET;
		m->strs = ward_xcalloc(f.cnt ? f.cnt : 1, sizeof(*m->strs));
		for (size_t i = 0; i < f.cnt; i++) {
			size_t len = strlen(f.v[i]);

			/* pmatch prefixes compare without a trailing slash */
			if (a->op == WARD_OP_PMATCH)
				while (len > 1 && f.v[i][len - 1] == '/')
					f.v[i][--len] = '\0';
			m->strs[i].s = f.v[i];
			m->strs[i].len = len;
			f.v[i] = NULL;
		}
		m->set_cnt = f.cnt;
		if (a->op != WARD_OP_PMATCH)
			qsort(m->strs, f.cnt, sizeof(*m->strs), cmp_str);
		goto out;
	}
	/* one value */
	m->s = f.v[0];
	m->len = strlen(m->s);
	f.v[0] = NULL;
	m->cv = WARD_RCV_STR;
	switch (a->op) {
	case WARD_OP_EQ: case WARD_OP_NE: case WARD_OP_LT: case WARD_OP_LE: case WARD_OP_GT: case WARD_OP_GE:
		if (type == WARD_RFT_NUM) {
			if (!parse_num(m->s, &m->n)) {
				cerr(c, pos, "'%s' is not a number (field '%s' is numeric)", m->s, m->fr.f->name);
				goto bad;
			}
			m->cv = WARD_RCV_NUM;
		} else if (type == WARD_RFT_BOOL && (a->op == WARD_OP_EQ || a->op == WARD_OP_NE)) {
			/* compared as 0/1: extractors give booleans a number too */
			if (!strcasecmp(m->s, "true")) {
				free(m->s);
				m->s = ward_xstrdup("true");
				m->n = 1;
				m->cv = WARD_RCV_NUM;
			} else if (!strcasecmp(m->s, "false")) {
				free(m->s);
				m->s = ward_xstrdup("false");
				m->n = 0;
				m->cv = WARD_RCV_NUM;
			} else {
				cerr(c, pos, "'%s' is not true or false (field '%s' is boolean)", m->s, m->fr.f->name);
				goto bad;
			}
			m->len = strlen(m->s);
		}
		break;
	case WARD_OP_ICONTAINS:
		for (size_t i = 0; i < m->len; i++)
			m->s[i] = (char)tolower((unsigned char)m->s[i]);
		break;
	case WARD_OP_REGEX: {
		int ec;
		PCRE2_SIZE eo;

		m->re = pcre2_compile((PCRE2_SPTR)m->s, m->len, 0, &ec, &eo, NULL);
		if (!m->re) {
			PCRE2_UCHAR buf[200];

			pcre2_get_error_message(ec, buf, sizeof(buf));
			cerr(c, pos, "invalid regex '%s' at offset %zu: %s", m->s, (size_t)eo, (char *)buf);
			goto bad;
		}
		(void)pcre2_jit_compile(m->re, PCRE2_JIT_COMPLETE);
		break;
	}
	default:
		break;
	}
out:
	flat_free(&f);
	return n;
bad:
	flat_free(&f);
	ward_rnode_free(n);
	return NULL;
}

static struct ward_rnode *compile_ast(struct cctx *c, const struct ward_rast *a);

static struct ward_rnode *compile_macro(struct cctx *c, const struct ward_rast *a)
{
	long idx = ward_rules_find_macro(c->rs, a->name);
	struct ward_rmacro *m;
	struct ward_rnode *n;

	if (idx < 0) {
		if (ward_rules_find_list(c->rs, a->name) >= 0)
			cerr(c, ward_rast_pos(a), "'%s' is a list, not a macro: use it inside 'in (...)'", a->name);
		else
			cerr(c, ward_rast_pos(a), "undefined macro '%s'", a->name);
		return NULL;
	}
	m = &c->rs->macros[idx];
	m->used = true;
	if (m->bad || !m->ast || m->compile_failed) {
		cerr(c, ward_rast_pos(a), "macro '%s' has errors (reported at %s:%d)", a->name,
		     m->pos.file ? m->pos.file : "?", m->pos.line);
		return NULL;
	}
	if (!m->compiled) {
		if (m->visiting) {
			cerr(c, ward_rast_pos(a), "macro '%s' refers to itself", a->name);
			return NULL;
		}
		if (c->macro_depth >= WARD_RULES_MAX_MACRO_DEPTH) {
			cerr(c, ward_rast_pos(a), "macros nested deeper than %d", WARD_RULES_MAX_MACRO_DEPTH);
			return NULL;
		}
		uint64_t outer = c->nodes;

		m->visiting = 1;
		c->macro_depth++;
		/* the macro's own expanded size, counted from zero: a macro too large for any
		 * condition fails wherever it is used, one that only tips this rule over does not */
		c->nodes = 0;
		m->compiled = compile_ast(c, m->ast);
		m->expanded = c->nodes;
		c->nodes = outer;
		c->macro_depth--;
		m->visiting = 0;
		if (!m->compiled) {
			/* a macro is context-free: what failed once fails everywhere (a deadline
			 * too, which fails everything after it) */
			m->compile_failed = true;
			return NULL;
		}
	}
	if (!spend_nodes(c, m->expanded + 1, a, a->name))
		return NULL;
	/* every use shares the macro's tree; the MEMO node evaluates it once per event */
	n = node_new(c, WARD_RN_MEMO);
	n->memo = idx < WARD_RULES_MEMO_MAX ? (uint32_t)idx : UINT32_MAX;
	n->kids = n_alloc(c, n, sizeof(*n->kids));
	n->kids[0] = m->compiled;
	n->kids_cnt = 1;
	return n;
}

static struct ward_rnode *compile_ast(struct cctx *c, const struct ward_rast *a)
{
	struct ward_rnode *n;

	if (!in_time(c, a) || (a->kind != WARD_RA_MACRO && !spend_nodes(c, 1, a, NULL)))
		return NULL;
	switch (a->kind) {
	case WARD_RA_CMP:
		return compile_cmp(c, a);
	case WARD_RA_MACRO:
		return compile_macro(c, a);
	case WARD_RA_NOT:
	case WARD_RA_AND:
	case WARD_RA_OR: {
		bool ok = true;

		n = node_new(c, a->kind == WARD_RA_NOT ? WARD_RN_NOT : a->kind == WARD_RA_AND ? WARD_RN_AND : WARD_RN_OR);
		n->kids = n_alloc(c, n, (a->kids_cnt ? a->kids_cnt : 1) * sizeof(*n->kids));
		/* compile every child so one run reports every error */
		for (size_t i = 0; i < a->kids_cnt; i++) {
			n->kids[n->kids_cnt] = compile_ast(c, a->kids[i]);
			if (n->kids[n->kids_cnt])
				n->kids_cnt++;
			else
				ok = false;
		}
		if (!ok) {
			ward_rnode_free(n);
			return NULL;
		}
		return n;
	}
	}
	return NULL;
}

/* ---- exceptions --------------------------------------------------------------------- */

static int comp_op(const char *s)
{
	for (int op = 0; op < WARD_OP_CNT; op++)
		if (strcmp(ward_rop_name(op), s) == 0)
			return op;
	return -1;
}

static struct ward_rast *ast_new(enum ward_rast_kind kind, struct ward_rpos pos)
{
	struct ward_rast *a = ward_xcalloc(1, sizeof(*a));

	a->kind = kind;
	a->pos = pos;
	return a;
}

static void ast_add(struct ward_rast *a, struct ward_rast *k)
{
	a->kids = ward_xreallocarray(a->kids, a->kids_cnt + 1, sizeof(*a->kids));
	a->kids[a->kids_cnt++] = k;
}

static void ast_vals(struct ward_rast *a, const struct ward_rexc_elem *el)
{
	a->vals = ward_xreallocarray(a->vals, a->vals_cnt + el->cnt + 1, sizeof(*a->vals));
	for (size_t i = 0; i < el->cnt; i++) {
		a->vals[a->vals_cnt] = el->vals[i];
		a->vals[a->vals_cnt].s = ward_xstrndup(el->vals[i].s, el->vals[i].len);
		a->vals_cnt++;
	}
}

static struct ward_rast *cmp_ast(const char *field, int op, const struct ward_rexc_elem *el,
				 struct ward_rpos pos)
{
	struct ward_rast *a = ast_new(WARD_RA_CMP, pos);

	a->name = ward_xstrdup(field);
	a->op = op;
	ast_vals(a, el);
	return a;
}

/* "not ((f1 c1 v1 and f2 c2 v2) or ...)" for one exception; NULL when it has no values. */
static struct ward_rast *exception_ast(struct cctx *c, const struct ward_rexc *e)
{
	struct ward_rast *any = ast_new(WARD_RA_OR, e->pos), *not;

	for (size_t f = 0; f < e->fields_cnt; f++) {
		if (comp_op(e->comps[f]) < 0) {
			cerr(c, e->pos, "exception '%s': unknown comparison '%s'", e->name, e->comps[f]);
			ward_rast_free(any);
			return NULL;
		}
	}
	if (!e->fields_is_list && e->fields_cnt == 1) {
		int op = comp_op(e->comps[0]);

		if (ward_rop_is_list(op)) {
			/* all values of a single-field exception form one list */
			struct ward_rast *a = ast_new(WARD_RA_CMP, e->pos);

			a->name = ward_xstrdup(e->fields[0]);
			a->op = op;
			for (size_t t = 0; t < e->tuples_cnt; t++)
				ast_vals(a, &e->tuples[t][0]);
			if (a->vals_cnt)
				ast_add(any, a);
			else
				ward_rast_free(a);
		} else {
			for (size_t t = 0; t < e->tuples_cnt; t++) {
				for (size_t k = 0; k < e->tuples[t][0].cnt; k++) {
					struct ward_rexc_elem one = { &e->tuples[t][0].vals[k], 1, false };

					ast_add(any, cmp_ast(e->fields[0], op, &one, e->pos));
				}
			}
		}
	} else {
		for (size_t t = 0; t < e->tuples_cnt; t++) {
			struct ward_rast *all = ast_new(WARD_RA_AND, e->pos);

			for (size_t f = 0; f < e->fields_cnt; f++) {
				int op = comp_op(e->comps[f]);

				if (!ward_rop_is_list(op) && e->tuples[t][f].cnt != 1) {
					cerr(c, e->pos, "exception '%s': comparison '%s' takes one value, not a list",
					     e->name, e->comps[f]);
					ward_rast_free(all);
					ward_rast_free(any);
					return NULL;
				}
				ast_add(all, cmp_ast(e->fields[f], op, &e->tuples[t][f], e->pos));
			}
			ast_add(any, all);
		}
	}
	if (!any->kids_cnt) {
		ward_rast_free(any);
		return NULL;
	}
	not = ast_new(WARD_RA_NOT, e->pos);
	ast_add(not, any);
	return not;
}

int ward_rcompile_rule(struct ward_ruleset *rs, struct ward_rrule *r)
{
	struct cctx c = { .rs = rs, .rule = r->name, .arena = true };
	struct ward_diag d = { 0 };
	struct ward_rast *ast = NULL, *all;
	struct ward_rnode *root;
	int err;

	err = ward_rparse(&r->cond, &ast, &d);
	if (err < 0) {
		ward_rules_msg(rs, true, (struct ward_rpos){ d.file[0] ? ward_rules_intern_file(rs, d.file) : r->pos.file, d.line, d.column },
			       "rule '%s': %s", r->name, d.msg);
		return err;
	}
	all = ast_new(WARD_RA_AND, r->pos);
	ast_add(all, ast);
	for (size_t i = 0; i < r->excs_cnt; i++) {
		struct ward_rast *e = exception_ast(&c, &r->excs[i]);

		if (e)
			ast_add(all, e);
	}
	root = c.errors ? NULL : compile_ast(&c, all);
	if (root && rs->spent_nodes + c.nodes > WARD_RULES_MAX_SET_NODES) {
		cerr(&c, r->pos, "the ruleset's conditions expand to more than %u nodes in all (limit WARD_RULES_MAX_SET_NODES)",
		     WARD_RULES_MAX_SET_NODES);
		ward_rnode_free(root);
		root = NULL;
	}
	ward_rast_free(all);
	if (!root)
		return c.over ? -WARD_E_LIMIT : -WARD_E_SYNTAX;
	rs->spent_nodes += c.nodes;
	if (c.nodes > rs->max_rule_nodes)
		rs->max_rule_nodes = c.nodes;
	r->root = root;
	return 0;
}

int ward_rcompile_text(struct ward_ruleset *rs, const char *text, struct ward_rnode **out,
		       struct ward_diag *diag)
{
	struct cctx c = { .rs = rs, .diag = diag };
	struct ward_rtext t;
	struct ward_rast *ast = NULL;
	struct ward_rnode *n;
	int err;

	ward_rtext_init(&t);
	err = ward_rtext_add(&t, text, strlen(text), NULL, 0, 0,
			     (struct ward_rpos){ ward_rules_intern_file(rs, "<condition>"), 1, 1 });
	if (err < 0) {
		ward_diag_set(diag, err, "<condition>", 0, 0, "condition longer than %u bytes",
			      WARD_RULES_MAX_COND_LEN);
		goto out;
	}
	err = ward_rparse(&t, &ast, diag);
	if (err < 0)
		goto out;
	n = compile_ast(&c, ast);
	if (!n) {
		err = -WARD_E_SYNTAX;
		goto out;
	}
	*out = n;
out:
	ward_rast_free(ast);
	ward_rtext_free(&t);
	return err;
}

/* ---- event-type analysis ------------------------------------------------------------ */

bool ward_rnode_types(const struct ward_rnode *n, bool types[WARD_RTYPE_CNT])
{
	bool tmp[WARD_RTYPE_CNT];

	switch (n->kind) {
	case WARD_RN_CMP:
		if (n->cmp.cv != WARD_RCV_TYPES)
			return false;
		for (size_t i = 0; i < WARD_RTYPE_CNT; i++)
			types[i] = ((n->cmp.types[i / 64] >> (i % 64)) & 1) != (n->cmp.op == WARD_OP_NE);
		return true;
	case WARD_RN_FALSE:
		memset(types, 0, WARD_RTYPE_CNT);
		return true;
	case WARD_RN_MEMO:
		return ward_rnode_types(n->kids[0], types);
	case WARD_RN_NOT: {
		const struct ward_rnode *k = n->kids[0];

		while (k->kind == WARD_RN_MEMO)
			k = k->kids[0];

		/* only a direct evt.type test can be complemented exactly */
		if (k->kind != WARD_RN_CMP || k->cmp.cv != WARD_RCV_TYPES)
			return false;
		ward_rnode_types(k, types);
		for (size_t i = 0; i < WARD_RTYPE_CNT; i++)
			types[i] = !types[i];
		return true;
	}
	case WARD_RN_AND: {
		bool any = false;

		for (uint32_t i = 0; i < n->kids_cnt; i++) {
			if (!ward_rnode_types(n->kids[i], tmp))
				continue;
			if (!any)
				memcpy(types, tmp, WARD_RTYPE_CNT);
			else
				for (size_t k = 0; k < WARD_RTYPE_CNT; k++)
					types[k] = types[k] && tmp[k];
			any = true;
		}
		return any;
	}
	case WARD_RN_OR:
		memset(types, 0, WARD_RTYPE_CNT);
		for (uint32_t i = 0; i < n->kids_cnt; i++) {
			if (!ward_rnode_types(n->kids[i], tmp))
				return false;
			for (size_t k = 0; k < WARD_RTYPE_CNT; k++)
				types[k] = types[k] || tmp[k];
		}
		return n->kids_cnt > 0;
	default:
		return false;
	}
}

/* ---- optimisation after compiling ------------------------------------------------- */

static uint64_t cmp_hash(const struct ward_rcmp *m)
{
	uint64_t h = ward_hash64_mix(m->fr.f->id, ((uint64_t)m->op << 32) | ((uint64_t)m->cv << 16) |
						  (uint16_t)m->fr.idx);

	if (m->fr.key)
		h = ward_hash64_mix(h, ward_hash64(m->fr.key, m->fr.key_len));
	if (m->s)
		h = ward_hash64_mix(h, ward_hash64(m->s, m->len));
	h = ward_hash64_mix(h, (uint64_t)m->n);
	h = ward_hash64_mix(h, m->set_cnt);
	for (size_t i = 0; m->strs && i < m->set_cnt; i++)
		h = ward_hash64_mix(h, ward_hash64(m->strs[i].s, m->strs[i].len));
	if (m->nums)
		h = ward_hash64_mix(h, ward_hash64(m->nums, m->set_cnt * sizeof(*m->nums)));
	if (m->nets)
		h = ward_hash64_mix(h, ward_hash64(m->nets, m->set_cnt * sizeof(*m->nets)));
	return h;
}

static bool bytes_eq(const void *a, const void *b, size_t len)
{
	return (!a && !b) || (a && b && memcmp(a, b, len) == 0);
}

/* Same field, operator and prepared constant: the same result on every event. */
static bool cmp_equal(const struct ward_rcmp *a, const struct ward_rcmp *b)
{
	if (a->fr.f != b->fr.f || a->fr.idx != b->fr.idx || a->op != b->op || a->cv != b->cv ||
	    a->n != b->n || a->len != b->len || a->set_cnt != b->set_cnt ||
	    a->fr.key_len != b->fr.key_len || !bytes_eq(a->fr.key, b->fr.key, a->fr.key_len) ||
	    !bytes_eq(a->s, b->s, a->len) || !a->strs != !b->strs ||
	    !bytes_eq(a->nums, b->nums, a->set_cnt * sizeof(*a->nums)) ||
	    !bytes_eq(a->nets, b->nets, a->set_cnt * sizeof(*a->nets)))
		return false;
	for (size_t i = 0; a->strs && i < a->set_cnt; i++)
		if (a->strs[i].len != b->strs[i].len || memcmp(a->strs[i].s, b->strs[i].s, a->strs[i].len))
			return false;
	return true;
}

struct cse {
	struct ward_rnode **nodes;   /* every comparison, with its class index in memo */
	size_t nodes_cnt;
	struct ward_rnode **canon;   /* one per class */
	uint32_t *uses;
	size_t classes_cnt;
	uint32_t *slots;             /* class + 1, 0 = empty; open addressing */
	size_t slots_cap;
};

static void cse_grow(struct cse *t)
{
	size_t cap = t->slots_cap ? t->slots_cap * 2 : 256;

	free(t->slots);
	t->slots = ward_xcalloc(cap, sizeof(*t->slots));
	t->slots_cap = cap;
	for (size_t c = 0; c < t->classes_cnt; c++) {
		size_t i = cmp_hash(&t->canon[c]->cmp) & (cap - 1);

		while (t->slots[i])
			i = (i + 1) & (cap - 1);
		t->slots[i] = (uint32_t)c + 1;
	}
}

/* Collects the comparisons of a tree; macro trees (below MEMO nodes) are walked once, from
 * the macro table, so a comparison inside a macro counts once however often it is used. */
static void cse_walk(struct cse *t, struct ward_rnode *n)
{
	size_t i;

	if (n->kind == WARD_RN_MEMO)
		return;
	if (n->kind != WARD_RN_CMP) {
		for (uint32_t k = 0; k < n->kids_cnt; k++)
			cse_walk(t, n->kids[k]);
		return;
	}
	/* a bitmap test is as cheap as looking up a memo */
	if (n->cmp.cv == WARD_RCV_TYPES)
		return;
	if ((t->classes_cnt + 1) * 2 > t->slots_cap)
		cse_grow(t);
	for (i = cmp_hash(&n->cmp) & (t->slots_cap - 1); t->slots[i]; i = (i + 1) & (t->slots_cap - 1))
		if (cmp_equal(&t->canon[t->slots[i] - 1]->cmp, &n->cmp))
			break;
	if (!t->slots[i]) {
		t->canon = ward_xreallocarray(t->canon, t->classes_cnt + 1, sizeof(*t->canon));
		t->uses = ward_xreallocarray(t->uses, t->classes_cnt + 1, sizeof(*t->uses));
		t->canon[t->classes_cnt] = n;
		t->uses[t->classes_cnt] = 0;
		t->slots[i] = (uint32_t)++t->classes_cnt;
	}
	t->uses[t->slots[i] - 1]++;
	t->nodes = ward_xreallocarray(t->nodes, t->nodes_cnt + 1, sizeof(*t->nodes));
	t->nodes[t->nodes_cnt++] = n;
	n->memo = t->slots[i] - 1;
}

void ward_rcompile_optimize(struct ward_ruleset *rs)
{
	struct cse t = { 0 };
	uint32_t next = (uint32_t)(rs->macros_cnt < WARD_RULES_MEMO_MAX ? rs->macros_cnt : WARD_RULES_MEMO_MAX);

	for (size_t i = 0; i < rs->macros_cnt; i++)
		if (rs->macros[i].compiled)
			cse_walk(&t, rs->macros[i].compiled);
	for (size_t i = 0; i < rs->rules_cnt; i++)
		if (rs->rules[i].root)
			cse_walk(&t, rs->rules[i].root);
	/* classes used once keep no memo; the rest get ids while there are ids left */
	for (size_t c = 0; c < t.classes_cnt; c++) {
		if (t.uses[c] > 1 && next < WARD_RULES_MEMO_MAX) {
			t.uses[c] = next++;
		} else {
			t.uses[c] = UINT32_MAX;
		}
	}
	for (size_t i = 0; i < t.nodes_cnt; i++)
		t.nodes[i]->memo = t.uses[t.nodes[i]->memo];
	rs->memo_cnt = next;
	free(t.nodes);
	free(t.canon);
	free(t.uses);
	free(t.slots);
}
