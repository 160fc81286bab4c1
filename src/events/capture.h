/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capture files: `ward trace --write` records raw sensor records so `ward agent --replay`
 * and `ward trace --read` can evaluate them later, exactly as they were seen live. The
 * process snapshot and container metadata are recorded too, so a capture stands alone.
 *
 * Format (little-endian): a 64-byte header  {magic "WARDCAP1", u32 version, u32 abi,
 * u64 boot_to_wall_offset_ns, u64 created_wall_ns, char hostname[32]}, then records, each a
 * u32 length followed by that many bytes (one struct ward_ev_raw record each).
 */
#ifndef WARD_CAPTURE_H
#define WARD_CAPTURE_H

#include <stdint.h>
#include <stdio.h>

#include "common/err.h"

#define WARD_CAPTURE_MAGIC "WARDCAP1"
#define WARD_CAPTURE_VERSION 1

struct ward_capture_header {
	char magic[8];
	uint32_t version;
	uint32_t abi;
	uint64_t boot_offset;
	uint64_t created;
	char hostname[32];
};
_Static_assert(sizeof(struct ward_capture_header) == 64, "capture header layout");

struct ward_capture_writer;
struct ward_capture_reader;

int ward_capture_create(const char *path, uint64_t boot_offset, struct ward_capture_writer **out);
int ward_capture_write(struct ward_capture_writer *w, const void *rec, size_t len);
/* Flushes and closes; returns 0 or the first write error. */
int ward_capture_close(struct ward_capture_writer *w);

int ward_capture_open(const char *path, struct ward_capture_reader **out, struct ward_diag *diag);
const struct ward_capture_header *ward_capture_header(const struct ward_capture_reader *r);
/* Next record: 1 with *rec and *len set (valid until the next call), 0 at end, or -WARD_E_SYNTAX
 * with diag naming the byte offset of a truncated or oversized record. */
int ward_capture_next(struct ward_capture_reader *r, const void **rec, size_t *len,
		      struct ward_diag *diag);
void ward_capture_free(struct ward_capture_reader *r);

#endif
