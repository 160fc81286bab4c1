// SPDX-License-Identifier: Apache-2.0
/*
 * ward trace: streams live events (or replays a capture) as readable lines or JSON, with
 * filters, and can record everything it sees to a capture file.
 */
#include "cli/cli.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "common/xalloc.h"
#include "events/capture.h"
#include "events/container.h"
#include "events/decoder.h"
#include "events/event_format.h"
#include "events/proc_scan.h"
#include "sensor/sensor.h"
#include "sensor/session.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void trace_help(FILE *out)
{
	fprintf(out,
		"Usage: ward trace [options]\n"
		"\n"
		"Streams what processes do (exec, fork, exit, file, network, privilege and kernel\n"
		"events), attributed to containers and pods, from the eBPF sensor.\n"
		"\n"
		"Options:\n"
		"  -j, --json              one JSON object per line\n"
		"  -p, --pid PID           only this process (thread group id)\n"
		"  -n, --comm NAME         only processes with this name\n"
		"  -C, --container ID      only this container (id prefix, name, or 'host')\n"
		"  -t, --type T[,T...]     only these kinds (exec, fork, exit, open, connect, ...)\n"
		"                          or syscalls (openat, dup2, ...); also narrows what the\n"
		"                          kernel sends\n"
		"  -w, --write FILE        record every event to a capture file\n"
		"  -r, --read FILE         read a capture file instead of the live sensor\n"
		"  -d, --duration SECS     stop after this many seconds\n"
		"  -c, --count N           stop after printing N events\n"
		"  -q, --quiet             print no events (with --write: record only)\n"
		"      --backend B         auto, bpf or fallback (default: config sensor.backend)\n"
		"\n"
		"Counters (events, drops per CPU, process table size) go to stderr on exit and\n"
		"on SIGUSR1.\n"
		"\n"
		"Examples:\n"
		"  ward trace --type exec\n"
		"  ward trace --json --container 3f2a --type open,connect\n"
		"  ward trace --write /tmp/incident.cap --duration 60 --quiet\n"
		"  ward trace --read /tmp/incident.cap --json\n");
}

struct trace_filter {
	long pid;
	const char *comm;
	const char *container;
	bool kinds[WARD_EV_KIND_MAX];
	bool has_kinds;
	bool syscalls[WARD_SC_MAX];
	bool has_syscalls;
};

struct trace_ctx {
	struct trace_filter f;
	bool json, quiet;
	long count_max;
	long printed;
	struct ward_buf out;
};

static int parse_types(struct trace_filter *f, const char *list)
{
	char *dup = ward_xstrdup(list), *save = NULL;
	int err = 0;

	for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int k = ward_ev_kind_parse(t), nr;

		if (k >= 0 && k < WARD_EV_KIND_KERNEL_MAX) {
			f->kinds[k] = true;
			f->has_kinds = true;
			continue;
		}
		nr = ward_syscall_nr(t);
		if (strcmp(t, "clone") == 0 || strcmp(t, "procexit") == 0) {
			f->kinds[t[0] == 'c' ? WARD_EV_FORK : WARD_EV_EXIT] = true;
			f->has_kinds = true;
			continue;
		}
		if (nr >= 0 && nr < WARD_SC_MAX) {
			f->syscalls[nr] = true;
			f->has_syscalls = true;
			continue;
		}
		fprintf(stderr, "ward trace: unknown type '%s' (kinds: exec fork exit open unlink "
			"rename mkdir rmdir chmod chown symlink link truncate utimes xattr socket connect accept "
			"bind listen dup setuid setgid capset ptrace memfd mount umount unshare setns "
			"module bpf kill; or a syscall name)\n", t);
		err = -EINVAL;
		break;
	}
	free(dup);
	return err;
}

static bool filter_match(const struct trace_filter *f, const struct ward_event *ev)
{
	if (f->pid > 0 && ev->raw->pid != (uint32_t)f->pid)
		return false;
	if (f->comm && strcmp(ev->proc->comm, f->comm) != 0)
		return false;
	if (f->container) {
		const struct ward_container *c = ev->container;

		if (strcmp(f->container, "host") == 0) {
			if (c)
				return false;
		} else if (!c || (strncmp(c->id, f->container, strlen(f->container)) != 0 &&
				  strcmp(c->name, f->container) != 0)) {
			return false;
		}
	}
	if (f->has_kinds || f->has_syscalls) {
		bool ok = f->kinds[ev->raw->kind];

		if (!ok && f->has_syscalls && ev->raw->nr >= 0 && ev->raw->nr < WARD_SC_MAX)
			ok = f->syscalls[ev->raw->nr];
		if (!ok)
			return false;
	}
	return true;
}

