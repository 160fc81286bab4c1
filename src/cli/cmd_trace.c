// SPDX-License-Identifier: Apache-2.0
/* ward trace: placeholder (sensor in progress). */
#include "cli/cli.h"

static void trace_help(FILE *out) { fprintf(out, "Usage: ward trace\n"); }
static int trace_run(struct ward_ctx *ctx, int argc, char **argv) { return WARD_EXIT_ERR; }

const struct ward_cmd ward_cmd_trace = {
	.name = "trace", .summary = "stream live process, file and network events",
	.run = trace_run, .help = trace_help,
};
