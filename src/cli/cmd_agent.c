// SPDX-License-Identifier: Apache-2.0
/* ward agent: the runtime agent (sensor + rules + alerts), live or on a recorded capture. */
#include "agent/agent.h"
#include "cli/cli.h"
#include "common/xalloc.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RULE_PATHS 64

static void agent_help(FILE *out)
{
	fprintf(out,
		"Usage: ward agent [options]\n"
		"\n"
		"Watches the host and its containers with the eBPF sensor, evaluates the rules\n"
		"(Falco-compatible) and sends alerts to the configured outputs (stdout by default;\n"
		"file, syslog, webhook, Prometheus metrics: see docs/config.md).\n"
		"\n"
		"Options:\n"
		"  -r, --rules PATH        rule file or directory (repeatable; default: config\n"
		"                          rules.files, else the built-in ruleset)\n"
		"      --replay FILE       evaluate a capture (ward trace --write) instead of the\n"
		"                          live sensor, then exit\n"
		"  -w, --write FILE        also record the live event stream to a capture file\n"
		"  -j, --json              alerts on stdout as JSON lines (Falco's format)\n"
		"      --min-priority P    drop alerts below P (Emergency..Debug)\n"
		"  -d, --duration SECS     stop after this many seconds\n"
		"      --pidfile FILE      pidfile and single-instance lock (default: config\n"
		"                          agent.pidfile; replays take one only when given)\n"
		"      --allow-partial-rules\n"
		"                          start (and reload) even when some rules or files fail,\n"
		"                          with the rules that compile (config rules.allow_partial);\n"
		"                          without it any rule error refuses the start (exit 1)\n"
		"\n"
		"The agent refuses to start (exit 1, naming each failed file and rule) when a rule\n"
		"file fails to load or a rule fails to compile, and always when no rule compiles.\n"
		"\n"
		"Signals: SIGHUP reloads the rules: they compile in the background while the running\n"
		"rules keep alerting, and are swapped in when ready (a set the start would refuse is\n"
		"rejected and the running one stays); SIGUSR1 prints counters; SIGINT/SIGTERM stop.\n"
		"\n"
		"Examples:\n"
		"  ward agent\n"
		"  ward agent --json -r /etc/falco/falco_rules.yaml -r /etc/ward/rules.d\n"
		"  ward agent --replay /tmp/incident.cap --json\n");
}

static int agent_run(struct ward_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "replay", required_argument, NULL, 'R' },
		{ "write", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "min-priority", required_argument, NULL, 'P' },
		{ "duration", required_argument, NULL, 'd' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "allow-partial-rules", no_argument, NULL, 'A' },
		{ 0 },
	};
	const char *paths[MAX_RULE_PATHS];
	struct ward_agent_opts o = { .cfg = ctx->cfg, .rule_paths = paths };
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "r:w:jd:", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (o.rule_paths_cnt >= MAX_RULE_PATHS)
				return ward_cli_usage_error("agent", "at most %d --rules", MAX_RULE_PATHS);
			paths[o.rule_paths_cnt++] = optarg;
			break;
		case 'R': o.replay_path = optarg; break;
		case 'w': o.write_path = optarg; break;
		case 'j': ward_config_set(ctx->cfg, "outputs.stdout.json", "true"); break;
		case 'P':
			if (ward_config_set(ctx->cfg, "rules.min_priority", optarg))
				return ward_cli_usage_error("agent", "bad --min-priority '%s'", optarg);
			break;
		case 'd':
			o.duration_s = strtol(optarg, &end, 10);
			if (*end || o.duration_s <= 0)
				return ward_cli_usage_error("agent", "--duration wants seconds, got '%s'", optarg);
			break;
		case 'p': o.pidfile = optarg; break;
		case 'A': o.allow_partial_rules = true; break;
		default: return ward_cli_usage_error("agent", "unknown option");
		}
	}
	if (optind < argc)
		return ward_cli_usage_error("agent", "unexpected argument '%s'", argv[optind]);
	if (o.replay_path && o.write_path)
		return ward_cli_usage_error("agent", "--replay and --write cannot be combined");
	return ward_agent_run(&o) ? WARD_EXIT_ERR : WARD_EXIT_OK;
}

const struct ward_cmd ward_cmd_agent = {
	.name = "agent", .summary = "run the runtime agent: sensor, rules, alerts and response",
	.run = agent_run, .help = agent_help,
};
