/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Subcommand table. Each command lives in cmd_<name>.c and exports one struct ward_cmd.
 * Exit codes: 0 ok, 1 operational error, 2 usage error. Commands that report findings
 * (fim check, scan) document their own meanings for 1.
 */
#ifndef WARD_CLI_H
#define WARD_CLI_H

#include <stdio.h>

#include "config/config.h"

#define WARD_EXIT_OK 0
#define WARD_EXIT_ERR 1
#define WARD_EXIT_USAGE 2

struct ward_ctx {
	struct ward_config *cfg;   /* never NULL */
	const char *cfg_path;
	const char *argv0;
};

struct ward_cmd {
	const char *name;
	const char *summary;
	/* argv[0] is the command name; getopt state is reset before the call. */
	int (*run)(struct ward_ctx *ctx, int argc, char **argv);
	void (*help)(FILE *out);
};

/* Prints "ward <cmd>: msg" and a hint to --help; returns WARD_EXIT_USAGE. */
int ward_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True when argv holds -h or --help before "--". */
int ward_cli_wants_help(int argc, char **argv);

extern const struct ward_cmd ward_cmd_trace;
extern const struct ward_cmd ward_cmd_agent;
extern const struct ward_cmd ward_cmd_rules;
extern const struct ward_cmd ward_cmd_fim;
extern const struct ward_cmd ward_cmd_scan;
extern const struct ward_cmd ward_cmd_db;
extern const struct ward_cmd ward_cmd_respond;
extern const struct ward_cmd ward_cmd_forensics;
extern const struct ward_cmd ward_cmd_config;
extern const struct ward_cmd ward_cmd_version;
extern const struct ward_cmd ward_cmd_doctor;

#endif
