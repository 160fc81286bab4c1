// SPDX-License-Identifier: Apache-2.0
/*
 * ward fim: file integrity monitoring. Parses options for the subcommands (init, check,
 * diff, accept, watch, drift), builds the policy from config plus command-line overrides
 * and hands off to src/fim/. Exit codes for every subcommand: 0 nothing changed,
 * 1 changes found, 2 error (usage, I/O, a modified baseline, files that could not be read).
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/xalloc.h"
#include "fim/check.h"
#include "fim/drift.h"
#include "fim/policy.h"
#include "fim/watch.h"
#include "fim/watch_alert.h"

#define FIM_EXIT_CHANGES 1
#define FIM_EXIT_ERROR 2

static void fim_help(FILE *out)
{
	fprintf(out,
		"Usage: ward fim <subcommand> [options]\n"
		"\n"
		"File integrity monitoring: a tamper-evident baseline (SQLite + HMAC-SHA256),\n"
		"fast checks, real-time changes with who did them, and container drift.\n"
		"\n"
		"Subcommands:\n"
		"  init              record the baseline of the configured paths (creates the key\n"
		"                    file, mode 0600, when missing)\n"
		"  check [--full]    report files added, removed or changed since the baseline\n"
		"  diff [--full]     like check, with old -> new values of each changed attribute\n"
		"  accept PATH...    fold the current state of PATH (and below) into the baseline\n"
		"  watch             report changes as they happen (fanotify), with the process,\n"
		"                    user and container that made them\n"
		"  drift             report files a running container added, changed or deleted\n"
		"                    in its writable layer, new executables in particular\n"
		"\n"
		"Options (init, check, diff, accept, watch):\n"
		"  --db FILE           baseline database (fim.db)\n"
		"  --key FILE          HMAC key file (fim.key)\n"
		"  --path 'PATH [SPEC]'  watch PATH with attribute SPEC; repeatable; replaces fim.paths\n"
		"  --exclude GLOB      skip paths matching GLOB (fnmatch, '*' crosses '/'); repeatable\n"
		"  --group SPEC        attributes for paths without a spec (fim.group, default R)\n"
		"  --hash ALG          sha256 (default) or sha512 (fim.hash)\n"
		"  --threads N         worker threads for lstat, reading and hashing (default: 2 per CPU)\n"
		"  --full              check/diff: re-read files whose inode, size, mtime, ctime match\n"
		"  --json              one JSON document instead of text\n"
		"\n"
		"Options (watch):\n"
		"  --window MS         changes to one path within MS are one event (fim.watch_window_ms)\n"
		"  --count N           exit after N events (0: run until interrupted)\n"
		"  --timeout SEC       exit after SEC seconds\n"
		"  --alerts            send events through the alert pipeline (outputs.* in the\n"
		"                      config: stdout, file, syslog, webhook) instead of printing\n"
		"  --no-sensor         who-data from /proc only (default: joined with the eBPF\n"
		"                      sensor's syscall events when it loads, which names writers\n"
		"                      that already exited; WARD_REQUIRE_BPF=1 makes it mandatory)\n"
		"\n"
		"Options (drift):\n"
		"  --container ID      one container (full id or unique prefix)\n"
		"  --pid PID           the container (or chroot) that process PID runs in\n"
		"  --all               every running container (default)\n"
		"  --json              JSON output\n"
		"\n"
		"Attribute specs, as in AIDE: terms joined by '+' (add) or '-' (remove):\n"
		"  p perms  i inode  n link count  u uid  g gid  s size  m mtime  c ctime\n"
		"  l symlink target  x (xattrs) extended attributes  acl  ftype  sha256  sha512\n"
		"  groups: R = p+ftype+i+n+u+g+s+m+c+l+x+acl+<hash>  L = p+ftype+i+n+u+g+l+x+acl\n"
		"          E = ftype  H = ftype+<hash>;  more with fim.groups: [\"NAME=SPEC\"]\n"
		"\n"
		"Exit codes: 0 no change, 1 changes, 2 error (ward fim uses 2 for every error,\n"
		"including a modified baseline and files that could not be read).\n"
		"\n"
		"Examples:\n"
		"  ward fim init --db /tmp/b.db --key /tmp/b.key --path /etc --path '/usr/bin R-m'\n"
		"  ward fim check --db /tmp/b.db --key /tmp/b.key --path /etc --path '/usr/bin R-m'\n"
		"  ward fim diff --json\n"
		"  ward fim accept /etc/hosts /etc/ssh\n"
		"  ward fim watch --path /etc --json\n"
		"  ward fim drift --all --json\n");
}

enum {
	OPT_DB = 256, OPT_KEY, OPT_PATH, OPT_EXCLUDE, OPT_GROUP, OPT_HASH, OPT_THREADS, OPT_FULL,
	OPT_JSON, OPT_WINDOW, OPT_COUNT, OPT_TIMEOUT, OPT_CONTAINER, OPT_PID, OPT_ALL, OPT_ALERTS, OPT_NO_SENSOR,
};

struct fim_args {
	const char *db, *key, *group, *hash, *container;
	const char **paths, **excludes;
	size_t paths_cnt, excludes_cnt;
	long threads, window_ms, count, timeout, pid;
	bool is_full, is_json, is_all, is_alerts, is_no_sensor;
};

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_args(const char *sub, int argc, char **argv, struct fim_args *a)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "path", required_argument, NULL, OPT_PATH },
		{ "exclude", required_argument, NULL, OPT_EXCLUDE },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "hash", required_argument, NULL, OPT_HASH },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "full", no_argument, NULL, OPT_FULL },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "container", required_argument, NULL, OPT_CONTAINER },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "alerts", no_argument, NULL, OPT_ALERTS },
		{ "no-sensor", no_argument, NULL, OPT_NO_SENSOR },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char cmd[32];
	int c;

	snprintf(cmd, sizeof(cmd), "fim %s", sub);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: a->db = optarg; break;
		case OPT_KEY: a->key = optarg; break;
		case OPT_PATH:
			a->paths = ward_xreallocarray(a->paths, a->paths_cnt + 1, sizeof(char *));
			a->paths[a->paths_cnt++] = optarg;
			break;
		case OPT_EXCLUDE:
			a->excludes = ward_xreallocarray(a->excludes, a->excludes_cnt + 1, sizeof(char *));
			a->excludes[a->excludes_cnt++] = optarg;
			break;
		case OPT_GROUP: a->group = optarg; break;
		case OPT_HASH: a->hash = optarg; break;
		case OPT_THREADS:
			if (parse_long(optarg, 1, 64, &a->threads))
				return ward_cli_usage_error(cmd, "--threads wants 1..64, not '%s'", optarg);
			break;
		case OPT_FULL: a->is_full = true; break;
		case OPT_JSON: a->is_json = true; break;
		case OPT_WINDOW:
			if (parse_long(optarg, 0, 3600000, &a->window_ms))
				return ward_cli_usage_error(cmd, "--window wants milliseconds, not '%s'", optarg);
			break;
		case OPT_COUNT:
			if (parse_long(optarg, 0, LONG_MAX, &a->count))
				return ward_cli_usage_error(cmd, "--count wants a number, not '%s'", optarg);
			break;
		case OPT_TIMEOUT:
			if (parse_long(optarg, 0, 86400 * 365, &a->timeout))
				return ward_cli_usage_error(cmd, "--timeout wants seconds, not '%s'", optarg);
			break;
		case OPT_CONTAINER: a->container = optarg; break;
		case OPT_PID:
			if (parse_long(optarg, 1, INT_MAX, &a->pid))
				return ward_cli_usage_error(cmd, "--pid wants a process id, not '%s'", optarg);
			break;
		case OPT_ALL: a->is_all = true; break;
		case OPT_ALERTS: a->is_alerts = true; break;
		case OPT_NO_SENSOR: a->is_no_sensor = true; break;
		case 'h': fim_help(stdout); return -1;
		default: return ward_cli_usage_error(cmd, "unknown option");
		}
	}
	return 0;
}

static int build_policy(struct ward_ctx *ctx, const struct fim_args *a,
			struct ward_fim_policy **out)
{
	struct ward_fim_policy_src src = { 0 };
	struct ward_diag diag = { 0 };
	char msg[1024];
	int err;

	if (a->paths_cnt) {
		src.paths = a->paths;
		src.paths_cnt = a->paths_cnt;
	} else {
		src.paths = ward_config_list(ctx->cfg, "fim.paths", &src.paths_cnt);
	}
	if (a->excludes_cnt) {
		src.excludes = a->excludes;
		src.excludes_cnt = a->excludes_cnt;
	} else {
		src.excludes = ward_config_list(ctx->cfg, "fim.exclude", &src.excludes_cnt);
	}
	src.groups = ward_config_list(ctx->cfg, "fim.groups", &src.groups_cnt);
	src.default_group = a->group ? a->group : ward_config_str(ctx->cfg, "fim.group");
	src.hash = a->hash ? a->hash : ward_config_str(ctx->cfg, "fim.hash");
	err = ward_fim_policy_new(&src, out, &diag);
	if (err) {
		if (!diag.file[0])
			snprintf(diag.file, sizeof(diag.file), "%s",
				 a->paths_cnt || a->excludes_cnt || a->group || a->hash ?
				 "command line" : ctx->cfg_path ? ctx->cfg_path : "config");
		fprintf(stderr, "ward fim: %s\n", ward_diag_format(&diag, msg, sizeof(msg)));
	}
	return err;
}

/* accept PATH...: absolute paths without trailing '/', no "." or ".." parts */
static int check_scope(const char *p)
{
	size_t n = strlen(p);

	if (n == 0 || p[0] != '/' || n >= WARD_FIM_PATH_MAX || strstr(p, "/./") ||
	    strstr(p, "/../") || strstr(p, "//") ||
	    (n >= 2 && strcmp(p + n - 2, "/.") == 0) || (n >= 3 && strcmp(p + n - 3, "/..") == 0) ||
	    (n > 1 && p[n - 1] == '/'))
		return -EINVAL;
	return 0;
}

