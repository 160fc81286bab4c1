// SPDX-License-Identifier: Apache-2.0
/*
 * Reads one YAML rule file (libyaml, document API) and merges its items into the ruleset
 * being loaded: rule, macro and list definitions, append: true, override: {key: append |
 * replace}, the legacy "rule + enabled" toggle, exceptions and ward's `actions` and `mode`
 * keys.
 * required_engine_version and required_plugin_versions are accepted and ignored.
 *
 * Every diagnostic carries the file, line and column of the node it is about. A YAML syntax
 * error rejects the whole file; a malformed item is reported and skipped. Conditions are not
 * parsed here: the text is kept with its source mapping and parsed once all files are in.
 */
#include "rules/rules_int.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "common/xalloc.h"

struct lctx {
	struct ward_ruleset *rs;
	const char *file;       /* interned */
	const char *data;
	size_t len;
	yaml_document_t doc;
};

static struct ward_rpos npos(const struct lctx *c, const yaml_node_t *n)
{
	return (struct ward_rpos){ c->file, (int)n->start_mark.line + 1, (int)n->start_mark.column + 1 };
}

static yaml_node_t *node(struct lctx *c, int id)
{
	return yaml_document_get_node(&c->doc, id);
}

static bool is_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE;
}

static const char *sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool scalar_is_null(const yaml_node_t *n)
{
	return is_scalar(n) && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (n->data.scalar.length == 0 || strcmp(sval(n), "~") == 0 ||
		strcmp(sval(n), "null") == 0);
}

/* Value for key in a mapping node, or NULL. */
static yaml_node_t *map_get(struct lctx *c, yaml_node_t *m, const char *key)
{
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(c, p->key);

		if (is_scalar(k) && strcmp(sval(k), key) == 0)
			return node(c, p->value);
	}
	return NULL;
}

static int parse_bool(struct lctx *c, yaml_node_t *n, const char *what, bool *out)
{
	if (is_scalar(n)) {
		const char *s = sval(n);

		if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on")) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off")) {
			*out = false;
			return 0;
		}
	}
	ward_rules_msg(c->rs, true, npos(c, n), "'%s' must be true or false", what);
	return -WARD_E_SYNTAX;
}

static int need_string(struct lctx *c, yaml_node_t *n, const char *what)
{
	if (!is_scalar(n)) {
		ward_rules_msg(c->rs, true, npos(c, n), "'%s' must be a string", what);
		return -WARD_E_SYNTAX;
	}
	return 0;
}

/* Adds a scalar to condition text with its raw source for positions. */
static int text_add(struct lctx *c, struct ward_rtext *t, yaml_node_t *n, const char *what)
{
	size_t a = n->start_mark.index, b = n->end_mark.index;
	int err;

	if (need_string(c, n, what) < 0)
		return -WARD_E_SYNTAX;
	if (b > c->len || a > b)
		a = b = 0;
	err = ward_rtext_add(t, sval(n), n->data.scalar.length, c->data + a, b - a,
			     n->data.scalar.style, npos(c, n));
	if (err < 0)
		ward_rules_msg(c->rs, true, npos(c, n), "%s longer than %u bytes", what,
			       WARD_RULES_MAX_COND_LEN);
	return err;
}

static void value_from(struct lctx *c, yaml_node_t *n, struct ward_rvalue *v)
{
	memset(v, 0, sizeof(*v));
	v->s = ward_xstrndup(sval(n), n->data.scalar.length);
	v->len = strlen(v->s);
	v->bare = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	v->pos = npos(c, n);
}

/* A sequence of scalars into strings; a lone scalar counts as one. */
static int string_seq(struct lctx *c, yaml_node_t *n, const char *what, char ***out,
		      size_t *cnt, size_t max)
{
	if (is_scalar(n)) {
		if (scalar_is_null(n))
			return 0;
		*out = ward_xreallocarray(*out, *cnt + 1, sizeof(char *));
		(*out)[(*cnt)++] = ward_xstrdup(sval(n));
		return 0;
	}
	if (!n || n->type != YAML_SEQUENCE_NODE) {
		ward_rules_msg(c->rs, true, npos(c, n), "'%s' must be a list of strings", what);
		return -WARD_E_SYNTAX;
	}
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		yaml_node_t *e = node(c, *i);

		if (!is_scalar(e)) {
			ward_rules_msg(c->rs, true, npos(c, e), "items of '%s' must be strings", what);
			return -WARD_E_SYNTAX;
		}
		if (*cnt >= max) {
			ward_rules_msg(c->rs, true, npos(c, e), "'%s' has more than %zu items", what, max);
			return -WARD_E_LIMIT;
		}
		*out = ward_xreallocarray(*out, *cnt + 1, sizeof(char *));
		(*out)[(*cnt)++] = ward_xstrdup(sval(e));
	}
	return 0;
}

/* List items and exception values are copied out of the document: counted over every file
 * of the load (a file's aliases are bounded by the prescan, many files are bounded here). */
