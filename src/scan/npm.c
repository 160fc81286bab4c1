// SPDX-License-Identifier: Apache-2.0
/*
 * npm inventory: node_modules/<name>/package.json (what is installed) and package-lock.json
 * lockfileVersion 1 (nested "dependencies") and 2/3 ("packages" keyed by install path).
 * Not a resolver: it lists what the files say, nothing is fetched or inferred.
 */
#include <jansson.h>
#include <string.h>

#include "common/limits.h"
#include "scan/parsers.h"

static json_t *load(const char *data, size_t len, const char *path, struct ward_diag *d, int *rc)
{
	json_error_t je;
	json_t *j = json_loadb(data, len, 0, &je);

	if (!j)
		*rc = ward_diag_set(d, -WARD_E_SYNTAX, path, je.line, je.column, "invalid JSON: %s",
				    je.text);
	else if (!json_is_object(j)) {
		json_decref(j);
		j = NULL;
		*rc = ward_diag_set(d, -WARD_E_SYNTAX, path, 1, 1, "expected a JSON object");
	}
	return j;
}

/* "license": "MIT" or the legacy {"type": "MIT"} */
static const char *license_of(json_t *o)
{
	json_t *l = json_object_get(o, "license");

	if (json_is_object(l))
		l = json_object_get(l, "type");
	return json_is_string(l) ? json_string_value(l) : NULL;
}

int ward_parse_npm_package_json(const char *data, size_t len, const char *path,
				struct ward_pkg_list *out, struct ward_diag *d)
{
	int rc = 0;
	json_t *j = load(data, len, path, d, &rc);

	if (!j)
		return rc;
	rc = ward_scan_add_lang(out, WARD_ECO_NPM, json_string_value(json_object_get(j, "name")),
				json_string_value(json_object_get(j, "version")), license_of(j), path);
	json_decref(j);
	return rc < 0 ? ward_diag_set(d, rc, path, 0, 0, "package field over limit") : rc;
}

/* lockfile v1: {"dependencies": {"name": {"version": ..., "dependencies": {...}}}} */
static int lock_v1(json_t *deps, const char *path, struct ward_pkg_list *out, int depth)
{
	const char *name;
	json_t *v;
	int added = 0;

	if (!json_is_object(deps) || depth > 64)
		return 0;
	json_object_foreach(deps, name, v) {
		int rc;

		if (!json_is_object(v))
			continue;
		rc = ward_scan_add_lang(out, WARD_ECO_NPM, name,
					json_string_value(json_object_get(v, "version")), NULL, path);
		if (rc < 0)
			return rc;
		added += rc;
		rc = lock_v1(json_object_get(v, "dependencies"), path, out, depth + 1);
		if (rc < 0)
			return rc;
		added += rc;
	}
	return added;
}

int ward_parse_npm_lock(const char *data, size_t len, const char *path,
			struct ward_pkg_list *out, struct ward_diag *d)
{
	int rc = 0, added = 0;
	json_t *j = load(data, len, path, d, &rc), *pkgs, *v;
	const char *key;

	if (!j)
		return rc;
	pkgs = json_object_get(j, "packages");
	if (json_is_object(pkgs)) {
		json_object_foreach(pkgs, key, v) {
			const char *nm = strstr(key, "node_modules/"), *last = NULL;

			/* "" is the project itself; links point at workspace folders */
			if (!*key || !json_is_object(v) || json_is_true(json_object_get(v, "link")))
				continue;
			while (nm) {
				last = nm + 13;
				nm = strstr(last, "node_modules/");
			}
			if (!last)
				continue;
			rc = ward_scan_add_lang(out, WARD_ECO_NPM,
						json_is_string(json_object_get(v, "name"))
							? json_string_value(json_object_get(v, "name"))
							: last,
						json_string_value(json_object_get(v, "version")),
						license_of(v), path);
			if (rc < 0)
				break;
			added += rc;
		}
	} else {
		rc = lock_v1(json_object_get(j, "dependencies"), path, out, 0);
		added = rc > 0 ? rc : 0;
	}
	json_decref(j);
	if (rc < 0)
		return ward_diag_set(d, rc, path, 0, 0, "too many packages or field over limit");
	return added;
}
