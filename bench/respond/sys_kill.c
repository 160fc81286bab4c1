// SPDX-License-Identifier: Apache-2.0
/*
 * Syscall-to-death latency of in-kernel kills at connect and open.
 *
 *   sys_kill connect IP PORT TRIALS
 *   sys_kill open PATH TRIALS
 *     Per trial a fresh child (same comm as this program, which the kill rule names) stamps
 *     CLOCK_MONOTONIC into shared memory right before the syscall; the parent waits for it
 *     (waitpid) and stamps the death. A child that returns from the syscall writes a flag
 *     and exits 0: counted as "returned" (the kill came too late or not at all). Prints
 *     median and p99 of syscall->death in µs over the killed trials.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct shared {
	volatile unsigned long long t0;
	volatile int returned;
};

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int is_conn, trials, killed = 0, returned = 0, other = 0;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	double *us;

	if (argc < 4 || sh == MAP_FAILED)
		return 2;
	is_conn = !strcmp(argv[1], "connect");
	if (is_conn && argc < 5)
		return 2;
	trials = atoi(argv[is_conn ? 4 : 3]);
	if (trials <= 0)
		return 2;
	if (is_conn) {
		inet_pton(AF_INET, argv[2], &sa.sin_addr);
		sa.sin_port = htons((unsigned short)atoi(argv[3]));
	}
	us = calloc((size_t)trials, sizeof(*us));
	for (int i = 0; i < trials; i++) {
		pid_t p;
		int st;
		unsigned long long t1;

		sh->returned = 0;
		p = fork();
		if (p == 0) {
			int fd = is_conn ? socket(AF_INET, SOCK_STREAM, 0) : -1;

			sh->t0 = now_ns();
			if (is_conn)
				connect(fd, (struct sockaddr *)&sa, sizeof(sa));
			else
				fd = open(argv[2], O_RDONLY);
			sh->returned = 1;
			_exit(0);
		}
		if (p < 0 || waitpid(p, &st, 0) < 0)
			return 1;
		t1 = now_ns();
		if (WIFSIGNALED(st) && WTERMSIG(st) == 9 && !sh->returned)
			us[killed++] = (double)(t1 - sh->t0) / 1000.0;
		else if (sh->returned)
			returned++;
		else
			other++;
	}
	qsort(us, (size_t)killed, sizeof(*us), cmp);
	printf("%s: %d trials, %d killed, %d returned from the syscall, %d other", argv[1], trials,
	       killed, returned, other);
	if (killed)
		printf("; syscall->death median %.1f us, p99 %.1f us", us[killed / 2],
		       us[(size_t)((double)killed * 0.99) < (size_t)killed ? (size_t)((double)killed * 0.99) : (size_t)killed - 1]);
	printf("\n");
	free(us);
	return 0;
}