static bool spend_item(struct lctx *c, yaml_node_t *at, size_t n)
{
	c->rs->spent_items += n;
	if (c->rs->spent_items <= WARD_RULES_MAX_LOADED_ITEMS)
		return true;
	ward_rules_msg(c->rs, true, npos(c, at),
		       "more than %u list items and exception values in all rule files (limit WARD_RULES_MAX_LOADED_ITEMS)",
		       WARD_RULES_MAX_LOADED_ITEMS);
	return false;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- exceptions ---------------------------------------------------------------------- */

static void exc_free(struct ward_rexc *e)
{
	free(e->name);
	strv_free(e->fields, e->fields_cnt);
	strv_free(e->comps, e->comps_cnt);
	for (size_t t = 0; t < e->tuples_cnt; t++) {
		for (size_t f = 0; f < e->fields_cnt; f++) {
			for (size_t k = 0; k < e->tuples[t][f].cnt; k++)
				free(e->tuples[t][f].vals[k].s);
			free(e->tuples[t][f].vals);
		}
		free(e->tuples[t]);
	}
	free(e->tuples);
	memset(e, 0, sizeof(*e));
}

static void elem_add(struct ward_rexc_elem *el, struct lctx *c, yaml_node_t *n)
{
	el->vals = ward_xreallocarray(el->vals, el->cnt + 1, sizeof(*el->vals));
	value_from(c, n, &el->vals[el->cnt++]);
}

/* values: of an exception into e (appending). */
static int exc_values(struct lctx *c, struct ward_rexc *e, yaml_node_t *vals)
{
	if (!vals || scalar_is_null(vals))
		return 0;
	if (vals->type != YAML_SEQUENCE_NODE) {
		ward_rules_msg(c->rs, true, npos(c, vals), "exception '%s': 'values' must be a list",
			       e->name);
		return -WARD_E_SYNTAX;
	}
	for (yaml_node_item_t *i = vals->data.sequence.items.start; i < vals->data.sequence.items.top; i++) {
		yaml_node_t *tn = node(c, *i);
		struct ward_rexc_elem *tuple;
		size_t k = 0;

		if (e->tuples_cnt >= WARD_RULES_MAX_LIST_ITEMS) {
			ward_rules_msg(c->rs, true, npos(c, tn), "exception '%s' has too many values", e->name);
			return -WARD_E_LIMIT;
		}
		tuple = ward_xcalloc(e->fields_cnt ? e->fields_cnt : 1, sizeof(*tuple));
		if (!e->fields_is_list) {
			/* single field: each value is a scalar (or a list for in/pmatch) */
			if (is_scalar(tn)) {
				elem_add(&tuple[0], c, tn);
			} else if (tn->type == YAML_SEQUENCE_NODE) {
				tuple[0].is_list = true;
				for (yaml_node_item_t *j = tn->data.sequence.items.start; j < tn->data.sequence.items.top; j++) {
					if (!is_scalar(node(c, *j)))
						goto bad_shape;
					elem_add(&tuple[0], c, node(c, *j));
				}
			} else {
				goto bad_shape;
			}
		} else {
			if (tn->type != YAML_SEQUENCE_NODE)
				goto bad_shape;
			for (yaml_node_item_t *j = tn->data.sequence.items.start; j < tn->data.sequence.items.top; j++, k++) {
				yaml_node_t *en = node(c, *j);

				if (k >= e->fields_cnt) {
					ward_rules_msg(c->rs, true, npos(c, tn),
						       "exception '%s': a value has more items than the %zu fields",
						       e->name, e->fields_cnt);
					goto bad;
				}
				if (is_scalar(en)) {
					elem_add(&tuple[k], c, en);
				} else if (en->type == YAML_SEQUENCE_NODE) {
					tuple[k].is_list = true;
					for (yaml_node_item_t *m = en->data.sequence.items.start; m < en->data.sequence.items.top; m++) {
						if (!is_scalar(node(c, *m)))
							goto bad_shape;
						elem_add(&tuple[k], c, node(c, *m));
					}
				} else {
					goto bad_shape;
				}
			}
			if (k != e->fields_cnt) {
				ward_rules_msg(c->rs, true, npos(c, tn),
					       "exception '%s': a value has %zu items but there are %zu fields",
					       e->name, k, e->fields_cnt);
				goto bad;
			}
		}
		for (size_t f = 0; f < (e->fields_cnt ? e->fields_cnt : 1); f++)
			if (!spend_item(c, tn, tuple[f].cnt))
				goto bad;
		e->tuples = ward_xreallocarray(e->tuples, e->tuples_cnt + 1, sizeof(*e->tuples));
		e->tuples[e->tuples_cnt++] = tuple;
		continue;
bad_shape:
		ward_rules_msg(c->rs, true, npos(c, tn), "exception '%s': malformed value", e->name);
bad:
		for (size_t f = 0; f < (e->fields_cnt ? e->fields_cnt : 1); f++) {
			for (size_t m = 0; m < tuple[f].cnt; m++)
				free(tuple[f].vals[m].s);
			free(tuple[f].vals);
		}
		free(tuple);
		return -WARD_E_SYNTAX;
	}
	return 0;
}

static const char *const valid_comps[] = { "=", "!=", "<", "<=", ">", ">=", "in", "intersects",
	"pmatch", "contains", "icontains", "startswith", "endswith", "glob", "regex", NULL };

static int exc_parse(struct lctx *c, yaml_node_t *n, struct ward_rexc *e, bool need_fields)
{
	yaml_node_t *name, *fields, *comps;

	memset(e, 0, sizeof(*e));
	if (!n || n->type != YAML_MAPPING_NODE) {
		ward_rules_msg(c->rs, true, npos(c, n), "an exception must be a mapping with name, fields, comps and values");
		return -WARD_E_SYNTAX;
	}
	name = map_get(c, n, "name");
	if (!name || !is_scalar(name) || !name->data.scalar.length) {
		ward_rules_msg(c->rs, true, npos(c, n), "exception without a 'name'");
		return -WARD_E_SYNTAX;
	}
	e->name = ward_xstrdup(sval(name));
	e->pos = npos(c, n);
	fields = map_get(c, n, "fields");
	comps = map_get(c, n, "comps");
	if (!fields) {
		if (!need_fields)
			goto values;
		ward_rules_msg(c->rs, true, npos(c, n), "exception '%s' has no 'fields'", e->name);
		goto bad;
	}
	e->fields_is_list = fields->type == YAML_SEQUENCE_NODE;
	if (string_seq(c, fields, "fields", &e->fields, &e->fields_cnt, 64) < 0)
		goto bad;
	if (!e->fields_cnt) {
		ward_rules_msg(c->rs, true, npos(c, fields), "exception '%s' has empty 'fields'", e->name);
		goto bad;
	}
	if (comps && string_seq(c, comps, "comps", &e->comps, &e->comps_cnt, 64) < 0)
		goto bad;
	if (!comps) {
		for (size_t i = 0; i < e->fields_cnt; i++) {
			e->comps = ward_xreallocarray(e->comps, e->comps_cnt + 1, sizeof(char *));
			e->comps[e->comps_cnt++] = ward_xstrdup(e->fields_is_list ? "=" : "in");
		}
	}
	if (e->comps_cnt != e->fields_cnt) {
		ward_rules_msg(c->rs, true, npos(c, comps), "exception '%s' has %zu fields but %zu comps",
			       e->name, e->fields_cnt, e->comps_cnt);
		goto bad;
	}
	for (size_t i = 0; i < e->comps_cnt; i++) {
		bool ok = false;

		for (size_t k = 0; valid_comps[k]; k++)
			ok |= strcmp(valid_comps[k], e->comps[i]) == 0;
		if (!ok) {
			ward_rules_msg(c->rs, true, npos(c, comps), "exception '%s': unknown comparison '%s'",
				       e->name, e->comps[i]);
			goto bad;
		}
	}
values:
	if (exc_values(c, e, map_get(c, n, "values")) < 0)
		goto bad;
	return 0;
bad:
	exc_free(e);
	return -WARD_E_SYNTAX;
}

/* Appends the values of src into the same-named exception of r, or adds it. */
static void exc_merge(struct ward_rrule *r, struct ward_rexc *src)
{
	for (size_t i = 0; i < r->excs_cnt; i++) {
		struct ward_rexc *e = &r->excs[i];

		if (strcmp(e->name, src->name) != 0)
			continue;
		if (src->fields_cnt && src->fields_cnt != e->fields_cnt)
			break; /* a different shape: keep both, the compiler checks each */
		e->tuples = ward_xreallocarray(e->tuples, e->tuples_cnt + src->tuples_cnt, sizeof(*e->tuples));
		for (size_t t = 0; t < src->tuples_cnt; t++)
			e->tuples[e->tuples_cnt++] = src->tuples[t];
		src->tuples_cnt = 0;
		exc_free(src);
		return;
	}
	r->excs = ward_xreallocarray(r->excs, r->excs_cnt + 1, sizeof(*r->excs));
	r->excs[r->excs_cnt++] = *src;
	memset(src, 0, sizeof(*src));
}

static int exceptions_into(struct lctx *c, yaml_node_t *n, struct ward_rrule *r, bool appending)
{
	if (!n || scalar_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE) {
		ward_rules_msg(c->rs, true, npos(c, n), "'exceptions' must be a list");
		return -WARD_E_SYNTAX;
	}
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		struct ward_rexc e;
		yaml_node_t *en = node(c, *i);
		bool exists = false;

		if (en && en->type == YAML_MAPPING_NODE) {
			yaml_node_t *nm = map_get(c, en, "name");

			for (size_t k = 0; nm && is_scalar(nm) && k < r->excs_cnt; k++)
				exists |= strcmp(r->excs[k].name, sval(nm)) == 0;
		}
		if (exc_parse(c, en, &e, !(appending && exists)) < 0)
			return -WARD_E_SYNTAX;
		exc_merge(r, &e);
	}
	return 0;
}

