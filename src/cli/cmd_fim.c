// SPDX-License-Identifier: Apache-2.0
/* ward fim: placeholder until the subsystem lands; says so plainly and fails. */
#include "cli/cli.h"

static void fim_help(FILE *out)
{
	fprintf(out, "Usage: ward fim ...\n\nfile integrity monitoring: init, check, watch, accept, diff.\n(not available in this build)\n");
}

static int fim_run(struct ward_ctx *ctx, int argc, char **argv)
{
	fprintf(stderr, "ward fim: not available in this build\n");
	return WARD_EXIT_ERR;
}

const struct ward_cmd ward_cmd_fim = {
	.name = "fim", .summary = "file integrity monitoring: init, check, watch, accept, diff",
	.run = fim_run, .help = fim_help,
};
