// SPDX-License-Identifier: Apache-2.0
/*
 * A marker program for the in-kernel kill tests: does one syscall, then writes a marker
 * file (argv[2]) so the test can tell whether the process got back to user space.
 *   kkprobe connect MARKER IP PORT
 *   kkprobe open MARKER PATH
 *   kkprobe unshare MARKER
 *   kkprobe ptrace MARKER      (forks a child, writes its pid to MARKER.child, then
 *                               PTRACE_ATTACHes to it)
 * The test copies this binary under different names (the comm the rules match).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
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
	char buf[64];

	if (argc < 3)
		return 2;
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
