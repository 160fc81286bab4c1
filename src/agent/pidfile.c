// SPDX-License-Identifier: Apache-2.0
/*
 * Agent pidfile: single-instance lock, pid record, and the checks before signalling the pid
 * it names. See pidfile.h for why a POSIX record lock and why the file is written in place.
 */
#include "agent/pidfile.h"
#include "common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PID_TEXT_MAX 32

struct ward_pidfile {
	char *path;
	int fd_old;   /* the inode the path named when we locked it; kept locked (see below) */
	int fd;       /* the inode the path names now, holding our pid */
	dev_t dev;
	ino_t ino;
};

static void whole_file_lock(struct flock *fl, short type)
{
	memset(fl, 0, sizeof(*fl));
	fl->l_type = type;
	fl->l_whence = SEEK_SET; /* l_start = l_len = 0: the whole file, however long */
}

/* The pid holding a write-conflicting lock on fd, 0 when nobody does, or -errno. */
static long lock_holder(int fd)
{
	struct flock fl;

	whole_file_lock(&fl, F_WRLCK);
	if (fcntl(fd, F_GETLK, &fl) < 0)
		return -errno;
	return fl.l_type == F_UNLCK ? 0 : (long)fl.l_pid;
}

static void make_parent(const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return;
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755); /* an existing directory is fine; open below says what failed */
	}
}

/* Writes our pid to a new file beside path, locked before it is visible, and renames it over
 * path: a reader (systemd's PIDFile=, reload) sees the old content or the whole pid, never
 * an empty or half-written file. Returns the new file's fd (locked) with *st its identity,
 * or -errno with msg set; on failure path is untouched. */
static int write_renamed(const char *path, struct stat *st, char *msg, size_t msg_len)
{
	char tmp[PATH_MAX], buf[PID_TEXT_MAX];
	struct flock fl;
	int fd, n, err;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(msg, msg_len, "pidfile path %s is too long", path);
		return -ENAMETOOLONG;
	}
	fd = mkostemp(tmp, O_CLOEXEC); /* O_EXCL: a name planted there (a symlink) fails it */
	if (fd < 0) {
		err = -errno;
		snprintf(msg, msg_len, "cannot create pidfile %s: %s", tmp, strerror(-err));
		return err;
	}
	whole_file_lock(&fl, F_WRLCK);
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (fcntl(fd, F_SETLK, &fl) < 0 || fchmod(fd, 0644) < 0 ||
	    pwrite(fd, buf, (size_t)n, 0) != n || fsync(fd) < 0 || fstat(fd, st) < 0 ||
	    rename(tmp, path) < 0) {
		err = errno ? -errno : -EIO;
		unlink(tmp);
		close(fd);
		snprintf(msg, msg_len, "cannot write pidfile %s: %s", path, strerror(-err));
		return err;
	}
	return fd;
}

int ward_pidfile_acquire(const char *path, struct ward_pidfile **out, char *msg, size_t msg_len)
{
	struct ward_pidfile *pf;
	struct flock fl;
	struct stat st;
	int fd, fd_new, err;
	long holder;

	make_parent(path);
	/* no O_TRUNC: a second agent must not empty the running agent's file before it has
	 * the lock; O_NOFOLLOW: a planted symlink must not redirect the write */
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = -errno;
		if (err == -ELOOP)
			snprintf(msg, msg_len, "pidfile %s is a symbolic link: refusing to use it "
				 "(remove it or choose another --pidfile)", path);
		else
			snprintf(msg, msg_len, "cannot open pidfile %s: %s", path, strerror(-err));
		return err;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(msg, msg_len, "pidfile %s is not a regular file: refusing to use it", path);
		return -EINVAL;
	}
	whole_file_lock(&fl, F_WRLCK);
	if (fcntl(fd, F_SETLK, &fl) < 0) {
		err = -errno;
		holder = (err == -EAGAIN || err == -EACCES) ? lock_holder(fd) : 0;
		close(fd);
		if (err == -EAGAIN || err == -EACCES) {
			snprintf(msg, msg_len, "another agent (pid %ld) holds the pidfile %s: stop it "
				 "first, or give this one its own --pidfile", holder, path);
			return -EBUSY;
		}
		snprintf(msg, msg_len, "cannot lock pidfile %s: %s", path, strerror(-err));
		return err;
	}
	fd_new = write_renamed(path, &st, msg, msg_len);
	if (fd_new < 0) {
		close(fd);
		return fd_new;
	}
	pf = ward_xcalloc(1, sizeof(*pf));
	pf->path = ward_xstrdup(path);
	pf->fd_old = fd;
	pf->fd = fd_new;
	pf->dev = st.st_dev;
	pf->ino = st.st_ino;
	*out = pf;
	return 0;
}

