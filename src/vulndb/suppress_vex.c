// SPDX-License-Identifier: Apache-2.0
/*
 * OpenVEX documents (https://github.com/openvex/spec): each statement names a vulnerability
 * (@id, name, aliases; or a plain string in early documents), the products it is about (by
 * purl, including subcomponents and identifiers.purl) and a status. not_affected and fixed
 * become suppressing rules carrying the justification and impact statement; affected and
 * under_investigation become rules that keep the finding (a later statement overrides an
 * earlier one). Errors name the file and JSON path. Not CSAF or CycloneDX VEX.
 */
#include "vulndb/suppress.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/limits.h"
#include "common/xalloc.h"

static int vex_fail(struct ward_diag *d, const char *name, size_t idx, const char *what)
{
	return ward_diag_set(d, -WARD_E_SYNTAX, name, 0, 0, "statements[%zu]%s", idx, what);
}

/* Adds a purl from a product or subcomponent: a string, or an object with @id or
 * identifiers.purl. Non-purl ids (image digests, CPEs) are ignored: findings carry purls. */
static void add_product(struct ward_sup_rule *r, json_t *p)
{
	const char *id = json_is_string(p) ? json_string_value(p) : json_string_value(json_object_get(p, "@id"));
	const char *purl = json_string_value(json_object_get(json_object_get(p, "identifiers"), "purl"));

	if (id && !strncmp(id, "pkg:", 4))
		ward_sup_add_pkg(r, id);
	if (purl && !strncmp(purl, "pkg:", 4) && (!id || strcmp(id, purl)))
		ward_sup_add_pkg(r, purl);
}

static int add_id(struct ward_buf *b, const char *id)
{
	if (!id || !ward_sup_valid_id(id, strlen(id)))
		return -WARD_E_SYNTAX;
	if (b->len && ward_buf_putc(b, ','))
		return -WARD_E_LIMIT;
	return ward_buf_puts(b, id);
}

static int vex_statement(struct ward_suppress *s, const char *name, size_t idx, json_t *st,
			 struct ward_diag *d)
{
	json_t *vuln = json_object_get(st, "vulnerability"), *prods = json_object_get(st, "products");
	const char *status = json_string_value(json_object_get(st, "status"));
	const char *just = json_string_value(json_object_get(st, "justification"));
	const char *impact = json_string_value(json_object_get(st, "impact_statement"));
	const char *action = json_string_value(json_object_get(st, "action_statement"));
	struct ward_sup_rule *r;
	struct ward_buf ids;
	json_t *x, *sub;
	size_t i, k;
	int suppresses;

	if (!json_is_object(st))
		return vex_fail(d, name, idx, ": expected an object");
	if (!status)
		return vex_fail(d, name, idx, ".status: missing");
	if (!strcmp(status, "not_affected") || !strcmp(status, "fixed"))
		suppresses = 1;
	else if (!strcmp(status, "affected") || !strcmp(status, "under_investigation"))
		suppresses = 0;
	else
		return vex_fail(d, name, idx,
				".status: must be not_affected, affected, fixed or under_investigation");
	ward_buf_init(&ids, 64u << 10);
	if (json_is_string(vuln)) {
		if (add_id(&ids, json_string_value(vuln)))
			goto bad_vuln;
	} else if (json_is_object(vuln)) {
		const char *vid = json_string_value(json_object_get(vuln, "@id"));
		const char *vname = json_string_value(json_object_get(vuln, "name"));

		/* @id is often a URL (https://nvd.nist.gov/vuln/detail/CVE-...): use its last
		 * path segment. */
		if (vid && strrchr(vid, '/'))
			vid = strrchr(vid, '/') + 1;
		if (vname && add_id(&ids, vname))
			goto bad_vuln;
		if (vid && *vid && add_id(&ids, vid))
			goto bad_vuln;
		json_array_foreach(json_object_get(vuln, "aliases"), i, x)
			if (add_id(&ids, json_string_value(x)))
				goto bad_vuln;
		if (!ids.len)
			goto bad_vuln;
	} else {
		goto bad_vuln;
	}
	if (!json_is_array(prods) || !json_array_size(prods)) {
		ward_buf_free(&ids);
		return vex_fail(d, name, idx, ".products: expected a non-empty array");
	}
	r = ward_sup_add(s);
	r->kind = WARD_SUP_VEX;
	r->suppresses = suppresses;
	r->ids = ward_xstrdup(ids.data);
	ward_buf_free(&ids);
	json_array_foreach(prods, i, x) {
		if (!json_is_string(x) && !json_is_object(x)) {
			char what[64];

			snprintf(what, sizeof(what), ".products[%zu]: expected a purl or an object", i);
			return vex_fail(d, name, idx, what);
		}
		add_product(r, x);
		json_array_foreach(json_object_get(x, "subcomponents"), k, sub)
			add_product(r, sub);
	}
	if (!r->pkgs_cnt)
		return vex_fail(d, name, idx, ".products: no product identified by a purl");
	{
		char buf[1024];

		snprintf(buf, sizeof(buf), "VEX %s%s%s%s%s", status, just ? " (" : "", just ? just : "",
			 just ? ")" : "", impact ? ": " : action ? ": " : "");
		size_t n = strlen(buf);

		snprintf(buf + n, sizeof(buf) - n, "%s", impact ? impact : action ? action : "");
		r->reason = ward_xstrdup(buf);
	}
	snprintf(r->origin, sizeof(r->origin), "%s: statements[%zu]", name, idx);
	return 0;
bad_vuln:
	ward_buf_free(&ids);
	return vex_fail(d, name, idx, ".vulnerability: needs a name or @id that is an advisory id");
}

int ward_suppress_load_vex_mem(struct ward_suppress *s, const char *name, const char *data,
			       size_t len, struct ward_diag *d)
{
	json_error_t jerr;
	json_t *root, *stmts, *st;
	size_t before = s->cnt, i;
	int err = 0;

	if (len > WARD_VEX_MAX_BYTES)
		return ward_diag_set(d, -WARD_E_LIMIT, name, 0, 0, "larger than %u bytes", WARD_VEX_MAX_BYTES);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return ward_diag_set(d, -WARD_E_SYNTAX, name, jerr.line > 0 ? jerr.line : 0,
				     jerr.column > 0 ? jerr.column : 0, "invalid JSON: %s", jerr.text);
	stmts = json_object_get(root, "statements");
	if (!json_is_object(root) || !json_is_array(stmts)) {
		err = ward_diag_set(d, -WARD_E_SYNTAX, name, 0, 0,
				    "$.statements: an OpenVEX document needs a statements array");
		goto out;
	}
	if (json_array_size(stmts) > WARD_VEX_MAX_STATEMENTS) {
		err = ward_diag_set(d, -WARD_E_LIMIT, name, 0, 0, "$.statements: more than %d",
				    WARD_VEX_MAX_STATEMENTS);
		goto out;
	}
	json_array_foreach(stmts, i, st)
		if ((err = vex_statement(s, name, i, st, d)))
			break;
out:
	if (err)
		ward_sup_truncate(s, before);
	json_decref(root);
	return err ? err : (int)(s->cnt - before);
}

int ward_suppress_load_vex(struct ward_suppress *s, const char *path, struct ward_diag *d)
{
	char *data;
	size_t len;
	int err = ward_sup_read_file(path, WARD_VEX_MAX_BYTES, &data, &len, d);

	if (err)
		return err;
	err = ward_suppress_load_vex_mem(s, path, data, len, d);
	free(data);
	return err;
}