/* ---- items --------------------------------------------------------------------------- */

static void rule_clear(struct ward_rrule *r)
{
	free(r->name);
	free(r->desc);
	free(r->output);
	free(r->source);
	free(r->cond_str);
	ward_rtext_free(&r->cond);
	strv_free(r->tags, r->tags_cnt);
	for (size_t i = 0; i < r->excs_cnt; i++)
		exc_free(&r->excs[i]);
	free(r->excs);
	memset(r, 0, sizeof(*r));
}

void ward_rrule_clear(struct ward_rrule *r)
{
	rule_clear(r);
}

static const char *const rule_keys[] = { "rule", "desc", "condition", "output", "priority",
	"tags", "enabled", "source", "exceptions", "append", "override", "actions", "mode",
	"warn_evttypes", "skip-if-unknown-filter", "capture", "capture_duration", NULL };

static void warn_unknown_keys(struct lctx *c, yaml_node_t *m, const char *const *known,
			      const char *what)
{
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(c, p->key);
		bool ok = false;

		if (!is_scalar(k))
			continue;
		for (size_t i = 0; known[i]; i++)
			ok |= strcmp(known[i], sval(k)) == 0;
		if (!ok)
			ward_rules_msg(c->rs, false, npos(c, k), "unknown key '%s' in %s (ignored)", sval(k), what);
	}
}

