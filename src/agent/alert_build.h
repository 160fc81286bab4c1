/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Turns a rule match on an event into a struct ward_alert: the rule's output and fields, the
 * workload (container, pod), the process ancestry and the count of events the sensor lost
 * since the previous alert. The alert borrows the builder's buffers until the next build.
 */
#ifndef WARD_ALERT_BUILD_H
#define WARD_ALERT_BUILD_H

#include <stdint.h>

#include "alert/alert.h"
#include "config/config.h"
#include "events/event.h"
#include "events/proc.h"
#include "rules/rules.h"

#define WARD_ALERT_ANCESTRY 8

struct ward_alert_builder;

struct ward_alert_builder *ward_alert_builder_new(const struct ward_config *cfg);
void ward_alert_builder_free(struct ward_alert_builder *b);
/* Fills *out (pointers into m, ev and b). drops_total is the sensor's running drop count. */
void ward_alert_build(struct ward_alert_builder *b, const struct ward_rule_match *m,
		      const struct ward_event *ev, struct ward_proc_table *pt,
		      uint64_t drops_total, struct ward_alert *out);
/* Attaches action outcomes to the last built alert (the strings must outlive the emit). */
void ward_alert_set_actions(struct ward_alert_builder *b, struct ward_alert *a,
			    const struct ward_alert_action *acts, size_t cnt);

#endif
