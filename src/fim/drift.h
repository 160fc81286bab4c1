/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container drift: what a running container changed relative to its image. The root mount
 * of a container process (from /proc/<pid>/mountinfo) is an overlay whose upperdir holds
 * exactly the files the container added, changed (copied up) or deleted (whiteouts: a char
 * device 0/0). Each is compared with the lower layers and reported; executables that were
 * added or rewritten are called out. Not a baseline: the image is the reference.
 */
#ifndef WARD_FIM_DRIFT_H
#define WARD_FIM_DRIFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/err.h"

struct ward_fim_drift_opts {
	const char *container;   /* id or prefix (>= 3 chars); NULL: all (unless pid) */
	int pid;                 /* a process in the container or chroot; 0: by cgroup */
	bool is_json;
	FILE *out;
	const char *proc_root;   /* NULL: /proc */
};

struct ward_fim_drift_summary {
	uint64_t containers, added, changed, deleted, executables, errors;
};

/* Returns 0 (see sum for findings) or a negative error with diag (no such container, root
 * not an overlay, mountinfo unreadable). */
int ward_fim_drift(const struct ward_fim_drift_opts *o, struct ward_fim_drift_summary *sum,
		   struct ward_diag *diag);

/* Overlay mount of the root ("/") in a mountinfo text: copies upperdir and the
 * colon-separated lowerdir list (unescaped) into the buffers. Returns 0, -WARD_E_NOTFOUND
 * when there is no "/" mount, -WARD_E_UNSUPPORTED when it is not overlay (fstype set),
 * -WARD_E_SYNTAX / -WARD_E_LIMIT for malformed or oversized input. */
int ward_fim_mountinfo_root_overlay(const char *text, size_t len, char *upper, size_t upper_cap,
				    char *lower, size_t lower_cap, char *fstype, size_t fstype_cap);

#endif