static int parse_actions(struct lctx *c, yaml_node_t *n, unsigned *out)
{
	char **v = NULL;
	size_t cnt = 0;
	int err = string_seq(c, n, "actions", &v, &cnt, 16);

	*out = 0;
	for (size_t i = 0; !err && i < cnt; i++) {
		bool ok = false;

		for (unsigned b = 0; b < WARD_ACT_CNT; b++) {
			if (strcmp(v[i], ward_rule_action_name(1u << b)) == 0) {
				*out |= 1u << b;
				ok = true;
			}
		}
		if (!ok) {
			ward_rules_msg(c->rs, true, npos(c, n),
				       "unknown action '%s' (expected kill, block, quarantine, freeze or collect)", v[i]);
			err = -WARD_E_SYNTAX;
		}
	}
	strv_free(v, cnt);
	return err;
}

static int parse_mode(struct lctx *c, yaml_node_t *n, enum ward_rule_mode *out)
{
	if (is_scalar(n) && strcmp(sval(n), "enforce") == 0) {
		*out = WARD_RMODE_ENFORCE;
		return 0;
	}
	if (is_scalar(n) && strcmp(sval(n), "detect") == 0) {
		*out = WARD_RMODE_DETECT;
		return 0;
	}
	ward_rules_msg(c->rs, true, npos(c, n), "invalid mode '%s' (expected enforce or detect)",
		       is_scalar(n) ? sval(n) : "?");
	return -WARD_E_SYNTAX;
}

/* append/replace for a key of override:, or -1 when the key is not overridden. */
static int override_mode(struct lctx *c, yaml_node_t *ov, const char *key)
{
	yaml_node_t *v = ov ? map_get(c, ov, key) : NULL;

	if (!v)
		return -1;
	if (is_scalar(v) && strcmp(sval(v), "append") == 0)
		return 1;
	if (is_scalar(v) && strcmp(sval(v), "replace") == 0)
		return 0;
	return -2;
}

static struct ward_rrule *rule_slot(struct ward_ruleset *rs, const char *name, bool *is_new)
{
	long idx = ward_rules_find_rule(rs, name);

	if (idx >= 0) {
		*is_new = false;
		return &rs->rules[idx];
	}
	*is_new = true;
	if (rs->rules_cnt == rs->rules_cap) {
		rs->rules_cap = rs->rules_cap ? rs->rules_cap * 2 : 64;
		rs->rules = ward_xreallocarray(rs->rules, rs->rules_cap, sizeof(*rs->rules));
	}
	return &rs->rules[rs->rules_cnt];
}

static int set_priority(struct lctx *c, yaml_node_t *n, struct ward_rrule *r)
{
	enum ward_priority p;

	if (!is_scalar(n) || ward_priority_parse(sval(n), n->data.scalar.length, &p) < 0) {
		ward_rules_msg(c->rs, true, npos(c, n),
			       "invalid priority '%s' (expected EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFORMATIONAL or DEBUG)",
			       is_scalar(n) ? sval(n) : "?");
		return -WARD_E_SYNTAX;
	}
	r->info.priority = p;
	return 0;
}

static void str_append(char **dst, const char *add)
{
	size_t a = *dst ? strlen(*dst) : 0, b = strlen(add);
	char *s = ward_xmalloc(a + b + 2);

	if (a)
		memcpy(s, *dst, a);
	s[a] = ' ';
	memcpy(s + (a ? a + 1 : 0), add, b + 1);
	free(*dst);
	*dst = s;
}

/* A folded or literal YAML scalar ends in a newline; Falco drops trailing white space, and
 * an alert line must not carry it. */
static void rtrim(char *s)
{
	for (size_t n = strlen(s); n > 0 && isspace((unsigned char)s[n - 1]); n--)
		s[n - 1] = '\0';
}

static int rule_modify(struct lctx *c, yaml_node_t *m, struct ward_rrule *r, yaml_node_t *ov,
		       bool append_all)
{
	static const char *const keys[] = { "condition", "output", "desc", "priority", "tags",
		"enabled", "exceptions", "source", "actions", "mode", NULL };

	for (size_t i = 0; keys[i]; i++) {
		yaml_node_t *v = map_get(c, m, keys[i]);
		int mode = append_all ? (v ? 1 : -1) : override_mode(c, ov, keys[i]);

		if (mode == -2) {
			ward_rules_msg(c->rs, true, npos(c, ov), "override of '%s' must be 'append' or 'replace'", keys[i]);
			return -WARD_E_SYNTAX;
		}
		if (mode < 0)
			continue;
		if (!v) {
			ward_rules_msg(c->rs, true, npos(c, m), "override names '%s' but the item has no '%s'", keys[i], keys[i]);
			return -WARD_E_SYNTAX;
		}
		if (mode == 1 && (!strcmp(keys[i], "priority") || !strcmp(keys[i], "enabled") ||
				  !strcmp(keys[i], "source") || !strcmp(keys[i], "actions") ||
				  !strcmp(keys[i], "mode"))) {
			if (append_all)
				continue; /* append: true never appends these; Falco ignores them */
			ward_rules_msg(c->rs, true, npos(c, ov), "'%s' can only be replaced, not appended", keys[i]);
			return -WARD_E_SYNTAX;
		}
		if (!strcmp(keys[i], "condition")) {
			if (mode == 0) {
				ward_rtext_free(&r->cond);
				ward_rtext_init(&r->cond);
			}
			if (text_add(c, &r->cond, v, "condition") < 0)
				return -WARD_E_SYNTAX;
		} else if (!strcmp(keys[i], "output") || !strcmp(keys[i], "desc")) {
			char **dst = keys[i][0] == 'o' ? &r->output : &r->desc;

			if (need_string(c, v, keys[i]) < 0)
				return -WARD_E_SYNTAX;
			if (mode == 0) {
				free(*dst);
				*dst = ward_xstrdup(sval(v));
			} else {
				str_append(dst, sval(v));
			}
			rtrim(*dst);
		} else if (!strcmp(keys[i], "priority")) {
			if (set_priority(c, v, r) < 0)
				return -WARD_E_SYNTAX;
		} else if (!strcmp(keys[i], "enabled")) {
			if (parse_bool(c, v, "enabled", &r->info.enabled) < 0)
				return -WARD_E_SYNTAX;
		} else if (!strcmp(keys[i], "source")) {
			if (need_string(c, v, "source") < 0)
				return -WARD_E_SYNTAX;
			free(r->source);
			r->source = ward_xstrdup(sval(v));
		} else if (!strcmp(keys[i], "actions")) {
			if (parse_actions(c, v, &r->info.actions) < 0)
				return -WARD_E_SYNTAX;
		} else if (!strcmp(keys[i], "mode")) {
			if (parse_mode(c, v, &r->info.mode) < 0)
				return -WARD_E_SYNTAX;
		} else if (!strcmp(keys[i], "tags")) {
			if (mode == 0) {
				strv_free(r->tags, r->tags_cnt);
				r->tags = NULL;
				r->tags_cnt = 0;
			}
			if (string_seq(c, v, "tags", &r->tags, &r->tags_cnt, WARD_RULES_MAX_TAGS) < 0)
				return -WARD_E_SYNTAX;
		} else if (!strcmp(keys[i], "exceptions")) {
			if (mode == 0) {
				for (size_t k = 0; k < r->excs_cnt; k++)
					exc_free(&r->excs[k]);
				r->excs_cnt = 0;
			}
			if (exceptions_into(c, v, r, mode == 1) < 0)
				return -WARD_E_SYNTAX;
		}
	}
	return 0;
}

