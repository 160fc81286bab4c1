/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading one line of a /proc/<pid>/status text ("Key:\tv1\tv2 ..."). Shared by the fallback
 * sensor (credentials, capabilities, NSpid) and the responder (NSpid, pending signals).
 */
#ifndef WARD_PROC_STATUS_H
#define WARD_PROC_STATUS_H

#include <stdint.h>

/* Up to cnt numbers of the line "key:" in the given base (10, or 16 for masks) into v;
 * returns how many were read (0 when the line is absent). status is NUL-terminated. */
int ward_proc_status_vals(const char *status, const char *key, int base, uint64_t *v, int cnt);

#endif
