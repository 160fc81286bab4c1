// SPDX-License-Identifier: Apache-2.0
/*
 * The coalescing table (see coalesce.h). Linear scan with a stored path hash: the table is
 * small and lives in cache; a per-event allocation or a rehash would cost more.
 */
#include "fim/coalesce.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/hash.h"
#include "common/xalloc.h"

struct slot {
	bool used;
	uint64_t h;
	struct ward_fim_event ev;
};

struct ward_fim_coalesce {
	struct slot *slots;
	size_t cap, used;
	uint64_t window_ns;
};

const char *ward_fim_ev_name(uint32_t bit)
{
	switch (bit) {
	case WARD_FIM_EV_CREATE: return "create";
	case WARD_FIM_EV_MODIFY: return "modify";
	case WARD_FIM_EV_DELETE: return "delete";
	case WARD_FIM_EV_MOVED_FROM: return "moved_from";
	case WARD_FIM_EV_MOVED_TO: return "moved_to";
	case WARD_FIM_EV_ATTRIB: return "attrib";
	default: return "?";
	}
}

struct ward_fim_coalesce *ward_fim_coalesce_new(size_t cap, uint64_t window_ns)
{
	struct ward_fim_coalesce *c = ward_xcalloc(1, sizeof(*c));

	if (cap == 0 || cap > WARD_FIM_COALESCE_MAX)
		cap = WARD_FIM_COALESCE_MAX;
	c->slots = ward_xcalloc(cap, sizeof(*c->slots));
	c->cap = cap;
	c->window_ns = window_ns;
	return c;
}

void ward_fim_coalesce_free(struct ward_fim_coalesce *c)
{
	if (!c)
		return;
	free(c->slots);
	free(c);
}

int ward_fim_coalesce_add(struct ward_fim_coalesce *c, const char *path, size_t len,
			  uint32_t what, int pid, uint64_t now_ns, struct ward_fim_event **ev)
{
	uint64_t h;
	struct slot *free_slot = NULL;

	if (len > WARD_FIM_PATH_MAX)
		return -WARD_E_LIMIT;
	h = ward_hash64(path, len);
	for (size_t i = 0; i < c->cap; i++) {
		struct slot *s = &c->slots[i];

		if (!s->used) {
			if (!free_slot)
				free_slot = s;
			continue;
		}
		if (s->h == h && s->ev.path_len == len && memcmp(s->ev.path, path, len) == 0) {
			s->ev.what |= what;
			s->ev.count++;
			s->ev.last_ns = now_ns;
			if (s->ev.who.pid != pid)
				s->ev.is_multi_writer = true;
			*ev = &s->ev;
			return 0;
		}
	}
	if (!free_slot)
		return -WARD_E_LIMIT;
	free_slot->used = true;
	free_slot->h = h;
	struct ward_fim_event *e = &free_slot->ev;
	memcpy(e->path, path, len);
	e->path[len] = '\0';
	e->path_len = len;
	e->what = what;
	e->count = 1;
	e->first_ns = e->last_ns = now_ns;
	e->is_multi_writer = false;
	e->who.pid = pid;
	c->used++;
	*ev = e;
	return 1;
}

bool ward_fim_coalesce_pop(struct ward_fim_coalesce *c, uint64_t now_ns, bool force,
			   struct ward_fim_event *out)
{
	struct slot *best = NULL;

	for (size_t i = 0; i < c->cap; i++) {
		struct slot *s = &c->slots[i];

		if (s->used && (!best || s->ev.first_ns < best->ev.first_ns))
			best = s;
	}
	if (!best || (!force && best->ev.first_ns + c->window_ns > now_ns))
		return false;
	*out = best->ev;
	best->used = false;
	c->used--;
	return true;
}

uint64_t ward_fim_coalesce_next_due(const struct ward_fim_coalesce *c)
{
	uint64_t due = UINT64_MAX;

	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].used && c->slots[i].ev.first_ns + c->window_ns < due)
			due = c->slots[i].ev.first_ns + c->window_ns;
	return due;
}

size_t ward_fim_coalesce_pending(const struct ward_fim_coalesce *c)
{
	return c->used;
}
