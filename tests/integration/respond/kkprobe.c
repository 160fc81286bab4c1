// SPDX-License-Identifier: Apache-2.0
/*
 * A marker program for the in-kernel kill tests: does one syscall, then writes a marker
 * file (argv[2]) so the test can tell whether the process got back to user space.
 *   kkprobe connect MARKER IP PORT
 *   kkprobe open MARKER PATH
 *   kkprobe unshare MARKER
 *   kkprobe ptrace MARKER      (forks a child, writes its pid to MARKER.child, then
 *                               PTRACE_ATTACHes to it)
 *   kkprobe ns MARKER          clone(CLONE_NEWUTS | SIGCHLD); the child, if it ever runs,
 *                               writes MARKER.child
 *   kkprobe ns3 MARKER         clone3 with flags CLONE_NEWUTS (same markers)
 *   kkprobe fork MARKER        clone(SIGCHLD), what fork() does: no namespace flag
 * The test copies this binary under different names (the comm the rules match).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
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

/* struct clone_args as far as CLONE_ARGS_SIZE_VER0 (64 bytes); glibc has no definition */
struct kk_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

/* ns, ns3, fork: creates a child with the raw syscall; returns the exit status */
static int do_clone(const char *how, const char *marker)
{
	char child[4096];
	long pid;

	if (snprintf(child, sizeof(child), "%s.child", marker) >= (int)sizeof(child))
		return 2;
	if (!strcmp(how, "ns")) {
		pid = syscall(SYS_clone, (unsigned long)(CLONE_NEWUTS | SIGCHLD), NULL, NULL, NULL, NULL);
	} else if (!strcmp(how, "ns3")) {
		struct kk_clone_args ca = { .flags = CLONE_NEWUTS, .exit_signal = SIGCHLD };

		pid = syscall(SYS_clone3, &ca, sizeof(ca));
	} else {
		pid = syscall(SYS_clone, (unsigned long)SIGCHLD, NULL, NULL, NULL, NULL);
	}
	if (pid == 0) {
		mark(child, "child");
		_exit(0);
	}
	if (pid < 0) {
		char msg[64];

		snprintf(msg, sizeof(msg), "%s failed", how);
		mark(marker, msg);
		return 1;
	}
	waitpid((pid_t)pid, NULL, 0);
	mark(marker, how);
	return 0;
}

int main(int argc, char **argv)
{
	char buf[64];

	if (argc < 3)
		return 2;
	if (!strcmp(argv[1], "ns") || !strcmp(argv[1], "ns3") || !strcmp(argv[1], "fork"))
		return do_clone(argv[1], argv[2]);
	if (!strcmp(argv[1], "connect") && argc >= 5) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[4])) };
		int fd = socket(AF_INET, SOCK_STREAM, 0), rc;

		inet_pton(AF_INET, argv[3], &sa.sin_addr);
		rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
		snprintf(buf, sizeof(buf), "connect %d", rc);
		mark(argv[2], buf);
		return 0;
	}
	if (!strcmp(argv[1], "open") && argc >= 4) {
		int fd = open(argv[3], O_RDONLY);

		snprintf(buf, sizeof(buf), "open %d", fd);
		mark(argv[2], buf);
		return 0;
	}
	if (!strcmp(argv[1], "unshare")) {
		int rc = unshare(CLONE_NEWUTS);

		snprintf(buf, sizeof(buf), "unshare %d", rc);
		mark(argv[2], buf);
		return 0;
	}
	if (!strcmp(argv[1], "ptrace")) {
		pid_t c = fork();
		long rc;

		if (c == 0) {
			/* a stopped child must not hold the test's output pipes open */
			int null = open("/dev/null", O_RDWR);

			if (null >= 0) {
				dup2(null, 0);
				dup2(null, 1);
				dup2(null, 2);
			}
			alarm(20); /* never outlives the test once running, even if orphaned */
			pause();
			_exit(0);
		}
		snprintf(buf, sizeof(buf), "%s.child", argv[2]);
		{
			char pid[32];

			snprintf(pid, sizeof(pid), "%d", (int)c);
			mark(buf, pid);
		}
		rc = ptrace(PTRACE_ATTACH, c, NULL, NULL);
		snprintf(buf, sizeof(buf), "ptrace %ld", rc);
		mark(argv[2], buf);
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		return 0;
	}
	return 2;
}
