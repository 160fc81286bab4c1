// SPDX-License-Identifier: Apache-2.0
/* libFuzzer target: the Berkeley DB hash "Packages" reader (pages, items, overflow chains). */
#include <stddef.h>
#include <stdint.h>

#include "scan/parsers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_pkg_list l;
	struct ward_diag d = { 0 };

	ward_pkg_list_init(&l);
	ward_parse_rpmdb_bdb(data, size, "var/lib/rpm/Packages", &l, &d);
	ward_pkg_list_free(&l);
	return 0;
}
