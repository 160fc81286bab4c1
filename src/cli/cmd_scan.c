// SPDX-License-Identifier: Apache-2.0
/* ward scan: placeholder until the subsystem lands; says so plainly and fails. */
#include "cli/cli.h"

static void scan_help(FILE *out)
{
	fprintf(out, "Usage: ward scan ...\n\nscan images, root filesystems and bundles for vulnerabilities, secrets and malware.\n(not available in this build)\n");
}

static int scan_run(struct ward_ctx *ctx, int argc, char **argv)
{
	fprintf(stderr, "ward scan: not available in this build\n");
	return WARD_EXIT_ERR;
}

const struct ward_cmd ward_cmd_scan = {
	.name = "scan", .summary = "scan images, root filesystems and bundles for vulnerabilities, secrets and malware",
	.run = scan_run, .help = scan_help,
};
