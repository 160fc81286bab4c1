/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime agent: the sensor's events evaluated against the loaded rules, matches turned
 * into alerts (with container, pod and process ancestry) and sent through the alert
 * pipeline; the kernel is told to send only the syscalls the rules need. A rule set with
 * errors, or one where no rule compiles, refuses the start (unless partial sets are allowed;
 * never with zero rules). SIGHUP (or `ward rules reload`) compiles the rules again in the
 * background and swaps them in when ready; a set the start would refuse is rejected and the
 * running one stays. Not here: what the alert outputs do (src/alert) or how rules match (src/rules).
 */
#ifndef WARD_AGENT_H
#define WARD_AGENT_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

struct ward_agent_opts {
	const struct ward_config *cfg;
	const char *const *rule_paths;  /* NULL: config rules.files, else the built-in rules */
	size_t rule_paths_cnt;
	const char *replay_path;        /* evaluate a capture instead of the live sensor */
	const char *write_path;         /* record the live stream */
	long duration_s;
	const char *pidfile;            /* NULL: config agent.pidfile; "" disables */
	bool allow_partial_rules;       /* run when some rules fail (also config rules.allow_partial) */
};

/* Runs until SIGINT/SIGTERM (or the end of a replay). Returns 0, or -errno when the rules
 * (see above), outputs or sensor could not start. */
int ward_agent_run(const struct ward_agent_opts *opts);

/* Asks a running agent to reload its rules: SIGHUP to the pid in pidfile, only after checking
 * that this pid holds the pidfile's lock and runs a ward binary (see agent/pidfile.h). */
int ward_agent_request_reload(const char *pidfile, char *msg, size_t msg_len);

#endif