static void rule_item(struct lctx *c, yaml_node_t *m, yaml_node_t *name)
{
	struct ward_ruleset *rs = c->rs;
	yaml_node_t *ov = map_get(c, m, "override"), *ap = map_get(c, m, "append");
	bool append = false, is_new;
	struct ward_rrule *slot, r;

	warn_unknown_keys(c, m, rule_keys, "a rule");
	if (ap && parse_bool(c, ap, "append", &append) < 0)
		return;
	if (ov && ov->type != YAML_MAPPING_NODE) {
		ward_rules_msg(rs, true, npos(c, ov), "'override' must be a mapping of key: append|replace");
		return;
	}
	if (ov && append) {
		ward_rules_msg(rs, true, npos(c, ap), "rule '%s' has both 'append' and 'override'", sval(name));
		return;
	}
	slot = rule_slot(rs, sval(name), &is_new);
	if (append || ov) {
		if (is_new) {
			ward_rules_msg(rs, true, npos(c, name),
				       "rule '%s' has '%s' but no rule of that name is defined before",
				       sval(name), append ? "append" : "override");
			return;
		}
		/* a failing modification is reported; what was applied before the error stays */
		(void)rule_modify(c, m, slot, ov, append);
		return;
	}
	if (!is_new && !map_get(c, m, "condition") && !map_get(c, m, "output") && map_get(c, m, "enabled")) {
		/* the legacy toggle: "- rule: X / enabled: false" */
		(void)parse_bool(c, map_get(c, m, "enabled"), "enabled", &slot->info.enabled);
		return;
	}
	memset(&r, 0, sizeof(r));
	ward_rtext_init(&r.cond);
	r.info.enabled = true;
	r.info.priority = WARD_PRIO_DEBUG;
	r.pos = npos(c, name);
	r.name = ward_xstrdup(sval(name));
	{
		static const char *const req[] = { "condition", "output", "priority", NULL };

		for (size_t i = 0; req[i]; i++) {
			if (!map_get(c, m, req[i])) {
				ward_rules_msg(rs, true, npos(c, m), "rule '%s' has no '%s'", sval(name), req[i]);
				goto bad;
			}
		}
	}
	if (text_add(c, &r.cond, map_get(c, m, "condition"), "condition") < 0)
		goto bad;
	if (need_string(c, map_get(c, m, "output"), "output") < 0)
		goto bad;
	r.output = ward_xstrdup(sval(map_get(c, m, "output")));
	rtrim(r.output);
	r.out_pos = npos(c, map_get(c, m, "output"));
	if (set_priority(c, map_get(c, m, "priority"), &r) < 0)
		goto bad;
	if (map_get(c, m, "desc")) {
		if (need_string(c, map_get(c, m, "desc"), "desc") < 0)
			goto bad;
		r.desc = ward_xstrdup(sval(map_get(c, m, "desc")));
	}
	if (map_get(c, m, "source")) {
		if (need_string(c, map_get(c, m, "source"), "source") < 0)
			goto bad;
		r.source = ward_xstrdup(sval(map_get(c, m, "source")));
	}
	if (map_get(c, m, "enabled") && parse_bool(c, map_get(c, m, "enabled"), "enabled", &r.info.enabled) < 0)
		goto bad;
	if (map_get(c, m, "tags") &&
	    string_seq(c, map_get(c, m, "tags"), "tags", &r.tags, &r.tags_cnt, WARD_RULES_MAX_TAGS) < 0)
		goto bad;
	if (map_get(c, m, "actions") && parse_actions(c, map_get(c, m, "actions"), &r.info.actions) < 0)
		goto bad;
	if (map_get(c, m, "mode") && parse_mode(c, map_get(c, m, "mode"), &r.info.mode) < 0)
		goto bad;
	if (exceptions_into(c, map_get(c, m, "exceptions"), &r, false) < 0)
		goto bad;
	if (!r.source)
		r.source = ward_xstrdup("syscall");
	if (!r.desc)
		r.desc = ward_xstrdup("");
	if (is_new) {
		if (rs->rules_cnt + rs->macros_cnt + rs->lists_cnt >= WARD_RULES_MAX_ITEMS) {
			ward_rules_msg(rs, true, npos(c, name), "more than %u rules, macros and lists", WARD_RULES_MAX_ITEMS);
			goto bad;
		}
		*slot = r;
		rs->rules_cnt++;
		ward_rules_index_name(rs, 0, rs->rules_cnt - 1);
	} else {
		/* a redefinition replaces the rule in place, keeping its load order */
		rule_clear(slot);
		*slot = r;
	}
	return;
bad:
	rule_clear(&r);
}