static int run_scan(struct ward_ctx *ctx, const char *sub, int argc, char **argv,
		    enum ward_fim_mode mode, bool detail)
{
	struct fim_args a = { 0 };
	struct ward_fim_policy *pol = NULL;
	struct ward_fim_summary sum;
	struct ward_diag diag = { 0 };
	char msg[1024];
	int rc = parse_args(sub, argc, argv, &a);

	if (rc)
		goto out_args;
	if (mode == WARD_FIM_ACCEPT && optind >= argc) {
		rc = ward_cli_usage_error("fim accept", "name at least one PATH to accept");
		goto out_args;
	}
	if (mode != WARD_FIM_ACCEPT && optind < argc) {
		rc = ward_cli_usage_error("fim", "%s takes no arguments ('%s')", sub, argv[optind]);
		goto out_args;
	}
	for (int i = optind; i < argc; i++) {
		if (check_scope(argv[i])) {
			rc = ward_cli_usage_error("fim accept",
						  "'%s': give absolute, normalized paths", argv[i]);
			goto out_args;
		}
	}
	if (build_policy(ctx, &a, &pol)) {
		rc = FIM_EXIT_ERROR;
		goto out_args;
	}
	struct ward_fim_run_opts o = {
		.mode = mode, .policy = pol,
		.db_path = a.db ? a.db : ward_config_str(ctx->cfg, "fim.db"),
		.key_path = a.key ? a.key : ward_config_str(ctx->cfg, "fim.key"),
		.is_full = a.is_full, .is_json = a.is_json, .is_detail = detail,
		.hashers = (int)a.threads, .out = stdout,
		.scopes = (const char *const *)(argv + optind),
		.scopes_cnt = mode == WARD_FIM_ACCEPT ? (size_t)(argc - optind) : 0,
	};
	rc = ward_fim_run(&o, &sum, &diag);
	fflush(stdout);
	if (rc < 0) {
		fprintf(stderr, "ward fim %s: %s\n", sub, ward_diag_format(&diag, msg, sizeof(msg)));
		rc = FIM_EXIT_ERROR;
	} else if (sum.errors) {
		fprintf(stderr, "ward fim %s: %llu file(s) could not be read (listed above)\n", sub,
			(unsigned long long)sum.errors);
		rc = FIM_EXIT_ERROR;
	} else if (mode == WARD_FIM_INIT || mode == WARD_FIM_ACCEPT) {
		rc = 0;
	} else {
		rc = rc ? FIM_EXIT_CHANGES : 0;
	}
	ward_fim_policy_free(pol);
out_args:
	free(a.paths);
	free(a.excludes);
	return rc < 0 ? WARD_EXIT_OK : rc; /* -1: --help was printed */
}

