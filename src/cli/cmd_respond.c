// SPDX-License-Identifier: Apache-2.0
/*
 * ward respond: manual response actions for responders. Resolves the target, applies the
 * safety policy (protected processes and containers, rate limit), runs one action from
 * src/respond and prints its action event (text or --json). `block` runs in the foreground
 * and prints each denied exec. Not the agent's rule-driven path, which calls the same library.
 */
#include "cli/cli.h"

#include "common/limits.h"
#include "common/timeutil.h"
#include "common/xalloc.h"
#include "respond/respond.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RESPOND_WAIT_MS 5000

enum action { A_KILL, A_BLOCK, A_QUARANTINE, A_RELEASE, A_FREEZE, A_THAW, A_COLLECT };

static const char *const action_names[] = { "kill", "block", "quarantine", "release",
					     "freeze", "thaw", "collect" };

struct opts {
	enum action action;
	pid_t pid;
	const char *container;
	bool dry_run, json, zstd;
	const char *out;
	const char *reason;
	struct ward_allow allow[WARD_QUARANTINE_MAX_ALLOW];
	size_t allow_cnt;
	struct { enum ward_block_kind kind; const char *what; } block[WARD_BLOCK_MAX_RULES];
	size_t block_cnt;
	const char *mounts[WARD_BLOCK_MAX_RULES];
	size_t mounts_cnt;
	long duration_s;
	long mem_mb;
};

static void respond_help(FILE *out)
{
	fprintf(out,
		"Usage: ward respond ACTION (--pid P | --container ID) [options]\n"
		"       ward respond block (--path P | --dir D | --sha256 H)... [--mount M]... [--duration S]\n"
		"\n"
		"Act on a process or a container. Every action prints an action event (what, why,\n"
		"target, result, time, latency). Targets are refused when protected: host pid 1, ward\n"
		"and its ancestors, kernel threads, names in respond.protected, containers in\n"
		"respond.protected_containers, and whole root cgroups.\n"
		"\n"
		"Actions:\n"
		"  kill        SIGKILL via pidfd; a container: every process of its cgroup (cgroup.kill)\n"
		"  freeze      stop every process of the target's cgroup (cgroup freezer); waits until frozen\n"
		"  thaw        resume a frozen cgroup\n"
		"  quarantine  cut the target's cgroup off the network (cgroup BPF, pinned under\n"
		"              " WARD_QUARANTINE_PIN_ROOT "/<cgroup-id>/), except --allow peers\n"
		"  release     undo quarantine\n"
		"  collect     write a signed forensic bundle (-o FILE); verify with 'ward forensics verify'\n"
		"  block       deny exec of files by path, directory or SHA-256 (fanotify) until\n"
		"              interrupted or --duration; prints every denial. Fail-open if ward dies.\n"
		"\n"
		"Target:\n"
		"  -p, --pid P             a process id\n"
		"  -C, --container ID      a container id or unique prefix (3+ characters)\n"
		"\n"
		"Options:\n"
		"  -n, --dry-run           print what would happen, change nothing\n"
		"  -j, --json              action events as JSON lines\n"
		"  -r, --reason TEXT       recorded in the event (default \"manual\")\n"
		"  -a, --allow PEER        quarantine: keep PEER reachable: ADDR[/LEN][:PORT] or\n"
		"                          [V6ADDR][/LEN][:PORT]; repeatable (max %d)\n"
		"  -o, --output FILE       collect: bundle to create (default ./ward-bundle-<target>-<time>.tar)\n"
		"      --zstd              collect: compress the bundle with zstd\n"
		"      --mem-mb N          collect: memory dumped in total (default respond.collect_mem_mb)\n"
		"      --path FILE         block: this file (repeatable)\n"
		"      --dir DIR           block: every file below DIR (repeatable)\n"
		"      --sha256 HEX        block: any file with this content (repeatable; needs --mount\n"
		"                          or a --path/--dir on the same mount, default: the / mount)\n"
		"      --mount PATH        block: also judge execs on the mount holding PATH\n"
		"      --duration S        block: stop after S seconds (default: until SIGINT/SIGTERM)\n"
		"\n"
		"Examples:\n"
		"  ward respond kill --pid 4242\n"
		"  ward respond kill --container 3f2a9c --dry-run\n"
		"  ward respond quarantine --container 3f2a9c --allow 10.0.0.5:8443 --json\n"
		"  ward respond release --container 3f2a9c\n"
		"  ward respond freeze --container 3f2a9c && ward respond thaw --container 3f2a9c\n"
		"  ward respond collect --container 3f2a9c -o /var/tmp/case-17.tar\n"
		"  ward respond block --dir /tmp --sha256 9f86d0...0a08 --mount / --duration 600\n"
		"\n"
		"Exit codes: 0 done, 1 refused or failed, 2 usage.\n",
		WARD_QUARANTINE_MAX_ALLOW);
}

