/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who made a change: the process behind a fanotify event's pid, read from /proc/<pid>
 * right when the event arrives (a short-lived writer may be gone a moment later), and the
 * container its cgroup names (ward_cgroup_parse). Not a process table: nothing is cached.
 */
#ifndef WARD_FIM_WHO_H
#define WARD_FIM_WHO_H

#include <stdbool.h>
#include <stdint.h>

#include "common/limits.h"
#include "events/container.h"

struct ward_fim_who {
	int pid;
	bool is_known;           /* /proc/<pid> was readable */
	bool has_uid;
	uint32_t uid;            /* real uid */
	char comm[17];
	char exe[WARD_FIM_PATH_MAX + 1];
	char cmdline[WARD_FIM_PROC_CMDLINE_MAX + 1]; /* arguments joined by spaces */
	bool in_container;
	char container_id[WARD_CONTAINER_ID_MAX + 1];
	char runtime[16];
};

/* Fills w for pid from proc_root (normally "/proc"). Returns 0, or -ENOENT when the
 * process is already gone (w->pid still set, is_known false). */
int ward_fim_who_read(const char *proc_root, int pid, struct ward_fim_who *w);

#endif