static void emit_alert(const struct ward_fim_event *ev, void *arg)
{
	ward_fim_event_emit(arg, ev);
}

static int run_watch(struct ward_ctx *ctx, int argc, char **argv)
{
	struct ward_alerts *alerts = NULL;
	struct fim_args a = { .window_ms = -1 };
	struct ward_fim_policy *pol = NULL;
	struct ward_diag diag = { 0 };
	char msg[1024];
	int rc = parse_args("watch", argc, argv, &a);

	if (rc)
		goto out;
	if (optind < argc) {
		rc = ward_cli_usage_error("fim watch", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (build_policy(ctx, &a, &pol)) {
		rc = FIM_EXIT_ERROR;
		goto out;
	}
	if (a.is_alerts && ward_alerts_setup(ctx->cfg, &alerts, &diag)) {
		fprintf(stderr, "ward fim watch: %s\n", ward_diag_format(&diag, msg, sizeof(msg)));
		rc = FIM_EXIT_ERROR;
		goto out;
	}
	/* who-data needs the eBPF sensor; the fallback backend would be a second fanotify
	 * listener with less to say than /proc */
	ward_config_set(ctx->cfg, "sensor.backend", "bpf");
	const char *req = getenv("WARD_REQUIRE_BPF");
	struct ward_fim_watch_opts o = {
		.policy = pol, .is_json = a.is_json, .cfg = ctx->cfg, .no_sensor = a.is_no_sensor,
		.require_sensor = req && strcmp(req, "1") == 0 && !a.is_no_sensor,
		.on_event = alerts ? emit_alert : NULL, .arg = alerts,
		.window_ms = a.window_ms >= 0 ? a.window_ms :
			     ward_config_int(ctx->cfg, "fim.watch_window_ms"),
		.max_events = (uint64_t)a.count, .timeout_s = a.timeout,
		.out = alerts ? NULL : stdout,
	};
	uint64_t n = 0;
	rc = ward_fim_watch(&o, &n, &diag);
	if (rc < 0) {
		fprintf(stderr, "ward fim watch: %s\n", ward_diag_format(&diag, msg, sizeof(msg)));
		rc = FIM_EXIT_ERROR;
	} else {
		rc = n ? FIM_EXIT_CHANGES : 0;
	}
out:
	ward_alerts_shutdown(alerts);
	ward_fim_policy_free(pol);
	free(a.paths);
	free(a.excludes);
	return rc < 0 ? WARD_EXIT_OK : rc;
}

static int run_drift(struct ward_ctx *ctx, int argc, char **argv)
{
	struct fim_args a = { 0 };
	struct ward_diag diag = { 0 };
	char msg[1024];
	int rc = parse_args("drift", argc, argv, &a);

	if (rc)
		goto out;
	if (optind < argc) {
		rc = ward_cli_usage_error("fim drift", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if ((a.container != NULL) + (a.pid != 0) + a.is_all > 1) {
		rc = ward_cli_usage_error("fim drift", "give one of --container, --pid and --all");
		goto out;
	}
	struct ward_fim_drift_opts o = {
		.container = a.container, .pid = (int)a.pid, .is_json = a.is_json, .out = stdout,
	};
	struct ward_fim_drift_summary sum = { 0 };
	rc = ward_fim_drift(&o, &sum, &diag);
	if (rc < 0) {
		fprintf(stderr, "ward fim drift: %s\n", ward_diag_format(&diag, msg, sizeof(msg)));
		rc = FIM_EXIT_ERROR;
	} else {
		rc = sum.added + sum.changed + sum.deleted ? FIM_EXIT_CHANGES : 0;
	}
out:
	return rc < 0 ? WARD_EXIT_OK : rc;
}

static int fim_run(struct ward_ctx *ctx, int argc, char **argv)
{
	const char *sub;

	if (argc < 2)
		return ward_cli_usage_error("fim", "name a subcommand: init, check, diff, accept, "
					    "watch or drift");
	sub = argv[1];
	/* the subcommand becomes argv[0] for getopt */
	argc--;
	argv++;
	optind = 0;
	if (strcmp(sub, "init") == 0)
		return run_scan(ctx, sub, argc, argv, WARD_FIM_INIT, false);
	if (strcmp(sub, "check") == 0)
		return run_scan(ctx, sub, argc, argv, WARD_FIM_CHECK, false);
	if (strcmp(sub, "diff") == 0)
		return run_scan(ctx, sub, argc, argv, WARD_FIM_CHECK, true);
	if (strcmp(sub, "accept") == 0)
		return run_scan(ctx, sub, argc, argv, WARD_FIM_ACCEPT, false);
	if (strcmp(sub, "watch") == 0)
		return run_watch(ctx, argc, argv);
	if (strcmp(sub, "drift") == 0)
		return run_drift(ctx, argc, argv);
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		fim_help(stdout);
		return WARD_EXIT_OK;
	}
	return ward_cli_usage_error("fim", "unknown subcommand '%s'", sub);
}

const struct ward_cmd ward_cmd_fim = {
	.name = "fim", .summary = "file integrity monitoring: init, check, diff, accept, watch, drift",
	.run = fim_run, .help = fim_help,
};
