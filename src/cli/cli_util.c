// SPDX-License-Identifier: Apache-2.0
/* Shared helpers for subcommands. */
#include "cli/cli.h"

#include <stdarg.h>
#include <string.h>

int ward_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ward %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'ward %s --help'.\n", cmd);
	return WARD_EXIT_USAGE;
}

int ward_cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}
