// SPDX-License-Identifier: Apache-2.0
/*
 * ward rules: validate rule files (every error with file:line:column, exit 1 on errors) and
 * list the rules a set defines. Loading and compiling are the rules engine's (src/rules);
 * this file only parses options and prints. Hot reload is the agent's (SIGHUP).
 */
#include "agent/agent.h"
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/jsonw.h"
#include "common/limits.h"
#include "rules/rules.h"

static void rules_help(FILE *out)
{
	fprintf(out,
		"Usage: ward rules validate [--json] FILE|DIR...\n"
		"       ward rules list [--json] [FILE|DIR...]\n"
		"       ward rules reload [--pidfile FILE]\n"
		"\n"
		"Falco-compatible rule files: rules, macros, lists, exceptions, append and\n"
		"override. Directories contribute their *.yaml and *.yml files in name order;\n"
		"later files append to or override earlier ones.\n"
		"\n"
		"  validate   load and compile; print errors and warnings with file:line:column\n"
		"             and a summary. Exit 1 when there is any error, else 0. With --json,\n"
		"             \"budgets\" gives each compile budget's use and limit.\n"
		"  list       print each rule: name, priority, enabled, tags, actions. Without\n"
		"             files, uses config key rules.files, else the default rules directory\n"
		"             (%s).\n"
		"  reload     ask the running agent to load its rules again (SIGHUP to the pid in\n"
		"             config agent.pidfile, only if that pid holds the pidfile's lock and\n"
		"             runs ward; a stale pidfile is an error). A set with errors is rejected\n"
		"             by the agent and the running rules stay; see the agent's log.\n"
		"\n"
		"Options:\n"
		"  --json     machine-readable output\n"
		"  -h, --help this text\n"
		"\n"
		"Examples:\n"
		"  ward rules validate /etc/ward/rules.d/ my_rules.yaml\n"
		"  ward rules list --json\n"
		"  ward rules reload\n",
		ward_rules_default_paths());
}

static void print_json(struct ward_buf *b)
{
	fwrite(b->data, 1, b->len, stdout);
	fputc('\n', stdout);
}

static void report_json(struct ward_jw *w, const struct ward_rules_report *rep, bool errors)
{
	ward_jw_key(w, errors ? "errors" : "warnings");
	ward_jw_arr_begin(w);
	for (size_t i = 0; i < rep->msgs_cnt; i++) {
		const struct ward_rules_msg *m = &rep->msgs[i];

		if (m->is_error != errors)
			continue;
		ward_jw_obj_begin(w);
		ward_jw_kstr(w, "file", m->d.file);
		ward_jw_kint(w, "line", m->d.line);
		ward_jw_kint(w, "column", m->d.column);
		ward_jw_kstr(w, "message", m->d.msg);
		ward_jw_obj_end(w);
	}
	ward_jw_arr_end(w);
}

static void budget_json(struct ward_jw *w, const char *name, uint64_t used, uint64_t limit)
{
	ward_jw_key(w, name);
	ward_jw_obj_begin(w);
	ward_jw_kuint(w, "used", used);
	ward_jw_kuint(w, "limit", limit);
	ward_jw_obj_end(w);
}

/* Each compile budget's use next to its limit (docs/rules.md, "Budgets"): the headroom a
 * rule set has before a load fails on it. */
static void budgets_json(struct ward_jw *w, const struct ward_rules_budget_use *u)
{
	ward_jw_key(w, "budgets");
	ward_jw_obj_begin(w);
	budget_json(w, "yaml_alias_nodes", u->yaml_alias_nodes, WARD_RULES_MAX_YAML_ALIAS_NODES);
	budget_json(w, "loaded_items", u->loaded_items, WARD_RULES_MAX_LOADED_ITEMS);
	budget_json(w, "rule_nodes", u->rule_nodes, WARD_RULES_MAX_RULE_NODES);
	budget_json(w, "set_nodes", u->set_nodes, WARD_RULES_MAX_SET_NODES);
	budget_json(w, "set_values", u->set_values, WARD_RULES_MAX_SET_VALUES);
	budget_json(w, "compile_ms", u->compile_ms, (uint64_t)WARD_RULES_MAX_COMPILE_SECS * 1000u);
	ward_jw_obj_end(w);
}

