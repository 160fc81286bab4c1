// SPDX-License-Identifier: Apache-2.0
/*
 * User-space kill latency of ward_kill_pid() (pidfd_open, start-time check, pidfd SIGKILL,
 * death observed by polling the pidfd). Per trial a fresh child writes its CLOCK_MONOTONIC
 * time to a pipe (its "offending syscall") and then either sleeps or spins; the killer reads
 * it, stamps the read, and kills. Reported per mode over N trials:
 *   read->signal  until pidfd_send_signal returned (ward's own work: pidfd, check, signal)
 *   read->death   what ward's user-space path costs once the event is in hand
 *   write->death  the same plus pipe wake-up (a stand-in for event delivery)
 * Median and p99 in microseconds. Not the in-kernel kill (bpf_send_signal), measured
 * by the sensor benchmark.
 *
 * Usage: kill_latency [TRIALS] (default 1000)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/timeutil.h"
#include "respond/respond.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t pct(uint64_t *v, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);

	return v[i < n ? i : n - 1];
}

static int trial(int busy, uint64_t *read_to_signal, uint64_t *read_to_death,
		 uint64_t *write_to_death)
{
	struct ward_kill_result r;
	struct ward_proc_stat st;
	uint64_t stamp = 0, t_read, t_death;
	int p[2], err;
	pid_t pid;

	if (pipe(p) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		uint64_t now;
		volatile uint64_t spin = 0;

		close(p[0]);
		now = ward_mono_ns();
		if (write(p[1], &now, sizeof(now)) != sizeof(now))
			_exit(1);
		if (busy)
			for (;;)
				spin++;
		for (;;)
			pause();
	}
	close(p[1]);
	/* the agent knows the start time from its process table before the event arrives */
	err = ward_proc_stat_read(pid, &st);
	if (!err && read(p[0], &stamp, sizeof(stamp)) != sizeof(stamp))
		err = -EIO;
	t_read = ward_mono_ns();
	if (!err)
		err = ward_kill_pid(pid, st.start, 5000, &r);
	/* ward_kill_pid returns as soon as poll() on the pidfd reports the exit */
	t_death = ward_mono_ns();
	if (!err && !r.confirmed)
		err = -ETIMEDOUT;
	close(p[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (err)
		return err;
	/* death_ns runs from just before the signal until death was seen */
	*read_to_signal = t_death - t_read - r.death_ns + r.signal_ns;
	*read_to_death = t_death - t_read;
	*write_to_death = t_death - stamp;
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;

	if (n < 10 || n > 1000000) {
		fprintf(stderr, "usage: kill_latency [TRIALS 10..1000000]\n");
		return 2;
	}
	uint64_t *rs = calloc((size_t)n, sizeof(*rs)), *rd = calloc((size_t)n, sizeof(*rd)),
		 *wd = calloc((size_t)n, sizeof(*wd));
	if (!rs || !rd || !wd)
		return 1;
	printf("%-8s %7s %17s %9s %16s %9s %17s %9s\n", "target", "trials", "read->signal p50",
	       "p99", "read->death p50", "p99", "write->death p50", "p99");
	for (int busy = 0; busy < 2; busy++) {
		for (long i = 0; i < n; i++) {
			int err = trial(busy, &rs[i], &rd[i], &wd[i]);

			if (err) {
				fprintf(stderr, "trial %ld: %s\n", i, strerror(-err));
				return 1;
			}
		}
		qsort(rs, (size_t)n, sizeof(*rs), cmp_u64);
		qsort(rd, (size_t)n, sizeof(*rd), cmp_u64);
		qsort(wd, (size_t)n, sizeof(*wd), cmp_u64);
		printf("%-8s %7ld %15.1fus %7.1fus %14.1fus %7.1fus %15.1fus %7.1fus\n",
		       busy ? "spinning" : "sleeping", n,
		       pct(rs, (size_t)n, 0.5) / 1e3, pct(rs, (size_t)n, 0.99) / 1e3,
		       pct(rd, (size_t)n, 0.5) / 1e3, pct(rd, (size_t)n, 0.99) / 1e3,
		       pct(wd, (size_t)n, 0.5) / 1e3, pct(wd, (size_t)n, 0.99) / 1e3);
	}
	free(rs);
	free(rd);
	free(wd);
	return 0;
}
