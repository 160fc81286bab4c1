// SPDX-License-Identifier: Apache-2.0
/* ward rules: placeholder until the subsystem lands; says so plainly and fails. */
#include "cli/cli.h"

static void rules_help(FILE *out)
{
	fprintf(out, "Usage: ward rules ...\n\nvalidate, list and reload detection rules.\n(not available in this build)\n");
}

static int rules_run(struct ward_ctx *ctx, int argc, char **argv)
{
	fprintf(stderr, "ward rules: not available in this build\n");
	return WARD_EXIT_ERR;
}

const struct ward_cmd ward_cmd_rules = {
	.name = "rules", .summary = "validate, list and reload detection rules",
	.run = rules_run, .help = rules_help,
};