static int parse_opts(const char *cmd, int argc, char **argv, bool *json)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' }, { 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "+j", opts, NULL)) != -1) {
		if (c != 'j')
			return ward_cli_usage_error("rules", "%s: unknown option", cmd);
		*json = true;
	}
	return 0;
}

static int do_validate(int argc, char **argv)
{
	struct ward_rules_report rep;
	struct ward_ruleset *rs = NULL;
	bool json = false;
	int rc;

	if (parse_opts("validate", argc, argv, &json))
		return WARD_EXIT_USAGE;
	if (optind >= argc)
		return ward_cli_usage_error("rules", "validate needs at least one FILE or DIR");
	rc = ward_rules_load((const char *const *)argv + optind, (size_t)(argc - optind), NULL, &rep, &rs);
	if (rc < 0) {
		fprintf(stderr, "ward rules validate: %s\n", ward_strerror(rc));
		return WARD_EXIT_ERR;
	}
	if (json) {
		struct ward_buf b;
		struct ward_jw w;

		ward_buf_init(&b, 0);
		ward_jw_init(&w, &b);
		ward_jw_obj_begin(&w);
		ward_jw_kbool(&w, "ok", rep.errors == 0);
		ward_jw_kuint(&w, "files", rep.files);
		ward_jw_kuint(&w, "rules", rep.rules);
		ward_jw_kuint(&w, "rules_compiled", rep.rules_compiled);
		ward_jw_kuint(&w, "macros", rep.macros);
		ward_jw_kuint(&w, "lists", rep.lists);
		ward_jw_kuint(&w, "error_count", rep.errors);
		ward_jw_kuint(&w, "warning_count", rep.warnings);
		budgets_json(&w, &rep.used);
		report_json(&w, &rep, true);
		report_json(&w, &rep, false);
		ward_jw_obj_end(&w);
		print_json(&b);
		ward_buf_free(&b);
	} else {
		for (size_t i = 0; i < rep.msgs_cnt; i++) {
			const struct ward_rules_msg *m = &rep.msgs[i];
			struct ward_diag d = m->d;
			char line[1024];

			snprintf(d.msg, sizeof(d.msg), "%s: %s", m->is_error ? "error" : "warning", m->d.msg);
			printf("%s\n", ward_diag_format(&d, line, sizeof(line)));
		}
		if (rep.errors + rep.warnings > rep.msgs_cnt)
			printf("(%zu more messages not shown)\n", rep.errors + rep.warnings - rep.msgs_cnt);
		printf("%zu rules, %zu macros, %zu lists loaded from %zu files (%zu rules compiled); %zu errors, %zu warnings\n",
		       rep.rules, rep.macros, rep.lists, rep.files, rep.rules_compiled, rep.errors, rep.warnings);
	}
	rc = rep.errors ? WARD_EXIT_ERR : WARD_EXIT_OK;
	ward_rules_report_free(&rep);
	ward_rules_free(rs);
	return rc;
}

