// SPDX-License-Identifier: Apache-2.0
/* ward version: version and build facts. */
#include "cli/cli.h"
#include "ward_abi.h"

#include <bpf/libbpf.h>
#include <string.h>

static void version_help(FILE *out)
{
	fprintf(out, "Usage: ward version [--json]\n\nPrints ward's version, event ABI and libbpf version.\n");
}

static int version_run(struct ward_ctx *ctx, int argc, char **argv)
{
	int json = argc > 1 && strcmp(argv[1], "--json") == 0;

	if (argc > 1 && !json)
		return ward_cli_usage_error("version", "unexpected argument '%s'", argv[1]);
	if (json)
		printf("{\"version\":\"%s\",\"abi\":%d,\"libbpf\":\"%u.%u\"}\n", WARD_VERSION,
		       WARD_ABI_VERSION, libbpf_major_version(), libbpf_minor_version());
	else
		printf("ward %s (event ABI %d, libbpf %u.%u)\n", WARD_VERSION, WARD_ABI_VERSION,
		       libbpf_major_version(), libbpf_minor_version());
	return WARD_EXIT_OK;
}

const struct ward_cmd ward_cmd_version = {
	.name = "version", .summary = "print version information",
	.run = version_run, .help = version_help,
};
