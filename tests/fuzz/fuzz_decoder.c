// SPDX-License-Identifier: Apache-2.0
/* Fuzz target: arbitrary bytes as ring-buffer records. The decoder must reject or decode
 * every input without crashing, and never read past the record. Several records per input
 * (split on a 2-byte length prefix) exercise the process table across events. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events/decoder.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_proc_table *procs;
	struct ward_decoder *d;
	struct ward_event ev;
	size_t off = 0;

	if (ward_proc_table_new(16, &procs))
		return 0;
	ward_decoder_new(procs, NULL, &d);
	while (off + 2 <= size) {
		size_t n = (size_t)data[off] | ((size_t)data[off + 1] << 8);
		unsigned char *copy;

		off += 2;
		if (n > size - off)
			n = size - off;
		/* an exact-size heap copy so ASan sees any read past the record */
		copy = malloc(n ? n : 1);
		if (!copy)
			break;
		memcpy(copy, data + off, n);
		ward_decoder_decode(d, copy, n, &ev);
		free(copy);
		off += n;
	}
	ward_decoder_free(d);
	ward_proc_table_free(procs);
	return 0;
}
