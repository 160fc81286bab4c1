// SPDX-License-Identifier: Apache-2.0
/*
 * Rules engine micro-benchmark: loads a ruleset, builds a pool of decoded events of a
 * typical mix (opens, execs, forks, exits, connects, dups, unlinks, ...) from processes with
 * real ancestry in a process table, some in containers, and evaluates N events on one
 * thread. Prints events/s, ns/event, matches, and the heap the compiled ruleset holds.
 * Usage: bench_rules EVENTS RULEFILE|DIR...
 */
#include <fcntl.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "events/container.h"
#include "events/event.h"
#include "events/proc.h"
#include "rules/rules.h"

#define POOL 65536
#define PROCS 2048

static struct ward_ev_raw raws[POOL];
static struct ward_event evs[POOL];
static struct ward_container cts[8];

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* CPU time of this thread: the rate per core, whatever else the machine runs */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int on_match(const struct ward_rule_match *m, void *arg)
{
	(*(uint64_t *)arg)++;
	return 0;
}

static const char *const names[] = { "nginx", "postgres", "bash", "python3", "cat", "ls", "grep",
	"node", "java", "sh", "curl", "sshd", "cron", "dpkg", "systemd", "containerd-shim", "sed" };
/* what processes read, what they write, and (one event in a thousand) what an attacker does */
static const char *const rpaths[] = { "/etc/passwd", "/etc/hosts", "/usr/lib/x86_64-linux-gnu/libc.so.6",
	"/proc/self/stat", "/var/log/syslog", "/home/alice/.bashrc", "/tmp/build/obj.o", "/dev/null",
	"/etc/ld.so.cache", "/usr/share/zoneinfo/UTC", "/var/lib/postgresql/15/main/base/1/1259",
	"/srv/www/index.html", "/etc/nsswitch.conf", "/usr/lib/python3.11/os.py" };
static const char *const wpaths[] = { "/tmp/build/obj.o", "/var/lib/postgresql/15/main/pg_wal/000001",
	"/srv/www/cache/a.html", "/home/alice/.bash_history", "/var/log/nginx/access.log" };
static const char *const bad_paths[] = { "/etc/shadow", "/etc/sudoers.d/x", "/usr/bin/ls",
	"/root/.ssh/authorized_keys" };

static struct ward_proc *procs[PROCS];

static void build(struct ward_proc_table *pt)
{
	for (int i = 0; i < 8; i++) {
		cts[i].runtime = WARD_RT_DOCKER;
		snprintf(cts[i].id, sizeof(cts[i].id), "%064x", i + 1);
		snprintf(cts[i].image_repo, sizeof(cts[i].image_repo), "docker.io/library/app%d", i);
		cts[i].has_meta = true;
	}
	for (int i = 0; i < PROCS; i++) {
		bool created;
		struct ward_proc *p = ward_proc_upsert(pt, 1000 + (uint32_t)i, 1000000ull + (uint64_t)i, &created);
		const char *n = names[rnd() % (sizeof(names) / sizeof(names[0]))];
		char exe[64];

		/* chains of six: each process's parent is the previous one in its group */
		if (i % 6) {
			p->ppid = 1000 + (uint32_t)i - 1;
			p->pstart = 1000000ull + (uint64_t)i - 1;
		}
		p->pid = 1000 + (uint32_t)i;
		snprintf(p->comm, sizeof(p->comm), "%s", n);
		snprintf(exe, sizeof(exe), "/usr/bin/%s", n);
		ward_proc_set_str(&p->exe, exe, strlen(exe));
		ward_proc_set_str(&p->exepath, exe, strlen(exe));
		ward_proc_set_str(&p->args, "-c /etc/app.conf --verbose", 26);
		ward_proc_set_str(&p->cwd, "/srv", 4);
		p->container = (i / 6) % 3 == 0 ? &cts[(i / 6) % 8] : NULL;
		p->tty = (i % 7 == 0) ? 34816 : 0;
		procs[i] = p;
	}
	for (int i = 0; i < POOL; i++) {
		struct ward_ev_raw *r = &raws[i];
		struct ward_event *e = &evs[i];
		struct ward_proc *p = procs[rnd() % PROCS];
		unsigned k = (unsigned)(rnd() % 1000);

		memset(r, 0, sizeof(*r));
		memset(e, 0, sizeof(*e));
		r->pid = r->tid = p->pid;
		r->ts = p->start + 5000000000ull;
		r->euid = (rnd() % 4) ? 1000 : 0;
		r->loginuid = 1000;
		e->raw = r;
		e->proc = p;
		e->container = p->container;
		e->path = e->path_raw = e->path2 = e->aux = e->cwd = "";
		e->fd = -1;
		e->category = "file";
		if (k < 420) {
			r->kind = WARD_EV_OPEN;
			r->nr = 257;
			bool wr = rnd() % 10 == 0;

			r->args[2] = wr ? (O_WRONLY | O_CREAT | O_APPEND) : (O_RDONLY | O_CLOEXEC);
			r->ret = (rnd() % 20) ? 3 : -2;
			r->fd_type = r->ret >= 0 ? WARD_FD_FILE : WARD_FD_NONE;
			e->fd = (int)r->ret < 0 ? -1 : 3;
			e->type = "openat";
			if (rnd() % 1000 == 0)
				e->path = bad_paths[rnd() % (sizeof(bad_paths) / sizeof(bad_paths[0]))];
			else if (wr)
				e->path = wpaths[rnd() % (sizeof(wpaths) / sizeof(wpaths[0]))];
			else
				e->path = rpaths[rnd() % (sizeof(rpaths) / sizeof(rpaths[0]))];
			e->path_raw = e->path;
		} else if (k < 520) {
			r->kind = WARD_EV_EXEC;
			r->nr = 59;
			e->type = "execve";
			e->category = "process";
			e->path = p->exepath;
		} else if (k < 620) {
			r->kind = WARD_EV_FORK;
			r->nr = -1;
			e->type = "clone";
			e->category = "process";
		} else if (k < 720) {
			r->kind = WARD_EV_EXIT;
			r->nr = -1;
			e->type = "procexit";
			e->category = "process";
		} else if (k < 830) {
			r->kind = (k < 790) ? WARD_EV_CONNECT : WARD_EV_ACCEPT;
			r->nr = (k < 790) ? 42 : 288;
			e->type = (k < 790) ? "connect" : "accept4";
			e->category = "network";
			r->fd_type = WARD_FD_IPV4;
			r->sock_type = SOCK_STREAM;
			r->local.family = r->remote.family = AF_INET;
			r->local.port = 40000;
			r->remote.port = (uint16_t)((rnd() % 2) ? 443 : 5432);
			r->local.addr[0] = 10;
			r->remote.addr[0] = (uint8_t)(rnd() % 200 + 1);
			e->fd = 4;
		} else if (k < 860) {
			r->kind = WARD_EV_DUP;
			r->nr = 33;
			r->ret = 5;
			r->fd_type = WARD_FD_PIPE;
			e->type = "dup2";
		} else if (k < 920) {
			r->kind = WARD_EV_UNLINK;
			r->nr = 263;
			e->type = "unlinkat";
			e->path = "/tmp/build/obj.o";
		} else if (k < 950) {
			r->kind = WARD_EV_RENAME;
			r->nr = 82;
			e->type = "rename";
			e->path = "/tmp/a";
			e->path2 = "/tmp/b";
		} else if (k < 980) {
			r->kind = WARD_EV_SOCKET;
			r->nr = 41;
			r->args[0] = AF_INET;
			r->args[1] = SOCK_STREAM;
			e->type = "socket";
		} else {
			r->kind = WARD_EV_CHMOD;
			r->nr = 90;
			r->args[1] = 0644;
			e->type = "chmod";
			e->path = "/srv/www/index.html";
		}
	}
}