void ward_pidfile_release(struct ward_pidfile *pf)
{
	struct stat st;

	if (!pf)
		return;
	/* still ours: the path names the inode we locked (someone may have replaced it); the
	 * lock is held until close, so no other agent can have taken this inode meanwhile */
	if (lstat(pf->path, &st) == 0 && st.st_dev == pf->dev && st.st_ino == pf->ino)
		unlink(pf->path);
	close(pf->fd);
	close(pf->fd_old);
	free(pf->path);
	free(pf);
}

/* True when /proc/PID/exe is this very binary, or a binary named ward (the package was
 * upgraded under the running agent, so the inodes differ). */
static int is_ward(long pid, char *why, size_t why_len)
{
	char link[64], target[PATH_MAX];
	struct stat self, other;
	const char *base;
	ssize_t n;
	size_t len;

	snprintf(link, sizeof(link), "/proc/%ld/exe", pid);
	if (stat(link, &other) == 0 && stat("/proc/self/exe", &self) == 0 &&
	    self.st_dev == other.st_dev && self.st_ino == other.st_ino)
		return 0;
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		int err = -errno;

		snprintf(why, why_len, "cannot read %s: %s", link, strerror(-err));
		return err == -ENOENT ? -ESRCH : err;
	}
	target[n] = '\0';
	len = (size_t)n;
	if (len > 10 && strcmp(target + len - 10, " (deleted)") == 0)
		target[len - 10] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strcmp(base, "ward") == 0)
		return 0;
	snprintf(why, why_len, "pid %ld is not a ward agent (%s is %s)", pid, link, target);
	return -EPERM;
}

int ward_pidfile_signal(const char *path, int sig, pid_t *out_pid, char *msg, size_t msg_len)
{
	char buf[PID_TEXT_MAX] = "", why[PATH_MAX + 128];
	char *end;
	long pid, holder;
	ssize_t n;
	int fd, pidfd = -1, err;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		snprintf(msg, msg_len, "no running agent: cannot open %s: %s", path, strerror(-err));
		return err;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (n <= 0 || errno || end == buf || pid <= 1 || pid > INT_MAX || (*end && *end != '\n')) {
		close(fd);
		snprintf(msg, msg_len, "%s does not hold a pid", path);
		return -EINVAL;
	}
	/* a pidfd pins the process: if pid N dies and the number is reused after the checks
	 * below, the signal fails instead of reaching the newcomer */
	pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	if (pidfd < 0 && errno == ESRCH) {
		close(fd);
		snprintf(msg, msg_len, "stale pidfile %s: no process %ld (the agent is not running)",
			 path, pid);
		return -ESRCH;
	}
	holder = lock_holder(fd);
	close(fd);
	if (holder <= 0) {
		err = holder < 0 ? (int)holder : -ESRCH;
		snprintf(msg, msg_len, "stale pidfile %s: no agent holds its lock (pid %ld, which it "
			 "names, was not signalled)", path, pid);
		goto out;
	}
	if (holder != pid) {
		err = -ESRCH;
		snprintf(msg, msg_len, "pidfile %s names pid %ld but pid %ld holds its lock: "
			 "nothing signalled", path, pid, holder);
		goto out;
	}
	err = is_ward(pid, why, sizeof(why));
	if (err) {
		snprintf(msg, msg_len, "%s: %s; nothing signalled", path, why);
		goto out;
	}
	if (pidfd >= 0)
		err = syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
	else
		err = kill((pid_t)pid, sig) < 0 ? -errno : 0; /* kernels without pidfds */
	if (err) {
		snprintf(msg, msg_len, "cannot signal agent pid %ld: %s", pid, strerror(-err));
		goto out;
	}
	*out_pid = (pid_t)pid;
	snprintf(msg, msg_len, "pid %ld", pid);
out:
	if (pidfd >= 0)
		close(pidfd);
	return err;
}
