// SPDX-License-Identifier: Apache-2.0
/* ward config: check a config file, or print every key with its default and meaning. */
#include "cli/cli.h"

#include <getopt.h>
#include <string.h>

static void config_help(FILE *out)
{
	fprintf(out,
		"Usage: ward [-c FILE] config [--defaults]\n"
		"\n"
		"Checks the config file (errors name the file, line and key) and prints the\n"
		"effective values. --defaults prints every key with its default and meaning.\n"
		"\n"
		"Example:\n"
		"  ward -c /etc/ward/ward.yaml config\n");
}

static int config_run(struct ward_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "defaults", no_argument, NULL, 'd' }, { 0 } };
	int c, defaults = 0;

	while ((c = getopt_long(argc, argv, "d", opts, NULL)) != -1) {
		if (c != 'd')
			return ward_cli_usage_error("config", "unknown option");
		defaults = 1;
	}
	if (optind < argc)
		return ward_cli_usage_error("config", "unexpected argument '%s'", argv[optind]);
	if (!defaults)
		printf("# %s: ok\n", ctx->cfg_path[0] ? ctx->cfg_path : "(defaults)");
	for (size_t i = 0; i < ward_cfg_keys_cnt; i++) {
		const struct ward_cfg_key *k = &ward_cfg_keys[i];

		if (defaults) {
			printf("%-28s %-5s %-24s %s\n", k->key,
			       k->type == WARD_CFG_STR ? "str" : k->type == WARD_CFG_INT ? "int" :
			       k->type == WARD_CFG_BOOL ? "bool" : "list",
			       k->def[0] ? k->def : "\"\"", k->help);
			continue;
		}
		switch (k->type) {
		case WARD_CFG_STR: printf("%s: %s\n", k->key, ward_config_str(ctx->cfg, k->key)); break;
		case WARD_CFG_INT: printf("%s: %lld\n", k->key, (long long)ward_config_int(ctx->cfg, k->key)); break;
		case WARD_CFG_BOOL: printf("%s: %s\n", k->key, ward_config_bool(ctx->cfg, k->key) ? "true" : "false"); break;
		case WARD_CFG_LIST: {
			size_t n;
			const char *const *items = ward_config_list(ctx->cfg, k->key, &n);

			/* webhook header values are usually credentials: show names only, since
			 * this output ends up in bug reports */
			bool is_secret = strcmp(k->key, "outputs.webhook.headers") == 0;

			printf("%s: [", k->key);
			for (size_t j = 0; j < n; j++) {
				if (is_secret)
					printf("%s%.*s: ***", j ? ", " : "",
					       (int)strcspn(items[j], ":\r\n"), items[j]);
				else
					printf("%s%s", j ? ", " : "", items[j]);
			}
			printf("]\n");
			break;
		}
		}
	}
	return WARD_EXIT_OK;
}

const struct ward_cmd ward_cmd_config = {
	.name = "config", .summary = "check the config file and print effective settings",
	.run = config_run, .help = config_help,
};
