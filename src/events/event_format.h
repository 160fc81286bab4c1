/* SPDX-License-Identifier: Apache-2.0 */
/* Event rendering for `ward trace`: one JSON object or one readable line per event. */
#ifndef WARD_EVENT_FORMAT_H
#define WARD_EVENT_FORMAT_H

#include "common/buf.h"
#include "events/event.h"
#include "events/proc.h"

/* Appends the event to out; returns 0 or -WARD_E_LIMIT. */
int ward_event_json(const struct ward_event *ev, struct ward_buf *out);
int ward_event_text(const struct ward_event *ev, struct ward_buf *out);
/* Open flags of an open-family record, and their O_* names joined with '|'. */
uint64_t ward_event_open_flags(const struct ward_ev_raw *r);
const char *ward_open_flags_str(uint64_t flags, char *out, size_t out_len);

#endif
