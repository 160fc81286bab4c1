// SPDX-License-Identifier: Apache-2.0
/*
 * User-space kill: SIGKILL through a pidfd, so the signal reaches the process that was
 * checked and never a later process that reused its pid; and whole-cgroup kill for
 * containers. Not the in-kernel kill (bpf_send_signal in the sensor), which stops the
 * offending syscall itself; this one acts after the event reached user space.
 */
#include "respond/respond.h"

#include "common/limits.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KILL_POLL_MS 5

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_kill_(int pidfd)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
}

static int remaining_ms(uint64_t deadline)
{
	uint64_t now = ward_mono_ns();

	return now >= deadline ? 0 : (int)((deadline - now + 999999) / 1000000);
}

int ward_kill_pid(pid_t pid, uint64_t start, int wait_ms, struct ward_kill_result *res)
{
	struct ward_kill_result r = { 0 };
	struct ward_proc_stat st;
	struct pollfd pfd;
	uint64_t t0, deadline;
	int fd, err = 0;

	if (pid <= 0)
		return -EINVAL;
	fd = pidfd_open_(pid);
	if (fd < 0)
		return -errno;
	/* The pidfd now names whoever holds the pid; the start time proves it is still the
	 * process that was resolved and checked. */
	if (start) {
		err = ward_proc_stat_read(pid, &st);
		if (!err && st.start != start)
			err = -ESRCH;
		if (err)
			goto out;
	}
	t0 = ward_mono_ns();
	if (pidfd_kill_(fd) < 0) {
		err = -errno;
		goto out;
	}
	r.signal_ns = ward_mono_ns() - t0;
	r.killed_cnt = 1;
	if (wait_ms > 0) {
		deadline = t0 + (uint64_t)wait_ms * 1000000ull;
		pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
		for (;;) {
			int n = poll(&pfd, 1, remaining_ms(deadline));

			if (n < 0 && errno == EINTR)
				continue;
			if (n > 0) {
				r.death_ns = ward_mono_ns() - t0;
				r.confirmed = true;
			}
			break;
		}
		if (!r.confirmed)
			err = -ETIMEDOUT;
	}
	if (res)
		*res = r;
out:
	close(fd);
	return err;
}

static int cgroup_empty(const struct ward_target *t)
{
	pid_t one[1];
	int n = ward_target_pids(t, one, 1);

	/* -WARD_E_LIMIT means at least two are left */
	return n == 0 ? 1 : (n == -ENOENT ? 1 : 0);
}

int ward_kill_cgroup(const struct ward_target *t, int wait_ms, struct ward_kill_result *res)
{
	struct ward_kill_result r = { 0 };
	char path[PATH_MAX + 16];
	pid_t *pids;
	uint64_t t0, deadline;
	int n, err = 0;

	pids = ward_xcalloc(WARD_RESPOND_MAX_PIDS, sizeof(pid_t));
	n = ward_target_pids(t, pids, WARD_RESPOND_MAX_PIDS);
	if (n < 0 && n != -WARD_E_LIMIT) {
		err = n;
		goto out;
	}
	r.killed_cnt = n < 0 ? WARD_RESPOND_MAX_PIDS : (size_t)n;
	t0 = ward_mono_ns();
	deadline = t0 + (uint64_t)(wait_ms > 0 ? wait_ms : 0) * 1000000ull;
	/* cgroup.kill (5.14+) kills the whole subtree atomically, forks included */
	if (ward_cgroup_v2_is_child(t->cg_v2) &&
	    snprintf(path, sizeof(path), "%s/cgroup.kill", t->cg_v2) < (int)sizeof(path) &&
	    access(path, W_OK) == 0) {
		err = ward_write_file(path, "1");
		if (err)
			goto out;
		r.signal_ns = ward_mono_ns() - t0;
	} else {
		/* Without cgroup.kill a process may fork while we iterate: repeat until the
		 * cgroup is empty or the deadline passes. */
		size_t rounds = 0;

		for (;;) {
			for (int i = 0; i < n; i++) {
				int e = ward_kill_pid(pids[i], 0, 0, NULL);

				if (e && e != -ESRCH && !err)
					err = e;
			}
			if (!r.signal_ns)
				r.signal_ns = ward_mono_ns() - t0;
			if (err || ++rounds > 1000 || remaining_ms(deadline) == 0)
				break;
			n = ward_target_pids(t, pids, WARD_RESPOND_MAX_PIDS);
			if (n == 0 || n == -ENOENT)
				break;
			if (n < 0 && n != -WARD_E_LIMIT) {
				err = n;
				break;
			}
			if (n < 0)
				n = WARD_RESPOND_MAX_PIDS;
			usleep(KILL_POLL_MS * 1000);
		}
		if (err)
			goto out;
	}
	if (wait_ms > 0) {
		while (!(r.confirmed = cgroup_empty(t)) && remaining_ms(deadline) > 0)
			usleep(KILL_POLL_MS * 1000);
		if (r.confirmed)
			r.death_ns = ward_mono_ns() - t0;
		else
			err = -ETIMEDOUT;
	}
	if (res)
		*res = r;
out:
	free(pids);
	return err;
}
