// SPDX-License-Identifier: Apache-2.0
/*
 * Small JSON manifests of other ecosystems: PHP's vendor/composer/installed.json (v1 array
 * or v2 {"packages": [...]}) and .NET's *.deps.json ("libraries" of type "package").
 * Not lockfile resolvers.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "scan/parsers.h"

static json_t *load(const char *data, size_t len, const char *path, struct ward_diag *d, int *rc)
{
	json_error_t je;
	json_t *j = json_loadb(data, len, 0, &je);

	if (!j)
		*rc = ward_diag_set(d, -WARD_E_SYNTAX, path, je.line, je.column, "invalid JSON: %s",
				    je.text);
	return j;
}

int ward_parse_composer_installed(const char *data, size_t len, const char *path,
				  struct ward_pkg_list *out, struct ward_diag *d)
{
	int rc = 0, added = 0;
	json_t *j = load(data, len, path, d, &rc), *arr, *v;
	size_t i;

	if (!j)
		return rc;
	arr = json_is_array(j) ? j : json_object_get(j, "packages");
	json_array_foreach(arr, i, v) {
		json_t *lic = json_object_get(v, "license");
		const char *ver = json_string_value(json_object_get(v, "version"));

		/* composer records "v1.2.3" tags as "v1.2.3"; version_normalized drops the v */
		if (ver && ver[0] == 'v')
			ver++;
		rc = ward_scan_add_lang(out, WARD_ECO_PACKAGIST,
					json_string_value(json_object_get(v, "name")), ver,
					json_string_value(json_array_get(lic, 0)), path);
		if (rc < 0)
			break;
		added += rc;
	}
	json_decref(j);
	return rc < 0 ? ward_diag_set(d, rc, path, 0, 0, "too many packages") : added;
}

int ward_parse_dotnet_deps(const char *data, size_t len, const char *path,
			   struct ward_pkg_list *out, struct ward_diag *d)
{
	int rc = 0, added = 0;
	json_t *j = load(data, len, path, d, &rc), *v;
	const char *key;

	if (!j)
		return rc;
	json_object_foreach(json_object_get(j, "libraries"), key, v) {
		const char *slash = strchr(key, '/');
		char name[1024];

		if (!slash || !json_is_object(v) ||
		    strcmp(json_string_value(json_object_get(v, "type")) ?: "", "package"))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(slash - key), key);
		rc = ward_scan_add_lang(out, WARD_ECO_NUGET, name, slash + 1, NULL, path);
		if (rc < 0)
			break;
		added += rc;
	}
	json_decref(j);
	return rc < 0 ? ward_diag_set(d, rc, path, 0, 0, "too many packages") : added;
}
