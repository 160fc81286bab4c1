/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the fallback backend, shared by its files: fallback.c (lifecycle, polling,
 * record building), fallback_procfs.c (what /proc says about a process),
 * fallback_proc.c (netlink proc connector: fork, exec, exit) and fallback_fanotify.c (file
 * events). The public entry points are in sensor.h. Not used by the eBPF backend.
 */
#ifndef WARD_SENSOR_FALLBACK_H
#define WARD_SENSOR_FALLBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sensor/sensor.h"

#define WARD_FB_MOUNTS_MAX 8       /* filesystems fanotify marks */
#define WARD_FB_PROC_CACHE 16384  /* pid-indexed slots of last known process facts (power of two) */
#define WARD_FB_READ_BUF (64u << 10)

struct ward_fb_mount {
	int fd;                   /* directory on the filesystem, for open_by_handle_at */
	uint8_t fsid[8];
	char path[64];
};

/* What /proc said about a process the last time it was readable. */
struct ward_fb_pinfo {
	uint32_t pid, ppid, uid, gid, euid, egid, loginuid, sid, tty, vpid;
	uint32_t mntns, netns, pidns, flags;
	uint64_t start, ppstart, cap_eff, cap_prm;
	char comm[16];
};

struct ward_fallback {
	int nl_fd;                /* proc connector, -1 when off */
	int fan_fd;               /* fanotify, -1 when off */
	bool fan_rename;          /* FAN_RENAME marked (kernel >= 5.17) */
	struct ward_fb_mount mounts[WARD_FB_MOUNTS_MAX];
	size_t mounts_cnt;
	char cgroup2_root[64];    /* where the v2 hierarchy is mounted, "" if nowhere */
	pid_t self;
	uint64_t mono_to_boot;    /* add to CLOCK_MONOTONIC ns to get CLOCK_BOOTTIME ns */
	uint64_t events, drops;
	/* exits and file events are often handled after /proc/<pid> is gone: remember what it
	 * said at fork and exec */
	struct ward_fb_pinfo pinfo[WARD_FB_PROC_CACHE];
	size_t rec_len;
	uint64_t rec[WARD_EV_MAX / 8];      /* the record being built, 8-byte aligned */
	uint64_t rbuf[WARD_FB_READ_BUF / 8]; /* netlink and fanotify reads */
};

/* ---- record building (fallback.c) ---- */
struct ward_ev_raw *ward_fb_rec_begin(struct ward_fallback *f, unsigned kind, uint64_t ts);
/* Appends string slot `slot` (slots must be added in increasing order; skipped slots stay
 * empty). Copies at most WARD_STR_MAX - 1 bytes plus a NUL; longer input sets WARD_S_TRUNC. */
void ward_fb_rec_str(struct ward_fallback *f, unsigned slot, const char *s, size_t len,
		     unsigned flags);
/* Hands the record to fn; returns fn's result. */
int ward_fb_rec_emit(struct ward_fallback *f, ward_record_fn fn, void *arg);
/* Remembers the process fields of ev (pid, ppid, starts, credentials, comm, ...). */
void ward_fb_cache_put(struct ward_fallback *f, const struct ward_ev_raw *ev);
/* Fills ev's process fields for pid from the cache; false when pid is not there. */
bool ward_fb_cache_get(const struct ward_fallback *f, uint32_t pid, struct ward_ev_raw *ev);
/* A fork: the child starts as a copy of the parent (ev) with its own pid and start. */
void ward_fb_cache_fork(struct ward_fallback *f, const struct ward_ev_raw *parent,
			uint32_t child, uint64_t child_start);
uint64_t ward_fb_known_start(const struct ward_fallback *f, uint32_t pid);

/* ---- /proc (fallback_procfs.c) ---- */
/* Fills pid, tid, ppid, pstart, ppstart, comm, sid, tty, credentials, capabilities, vpid and
 * namespaces of ev from /proc/<pid>. Returns 0, or -ENOENT when the process is gone (then
 * only what was readable is set). */
int ward_fb_fill_proc(struct ward_fallback *f, struct ward_ev_raw *ev, uint32_t pid);
/* Process start time in boot ns from /proc/<pid>/stat field 22, 0 if unknown. */
uint64_t ward_fb_proc_start(uint32_t pid);
/* Reads a /proc/<pid>/<name> file into buf (at most cap bytes); returns bytes or -errno. */
ssize_t ward_fb_proc_read(uint32_t pid, const char *name, char *buf, size_t cap);
/* readlink of /proc/<pid>/<name>; returns length (no NUL counted) or -errno. */
ssize_t ward_fb_proc_link(uint32_t pid, const char *name, char *buf, size_t cap);

/* ---- proc connector (fallback_proc.c) ---- */
int ward_fb_proc_open(struct ward_fallback *f, char *err, size_t err_len);
/* Reads what is queued (a bounded batch per call); returns records emitted or -errno and
 * sets *stop when fn returned non-zero. ward_fb_fan_drain works the same way. */
int ward_fb_proc_drain(struct ward_fallback *f, ward_record_fn fn, void *arg, bool *stop);

/* ---- fanotify (fallback_fanotify.c) ---- */
int ward_fb_fan_open(struct ward_fallback *f, char *err, size_t err_len);
int ward_fb_fan_drain(struct ward_fallback *f, ward_record_fn fn, void *arg, bool *stop);
void ward_fb_fan_close(struct ward_fallback *f);

#endif
