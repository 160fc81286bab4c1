/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading one line of a /proc/<pid>/status text ("Key:\tv1\tv2 ..."). Shared by the fallback
 * sensor and the /proc snapshot (credentials, capabilities, NSpid) and the responder (NSpid,
 * pending signals).
 */
#ifndef WARD_PROC_STATUS_H
#define WARD_PROC_STATUS_H

#include <stdint.h>

#include "ward_abi.h"

/* Up to cnt numbers of the line "key:" in the given base (10, or 16 for masks) into v;
 * returns how many were read (0 when the line is absent). status is NUL-terminated. */
int ward_proc_status_vals(const char *status, const char *key, int base, uint64_t *v, int cnt);

/* A record's identity from status: real and effective uid/gid, CapEff, CapPrm (each left as
 * it was when its line is absent) and vpid (the innermost NSpid). Returns 1 when NSpid was
 * there (vpid set), else 0. */
int ward_proc_status_ids(const char *status, struct ward_ev_raw *r);

#endif