static int do_list(struct ward_ctx *ctx, int argc, char **argv)
{
	struct ward_rules_report rep;
	struct ward_ruleset *rs = NULL;
	const char *const *paths;
	const char *def;
	size_t cnt;
	bool json = false;
	int rc;

	if (parse_opts("list", argc, argv, &json))
		return WARD_EXIT_USAGE;
	if (optind < argc) {
		paths = (const char *const *)argv + optind;
		cnt = (size_t)(argc - optind);
	} else {
		paths = ward_config_list(ctx->cfg, "rules.files", &cnt);
		if (!cnt) {
			def = ward_rules_default_paths();
			paths = &def;
			cnt = 1;
		}
	}
	rc = ward_rules_load(paths, cnt, NULL, &rep, &rs);
	if (rc < 0) {
		fprintf(stderr, "ward rules list: %s\n", ward_strerror(rc));
		return WARD_EXIT_ERR;
	}
	if (rep.errors)
		fprintf(stderr, "ward rules list: %zu errors while loading (run 'ward rules validate' for details)\n",
			rep.errors);
	if (json) {
		struct ward_buf b;
		struct ward_jw w;

		ward_buf_init(&b, 0);
		ward_jw_init(&w, &b);
		ward_jw_arr_begin(&w);
		for (size_t i = 0; i < ward_rules_count(rs); i++) {
			const struct ward_rule_info *r = ward_rules_get(rs, i);

			ward_jw_obj_begin(&w);
			ward_jw_kstr(&w, "name", r->name);
			ward_jw_kstr(&w, "priority", ward_priority_name(r->priority));
			ward_jw_kbool(&w, "enabled", r->enabled);
			ward_jw_kbool(&w, "compiled", r->compiled);
			ward_jw_kstr(&w, "source", r->source);
			ward_jw_key(&w, "tags");
			ward_jw_arr_begin(&w);
			for (size_t t = 0; t < r->tags_cnt; t++)
				ward_jw_str(&w, r->tags[t]);
			ward_jw_arr_end(&w);
			ward_jw_key(&w, "actions");
			ward_jw_arr_begin(&w);
			for (unsigned a = 0; a < WARD_ACT_CNT; a++)
				if (r->actions & (1u << a))
					ward_jw_str(&w, ward_rule_action_name(1u << a));
			ward_jw_arr_end(&w);
			ward_jw_kstr(&w, "file", r->file ? r->file : "");
			ward_jw_kint(&w, "line", r->line);
			ward_jw_obj_end(&w);
		}
		ward_jw_arr_end(&w);
		print_json(&b);
		ward_buf_free(&b);
	} else {
		printf("%-50s %-13s %-7s %-20s %s\n", "RULE", "PRIORITY", "ENABLED", "ACTIONS", "TAGS");
		for (size_t i = 0; i < ward_rules_count(rs); i++) {
			const struct ward_rule_info *r = ward_rules_get(rs, i);
			char acts[64] = "-", tags[512] = "";
			size_t o = 0;

			for (unsigned a = 0; a < WARD_ACT_CNT; a++)
				if (r->actions & (1u << a))
					o += (size_t)snprintf(acts + o, sizeof(acts) - o, "%s%s", o ? "," : "",
							      ward_rule_action_name(1u << a));
			o = 0;
			for (size_t t = 0; t < r->tags_cnt && o < sizeof(tags) - 1; t++)
				o += (size_t)snprintf(tags + o, sizeof(tags) - o, "%s%s", t ? "," : "", r->tags[t]);
			printf("%-50s %-13s %-7s %-20s %s\n", r->name, ward_priority_name(r->priority),
			       !r->compiled && strcmp(r->source, "syscall") == 0 ? "error" : r->enabled ? "yes" : "no",
			       acts, tags);
		}
	}
	ward_rules_report_free(&rep);
	ward_rules_free(rs);
	return WARD_EXIT_OK;
}

static int do_reload(struct ward_ctx *ctx, int argc, char **argv)
{
	const char *pidfile = ward_config_str(ctx->cfg, "agent.pidfile");
	char msg[512];

	if (argc == 3 && strcmp(argv[1], "--pidfile") == 0)
		pidfile = argv[2];
	else if (argc != 1)
		return ward_cli_usage_error("rules", "reload takes only --pidfile FILE");
	if (ward_agent_request_reload(pidfile, msg, sizeof(msg))) {
		fprintf(stderr, "ward rules reload: %s\n", msg);
		return WARD_EXIT_ERR;
	}
	printf("%s\n", msg);
	return WARD_EXIT_OK;
}

static int rules_run(struct ward_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return ward_cli_usage_error("rules", "expected a subcommand: validate, list or reload");
	/* the subcommand becomes argv[0] for getopt */
	argc--;
	argv++;
	optind = 1;
	if (strcmp(argv[0], "validate") == 0)
		return do_validate(argc, argv);
	if (strcmp(argv[0], "list") == 0)
		return do_list(ctx, argc, argv);
	if (strcmp(argv[0], "reload") == 0)
		return do_reload(ctx, argc, argv);
	return ward_cli_usage_error("rules", "unknown subcommand '%s' (expected validate, list or reload)", argv[0]);
}

const struct ward_cmd ward_cmd_rules = {
	.name = "rules", .summary = "validate, list and reload detection rules",
	.run = rules_run, .help = rules_help,
};
