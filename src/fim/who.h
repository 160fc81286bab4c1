/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who made a change: the process behind a fanotify event's pid and the container it runs
 * in. Two sources fill it: the eBPF sensor's process table, joined through recent
 * file-changing syscalls (who_sensor.c; correct after the writer exited), or /proc/<pid>
 * read right when the event arrives (this file; best effort: a short-lived writer may be
 * gone, a reused pid names another process). Not a process table: nothing is cached.
 */
#ifndef WARD_FIM_WHO_H
#define WARD_FIM_WHO_H

#include <stdbool.h>
#include <stdint.h>

#include "common/limits.h"
#include "events/container.h"

enum ward_fim_who_source {
	WARD_FIM_WHO_NONE = 0,   /* nothing known beyond the pid */
	WARD_FIM_WHO_PROC,       /* /proc/<pid> when the event arrived */
	WARD_FIM_WHO_SENSOR,     /* the eBPF sensor's record of the syscall and process */
};

struct ward_fim_who {
	int pid;
	bool is_known;           /* a source described the process */
	bool has_uid;
	bool has_ppid;
	bool has_exited;         /* the sensor saw it exit before the event was emitted */
	enum ward_fim_who_source source;
	const char *match;       /* sensor: how the join matched ("path", "path_tail", "pid") */
	const char *syscall;     /* sensor: the syscall joined with the change, or NULL */
	uint32_t uid;            /* real uid */
	int ppid;
	char user[33];           /* name of uid in the host's passwd; "" unknown or container */
	char comm[17];
	char exe[WARD_FIM_PATH_MAX + 1];
	char cmdline[WARD_FIM_PROC_CMDLINE_MAX + 1]; /* arguments joined by spaces */
	bool in_container;
	char container_id[WARD_CONTAINER_ID_MAX + 1];
	char runtime[16];
	char container_name[128]; /* sensor with runtime metadata only; "" unknown */
};

/* Clears everything but the pid and sets source NONE. */
void ward_fim_who_reset(struct ward_fim_who *w, int pid);
/* Fills w->user from w->uid (host passwd); left "" for container processes. */
void ward_fim_who_set_user(struct ward_fim_who *w);
const char *ward_fim_who_source_name(enum ward_fim_who_source s);

/* Fills w for pid from proc_root (normally "/proc"), source PROC. Returns 0, or -ENOENT
 * when the process is already gone (w->pid still set, is_known false, source NONE). */
int ward_fim_who_read(const char *proc_root, int pid, struct ward_fim_who *w);

#endif
