// SPDX-License-Identifier: Apache-2.0
/* ward agent: placeholder until the subsystem lands; says so plainly and fails. */
#include "cli/cli.h"

static void agent_help(FILE *out)
{
	fprintf(out, "Usage: ward agent ...\n\nrun the runtime agent: sensor, rules, alerts and response.\n(not available in this build)\n");
}

static int agent_run(struct ward_ctx *ctx, int argc, char **argv)
{
	fprintf(stderr, "ward agent: not available in this build\n");
	return WARD_EXIT_ERR;
}

const struct ward_cmd ward_cmd_agent = {
	.name = "agent", .summary = "run the runtime agent: sensor, rules, alerts and response",
	.run = agent_run, .help = agent_help,
};
