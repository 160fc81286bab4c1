// SPDX-License-Identifier: Apache-2.0
/*
 * Rust binaries built with cargo-auditable: the ".dep-v0" ELF section holds zlib-compressed
 * JSON {"packages": [{"name", "version", "source", ...}]}. Inflated with a hard cap.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <zlib.h>

#include "common/limits.h"
#include "scan/elf.h"
#include "scan/parsers.h"

int ward_parse_cargo_auditable(const unsigned char *data, size_t len, const char *path,
			       struct ward_pkg_list *out, struct ward_diag *d)
{
	size_t off, size, i;
	uLongf dl = WARD_SCAN_MAX_JSON;
	unsigned char *buf;
	json_error_t je;
	json_t *j, *v;
	int rc, added = 0;

	if (ward_elf_section(data, len, ".dep-v0", &off, &size))
		return 0;
	buf = malloc(dl);
	if (!buf)
		return -ENOMEM;
	rc = uncompress(buf, &dl, data + off, size);
	if (rc != Z_OK) {
		free(buf);
		return ward_diag_set(d, -WARD_E_SYNTAX, path, 0, 0,
				     ".dep-v0: %s", rc == Z_BUF_ERROR ? "inflates past the JSON limit"
								     : "not valid zlib data");
	}
	j = json_loadb((const char *)buf, dl, 0, &je);
	free(buf);
	if (!j)
		return ward_diag_set(d, -WARD_E_SYNTAX, path, je.line, je.column, ".dep-v0: %s",
				     je.text);
	json_array_foreach(json_object_get(j, "packages"), i, v) {
		rc = ward_scan_add_lang(out, WARD_ECO_CRATES,
					json_string_value(json_object_get(v, "name")),
					json_string_value(json_object_get(v, "version")), NULL, path);
		if (rc < 0)
			break;
		added += rc;
	}
	json_decref(j);
	return rc < 0 ? ward_diag_set(d, rc, path, 0, 0, "too many packages") : added;
}
