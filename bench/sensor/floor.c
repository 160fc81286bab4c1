// SPDX-License-Identifier: Apache-2.0
/*
 * Loader for the benchmark floor (floor.bpf.c): attaches the empty tracepoint program to
 * syscalls/sys_exit_<name> for each name on the command line and the empty tp_btf
 * programs to sched_process_exec/fork/exit, prints "floor: attached N" on stderr once
 * everything is in place, then waits for SIGINT or SIGTERM and detaches.
 *
 * Usage: floor NAME...
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "floor.skel.h"

#define FLOOR_MAX_LINKS 256

static volatile sig_atomic_t is_stopping;

static void on_signal(int sig)
{
	(void)sig;
	is_stopping = 1;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[FLOOR_MAX_LINKS];
	size_t links_cnt = 0, missing = 0;
	struct floor_bpf *skel;
	int rc = 1;

	if (argc < 2 || argc - 1 > FLOOR_MAX_LINKS) {
		fprintf(stderr, "usage: floor NAME... (at most %d)\n", FLOOR_MAX_LINKS);
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	skel = floor_bpf__open();
	if (!skel) {
		fprintf(stderr, "floor: open: %s\n", strerror(errno));
		return 1;
	}
	bpf_program__set_autoattach(skel->progs.sys_exit, false);
	if (floor_bpf__load(skel) || floor_bpf__attach(skel)) {
		fprintf(stderr, "floor: load or attach of the sched programs failed: %s\n",
			strerror(errno));
		goto out;
	}
	for (int i = 1; i < argc; i++) {
		char tp[96];
		struct bpf_link *l;

		if (snprintf(tp, sizeof(tp), "sys_exit_%s", argv[i]) >= (int)sizeof(tp)) {
			fprintf(stderr, "floor: name too long: %s\n", argv[i]);
			goto out;
		}
		l = bpf_program__attach_tracepoint(skel->progs.sys_exit, "syscalls", tp);
		if (!l) {
			/* the same rule as ward: a syscall this kernel lacks is skipped */
			fprintf(stderr, "floor: no tracepoint syscalls/%s\n", tp);
			missing++;
			continue;
		}
		links[links_cnt++] = l;
	}
	fprintf(stderr, "floor: attached %zu syscall tracepoints (%zu missing) + 3 sched\n",
		links_cnt, missing);
	while (!is_stopping)
		pause();
	rc = 0;
out:
	for (size_t i = 0; i < links_cnt; i++)
		bpf_link__destroy(links[i]);
	floor_bpf__destroy(skel);
	return rc;
}
