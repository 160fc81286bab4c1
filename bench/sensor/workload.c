// SPDX-License-Identifier: Apache-2.0
/*
 * Syscall-heavy workload for the sensor benchmark. Three phases, each timed on its own
 * with CLOCK_MONOTONIC and by CPU time (user + system, this process and its reaped
 * children; a tracepoint program runs in the context of the traced task, so its cost shows
 * here even when a busy machine blurs the wall clock):
 *   open     N1 open/close pairs of one regular file (openat under glibc)
 *   exec     N2 fork + execve("/bin/true") + waitpid
 *   connect  N3 loopback TCP connects to a listener served by a thread of this process
 * It prints one JSON object on stdout with each phase's count and seconds, so the runner
 * can parse it without guessing. It is not a test: it never judges the numbers.
 *
 * Usage: workload [-o N1] [-e N2] [-c N3] [-f FILE] [-r RATE]
 *   -r RATE paces the open phase at RATE open/close pairs per second (0: as fast as it
 *   can), so that ceiling.sh can offer a sensor a known event rate.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct server {
	int fd;
	atomic_long accepted;
	atomic_int is_stopping;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static double cpu_s(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return tv_s(self.ru_utime) + tv_s(self.ru_stime) + tv_s(kids.ru_utime) + tv_s(kids.ru_stime);
}

static int parse_count(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		return -EINVAL;
	*out = v;
	return 0;
}

/* sleep until the moment the i-th pair is due: absolute deadlines, so that a late batch
 * is caught up rather than the rate drifting */
static void pace(const struct timespec *start, long i, long rate)
{
	long long due_ns = (long long)((double)i * 1e9 / (double)rate);
	struct timespec ts = {
		.tv_sec = start->tv_sec + due_ns / 1000000000LL,
		.tv_nsec = start->tv_nsec + due_ns % 1000000000LL,
	};

	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int phase_open(const char *path, long n, long rate)
{
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long i = 0; i < n; i++) {
		int fd;

		/* batches of 64 keep the timer's own syscalls well under 2% of the traced ones */
		if (rate > 0 && i % 64 == 0)
			pace(&start, i, rate);
		fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			fprintf(stderr, "workload: open %s: %s\n", path, strerror(errno));
			return -errno;
		}
		close(fd);
	}
	return 0;
}

static int phase_exec(long n)
{
	static char *const argv[] = { "true", NULL };
	static char *const envp[] = { NULL };

	for (long i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "workload: fork: %s\n", strerror(errno));
			return -errno;
		}
		if (pid == 0) {
			execve("/bin/true", argv, envp);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "workload: /bin/true failed (status 0x%x)\n", status);
			return -ECHILD;
		}
	}
	return 0;
}

static void *serve(void *arg)
{
	struct server *srv = arg;

	for (;;) {
		int fd = accept4(srv->fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (atomic_load(&srv->is_stopping))
				break;
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fprintf(stderr, "workload: accept: %s\n", strerror(errno));
			break;
		}
		atomic_fetch_add(&srv->accepted, 1);
		close(fd);
	}
	return NULL;
}

static int phase_connect(long n, long *accepted)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sa_len = sizeof(sa);
	/* the client resets instead of closing: no TIME_WAIT, so N3 may exceed the
	 * ephemeral port range without running out of ports */
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct server srv = { .fd = -1 };
	pthread_t th;
	int err = 0;

	srv.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv.fd < 0 || bind(srv.fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(srv.fd, 4096) < 0 || getsockname(srv.fd, (struct sockaddr *)&sa, &sa_len) < 0) {
		fprintf(stderr, "workload: listener: %s\n", strerror(errno));
		return -errno;
	}
	if (pthread_create(&th, NULL, serve, &srv)) {
		close(srv.fd);
		return -EAGAIN;
	}
	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0) {
			err = -errno;
			fprintf(stderr, "workload: socket: %s\n", strerror(errno));
			break;
		}
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			err = -errno;
			fprintf(stderr, "workload: connect: %s\n", strerror(errno));
			close(fd);
			break;
		}
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fd);
	}
	/* let the server drain its queue (bounded wait), then wake it with shutdown */
	for (int i = 0; i < 2000 && atomic_load(&srv.accepted) < n; i++)
		usleep(1000);
	atomic_store(&srv.is_stopping, 1);
	shutdown(srv.fd, SHUT_RDWR);
	pthread_join(th, NULL);
	close(srv.fd);
	*accepted = atomic_load(&srv.accepted);
	return err;
}

int main(int argc, char **argv)
{
	long n_open = 1000000, n_exec = 20000, n_conn = 100000, accepted = 0, rate = 0;
	const char *path = "/etc/hostname";
	double t0, t_open, t_exec, t_conn, c0, c_open, c_exec, c_conn;
	int opt;

	while ((opt = getopt(argc, argv, "o:e:c:f:r:")) != -1) {
		int err = 0;

		switch (opt) {
		case 'o': err = parse_count(optarg, &n_open); break;
		case 'e': err = parse_count(optarg, &n_exec); break;
		case 'c': err = parse_count(optarg, &n_conn); break;
		case 'f': path = optarg; break;
		case 'r': err = parse_count(optarg, &rate); break;
		default: err = -EINVAL; break;
		}
		if (err) {
			fprintf(stderr, "usage: workload [-o N1] [-e N2] [-c N3] [-f FILE] [-r RATE]\n");
			return 2;
		}
	}
	c0 = cpu_s();
	t0 = now_s();
	if (phase_open(path, n_open, rate))
		return 1;
	t_open = now_s() - t0;
	c_open = cpu_s() - c0;
	c0 = cpu_s();
	t0 = now_s();
	if (phase_exec(n_exec))
		return 1;
	t_exec = now_s() - t0;
	c_exec = cpu_s() - c0;
	c0 = cpu_s();
	t0 = now_s();
	if (phase_connect(n_conn, &accepted))
		return 1;
	t_conn = now_s() - t0;
	c_conn = cpu_s() - c0;
	printf("{\"pid\":%d,\"open\":{\"n\":%ld,\"s\":%.6f,\"cpu\":%.6f},"
	       "\"exec\":{\"n\":%ld,\"s\":%.6f,\"cpu\":%.6f},"
	       "\"connect\":{\"n\":%ld,\"s\":%.6f,\"cpu\":%.6f,\"accepted\":%ld}}\n",
	       (int)getpid(), n_open, t_open, c_open, n_exec, t_exec, c_exec, n_conn, t_conn,
	       c_conn, accepted);
	return 0;
}
