// SPDX-License-Identifier: Apache-2.0
/* ward forensics: placeholder until the subsystem lands; says so plainly and fails. */
#include "cli/cli.h"

static void forensics_help(FILE *out)
{
	fprintf(out, "Usage: ward forensics ...\n\nverify and show forensic bundles.\n(not available in this build)\n");
}

static int forensics_run(struct ward_ctx *ctx, int argc, char **argv)
{
	fprintf(stderr, "ward forensics: not available in this build\n");
	return WARD_EXIT_ERR;
}

const struct ward_cmd ward_cmd_forensics = {
	.name = "forensics", .summary = "verify and show forensic bundles",
	.run = forensics_run, .help = forensics_help,
};