int main(int argc, char **argv)
{
	struct ward_rules_report rep;
	struct ward_ruleset *rs;
	struct ward_proc_table *pt;
	struct mallinfo2 m0, m1;
	uint64_t n, t0, t1, matches = 0;
	size_t any = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s EVENTS RULEFILE|DIR...\n", argv[0]);
		return 2;
	}
	n = strtoull(argv[1], NULL, 10);
	m0 = mallinfo2();
	if (ward_rules_load((const char *const *)argv + 2, (size_t)(argc - 2), NULL, &rep, &rs) != 0)
		return 1;
	m1 = mallinfo2();
	if (rep.errors) {
		fprintf(stderr, "ruleset has %zu errors; run ward rules validate\n", rep.errors);
		return 1;
	}
	for (size_t i = 0; i < ward_rules_count(rs); i++)
		any += ward_rules_get(rs, i)->any_type;
	if (ward_proc_table_new(PROCS * 2, &pt) != 0)
		return 1;
	build(pt);
	for (int i = 0; i < POOL; i++) /* warm-up */
		ward_rules_eval(rs, &evs[i], pt, on_match, &matches);
	matches = 0;
	t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		ward_rules_eval(rs, &evs[i & (POOL - 1)], pt, on_match, &matches);
	t1 = now_ns();
	{
		uint64_t e0, e1;

		e0 = now_ns();
		for (uint64_t i = 0; i < n; i++)
			(void)ward_rules_eval(rs, &evs[i & (POOL - 1)], pt, NULL, NULL);
		e1 = now_ns();
		printf("  conditions only (no output rendering): %.2fM events/s/core, %.1f ns/event\n",
		       (double)n / ((double)(e1 - e0) / 1e9) / 1e6, (double)(e1 - e0) / (double)n);
	}
	printf("rules=%zu (compiled %zu, every-event %zu) events=%" PRIu64 " cpu=%.3fs "
	       "rate=%.2fM events/s/core ns/event=%.1f matches=%" PRIu64 " (%.2f%% of events) ruleset_heap=%.1fKiB\n",
	       rep.rules, rep.rules_compiled, any, n, (double)(t1 - t0) / 1e9,
	       (double)n / ((double)(t1 - t0) / 1e9) / 1e6, (double)(t1 - t0) / (double)n, matches, 100.0 * (double)matches / (double)n,
	       (double)(m1.uordblks - m0.uordblks) / 1024.0);
	ward_rules_report_free(&rep);
	ward_rules_free(rs);
	ward_proc_table_free(pt);
	return 0;
}