static void emit(const struct opts *o, const struct ward_action_event *ev)
{
	struct ward_buf b;

	ward_buf_init(&b, 1u << 20);
	if (o->json ? ward_action_event_json(ev, &b) : ward_action_event_text(ev, &b)) {
		ward_buf_free(&b);
		return;
	}
	fprintf(stdout, "%s\n", b.data);
	fflush(stdout);
	ward_buf_free(&b);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	enum { O_ZSTD = 256, O_MEM, O_PATH, O_DIR, O_SHA, O_MOUNT, O_DURATION };
	static const struct option lopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "container", required_argument, NULL, 'C' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "reason", required_argument, NULL, 'r' },
		{ "allow", required_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ "zstd", no_argument, NULL, O_ZSTD },
		{ "mem-mb", required_argument, NULL, O_MEM },
		{ "path", required_argument, NULL, O_PATH },
		{ "dir", required_argument, NULL, O_DIR },
		{ "sha256", required_argument, NULL, O_SHA },
		{ "mount", required_argument, NULL, O_MOUNT },
		{ "duration", required_argument, NULL, O_DURATION },
		{ 0 },
	};
	char *end;
	long v;
	int c;

	o->duration_s = -1;
	o->mem_mb = -1;
	while ((c = getopt_long(argc, argv, "p:C:njr:a:o:", lopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (*end || end == optarg || errno || v <= 0 || v > INT32_MAX)
				return ward_cli_usage_error("respond", "--pid: '%s' is not a process id", optarg);
			o->pid = (pid_t)v;
			break;
		case 'C': o->container = optarg; break;
		case 'n': o->dry_run = true; break;
		case 'j': o->json = true; break;
		case 'r': o->reason = optarg; break;
		case 'o': o->out = optarg; break;
		case O_ZSTD: o->zstd = true; break;
		case 'a':
			if (o->allow_cnt == WARD_QUARANTINE_MAX_ALLOW)
				return ward_cli_usage_error("respond", "--allow: at most %d peers",
							    WARD_QUARANTINE_MAX_ALLOW);
			if (ward_allow_parse(optarg, &o->allow[o->allow_cnt]))
				return ward_cli_usage_error("respond", "--allow: '%s' is not ADDR[/LEN][:PORT]", optarg);
			o->allow_cnt++;
			break;
		case O_PATH: case O_DIR: case O_SHA:
			if (o->block_cnt == WARD_BLOCK_MAX_RULES)
				return ward_cli_usage_error("respond", "at most %d block rules", WARD_BLOCK_MAX_RULES);
			o->block[o->block_cnt].kind = c == O_PATH ? WARD_BLOCK_PATH :
						      c == O_DIR ? WARD_BLOCK_DIR : WARD_BLOCK_SHA256;
			o->block[o->block_cnt++].what = optarg;
			break;
		case O_MOUNT:
			if (o->mounts_cnt == WARD_BLOCK_MAX_RULES)
				return ward_cli_usage_error("respond", "at most %d --mount", WARD_BLOCK_MAX_RULES);
			o->mounts[o->mounts_cnt++] = optarg;
			break;
		case O_MEM: case O_DURATION:
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (*end || end == optarg || errno || v < 0 || v > 1000000)
				return ward_cli_usage_error("respond", "'%s' is not a number from 0 to 1000000", optarg);
			if (c == O_MEM)
				o->mem_mb = v;
			else
				o->duration_s = v;
			break;
		default:
			return WARD_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return ward_cli_usage_error("respond", "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* ---- block: foreground fanotify blocker ---- */

static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;

static void on_denial(const struct ward_block_denial *d, void *arg)
{
	const struct opts *o = arg;
	static const char *const kinds[] = { "path", "dir", "sha256" };
	char detail[PATH_MAX + 200];
	struct ward_action_event ev = {
		.action = "block", .reason = o->reason, .pid = d->pid, .result = 0,
		.time_ns = d->time_ns, .latency_ns = d->latency_ns, .detail = detail,
	};

	snprintf(detail, sizeof(detail), "denied exec of %s (matched %s %s)", d->path,
		 kinds[d->matched], d->rule);
	pthread_mutex_lock(&print_lock);
	emit(o, &ev);
	pthread_mutex_unlock(&print_lock);
}

static int run_block(struct ward_ctx *ctx, struct opts *o)
{
	static const char *const kinds[] = { "path", "dir", "sha256" };
	struct ward_blocker *b = NULL;
	bool has_hash = false, only_hash = true;
	sigset_t set;
	uint64_t allowed = 0, denied = 0;
	int err, rc = WARD_EXIT_ERR;

	if (!o->block_cnt)
		return ward_cli_usage_error("respond", "block needs --path, --dir or --sha256");
	if (o->pid || o->container)
		return ward_cli_usage_error("respond", "block acts on files, not on --pid/--container");
	for (size_t i = 0; i < o->block_cnt; i++) {
		has_hash |= o->block[i].kind == WARD_BLOCK_SHA256;
		only_hash &= o->block[i].kind == WARD_BLOCK_SHA256;
	}
	if (o->dry_run) {
		for (size_t i = 0; i < o->block_cnt; i++)
			printf("would deny exec of %s %s\n", kinds[o->block[i].kind], o->block[i].what);
		return WARD_EXIT_OK;
	}
	err = ward_blocker_new(&b);
	if (err) {
		fprintf(stderr, "ward respond block: fanotify: %s%s\n", ward_strerror(err),
			err == -EPERM ? " (needs CAP_SYS_ADMIN)" : "");
		return WARD_EXIT_ERR;
	}
	{
		size_t n;
		const char *const *names = ward_config_list(ctx->cfg, "respond.protected", &n);

		for (size_t i = 0; i < n; i++)
			ward_blocker_protect_name(b, names[i]);
	}
	for (size_t i = 0; i < o->block_cnt; i++) {
		struct ward_block_entry e = { o->block[i].kind, o->block[i].what, o->reason };
		char why[PATH_MAX + 128];

		err = ward_blocker_add(b, &e, why, sizeof(why));
		if (err < 0 && err != -EEXIST) {
			fprintf(stderr, "ward respond block: %s %s: %s\n", kinds[o->block[i].kind],
				o->block[i].what, why[0] ? why : ward_strerror(err));
			goto out;
		}
	}
	for (size_t i = 0; i < o->mounts_cnt; i++) {
		err = ward_blocker_add_mount(b, o->mounts[i]);
		if (err) {
			fprintf(stderr, "ward respond block: --mount %s: %s\n", o->mounts[i],
				ward_strerror(err));
			goto out;
		}
	}
	/* hashes alone name no mount: cover the root mount unless told otherwise */
	if (has_hash && only_hash && !o->mounts_cnt) {
		err = ward_blocker_add_mount(b, "/");
		if (err)
			goto out;
	}
	/* signals go to sigtimedwait below, never to the answering thread */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	err = ward_blocker_start(b, on_denial, o);
	if (err) {
		fprintf(stderr, "ward respond block: %s\n", ward_strerror(err));
		goto out;
	}
	fprintf(stderr, "ward respond block: denying exec of %zu rule(s); Ctrl-C to stop\n",
		o->block_cnt);
	if (o->duration_s >= 0) {
		struct timespec ts = { .tv_sec = o->duration_s };

		while (sigtimedwait(&set, NULL, &ts) < 0 && errno == EINTR)
			;
	} else {
		int sig;

		sigwait(&set, &sig);
	}
	ward_blocker_stats(b, &allowed, &denied);
	pthread_mutex_lock(&print_lock);
	fprintf(stderr, "ward respond block: stopped: %llu denied, %llu allowed\n",
		(unsigned long long)denied, (unsigned long long)allowed);
	pthread_mutex_unlock(&print_lock);
	rc = WARD_EXIT_OK;
out:
	ward_blocker_free(b);
	return rc;
}

/* ---- actions on a target ---- */

/* Config sizes in MiB to bytes; negative means none, and 1 TiB is plenty (no overflow). */
static uint64_t mb_bytes(int64_t mb)
{
	if (mb <= 0)
		return 0;
	return (uint64_t)(mb > (1 << 20) ? (1 << 20) : mb) << 20;
}

static int run_target_action(struct ward_ctx *ctx, struct opts *o)
{
	struct ward_target t;
	struct ward_safety *s = NULL;
	struct ward_diag diag = { 0 };
	struct ward_kill_result kr = { 0 };
	char why[512] = "", detail[PATH_MAX + 256] = "", bundle[PATH_MAX];
	uint64_t t0;
	int err;
	struct ward_action_event ev = { .action = action_names[o->action], .reason = o->reason,
					.target = &t, .dry_run = o->dry_run };

	if (!o->pid == !o->container)
		return ward_cli_usage_error("respond", "%s needs exactly one of --pid or --container",
					    action_names[o->action]);
	if (o->block_cnt || o->mounts_cnt || o->duration_s >= 0)
		return ward_cli_usage_error("respond", "--path/--dir/--sha256/--mount/--duration are for block");
	if (o->allow_cnt && o->action != A_QUARANTINE)
		return ward_cli_usage_error("respond", "--allow is for quarantine");
	if ((o->out || o->zstd || o->mem_mb >= 0) && o->action != A_COLLECT)
		return ward_cli_usage_error("respond", "--output/--zstd/--mem-mb are for collect");
	if (o->pid)
		err = ward_target_from_pid(o->pid, &t);
	else
		err = ward_target_from_container(o->container, &t, &diag);
	if (err) {
		if (diag.msg[0])
			fprintf(stderr, "ward respond %s: %s\n", ev.action, diag.msg);
		else
			fprintf(stderr, "ward respond %s: pid %d: %s\n", ev.action, (int)o->pid,
				err == -ESRCH ? "no such process" : ward_strerror(err));
		return WARD_EXIT_ERR;
	}
	ward_safety_new(ctx->cfg, &s);
	/* Undo actions (release, thaw) and read-only collection are never refused: undoing
	 * must always be possible and evidence may be taken from anything. */
	if (o->action == A_KILL)
		err = ward_safety_check_target(s, &t, why, sizeof(why));
	else if (o->action == A_FREEZE || o->action == A_QUARANTINE)
		err = t.kind == WARD_TARGET_CONTAINER ? ward_safety_check_target(s, &t, why, sizeof(why))
						      : ward_safety_check_cgroup(s, &t, why, sizeof(why));
	if (!err && (o->action == A_KILL || o->action == A_FREEZE || o->action == A_QUARANTINE) &&
	    !o->dry_run && ward_safety_rate(s, &t, ward_mono_ns()) < 0) {
		err = -WARD_E_LIMIT;
		snprintf(why, sizeof(why), "rate limit reached (respond.rate_limit_per_min)");
	}
	if (err) {
		ev.result = err;
		ev.time_ns = ward_now_ns();
		ev.detail = why;
		emit(o, &ev);
		fprintf(stderr, "ward respond %s: refused: %s\n", ev.action, why);
		ward_safety_free(s);
		return WARD_EXIT_ERR;
	}
	if (o->dry_run) {
		switch (o->action) {
		case A_KILL: snprintf(detail, sizeof(detail), "would send SIGKILL%s",
				      t.kind == WARD_TARGET_CONTAINER ? " to every process of the cgroup" : "");
			break;
		case A_QUARANTINE: snprintf(detail, sizeof(detail), "would attach deny-all network programs to %s (%zu allowed peers)", t.cg_v2, o->allow_cnt); break;
		case A_RELEASE: snprintf(detail, sizeof(detail), "would detach quarantine from %s", t.cg_v2); break;
		case A_FREEZE: snprintf(detail, sizeof(detail), "would freeze %s", t.cg_v2[0] ? t.cg_v2 : t.cg_freezer); break;
		case A_THAW: snprintf(detail, sizeof(detail), "would thaw %s", t.cg_v2[0] ? t.cg_v2 : t.cg_freezer); break;
		default: snprintf(detail, sizeof(detail), "would write a forensic bundle"); break;
		}
		ev.time_ns = ward_now_ns();
		ev.detail = detail;
		emit(o, &ev);
		ward_safety_free(s);
		return WARD_EXIT_OK;
	}
	t0 = ward_mono_ns();
	switch (o->action) {
	case A_KILL:
		if (t.kind == WARD_TARGET_PID)
			err = ward_kill_pid(t.pid, t.pid_start, RESPOND_WAIT_MS, &kr);
		else
			err = ward_kill_cgroup(&t, RESPOND_WAIT_MS, &kr);
		ev.latency_ns = kr.death_ns ? kr.death_ns : kr.signal_ns;
		snprintf(detail, sizeof(detail), "killed=%zu signal_ns=%llu death_ns=%llu%s",
			 kr.killed_cnt, (unsigned long long)kr.signal_ns,
			 (unsigned long long)kr.death_ns, kr.confirmed ? "" : " (death not confirmed)");
		break;
	case A_FREEZE:
		err = ward_freeze(&t, RESPOND_WAIT_MS);
		break;
	case A_THAW:
		err = ward_thaw(&t, RESPOND_WAIT_MS);
		break;
	case A_QUARANTINE:
		err = ward_quarantine(&t, o->allow, o->allow_cnt);
		snprintf(detail, sizeof(detail), "pinned at %s/%llu, %zu allowed peer(s)",
			 WARD_QUARANTINE_PIN_ROOT, (unsigned long long)t.cgroup_id, o->allow_cnt);
		if (err == -EEXIST)
			snprintf(detail, sizeof(detail), "already quarantined");
		break;
	case A_RELEASE:
		err = ward_release(&t);
		if (err == -ENOENT)
			snprintf(detail, sizeof(detail), "not quarantined");
		break;
	case A_COLLECT: {
		struct ward_collect_opts co = {
			.key_path = ward_config_str(ctx->cfg, "respond.key"),
			.zstd = o->zstd,
			.mem_max = mb_bytes(o->mem_mb >= 0 ? o->mem_mb : ward_config_int(ctx->cfg, "respond.collect_mem_mb")),
			.exe_max = mb_bytes(ward_config_int(ctx->cfg, "respond.collect_exe_mb")),
			.upper_max = mb_bytes(ward_config_int(ctx->cfg, "respond.collect_upper_mb")),
			.docker_socket = ward_config_str(ctx->cfg, "containers.docker_socket"),
			.reason = o->reason,
		};
		struct ward_collect_result cr = { 0 };

		if (o->out) {
			snprintf(bundle, sizeof(bundle), "%s", o->out);
		} else {
			char who[80];

			if (t.kind == WARD_TARGET_PID)
				snprintf(who, sizeof(who), "pid%d", (int)t.pid);
			else
				snprintf(who, sizeof(who), "%.12s", t.id);
			snprintf(bundle, sizeof(bundle), "ward-bundle-%s-%lld.tar%s", who,
				 (long long)time(NULL), o->zstd ? ".zst" : "");
		}
		co.out_path = bundle;
		err = ward_collect(&t, &co, &cr, &diag);
		if (err && diag.msg[0])
			fprintf(stderr, "ward respond collect: %s%s%s: %s\n", diag.file,
				diag.file[0] ? ": " : "", diag.msg, ward_strerror(err));
		snprintf(detail, sizeof(detail), "bundle=%s processes=%zu artifacts=%zu bytes=%llu skipped=%zu",
			 bundle, cr.proc_cnt, cr.artifact_cnt, (unsigned long long)cr.bytes, cr.skipped_cnt);
		break;
	}
	default:
		err = -EINVAL;
	}
	if (o->action != A_KILL)
		ev.latency_ns = ward_mono_ns() - t0;
	ev.result = err;
	ev.time_ns = ward_now_ns();
	ev.detail = detail[0] ? detail : NULL;
	emit(o, &ev);
	if (err == -WARD_E_UNSUPPORTED)
		fprintf(stderr, "ward respond %s: the target has no usable cgroup for this action\n",
			ev.action);
	ward_safety_free(s);
	return err ? WARD_EXIT_ERR : WARD_EXIT_OK;
}

static int respond_run(struct ward_ctx *ctx, int argc, char **argv)
{
	struct opts *o;
	int rc;

	if (argc < 2)
		return ward_cli_usage_error("respond", "missing action (kill, block, quarantine, "
					    "release, freeze, thaw, collect)");
	o = ward_xcalloc(1, sizeof(*o));
	o->action = (enum action)-1;
	for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
		if (strcmp(argv[1], action_names[i]) == 0)
			o->action = (enum action)i;
	if ((int)o->action < 0) {
		rc = ward_cli_usage_error("respond", "unknown action '%s'", argv[1]);
		goto out;
	}
	/* options follow the action word */
	rc = parse_opts(argc - 1, argv + 1, o);
	if (rc)
		goto out;
	rc = o->action == A_BLOCK ? run_block(ctx, o) : run_target_action(ctx, o);
out:
	free(o);
	return rc;
}

const struct ward_cmd ward_cmd_respond = {
	.name = "respond",
	.summary = "act on a process or container: kill, block, quarantine, freeze, collect",
	.run = respond_run,
	.help = respond_help,
};
