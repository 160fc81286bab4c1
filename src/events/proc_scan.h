/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The /proc snapshot: one WARD_EV_PROC_SNAPSHOT record per process that exists when the
 * sensor starts, so processes started earlier have a name, ancestry and container. The
 * records go through the same path as kernel records (and into capture files).
 */
#ifndef WARD_PROC_SCAN_H
#define WARD_PROC_SCAN_H

#include "events/record.h"

/* Calls fn for each process; returns the number of processes or -errno. */
int ward_proc_scan(const char *proc_root, ward_record_fn fn, void *arg);
/* Builds a snapshot record for one pid into buf (WARD_EV_MAX bytes); returns its length or
 * -errno (-ENOENT when the process is gone). */
int ward_proc_snapshot_one(const char *proc_root, int pid, void *buf, size_t buf_len);

#endif
