/* SPDX-License-Identifier: Apache-2.0 */
/* Rule-triggered response actions for the agent (see actions.c). */
#ifndef WARD_AGENT_ACTIONS_H
#define WARD_AGENT_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "alert/alert.h"
#include "alert/pipeline.h"
#include "config/config.h"
#include "events/event.h"
#include "rules/rules.h"

struct ward_agent_actions;

int ward_agent_actions_new(const struct ward_config *cfg, struct ward_agent_actions **out);
void ward_agent_actions_free(struct ward_agent_actions *a);
/* Starts what runs from start (the exec blocker when the config lists files). Not for
 * replays. Returns 0 or the error already logged. */
int ward_agent_actions_start(struct ward_agent_actions *a);
/* Event thread, every tick: emits alerts for exec denials. */
void ward_agent_actions_tick(struct ward_agent_actions *a, struct ward_alerts *alerts);
/* After the session: emits what is left and stops the blocker (fail-open). */
void ward_agent_actions_finish(struct ward_agent_actions *a, struct ward_alerts *alerts);
bool ward_agent_actions_enforcing(const struct ward_agent_actions *a);
/* Whether a rule's actions run: its own `mode:` when set, else rules.mode. */
bool ward_agent_rule_enforced(bool global_enforce, const struct ward_rule_info *ri);
/* Runs (or, when the rule is not enforced, reports) the match's actions. ri is the matching
 * rule (its mode). *out points to the outcomes, valid until the next call; returns their
 * count. */
size_t ward_agent_actions_run(struct ward_agent_actions *a, const struct ward_rule_match *m,
			      const struct ward_rule_info *ri, const struct ward_event *ev,
			      const struct ward_alert_action **out);

#endif
