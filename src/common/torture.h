/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fault injection for torture tests (curl's torture mode, SQLite's anomaly tests): in a build
 * configured with -DWARD_TORTURE=ON, the linker routes ward's own calls to malloc, calloc,
 * realloc, reallocarray, strdup and strndup and its writes (write, writev, fwrite, fflush,
 * fclose on anything but stderr) through counters, and the Nth of a kind can be made to
 * fail once: an allocation returns NULL with ENOMEM, a write returns an error with ENOSPC.
 * Allocations and writes inside other libraries (jansson, libarchive, libyaml) are not
 * failed: jansson 2.14 itself crashes in json_loadb when its allocator fails.
 * The environment arms it for a whole process: WARD_TORTURE_FAIL_ALLOC=N,
 * WARD_TORTURE_FAIL_WRITE=N, and WARD_TORTURE_COUNT=FILE writes the counts at exit.
 * Without WARD_TORTURE these functions are inert and nothing is wrapped.
 */
#ifndef WARD_TORTURE_H
#define WARD_TORTURE_H

#include <stdbool.h>

enum ward_torture_kind {
	WARD_TORTURE_ALLOC,
	WARD_TORTURE_WRITE,
	WARD_TORTURE_KINDS,
};

/* Resets both counts; the nth (1-based) operation of kind will fail, 0 for none. */
void ward_torture_arm(enum ward_torture_kind kind, unsigned long nth);
/* Operations of kind since the last arm (or process start). */
unsigned long ward_torture_count(enum ward_torture_kind kind);
/* Whether an armed failure has been injected since the last arm. */
bool ward_torture_fired(void);
/* Whether this build has the hooks. */
bool ward_torture_enabled(void);

#endif
