// SPDX-License-Identifier: Apache-2.0
/* ward respond: placeholder until the subsystem lands; says so plainly and fails. */
#include "cli/cli.h"

static void respond_help(FILE *out)
{
	fprintf(out, "Usage: ward respond ...\n\nact on a process or container: kill, block, quarantine, freeze, collect.\n(not available in this build)\n");
}

static int respond_run(struct ward_ctx *ctx, int argc, char **argv)
{
	fprintf(stderr, "ward respond: not available in this build\n");
	return WARD_EXIT_ERR;
}

const struct ward_cmd ward_cmd_respond = {
	.name = "respond", .summary = "act on a process or container: kill, block, quarantine, freeze, collect",
	.run = respond_run, .help = respond_help,
};
