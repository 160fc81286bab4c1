// SPDX-License-Identifier: Apache-2.0
/*
 * A marker program for the in-kernel clone kill test: creates a child with the raw clone
 * syscall, then writes a marker file (argv[2]) so the test can tell whether the caller got
 * back to user space; the child, if it ever runs, writes MARKER.child.
 *   kkclone ns MARKER       clone(CLONE_NEWUTS | SIGCHLD)
 *   kkclone ns3 MARKER      clone3 with flags CLONE_NEWUTS
 *   kkclone fork MARKER     clone(SIGCHLD), what fork() does: no namespace flag
 * The test copies this binary under names of its own (the comm the rule matches).
 */
#define _GNU_SOURCE
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void mark(const char *path, const char *what)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fprintf(f, "%s\n", what);
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	char child[4096];
	long pid;

	if (argc < 3)
		return 2;
	if (snprintf(child, sizeof(child), "%s.child", argv[2]) >= (int)sizeof(child))
		return 2;
	if (!strcmp(argv[1], "ns")) {
		pid = syscall(SYS_clone, (unsigned long)(CLONE_NEWUTS | SIGCHLD), NULL, NULL, NULL, NULL);
	} else if (!strcmp(argv[1], "ns3")) {
		struct clone_args ca;

		memset(&ca, 0, sizeof(ca));
		ca.flags = CLONE_NEWUTS;
		ca.exit_signal = SIGCHLD;
		pid = syscall(SYS_clone3, &ca, sizeof(ca));
	} else if (!strcmp(argv[1], "fork")) {
		pid = syscall(SYS_clone, (unsigned long)SIGCHLD, NULL, NULL, NULL, NULL);
	} else {
		return 2;
	}
	if (pid == 0) {
		mark(child, "child");
		_exit(0);
	}
	if (pid < 0) {
		char msg[64];

		snprintf(msg, sizeof(msg), "%s failed", argv[1]);
		mark(argv[2], msg);
		return 1;
	}
	waitpid((pid_t)pid, NULL, 0);
	mark(argv[2], argv[1]);
	return 0;
}
