/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's pidfile: a single-instance lock and the address `ward rules reload` signals.
 *
 * The agent holds a POSIX record lock (F_SETLK, write, whole file) on the pidfile for its
 * whole life. A POSIX lock rather than flock because F_GETLK names the holder's pid: reload
 * can then check that the pid written in the file is the process that holds the lock, so a
 * stale file (agent killed, pid reused) is never trusted. The lock is not inherited by forked
 * children and goes away when the agent dies, however it dies.
 *
 * The path is opened O_NOFOLLOW without O_TRUNC and locked; only then is the pid written, to
 * a new file that is locked before a rename makes it the path (readers never see it empty or
 * half written). Both inodes stay locked for the agent's life: a second agent that opened the
 * path just before the rename holds the old inode, and must find it locked too.
 * At exit the path is unlinked only while it still names our new inode. Not here: the
 * reload signal itself beyond the checks (see ward_pidfile_signal).
 */
#ifndef WARD_AGENT_PIDFILE_H
#define WARD_AGENT_PIDFILE_H

#include <stddef.h>
#include <sys/types.h>

struct ward_pidfile;

/* Creates (or reuses) path, locks it and writes this process's pid. Returns 0 with *out set,
 * -EBUSY when another process holds the lock, -ELOOP when path is a symbolic link, -EINVAL
 * when it is not a regular file, or -errno; msg says which, naming the path (and the holder's
 * pid when busy). Nothing is unlinked on failure. */
int ward_pidfile_acquire(const char *path, struct ward_pidfile **out, char *msg, size_t msg_len);

/* Unlinks the path if it still names our locked inode, then drops the lock. NULL is fine. */
void ward_pidfile_release(struct ward_pidfile *pf);

/* Sends sig to the agent named by the pidfile at path, after checking that the pid in it
 * holds the file's lock and runs a ward binary (/proc/PID/exe). Returns 0 with *pid set, or
 * -errno (-ESRCH: stale pidfile, nobody holds its lock; -EPERM: the pid is not a ward agent)
 * with msg saying why; then nothing was signalled. */
int ward_pidfile_signal(const char *path, int sig, pid_t *pid, char *msg, size_t msg_len);

#endif
