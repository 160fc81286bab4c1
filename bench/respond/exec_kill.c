// SPDX-License-Identifier: Apache-2.0
/*
 * Exec-kill latency and the cost of kill policies on a fork+exec workload.
 *
 *   exec_kill latency TARGET TRIALS
 *     Per trial a fresh child stamps CLOCK_MONOTONIC into shared memory and calls
 *     execve(TARGET, [TARGET, "5"]) at once (TARGET: a copy of sleep whose name a kill rule
 *     matches); the parent waits for it (waitpid) and stamps the death. exec->death is what
 *     the reader gets: from the offending syscall's entry until the process is gone, for
 *     whichever path killed it (in-kernel at exec, or user space after the event). A trial
 *     whose child was not killed by SIGKILL is counted as a miss. Median and p99 in µs.
 *     The child's fd 3 is a pipe: a target that gets to run its main() writes a byte there,
 *     so the parent also counts how often the new image ran before the kill landed.
 *
 *   exec_kill baseline PROG TRIALS
 *     The same timing for a program that is not killed (counts every exit): what an exec
 *     and exit cost on their own, for comparison.
 *
 *   exec_kill loop PROG ITERS
 *     fork + execve(PROG) + waitpid, ITERS times; prints µs per iteration (median of 5
 *     batches). Run with and without policies loaded to see their cost.
 */
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t pct(const uint64_t *v, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);

	return v[i < n ? i : n - 1];
}

static int latency(const char *target, long trials, bool need_kill)
{
	volatile uint64_t *stamp = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint64_t *lat = calloc((size_t)trials, sizeof(*lat));
	size_t n = 0, misses = 0, ran = 0;

	if (stamp == MAP_FAILED || !lat)
		return 1;
	for (long i = 0; i < trials; i++) {
		char *const argv[] = { (char *)target, "5", NULL };
		uint64_t t_death;
		int st;
		pid_t pid;

		int pfd[2];
		char c;

		*stamp = 0;
		if (pipe(pfd) < 0)
			return 1;
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			/* fd 3 survives the exec: a target that gets to run writes a byte to it */
			close(pfd[0]);
			if (dup2(pfd[1], 3) < 0)
				_exit(126);
			*stamp = mono_ns();
			execve(target, argv, (char *const[]){ NULL });
			_exit(127);
		}
		if (waitpid(pid, &st, 0) < 0)
			return 1;
		t_death = mono_ns();
		close(pfd[1]);
		if (read(pfd[0], &c, 1) == 1)
			ran++;
		close(pfd[0]);
		if (!*stamp || (need_kill && (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL))) {
			misses++;
			continue;
		}
		lat[n++] = t_death - *stamp;
	}
	if (!n) {
		printf("latency: no trial was killed (%zu misses)\n", misses);
		return 1;
	}
	qsort(lat, n, sizeof(*lat), cmp_u64);
	printf("new image ran user code in %zu of %ld trials\n", ran, trials);
	printf("exec->death over %zu %s (%zu not counted): median %.1f us, p99 %.1f us, "
	       "min %.1f us, max %.1f us\n", n, need_kill ? "kills" : "exits", misses, (double)pct(lat, n, 0.5) / 1e3,
	       (double)pct(lat, n, 0.99) / 1e3, (double)lat[0] / 1e3, (double)lat[n - 1] / 1e3);
	return 0;
}

static int loop(const char *prog, long iters)
{
	uint64_t per[5];

	for (int b = 0; b < 5; b++) {
		uint64_t t0 = mono_ns();

		for (long i = 0; i < iters / 5; i++) {
			char *const argv[] = { (char *)prog, NULL };
			int st;
			pid_t pid = fork();

			if (pid < 0)
				return 1;
			if (pid == 0) {
				execve(prog, argv, (char *const[]){ NULL });
				_exit(127);
			}
			if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
				return 1;
		}
		per[b] = (mono_ns() - t0) / (uint64_t)(iters / 5);
	}
	qsort(per, 5, sizeof(per[0]), cmp_u64);
	printf("fork+exec+wait: %.1f us per iteration (median of 5 batches; min %.1f, max %.1f)\n",
	       (double)per[2] / 1e3, (double)per[0] / 1e3, (double)per[4] / 1e3);
	return 0;
}

int main(int argc, char **argv)
{
	long n;

	if (argc != 4 || (n = strtol(argv[3], NULL, 10)) < 5) {
		fprintf(stderr, "usage: exec_kill latency|baseline TARGET TRIALS | loop PROG ITERS\n");
		return 2;
	}
	if (!strcmp(argv[1], "latency"))
		return latency(argv[2], n, true);
	if (!strcmp(argv[1], "baseline"))
		return latency(argv[2], n, false);
	if (!strcmp(argv[1], "loop"))
		return loop(argv[2], n);
	fprintf(stderr, "unknown mode %s\n", argv[1]);
	return 2;
}
