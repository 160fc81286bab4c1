// SPDX-License-Identifier: Apache-2.0
/*
 * Ignore files: YAML (libyaml) with a list of entries
 *     - id: CVE-2023-5363
 *       package: openssl            # optional: name or purl
 *       reason: not reachable in our build
 *       expires: 2026-12-31         # optional, YYYY-MM-DD (UTC, inclusive)
 * either at the top level or under "ignore:" or "vulnerabilities:"; or a .trivyignore-style
 * text file with one id per line, '#' comments and an optional "exp:YYYY-MM-DD". Errors name
 * the file and line. Not applying the rules: suppress.c.
 */
#include "vulndb/suppress.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "common/err.h"
#include "common/limits.h"
#include "common/xalloc.h"

static int check_count(struct ward_suppress *s, const char *name, int line, struct ward_diag *d)
{
	if (s->cnt >= WARD_IGNORE_MAX_ENTRIES)
		return ward_diag_set(d, -WARD_E_LIMIT, name, line, 0, "more than %d ignore entries",
				     WARD_IGNORE_MAX_ENTRIES);
	return 0;
}

static int load_text(struct ward_suppress *s, const char *name, const char *data, size_t len,
		     struct ward_diag *d)
{
	size_t pos = 0;
	int line = 0, err;

	while (pos < len) {
		const char *l = data + pos, *nl = memchr(l, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - l) : len - pos, i = 0, st;
		struct ward_sup_rule *r;
		char tok[160];

		pos += n + (nl ? 1 : 0);
		line++;
		const char *hash = memchr(l, '#', n);

		if (hash)
			n = (size_t)(hash - l);
		while (i < n && isspace((unsigned char)l[i]))
			i++;
		if (i == n)
			continue;
		st = i;
		while (i < n && !isspace((unsigned char)l[i]))
			i++;
		if (!ward_sup_valid_id(l + st, i - st))
			return ward_diag_set(d, -WARD_E_SYNTAX, name, line, (int)st + 1,
					     "expected a vulnerability id");
		if ((err = check_count(s, name, line, d)))
			return err;
		r = ward_sup_add(s);
		r->kind = WARD_SUP_IGNORE;
		r->suppresses = true;
		r->ids = ward_xstrndup(l + st, i - st);
		r->reason = ward_xstrdup("listed in ignore file");
		snprintf(r->origin, sizeof(r->origin), "%s:%d", name, line);
		while (i < n) {
			while (i < n && isspace((unsigned char)l[i]))
				i++;
			if (i == n)
				break;
			st = i;
			while (i < n && !isspace((unsigned char)l[i]))
				i++;
			snprintf(tok, sizeof(tok), "%.*s", (int)(i - st), l + st);
			if (strncmp(tok, "exp:", 4) || !ward_sup_valid_date(tok + 4))
				return ward_diag_set(d, -WARD_E_SYNTAX, name, line, (int)st + 1,
						     "expected exp:YYYY-MM-DD after the id, got '%.40s'", tok);
			memcpy(r->expires, tok + 4, 10);
			r->expires[10] = 0;
		}
	}
	return 0;
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int yaml_entry(struct ward_suppress *s, const char *name, yaml_document_t *doc,
		      yaml_node_t *e, struct ward_diag *d)
{
	int line = (int)e->start_mark.line + 1, err;
	struct ward_sup_rule *r;
	const char *id = NULL, *pkg = NULL, *reason = NULL, *expires = NULL;

	if ((err = check_count(s, name, line, d)))
		return err;
	if (e->type == YAML_SCALAR_NODE) {
		id = scalar(e);
	} else if (e->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = e->data.mapping.pairs.start; p < e->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			yaml_node_t *v = yaml_document_get_node(doc, p->value);
			const char *ks = scalar(k), *vs = scalar(v);
			int kl = k ? (int)k->start_mark.line + 1 : line;

			if (!ks)
				return ward_diag_set(d, -WARD_E_SYNTAX, name, kl, 0, "keys must be plain words");
			if (!vs)
				return ward_diag_set(d, -WARD_E_SYNTAX, name, kl, 0, "'%.32s' needs a single value", ks);
			/* "statement" and "expired_at" are the spellings Trivy's YAML uses. */
			if (!strcmp(ks, "id"))
				id = vs;
			else if (!strcmp(ks, "package"))
				pkg = vs;
			else if (!strcmp(ks, "reason") || !strcmp(ks, "statement"))
				reason = vs;
			else if (!strcmp(ks, "expires") || !strcmp(ks, "expired_at"))
				expires = vs;
			else
				return ward_diag_set(d, -WARD_E_SYNTAX, name, kl, 0,
						     "unknown key '%.32s' (want id, package, reason, expires)", ks);
		}
	} else {
		return ward_diag_set(d, -WARD_E_SYNTAX, name, line, 0,
				     "an entry is a mapping with id, package, reason, expires");
	}
	if (!id || !ward_sup_valid_id(id, strlen(id)))
		return ward_diag_set(d, -WARD_E_SYNTAX, name, line, 0, "entry needs an 'id' (e.g. CVE-2023-5363)");
	if (expires && !ward_sup_valid_date(expires))
		return ward_diag_set(d, -WARD_E_SYNTAX, name, line, 0,
				     "expires must be YYYY-MM-DD, got '%.32s'", expires);
	if (pkg && !*pkg)
		return ward_diag_set(d, -WARD_E_SYNTAX, name, line, 0, "package is empty");
	r = ward_sup_add(s);
	r->kind = WARD_SUP_IGNORE;
	r->suppresses = true;
	r->ids = ward_xstrdup(id);
	r->reason = reason ? ward_xstrdup(reason) : NULL;
	if (pkg)
		ward_sup_add_pkg(r, pkg);
	if (expires)
		memcpy(r->expires, expires, 11);
	snprintf(r->origin, sizeof(r->origin), "%s:%d", name, line);
	return 0;
}

