// SPDX-License-Identifier: Apache-2.0
/*
 * Static helper that performs one attack technique for the detection tests, so the same
 * binary works on the host and inside minimal containers.
 *   attack packet                 open an AF_PACKET socket
 *   attack redirect HOST PORT     connect, then dup2 the socket onto 0, 1 and 2
 *   attack ptrace                 fork a child and PTRACE_ATTACH to it
 *   attack traceme                PTRACE_TRACEME (anti-debug)
 *   attack connect HOST PORT      one TCP connect
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef AF_PACKET
#define AF_PACKET 17
#endif

static int tcp_connect(const char *host, const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int s = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_port = htons((unsigned short)strtol(port, NULL, 10));
	inet_pton(AF_INET, host, &sa.sin_addr);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("connect");
		return -1;
	}
	return s;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "packet")) {
		int s = socket(AF_PACKET, SOCK_RAW, 0);

		printf("packet socket: %d\n", s);
		return s < 0;
	}
	if (!strcmp(argv[1], "redirect") && argc == 4) {
		int s = tcp_connect(argv[2], argv[3]);

		if (s < 0)
			return 1;
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		return 0;
	}
	if (!strcmp(argv[1], "connect") && argc == 4)
		return tcp_connect(argv[2], argv[3]) < 0;
	if (!strcmp(argv[1], "ptrace")) {
		pid_t c = fork();

		if (c == 0) {
			pause();
			_exit(0);
		}
		if (ptrace(PTRACE_ATTACH, c, NULL, NULL) < 0)
			perror("ptrace");
		waitpid(c, NULL, 0);
		kill(c, SIGKILL);
		return 0;
	}
	if (!strcmp(argv[1], "traceme"))
		return ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0;
	return 2;
}