/* The kernel-side syscall set for the filter: only what the user asked for. */
static void kernel_set(const struct trace_filter *f, bool *set)
{
	memset(set, 0, sizeof(bool) * WARD_SC_MAX);
	for (size_t i = 0; i < ward_syscalls_cnt; i++) {
		const struct ward_syscall_def *d = &ward_syscalls[i];

		if (f->syscalls[d->nr] || f->kinds[d->conf.kind])
			set[d->nr] = true;
	}
}

static int on_event(const struct ward_event *ev, void *arg)
{
	struct trace_ctx *t = arg;

	if (t->quiet || !filter_match(&t->f, ev))
		return 0;
	ward_buf_reset(&t->out);
	if ((t->json ? ward_event_json(ev, &t->out) : ward_event_text(ev, &t->out)) == 0) {
		ward_buf_putc(&t->out, '\n');
		fwrite(t->out.data, 1, t->out.len, stdout);
	}
	if (t->count_max > 0 && ++t->printed >= t->count_max)
		return 1;
	return 0;
}

static int trace_run(struct ward_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pid", required_argument, NULL, 'p' },
		{ "comm", required_argument, NULL, 'n' },
		{ "container", required_argument, NULL, 'C' },
		{ "type", required_argument, NULL, 't' },
		{ "write", required_argument, NULL, 'w' },
		{ "read", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "backend", required_argument, NULL, 'B' },
		{ 0 },
	};
	struct trace_ctx t = { 0 };
	struct ward_session_opts so = { 0 };
	bool kset[WARD_SC_MAX];
	char *end;
	int c, rc;

	while ((c = getopt_long(argc, argv, "jp:n:C:t:w:r:d:c:q", opts, NULL)) != -1) {
		switch (c) {
		case 'j': t.json = true; break;
		case 'p':
			t.f.pid = strtol(optarg, &end, 10);
			if (*end || t.f.pid <= 0)
				return ward_cli_usage_error("trace", "--pid wants a process id, got '%s'", optarg);
			break;
		case 'n': t.f.comm = optarg; break;
		case 'C': t.f.container = optarg; break;
		case 't':
			if (parse_types(&t.f, optarg))
				return WARD_EXIT_USAGE;
			break;
		case 'w': so.write_path = optarg; break;
		case 'r': so.read_path = optarg; break;
		case 'd':
			so.duration_s = strtol(optarg, &end, 10);
			if (*end || so.duration_s <= 0)
				return ward_cli_usage_error("trace", "--duration wants seconds, got '%s'", optarg);
			break;
		case 'c':
			t.count_max = strtol(optarg, &end, 10);
			if (*end || t.count_max <= 0)
				return ward_cli_usage_error("trace", "--count wants a number, got '%s'", optarg);
			break;
		case 'q': t.quiet = true; break;
		case 'B':
			if (ward_config_set(ctx->cfg, "sensor.backend", optarg))
				return ward_cli_usage_error("trace", "bad --backend '%s'", optarg);
			break;
		default:
			return ward_cli_usage_error("trace", "unknown option");
		}
	}
	if (optind < argc)
		return ward_cli_usage_error("trace", "unexpected argument '%s'", argv[optind]);
	if (so.read_path && so.write_path)
		return ward_cli_usage_error("trace", "--read and --write cannot be combined");

	if (t.f.has_kinds || t.f.has_syscalls) {
		kernel_set(&t.f, kset);
		/* exec/fork/exit keep the process table right whatever the filter */
		kset[WARD_SC_GATE_EXEC] = kset[WARD_SC_GATE_FORK] = kset[WARD_SC_GATE_EXIT] = true;
		so.syscalls = kset;
	}
	ward_buf_init(&t.out, 1 << 20);
	so.cfg = ctx->cfg;
	so.on_event = on_event;
	so.arg = &t;
	so.report_stats = true;
	rc = ward_session_run(&so);
	fflush(stdout);
	ward_buf_free(&t.out);
	return rc ? WARD_EXIT_ERR : WARD_EXIT_OK;
}

const struct ward_cmd ward_cmd_trace = {
	.name = "trace", .summary = "stream live process, file and network events",
	.run = trace_run, .help = trace_help,
};
