/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Burst coalescing for fim watch: changes to one path within a window become one event with
 * a count and the union of what happened. A fixed table (WARD_FIM_COALESCE_MAX paths),
 * allocated once; when it is full the caller flushes the oldest entry early. Time is passed
 * in, so the logic is testable without clocks.
 */
#ifndef WARD_FIM_COALESCE_H
#define WARD_FIM_COALESCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fim/who.h"

struct ward_fim_event {
	size_t path_len;
	char path[WARD_FIM_PATH_MAX + 1];
	uint32_t what;           /* WARD_FIM_EV_* seen */
	uint64_t count;
	uint64_t first_ns, last_ns;
	bool is_multi_writer;    /* another pid changed the path within the window too */
	struct ward_fim_who who; /* the first writer */
};

enum {
	WARD_FIM_EV_CREATE = 1u << 0,
	WARD_FIM_EV_MODIFY = 1u << 1,
	WARD_FIM_EV_DELETE = 1u << 2,
	WARD_FIM_EV_MOVED_FROM = 1u << 3,
	WARD_FIM_EV_MOVED_TO = 1u << 4,
	WARD_FIM_EV_ATTRIB = 1u << 5,
};
#define WARD_FIM_EV_CNT 6
const char *ward_fim_ev_name(uint32_t bit);

struct ward_fim_coalesce;

/* cap <= WARD_FIM_COALESCE_MAX. Caller frees. */
struct ward_fim_coalesce *ward_fim_coalesce_new(size_t cap, uint64_t window_ns);
void ward_fim_coalesce_free(struct ward_fim_coalesce *c);

/* Records one change. Returns 1 and *ev for a new entry (the caller fills ev->who),
 * 0 when merged into a pending one, -WARD_E_LIMIT when the table is full (pop with
 * force, then retry) or the path is too long. */
int ward_fim_coalesce_add(struct ward_fim_coalesce *c, const char *path, size_t len,
			  uint32_t what, int pid, uint64_t now_ns, struct ward_fim_event **ev);
/* Moves the oldest entry whose window ended by now_ns (any oldest entry with force) into
 * *out; returns false when there is none. */
bool ward_fim_coalesce_pop(struct ward_fim_coalesce *c, uint64_t now_ns, bool force,
			   struct ward_fim_event *out);
/* When the next window ends (UINT64_MAX when nothing is pending). */
uint64_t ward_fim_coalesce_next_due(const struct ward_fim_coalesce *c);
size_t ward_fim_coalesce_pending(const struct ward_fim_coalesce *c);

#endif
