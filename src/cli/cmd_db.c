// SPDX-License-Identifier: Apache-2.0
/* ward db: placeholder until the subsystem lands; says so plainly and fails. */
#include "cli/cli.h"

static void db_help(FILE *out)
{
	fprintf(out, "Usage: ward db ...\n\nmanage the local vulnerability database.\n(not available in this build)\n");
}

static int db_run(struct ward_ctx *ctx, int argc, char **argv)
{
	fprintf(stderr, "ward db: not available in this build\n");
	return WARD_EXIT_ERR;
}

const struct ward_cmd ward_cmd_db = {
	.name = "db", .summary = "manage the local vulnerability database",
	.run = db_run, .help = db_help,
};
