// SPDX-License-Identifier: Apache-2.0
/* libFuzzer target: the Python METADATA / PKG-INFO parser. */
#include <stddef.h>
#include <stdint.h>

#include "scan/parsers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_pkg_list l;
	struct ward_diag d = { 0 };

	ward_pkg_list_init(&l);
	ward_parse_python_metadata((const char *)data, size, "METADATA", &l, &d);
	ward_pkg_list_free(&l);
	return 0;
}
