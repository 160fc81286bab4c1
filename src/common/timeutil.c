// SPDX-License-Identifier: Apache-2.0
/* Clock helpers. */
#include "common/timeutil.h"

#include <stdio.h>
#include <time.h>

static uint64_t ward_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t ward_now_ns(void) { return ward_clock(CLOCK_REALTIME); }
uint64_t ward_mono_ns(void) { return ward_clock(CLOCK_MONOTONIC); }
uint64_t ward_boot_ns(void) { return ward_clock(CLOCK_BOOTTIME); }

uint64_t ward_boot_to_wall_offset(void)
{
	/* bracket the realtime read between two boottime reads to halve the error */
	uint64_t b1 = ward_boot_ns(), r = ward_now_ns(), b2 = ward_boot_ns();

	return r - (b1 + (b2 - b1) / 2);
}

const char *ward_time_fmt(uint64_t wall_ns, char *out, size_t out_len)
{
	time_t secs = (time_t)(wall_ns / 1000000000ull);
	struct tm tm;

	gmtime_r(&secs, &tm);
	snprintf(out, out_len, "%04d-%02d-%02dT%02d:%02d:%02d.%09lluZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned long long)(wall_ns % 1000000000ull));
	return out;
}