static void macro_item(struct lctx *c, yaml_node_t *m, yaml_node_t *name)
{
	static const char *const keys[] = { "macro", "condition", "append", "override", NULL };
	struct ward_ruleset *rs = c->rs;
	yaml_node_t *cond = map_get(c, m, "condition"), *ap = map_get(c, m, "append");
	yaml_node_t *ov = map_get(c, m, "override");
	long idx = ward_rules_find_macro(rs, sval(name));
	bool append = false;
	int mode = -1;

	warn_unknown_keys(c, m, keys, "a macro");
	if (ap && parse_bool(c, ap, "append", &append) < 0)
		return;
	if (ov) {
		mode = ov->type == YAML_MAPPING_NODE ? override_mode(c, ov, "condition") : -2;
		if (mode < 0) {
			ward_rules_msg(rs, true, npos(c, ov), "macro override must be {condition: append|replace}");
			return;
		}
		append = mode == 1;
	}
	if (!cond) {
		ward_rules_msg(rs, true, npos(c, m), "macro '%s' has no 'condition'", sval(name));
		return;
	}
	if ((append || ov) && idx < 0) {
		ward_rules_msg(rs, true, npos(c, name),
			       "macro '%s' has '%s' but no macro of that name is defined before", sval(name),
			       ov ? "override" : "append");
		return;
	}
	if (append) {
		(void)text_add(c, &rs->macros[idx].cond, cond, "condition");
		return;
	}
	if (idx >= 0) {
		struct ward_rtext t;

		ward_rtext_init(&t);
		if (text_add(c, &t, cond, "condition") < 0) {
			ward_rtext_free(&t);
			return;
		}
		ward_rtext_free(&rs->macros[idx].cond);
		rs->macros[idx].cond = t;
		rs->macros[idx].pos = npos(c, name);
		return;
	}
	if (rs->rules_cnt + rs->macros_cnt + rs->lists_cnt >= WARD_RULES_MAX_ITEMS) {
		ward_rules_msg(rs, true, npos(c, name), "more than %u rules, macros and lists", WARD_RULES_MAX_ITEMS);
		return;
	}
	if (rs->macros_cnt == rs->macros_cap) {
		rs->macros_cap = rs->macros_cap ? rs->macros_cap * 2 : 64;
		rs->macros = ward_xreallocarray(rs->macros, rs->macros_cap, sizeof(*rs->macros));
	}
	{
		struct ward_rmacro *mc = &rs->macros[rs->macros_cnt];

		memset(mc, 0, sizeof(*mc));
		ward_rtext_init(&mc->cond);
		if (text_add(c, &mc->cond, cond, "condition") < 0) {
			ward_rtext_free(&mc->cond);
			return;
		}
		mc->name = ward_xstrdup(sval(name));
		mc->pos = npos(c, name);
		rs->macros_cnt++;
		ward_rules_index_name(rs, 1, rs->macros_cnt - 1);
	}
}

