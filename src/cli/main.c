// SPDX-License-Identifier: Apache-2.0
/* ward: entry point. Parses global options, loads the config and dispatches a subcommand. */
#include "cli/cli.h"
#include "common/log.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const struct ward_cmd *const commands[] = {
	&ward_cmd_agent, &ward_cmd_trace, &ward_cmd_rules, &ward_cmd_respond,
	&ward_cmd_forensics, &ward_cmd_fim, &ward_cmd_scan, &ward_cmd_db,
	&ward_cmd_config, &ward_cmd_doctor, &ward_cmd_version,
};
#define COMMANDS_CNT (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ward [-c FILE] [--log-level LEVEL] <command> [options]\n"
		"\n"
		"Cloud workload protection: runtime detection and response, file integrity,\n"
		"vulnerability and secret scanning.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < COMMANDS_CNT; i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out,
		"\n"
		"Global options:\n"
		"  -c, --config FILE     config file (default " WARD_CONFIG_DEFAULT_PATH ")\n"
		"      --log-level LEVEL error, warn, info or debug\n"
		"  -h, --help            this help; 'ward <command> --help' for a command\n"
		"  -V, --version         print the version\n"
		"\n"
		"Exit codes: 0 ok, 1 error (or findings, where a command says so), 2 usage.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct ward_ctx ctx = { .argv0 = argv[0] };
	const char *cfg_path = NULL, *level = NULL;
	enum ward_log_level lvl;
	struct ward_diag diag = { 0 };
	char msg[1024];
	int c, rc;

	/* '+' stops at the first non-option: the subcommand owns the rest */
	while ((c = getopt_long(argc, argv, "+c:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cfg_path = optarg; break;
		case 'L': level = optarg; break;
		case 'h': usage(stdout); return WARD_EXIT_OK;
		case 'V': printf("ward %s\n", WARD_VERSION); return WARD_EXIT_OK;
		default: usage(stderr); return WARD_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return WARD_EXIT_USAGE;
	}
	const struct ward_cmd *cmd = NULL;
	for (size_t i = 0; i < COMMANDS_CNT; i++)
		if (strcmp(argv[optind], commands[i]->name) == 0)
			cmd = commands[i];
	if (!cmd) {
		fprintf(stderr, "ward: unknown command '%s'. Try 'ward --help'.\n", argv[optind]);
		return WARD_EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	if (ward_cli_wants_help(argc, argv)) {
		cmd->help(stdout);
		return WARD_EXIT_OK;
	}

	rc = ward_config_load(cfg_path ? cfg_path : WARD_CONFIG_DEFAULT_PATH, cfg_path != NULL,
			      &ctx.cfg, &diag);
	if (rc) {
		fprintf(stderr, "ward: config error: %s\n", ward_diag_format(&diag, msg, sizeof(msg)));
		return WARD_EXIT_ERR;
	}
	ctx.cfg_path = ward_config_path(ctx.cfg);
	if (!level)
		level = ward_config_str(ctx.cfg, "log.level");
	if (ward_log_parse_level(level, &lvl)) {
		fprintf(stderr, "ward: unknown log level '%s' (error, warn, info, debug)\n", level);
		ward_config_free(ctx.cfg);
		return WARD_EXIT_USAGE;
	}
	ward_log_set_level(lvl);

	optind = 0; /* reset getopt for the subcommand (0 also re-reads GNU extensions) */
	rc = cmd->run(&ctx, argc, argv);
	ward_config_free(ctx.cfg);
	return rc;
}
