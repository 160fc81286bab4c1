// SPDX-License-Identifier: Apache-2.0
/* libFuzzer target: Go build info (inline and pointer layouts) and the ELF walker. */
#include <stddef.h>
#include <stdint.h>

#include "scan/parsers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_pkg_list l;
	struct ward_diag d = { 0 };

	ward_pkg_list_init(&l);
	ward_parse_go_buildinfo(data, size, "bin", &l, &d);
	ward_parse_cargo_auditable(data, size, "bin", &l, &d);
	ward_pkg_list_free(&l);
	return 0;
}