static void list_item(struct lctx *c, yaml_node_t *m, yaml_node_t *name)
{
	static const char *const keys[] = { "list", "items", "append", "override", NULL };
	struct ward_ruleset *rs = c->rs;
	yaml_node_t *items = map_get(c, m, "items"), *ap = map_get(c, m, "append");
	yaml_node_t *ov = map_get(c, m, "override");
	long idx = ward_rules_find_list(rs, sval(name));
	bool append = false;
	struct ward_rlist *l;

	warn_unknown_keys(c, m, keys, "a list");
	if (ap && parse_bool(c, ap, "append", &append) < 0)
		return;
	if (ov) {
		int mode = ov->type == YAML_MAPPING_NODE ? override_mode(c, ov, "items") : -2;

		if (mode < 0) {
			ward_rules_msg(rs, true, npos(c, ov), "list override must be {items: append|replace}");
			return;
		}
		append = mode == 1;
		if (idx < 0) {
			ward_rules_msg(rs, true, npos(c, name),
				       "list '%s' has 'override' but no list of that name is defined before", sval(name));
			return;
		}
	}
	if (!items) {
		ward_rules_msg(rs, true, npos(c, m), "list '%s' has no 'items'", sval(name));
		return;
	}
	if (!scalar_is_null(items) && items->type != YAML_SEQUENCE_NODE) {
		ward_rules_msg(rs, true, npos(c, items), "'items' of list '%s' must be a sequence", sval(name));
		return;
	}
	if (append && idx < 0) {
		ward_rules_msg(rs, true, npos(c, name),
			       "list '%s' has 'append' but no list of that name is defined before", sval(name));
		return;
	}
	if (idx < 0) {
		if (rs->rules_cnt + rs->macros_cnt + rs->lists_cnt >= WARD_RULES_MAX_ITEMS) {
			ward_rules_msg(rs, true, npos(c, name), "more than %u rules, macros and lists", WARD_RULES_MAX_ITEMS);
			return;
		}
		if (rs->lists_cnt == rs->lists_cap) {
			rs->lists_cap = rs->lists_cap ? rs->lists_cap * 2 : 64;
			rs->lists = ward_xreallocarray(rs->lists, rs->lists_cap, sizeof(*rs->lists));
		}
		l = &rs->lists[rs->lists_cnt];
		memset(l, 0, sizeof(*l));
		l->name = ward_xstrdup(sval(name));
		l->pos = npos(c, name);
		rs->lists_cnt++;
		ward_rules_index_name(rs, 2, rs->lists_cnt - 1);
	} else {
		l = &rs->lists[idx];
		if (!append) {
			for (size_t i = 0; i < l->cnt; i++)
				free(l->items[i].s);
			l->cnt = 0;
			l->pos = npos(c, name);
		}
	}
	if (scalar_is_null(items))
		return;
	/* sized once (growing by one is quadratic under some allocators), at most the cap */
	{
		size_t n = (size_t)(items->data.sequence.items.top - items->data.sequence.items.start);

		if (n > WARD_RULES_MAX_LIST_ITEMS)
			n = WARD_RULES_MAX_LIST_ITEMS;
		if (n)
			l->items = ward_xreallocarray(l->items, l->cnt + n, sizeof(*l->items));
	}
	for (yaml_node_item_t *i = items->data.sequence.items.start; i < items->data.sequence.items.top; i++) {
		yaml_node_t *e = node(c, *i);

		if (!is_scalar(e)) {
			ward_rules_msg(rs, true, npos(c, e), "items of list '%s' must be strings", sval(name));
			continue;
		}
		if (l->cnt >= WARD_RULES_MAX_LIST_ITEMS) {
			ward_rules_msg(rs, true, npos(c, e), "list '%s' has more than %u items", sval(name),
				       WARD_RULES_MAX_LIST_ITEMS);
			return;
		}
		if (!spend_item(c, e, 1))
			return;
		value_from(c, e, &l->items[l->cnt++]);
	}
}

static void item(struct lctx *c, yaml_node_t *m)
{
	static const char *const kinds[] = { "rule", "macro", "list", NULL };
	yaml_node_t *name = NULL;
	int kind = -1;

	if (!m || m->type != YAML_MAPPING_NODE) {
		ward_rules_msg(c->rs, true, npos(c, m), "each item must be a mapping (rule, macro or list)");
		return;
	}
	if (map_get(c, m, "required_engine_version") || map_get(c, m, "required_plugin_versions"))
		return; /* accepted; ward's engine implements the language level Falco's rules need */
	for (int k = 0; kinds[k]; k++) {
		yaml_node_t *v = map_get(c, m, kinds[k]);

		if (!v)
			continue;
		if (kind >= 0) {
			ward_rules_msg(c->rs, true, npos(c, m), "an item has both '%s' and '%s'", kinds[kind], kinds[k]);
			return;
		}
		kind = k;
		name = v;
	}
	if (kind < 0) {
		yaml_node_pair_t *p = m->data.mapping.pairs.start;
		yaml_node_t *k = p < m->data.mapping.pairs.top ? node(c, p->key) : NULL;

		ward_rules_msg(c->rs, true, npos(c, m), "unknown item '%s' (expected rule, macro, list, required_engine_version or required_plugin_versions)",
			       k && is_scalar(k) ? sval(k) : "?");
		return;
	}
	if (!is_scalar(name) || !name->data.scalar.length) {
		ward_rules_msg(c->rs, true, npos(c, name), "the %s name must be a non-empty string", kinds[kind]);
		return;
	}
	if (kind == 0)
		rule_item(c, m, name);
	else if (kind == 1)
		macro_item(c, m, name);
	else
		list_item(c, m, name);
}

/*
 * Anchors seen by the prescan: how many nodes each stands for once its own aliases are
 * expanded. The document loader shares an aliased node rather than copying it, but the
 * items that reach the ruleset are copies: a 364 KB file of 1,000 lists that each alias one
 * 50,000-item list became 50 million values (4.3 GB). So aliases are charged their expanded
 * size before any tree is built.
 */
struct anchor {
	char *name;
	uint64_t nodes;
	bool open;              /* still being defined: an alias to it would be a cycle */
};

struct prescan {
	struct anchor *v;
	size_t cnt;
	struct ward_rnames idx;
	struct {
		uint64_t start;     /* nodes counted before this collection */
		long anchor;        /* its anchor, or -1 */
	} open[WARD_RULES_MAX_YAML_DEPTH + 1];
	uint64_t nodes;         /* nodes so far, aliases expanded */
	uint64_t alias_nodes;   /* of which added by aliases */
};

static const char *anchor_name(const void *ctx, size_t i)
{
	return ((const struct prescan *)ctx)->v[i].name;
}

/* Defines (or redefines: the later one wins, as in YAML) an anchor; returns its index. */
static long anchor_def(struct prescan *ps, const unsigned char *name)
{
	long i;

	if (!name)
		return -1;
	i = ward_rnames_get(&ps->idx, (const char *)name, anchor_name, ps);
	if (i < 0) {
		ps->v = ward_xreallocarray(ps->v, ps->cnt + 1, sizeof(*ps->v));
		ps->v[ps->cnt].name = ward_xstrdup((const char *)name);
		i = (long)ps->cnt++;
		ward_rnames_put(&ps->idx, ps->v[i].name, (size_t)i, anchor_name, ps);
	}
	ps->v[i].nodes = 1;
	ps->v[i].open = false;
	return i;
}

