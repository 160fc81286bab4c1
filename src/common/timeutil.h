/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Clocks. The kernel stamps events with CLOCK_BOOTTIME (bpf_ktime_get_boot_ns); user space
 * converts to wall-clock nanoseconds with an offset measured once at start.
 */
#ifndef WARD_TIMEUTIL_H
#define WARD_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

uint64_t ward_now_ns(void);      /* CLOCK_REALTIME */
uint64_t ward_mono_ns(void);     /* CLOCK_MONOTONIC */
uint64_t ward_boot_ns(void);     /* CLOCK_BOOTTIME */
/* realtime - boottime, to add to kernel boot timestamps */
uint64_t ward_boot_to_wall_offset(void);
/* RFC 3339 UTC with nanoseconds: 2026-11-22T05:50:00.123456789Z; returns out. */
const char *ward_time_fmt(uint64_t wall_ns, char *out, size_t out_len);

#endif
