/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The who-data join table for fim watch: recent file-changing syscalls seen by the eBPF
 * sensor (which process, identified by pid and start time, touched which path, when), so
 * that a fanotify change on a path can be attributed to the process that made it even
 * after that process exited or its pid was reused.
 *
 * Fixed capacity, allocated once: a ring of records (the oldest is overwritten) with a
 * chained hash index on the path. Records older than max_age are never matched. Paths
 * are kept as a 64-bit hash and a length, not as text: a match also requires the pid that
 * fanotify reported, so a hash collision could at worst pick another record of the same
 * process. Not thread-safe: owned by the event thread. Time is passed in (testable).
 */
#ifndef WARD_FIM_JOIN_H
#define WARD_FIM_JOIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WARD_FIM_JOIN_CAP 8192                  /* records kept (44 bytes each with links) */
#define WARD_FIM_JOIN_MAX_AGE_NS (10ull * 1000000000ull) /* a record older than a change */
#define WARD_FIM_JOIN_SLACK_NS (2ull * 1000000000ull)    /* a record newer than a change */

struct ward_fim_join_rec {
	uint64_t path_h;    /* hash of the path (0 with path_len 0: path unknown) */
	uint64_t ts_ns;     /* when the syscall returned */
	uint64_t start;     /* process start: (pid, start) is the sensor's process key */
	uint32_t pid;       /* thread group id, as fanotify reports it */
	uint32_t path_len;
	int32_t nr;         /* syscall number */
	uint32_t next;      /* hash chain (index + 1, 0 ends) */
};

enum ward_fim_join_match {
	WARD_FIM_JOIN_NONE = 0,
	WARD_FIM_JOIN_PATH,    /* same path, same pid */
	WARD_FIM_JOIN_SUFFIX,  /* the sensor's path is a tail of the change's path, same pid:
				* the writer runs in another mount namespace (a container) */
	WARD_FIM_JOIN_PID,     /* same pid, another or unknown path (a write through an fd
				* opened earlier, a directory entry changed by a rename) */
};

struct ward_fim_join;

/* cap 0 = WARD_FIM_JOIN_CAP. Caller frees. */
struct ward_fim_join *ward_fim_join_new(size_t cap, uint64_t max_age_ns, uint64_t slack_ns);
void ward_fim_join_free(struct ward_fim_join *j);

/* Records that process (pid, start) changed path (len 0: unknown) at ts_ns. O(1), no
 * allocation; overwrites the oldest record when full. */
void ward_fim_join_add(struct ward_fim_join *j, const char *path, size_t len, uint32_t pid,
		       uint64_t start, int nr, uint64_t ts_ns);

/*
 * Finds the record behind a change to path by pid at ts_ns (pid 0: any pid, path matches
 * only). Tries the exact path, then each tail of the path starting at a '/', then any
 * record of the pid; among equals the one closest to ts_ns wins. Returns the kind of match
 * and copies the record to *out, or WARD_FIM_JOIN_NONE.
 */
enum ward_fim_join_match ward_fim_join_find(const struct ward_fim_join *j, const char *path,
					    size_t len, uint32_t pid, uint64_t ts_ns,
					    struct ward_fim_join_rec *out);

size_t ward_fim_join_count(const struct ward_fim_join *j);
const char *ward_fim_join_match_name(enum ward_fim_join_match m);

#endif
