/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Background rule compilation for SIGHUP reloads. A compile can take seconds (up to the
 * WARD_RULES_MAX_COMPILE_SECS backstop); run on the event thread it would stall every alert
 * for that long. So one worker thread loads and compiles, and the event thread, which keeps
 * evaluating the old set meanwhile, takes the finished set between events and swaps it in.
 * Requests made while a compile runs coalesce into one more compile after it. Not here:
 * deciding whether a set with errors is acceptable, or the swap itself (agent.c): both stay
 * on the event thread, the only one that touches the running ruleset.
 */
#ifndef WARD_AGENT_RELOADER_H
#define WARD_AGENT_RELOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "rules/rules.h"

struct ward_reloader;

/* A finished compile: the set (NULL when the load failed outright, then err < 0) and its
 * report. The taker owns both. */
struct ward_reload_result {
	int err;
	struct ward_ruleset *rs;
	struct ward_rules_report rep;
};

/*
 * Starts the worker. paths and ropts are borrowed and must outlive the reloader. The test
 * hook WARD_TEST_RELOAD_GATE=FILE makes each compile wait until FILE exists, so tests can
 * hold a reload in flight (tests/integration/test_agent_reload_bg.sh). Returns 0 or -errno.
 */
int ward_reloader_new(const char *const *paths, size_t paths_cnt,
		      const struct ward_rules_opts *ropts, struct ward_reloader **out);
/* Asks for a compile of the files as they are now. Returns true when one was already asked
 * for or in flight: a request the worker has not picked up yet merges with this one; one
 * compiling (or finished, not yet taken) is followed by exactly one more compile, however
 * many requests arrive meanwhile. */
bool ward_reloader_request(struct ward_reloader *r);
/* True while the worker has picked up a request and not finished it (tests, status). */
bool ward_reloader_is_compiling(struct ward_reloader *r);
/* True and *res filled once per finished compile; never blocks. */
bool ward_reloader_take(struct ward_reloader *r, struct ward_reload_result *res);
/* Cancels a compile in flight, joins the worker, frees what was never taken. NULL is fine. */
void ward_reloader_free(struct ward_reloader *r);

#endif
