/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's exec blocker: the block list from config plus files added by rules with
 * `actions: [block]`, and denials turned into alerts (see exec_block.c). */
#ifndef WARD_AGENT_EXEC_BLOCK_H
#define WARD_AGENT_EXEC_BLOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "alert/alert.h"
#include "alert/pipeline.h"
#include "config/config.h"
#include "events/event.h"

#define WARD_AGENT_BLOCK_ORIGIN "ward block list" /* the rule name of config entries */

struct ward_agent_block;

/* Reads and validates respond.block_paths/_dirs/_sha256/_mounts (bad hex, relative paths:
 * -EINVAL, logged naming the key). Starts nothing. */
int ward_agent_block_new(const struct ward_config *cfg, struct ward_agent_block **out);
/* Starts the blocker when the config lists entries; a listed file that cannot be blocked
 * (missing, protected) is an error naming the key. 0 when there is nothing to start. */
int ward_agent_block_start(struct ward_agent_block *ab);
/* Adds the file a matching event is about: for an exec the executable by SHA-256 and by
 * path, for a file event the path (and a rename's or link's new name). Starts the blocker
 * on first use. detail gets what was done. 0 when the file is (now or already) blocked,
 * -WARD_E_PROTECTED when refused, else -errno. Event thread only. */
int ward_agent_block_event(struct ward_agent_block *ab, const char *rule,
			   enum ward_priority prio, const struct ward_event *ev, char *detail,
			   size_t detail_len);
/* Emits alerts for denials queued by the blocker thread, and summaries of coalesced ones
 * whose window ended (all of them when final). Event thread only. */
void ward_agent_block_flush(struct ward_agent_block *ab, struct ward_alerts *alerts, bool final);
/* Emits what is queued and coalesced, then stops the blocker (execs are allowed again). */
void ward_agent_block_finish(struct ward_agent_block *ab, struct ward_alerts *alerts);
void ward_agent_block_free(struct ward_agent_block *ab);

#endif