static void prescan_free(struct prescan *ps)
{
	for (size_t i = 0; i < ps->cnt; i++)
		free(ps->v[i].name);
	free(ps->v);
	ward_rnames_free(&ps->idx);
}

static struct ward_rpos mark_pos(const struct lctx *c, yaml_mark_t m)
{
	return (struct ward_rpos){ c->file, (int)m.line + 1, (int)m.column + 1 };
}

/* Streams the file once, before the document loader builds a tree, to bound nesting and
 * what aliases expand to. */
static int prescan(struct lctx *c)
{
	struct prescan ps = { 0 };
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, err = 0;

	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)c->data, c->len);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			ward_rules_msg(c->rs, true,
				       (struct ward_rpos){ c->file, (int)p.problem_mark.line + 1, (int)p.problem_mark.column + 1 },
				       "YAML syntax error: %s%s%s", p.problem ? p.problem : "malformed",
				       p.context ? " " : "", p.context ? p.context : "");
			err = -WARD_E_SYNTAX;
			break;
		}
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth > WARD_RULES_MAX_YAML_DEPTH) {
				ward_rules_msg(c->rs, true, mark_pos(c, ev.start_mark),
					       "YAML nested deeper than %d levels", WARD_RULES_MAX_YAML_DEPTH);
				err = -WARD_E_LIMIT;
			} else {
				const unsigned char *a = ev.type == YAML_SEQUENCE_START_EVENT ?
					ev.data.sequence_start.anchor : ev.data.mapping_start.anchor;

				ps.open[depth].start = ps.nodes;
				ps.open[depth].anchor = anchor_def(&ps, a);
				if (ps.open[depth].anchor >= 0)
					ps.v[ps.open[depth].anchor].open = true;
				ps.nodes++;
			}
		} else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
			if (depth > 0 && ps.open[depth].anchor >= 0) {
				struct anchor *an = &ps.v[ps.open[depth].anchor];

				an->nodes = ps.nodes - ps.open[depth].start;
				an->open = false;
			}
			depth--;
		} else if (ev.type == YAML_SCALAR_EVENT) {
			(void)anchor_def(&ps, ev.data.scalar.anchor);
			ps.nodes++;
		} else if (ev.type == YAML_ALIAS_EVENT) {
			long i = ward_rnames_get(&ps.idx, (const char *)ev.data.alias.anchor, anchor_name, &ps);

			if (i >= 0 && ps.v[i].open) {
				ward_rules_msg(c->rs, true, mark_pos(c, ev.start_mark),
					       "YAML alias '*%s' is inside the node it names", ev.data.alias.anchor);
				err = -WARD_E_SYNTAX;
			} else if (i >= 0) {
				ps.nodes += ps.v[i].nodes;
				ps.alias_nodes += ps.v[i].nodes;
				if (ps.alias_nodes > WARD_RULES_MAX_YAML_ALIAS_NODES) {
					ward_rules_msg(c->rs, true, mark_pos(c, ev.start_mark),
						       "YAML aliases expand to more than %u nodes (limit WARD_RULES_MAX_YAML_ALIAS_NODES)",
						       WARD_RULES_MAX_YAML_ALIAS_NODES);
					err = -WARD_E_LIMIT;
				}
			}
			/* an undefined alias is the document loader's error */
		}
		if (ev.type == YAML_STREAM_END_EVENT || err) {
			yaml_event_delete(&ev);
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (ps.alias_nodes > c->rs->max_alias_nodes)
		c->rs->max_alias_nodes = ps.alias_nodes;
	prescan_free(&ps);
	return err;
}

int ward_rules_load_yaml(struct ward_ruleset *rs, const char *name, const char *data, size_t len)
{
	struct lctx c = { .rs = rs, .file = ward_rules_intern_file(rs, name), .data = data, .len = len };
	yaml_parser_t p;
	int err;

	if (len > WARD_RULES_MAX_FILE_BYTES) {
		ward_rules_msg(rs, true, (struct ward_rpos){ c.file, 0, 0 }, "file larger than %u bytes",
			       WARD_RULES_MAX_FILE_BYTES);
		return -WARD_E_LIMIT;
	}
	err = prescan(&c);
	if (err)
		return err;
	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	for (;;) {
		yaml_node_t *root;

		if (!yaml_parser_load(&p, &c.doc)) {
			ward_rules_msg(rs, true, (struct ward_rpos){ c.file, (int)p.problem_mark.line + 1, (int)p.problem_mark.column + 1 },
				       "YAML error: %s", p.problem ? p.problem : "malformed");
			err = -WARD_E_SYNTAX;
			break;
		}
		root = yaml_document_get_root_node(&c.doc);
		if (!root) {
			yaml_document_delete(&c.doc);
			break;
		}
		if (root->type == YAML_SEQUENCE_NODE) {
			for (yaml_node_item_t *i = root->data.sequence.items.start; i < root->data.sequence.items.top; i++)
				item(&c, node(&c, *i));
		} else if (!scalar_is_null(root)) {
			ward_rules_msg(rs, true, npos(&c, root), "a rule file must be a YAML list of items");
			err = -WARD_E_SYNTAX;
		}
		yaml_document_delete(&c.doc);
		if (err)
			break;
	}
	yaml_parser_delete(&p);
	return err;
}
