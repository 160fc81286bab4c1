/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fim watch events as alerts: each coalesced event becomes a struct ward_alert (rule
 * "FIM change", priority from the path class, source "fim", Falco-style output fields) and
 * goes through the alert pipeline, so FIM findings reach the same outputs as rule alerts.
 */
#ifndef WARD_FIM_WATCH_ALERT_H
#define WARD_FIM_WATCH_ALERT_H

#include "alert/pipeline.h"
#include "fim/coalesce.h"

/* Emits ev through p. Returns what ward_alerts_emit returns. */
int ward_fim_event_emit(struct ward_alerts *p, const struct ward_fim_event *ev);

#endif
