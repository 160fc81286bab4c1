/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decoder turns raw records (from the sensor or a capture file) into struct ward_event:
 * it validates every length against the record (records are untrusted input: a capture
 * file can hold anything), rebuilds dentry paths, resolves relative paths, and keeps the
 * process table and container attribution up to date. One decoder per event thread.
 */
#ifndef WARD_DECODER_H
#define WARD_DECODER_H

#include <stddef.h>
#include <stdint.h>

#include "events/container.h"
#include "events/event.h"
#include "events/proc.h"

struct ward_decoder;

struct ward_decoder_stats {
	uint64_t decoded;
	uint64_t malformed;
	uint64_t version_mismatch;
};

/* Neither table is owned by the decoder. containers may be NULL (no attribution). */
int ward_decoder_new(struct ward_proc_table *procs, struct ward_container_table *containers,
		     struct ward_decoder **out);
void ward_decoder_free(struct ward_decoder *d);
/* Sets the CLOCK_BOOTTIME → wall clock offset (live: measured now; replay: from the file). */
void ward_decoder_set_boot_offset(struct ward_decoder *d, uint64_t offset_ns);

/*
 * Decodes one record. Returns 0 with *ev filled for an event to hand out, 1 for a record
 * that only updates state (process snapshot, container metadata), or -WARD_E_SYNTAX /
 * -WARD_E_VERSION for a malformed record (counted; the record is ignored).
 * ev stays valid until the next call.
 */
int ward_decoder_decode(struct ward_decoder *d, const void *rec, size_t len, struct ward_event *ev);
void ward_decoder_get_stats(const struct ward_decoder *d, struct ward_decoder_stats *st);

/* The process-table key for a start time: /proc reports start in clock ticks (1/100 s),
 * the kernel in ns; both round down to the same tick. */
static inline uint64_t ward_proc_key_start(uint64_t start_ns)
{
	return start_ns - start_ns % 10000000ull;
}

/* Lexically normalizes an absolute path ("/a/./b/../c" → "/a/c"); returns 0 or -WARD_E_LIMIT. */
int ward_path_normalize(const char *in, size_t in_len, char *out, size_t out_len);
/* Joins a base dir and a relative path, then normalizes. */
int ward_path_join(const char *base, const char *rel, char *out, size_t out_len);

#endif
