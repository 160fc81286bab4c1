// SPDX-License-Identifier: Apache-2.0
/* Fuzzes forensic bundle verification (tar/zstd reader, manifest JSON, signature): any
 * input must end in a verdict, never a crash, hang or unbounded allocation. */
#include <stddef.h>
#include <stdint.h>

#include "respond/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_bundle_report r;

	ward_bundle_verify_mem(data, size, NULL, &r);
	ward_bundle_report_free(&r);
	return 0;
}