static int load_yaml(struct ward_suppress *s, const char *name, const char *data, size_t len,
		     struct ward_diag *d)
{
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_node_t *root, *list = NULL;
	int err = 0;

	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	if (!yaml_parser_load(&p, &doc)) {
		err = ward_diag_set(d, -WARD_E_SYNTAX, name, (int)p.problem_mark.line + 1,
				    (int)p.problem_mark.column + 1, "YAML: %s",
				    p.problem ? p.problem : "parse error");
		yaml_parser_delete(&p);
		return err;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root) /* empty file: nothing to ignore */
		goto out;
	if (root->type == YAML_SEQUENCE_NODE) {
		list = root;
	} else if (root->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
			const char *k = scalar(yaml_document_get_node(&doc, pr->key));

			if (k && (!strcmp(k, "ignore") || !strcmp(k, "vulnerabilities")))
				list = yaml_document_get_node(&doc, pr->value);
			else
				err = ward_diag_set(d, -WARD_E_SYNTAX, name,
						    (int)yaml_document_get_node(&doc, pr->key)->start_mark.line + 1, 0,
						    "unknown top-level key '%.32s' (want 'ignore:')", k ? k : "?");
			if (err)
				goto out;
		}
	}
	if (!list || list->type != YAML_SEQUENCE_NODE) {
		err = ward_diag_set(d, -WARD_E_SYNTAX, name, (int)root->start_mark.line + 1, 0,
				    "expected a list of ignore entries");
		goto out;
	}
	for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(&doc, *it);

		if (!e) {
			err = ward_diag_set(d, -WARD_E_SYNTAX, name, 0, 0, "bad YAML node");
			goto out;
		}
		if ((err = yaml_entry(s, name, &doc, e, d)))
			goto out;
	}
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	return err;
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcasecmp(s + n - m, suf);
}

/* Text when every meaningful line is a single id (optionally with exp:), YAML otherwise. */
static int looks_like_yaml(const char *data, size_t len)
{
	for (size_t pos = 0; pos < len;) {
		const char *l = data + pos, *nl = memchr(l, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - l) : len - pos, i = 0;

		pos += n + (nl ? 1 : 0);
		while (i < n && isspace((unsigned char)l[i]))
			i++;
		if (i == n || l[i] == '#')
			continue;
		if (l[i] == '-' || l[i] == '[' || l[i] == '{')
			return 1;
		const char *colon = memchr(l + i, ':', n - i);

		return colon && (colon + 1 == l + n || colon[1] == ' ') && strncmp(l + i, "exp:", 4);
	}
	return 0;
}

int ward_suppress_load_ignore_mem(struct ward_suppress *s, const char *name, const char *data,
				  size_t len, struct ward_diag *d)
{
	size_t before = s->cnt;
	int err;

	if (len > WARD_IGNORE_MAX_BYTES)
		return ward_diag_set(d, -WARD_E_LIMIT, name, 0, 0, "larger than %u bytes", WARD_IGNORE_MAX_BYTES);
	if (memchr(data, 0, len))
		return ward_diag_set(d, -WARD_E_SYNTAX, name, 0, 0, "binary data in an ignore file");
	if (ends_with(name, ".yaml") || ends_with(name, ".yml") || looks_like_yaml(data, len))
		err = load_yaml(s, name, data, len, d);
	else
		err = load_text(s, name, data, len, d);
	if (err) {
		/* All or nothing per file: drop what this file added. */
		ward_sup_truncate(s, before);
		return err;
	}
	return (int)(s->cnt - before);
}

int ward_suppress_load_ignore(struct ward_suppress *s, const char *path, struct ward_diag *d)
{
	char *data;
	size_t len;
	int err = ward_sup_read_file(path, WARD_IGNORE_MAX_BYTES, &data, &len, d);

	if (err)
		return err;
	err = ward_suppress_load_ignore_mem(s, path, data, len, d);
	free(data);
	return err;
}
