/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alert rate limiting and de-duplication per (rule, workload): one token bucket per key in a
 * fixed-size table. A bucket holds up to per_min tokens and refills at per_min per minute, so
 * a burst of identical alerts passes up to per_min and then one more per 60/per_min seconds.
 * Alerts held back are counted on the key and reported by the next alert that passes.
 *
 * The table never grows: when every slot is taken the least recently used key is evicted
 * (its pending suppressed count goes with it, still counted in the total). Keys are compared
 * by a 64-bit hash of the full strings plus a bounded copy of each; two keys that differ only
 * past the copied prefix and collide in the hash would share a bucket, which only makes
 * limiting stricter. Not thread-safe: the pipeline serializes calls.
 */
#ifndef WARD_ALERT_RATELIMIT_H
#define WARD_ALERT_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"

struct ward_ratelimit;

/* per_min 0 disables limiting (every alert passes). keys_cap 0 = default. Returns 0 or
 * -EINVAL (out of range); *out set on success. */
int ward_ratelimit_new(uint32_t per_min, size_t keys_cap, struct ward_ratelimit **out);
void ward_ratelimit_free(struct ward_ratelimit *rl);

/* Decides one alert at monotonic time now_ns. Returns true when it passes, with *suppressed
 * set to the alerts of this key held back since the previous pass (then reset); false when
 * it is suppressed. */
bool ward_ratelimit_check(struct ward_ratelimit *rl, const char *rule, const char *workload,
			  uint64_t now_ns, uint64_t *suppressed);

/* Calls fn for each key with alerts held back since its last pass (the count no alert has
 * reported yet), at most max keys. Returns the number of such keys, all of them counted. */
size_t ward_ratelimit_pending(const struct ward_ratelimit *rl, size_t max,
			      void (*fn)(const char *rule, const char *workload, uint64_t held,
					 void *arg),
			      void *arg);

size_t ward_ratelimit_count(const struct ward_ratelimit *rl);      /* keys in use */
uint64_t ward_ratelimit_evictions(const struct ward_ratelimit *rl);

#endif
